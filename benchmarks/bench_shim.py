"""Cost of the legacy shim over the RTM core it runs on, measured in one run.

Run: ``python benchmarks/bench_shim.py [--messages N] [--repeats R] [--flavour cpp|java]``

* peer: legacy ``messageInstantSend`` -> receiver ``onMessageInstantReceive`` + sender
  ``onMessageSendSuccess``, beside RTM ``sendMessageToPeer`` -> ``onMessageReceivedFromPeer``
  + ``onSendMessageResult`` on the same kind of core;
* channel: legacy ``messageChannelSend`` to a channel of 20 (with the echo) beside RTM
  ``RtmChannel.sendMessage`` to the same channel.

Both paths run on a fresh embedded core with the deterministic scheduler, so the figures
compare the work done per message, not thread scheduling; medians of R runs, and the ratio
(goal: the shim costs at most 15 % over the direct path, i.e. ratio >= 0.87).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import rtm
from adapters.signaling import ShimWorld
from adapters.signaling.profile import LEGACY_LIMITS
from legacy_signaling.callback import ICallBack
from rtm import Rate, ServiceConfig
from rtm.scheduler import DeterministicScheduler

APP = "benchmark00000000000000000000000"
#: Sends between one-second clock steps: under the legacy quota of 60 per second.
QUOTA_STEP = 50
def _limits() -> rtm.Limits:
    import attrs

    rates = attrs.evolve(LEGACY_LIMITS.rates, messages=Rate(10**12, 1.0))
    return attrs.evolve(LEGACY_LIMITS, rates=rates)


class Count(ICallBack):
    def __init__(self) -> None:
        self.n = 0

    def onMessageSendSuccess(self, messageID: str) -> None:
        self.n += 1

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        self.n += 1

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        self.n += 1


def median_rate(run: Callable[[], int], repeats: int) -> float:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        n = run()
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def shim_peer(messages: int, flavour: str) -> Callable[[], int]:
    world = ShimWorld(
        APP,
        flavour=flavour,
        core=rtm.EmbeddedCore(DeterministicScheduler(), ServiceConfig(limits=_limits())),
    )
    alice, bob = world.createAgoraSDKInstance(APP), world.createAgoraSDKInstance(APP)
    counter = Count()
    for api, name in ((alice, "alice"), (bob, "bob")):
        api.callbackSet(counter)
        api.login(APP, name, "_no_need_token", 0, "")
    world.run_until_idle()

    def run() -> int:
        counter.n = 0
        for i in range(messages):
            alice.messageInstantSend("bob", 0, "ping", str(i))
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                world.advance(1.0)  # stay within the legacy quota of 60 sends per second
        world.run_until_idle()
        assert counter.n == 2 * messages, counter.n
        return messages

    return run


def direct_peer(messages: int) -> Callable[[], int]:
    scheduler = DeterministicScheduler()
    core = rtm.EmbeddedCore(scheduler, ServiceConfig(limits=_limits()))
    counter = [0]

    class H(rtm.IRtmServiceEventHandler):
        def onMessageReceivedFromPeer(self, peerId: str, message: Any) -> None:
            counter[0] += 1

        def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
            counter[0] += 1

    a, b = rtm.createRtmService(core), rtm.createRtmService(core)
    for c, name in ((a, "alice"), (b, "bob")):
        c.initialize(APP, H())
        c.login(None, name)
    core.run_until_idle()
    options = rtm.SendMessageOptions(True)

    def run() -> int:
        counter[0] = 0
        for i in range(messages):
            a.sendMessageToPeer("bob", a.createMessage("ping"), options)
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                scheduler.advance(1.0)  # the same clock steps as the shim path
        core.run_until_idle()
        assert counter[0] == 2 * messages
        return messages

    return run


def shim_channel(messages: int, members: int, flavour: str) -> Callable[[], int]:
    world = ShimWorld(
        APP,
        flavour=flavour,
        core=rtm.EmbeddedCore(DeterministicScheduler(), ServiceConfig(limits=_limits())),
    )
    counter = Count()
    apis = []
    for i in range(members):
        api = world.createAgoraSDKInstance(APP)
        api.callbackSet(counter)
        api.login(APP, f"u{i}", "_no_need_token", 0, "")
        world.run_until_idle()
        api.channelJoin("big")
        world.run_until_idle()
        apis.append(api)
    sender = apis[0]

    def run() -> int:
        counter.n = 0
        for i in range(messages):
            sender.messageChannelSend("big", "hello", str(i))
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                world.advance(1.0)
        world.run_until_idle()
        assert counter.n == (members + 1) * messages, counter.n  # echo + success
        return messages * members

    return run


def direct_channel(messages: int, members: int) -> Callable[[], int]:
    scheduler = DeterministicScheduler()
    core = rtm.EmbeddedCore(scheduler, ServiceConfig(limits=_limits()))
    counter = [0]

    class C(rtm.IChannelEventHandler):
        def onMessageReceived(self, userId: str, message: Any) -> None:
            counter[0] += 1

        def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
            counter[0] += 1

    channels = []
    for i in range(members):
        c = rtm.createRtmService(core)
        c.initialize(APP, rtm.IRtmServiceEventHandler())
        c.login(None, f"u{i}")
        core.run_until_idle()
        ch = c.createChannel("big", C())
        assert ch is not None
        ch.join()
        core.run_until_idle()
        channels.append((c, ch))
    client, channel = channels[0]

    def run() -> int:
        counter[0] = 0
        for i in range(messages):
            channel.sendMessage(client.createMessage("hello"))
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                scheduler.advance(1.0)
        core.run_until_idle()
        assert counter[0] == members * messages
        return messages * members

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--channel-messages", type=int, default=500)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--flavour", choices=("cpp", "java"), default="cpp")
    args = parser.parse_args()
    rows = [
        (
            "peer messages (msg/s)",
            median_rate(shim_peer(args.messages, args.flavour), args.repeats),
            median_rate(direct_peer(args.messages), args.repeats),
        ),
        (
            f"channel messages to {args.members} (deliveries/s)",
            median_rate(
                shim_channel(args.channel_messages, args.members, args.flavour), args.repeats
            ),
            median_rate(direct_channel(args.channel_messages, args.members), args.repeats),
        ),
    ]
    title = f"benchmark ({args.flavour} table)"
    print(f"{title:<44}{'shim/s':>12}{'direct/s':>12}{'ratio':>8}{'overhead':>10}")
    for name, shim, direct in rows:
        ratio, overhead = shim / direct, direct / shim - 1
        print(f"{name:<44}{shim:>12,.0f}{direct:>12,.0f}{ratio:>8.0%}{overhead:>10.0%}")


if __name__ == "__main__":
    main()
