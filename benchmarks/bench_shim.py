"""Cost of the legacy shim over the RTM core it runs on, measured in one run.

Run: ``python benchmarks/bench_shim.py [--messages N] [--repeats R] [--flavour cpp|java]``

* peer: legacy ``messageInstantSend`` -> receiver ``onMessageInstantReceive`` + sender
  ``onMessageSendSuccess``, beside RTM ``sendMessageToPeer`` -> ``onMessageReceivedFromPeer``
  + ``onSendMessageResult`` on the same kind of core;
* channel: legacy ``messageChannelSend`` to a channel of 20 (with the echo) beside RTM
  ``RtmChannel.sendMessage`` to the same channel.

Both paths run on a fresh embedded core with the deterministic scheduler, so the figures
compare the work done per message, not thread scheduling. The two run in alternation
(``benchmarks/abab.py``: R rounds of shim, direct; each repeat at least 0.3 s; the ratio
per round, median and spread; the load printed). ``--messages`` and ``--channel-messages``
are the least number of messages per repeat. Goal: the shim costs at most 50 % over the
direct path (issue 9: shim <= 1.5x direct), 15 % in the longer term.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from typing import Any

import rtm

try:
    from benchmarks.abab import Side, calibrate, compare, format_spread
except ImportError:  # run as ``python benchmarks/bench_shim.py``: this folder is on sys.path
    from abab import Side, calibrate, compare, format_spread  # type: ignore[import-not-found,no-redef]
from adapters.signaling import ShimWorld
from adapters.signaling.profile import LEGACY_LIMITS
from legacy_signaling.callback import ICallBack
from rtm import Rate, ServiceConfig
from rtm.scheduler import DeterministicScheduler

APP = "benchmark00000000000000000000000"
#: Sends between one-second clock steps: under the legacy quota of 60 per second.
QUOTA_STEP = 50
MIN_SECONDS = 0.3


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


def shim_peer(messages: int, flavour: str) -> Callable[[int], int]:
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

    def run(messages: int = messages) -> int:
        counter.n = 0
        world.advance(1.0)  # a fresh quota second (the last repeat may end mid-step)
        for i in range(messages):
            alice.messageInstantSend("bob", 0, "ping", str(i))
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                world.advance(1.0)  # stay within the legacy quota of 60 sends per second
        world.run_until_idle()
        assert counter.n == 2 * messages, counter.n
        return messages

    return run


def direct_peer(messages: int) -> Callable[[int], int]:
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

    def run(messages: int = messages) -> int:
        counter[0] = 0
        scheduler.advance(1.0)  # as on the shim path
        for i in range(messages):
            a.sendMessageToPeer("bob", a.createMessage("ping"), options)
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                scheduler.advance(1.0)  # the same clock steps as the shim path
        core.run_until_idle()
        assert counter[0] == 2 * messages
        return messages

    return run


def shim_channel(messages: int, members: int, flavour: str) -> Callable[[int], int]:
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

    def run(messages: int = messages) -> int:
        counter.n = 0
        world.advance(1.0)  # a fresh quota second (the last repeat may end mid-step)
        for i in range(messages):
            sender.messageChannelSend("big", "hello", str(i))
            if i % QUOTA_STEP == QUOTA_STEP - 1:
                world.advance(1.0)
        world.run_until_idle()
        assert counter.n == (members + 1) * messages, counter.n  # echo + success
        return messages * members

    return run


def direct_channel(messages: int, members: int) -> Callable[[int], int]:
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

    def run(messages: int = messages) -> int:
        counter[0] = 0
        scheduler.advance(1.0)  # as on the shim path
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
    figures = [
        (
            "peer messages (msg/s)",
            shim_peer(args.messages, args.flavour),
            direct_peer(args.messages),
            args.messages,
        ),
        (
            f"channel messages to {args.members} (deliveries/s)",
            shim_channel(args.channel_messages, args.members, args.flavour),
            direct_channel(args.channel_messages, args.members),
            args.channel_messages,
        ),
    ]
    title = f"benchmark ({args.flavour} table)"
    print(f"{title:<40}{'shim/s':>12}{'direct/s':>12}  shim / direct per round")
    for name, shim, direct, start in figures:
        sides = [Side("shim", shim), Side("direct", direct)]
        for side in sides:  # whole quota steps, each repeat at least 0.3 s
            side.n = max(start, calibrate(side, MIN_SECONDS, start=QUOTA_STEP))
        result = compare(sides, "direct", args.repeats, MIN_SECONDS)
        ratios = result.ratios("shim")
        print(
            f"{name:<40}{result.median_rate('shim'):>12,.0f}"
            f"{result.median_rate('direct'):>12,.0f}  {format_spread(ratios)}"
            f"  overhead {1 / statistics.median(ratios) - 1:.0%}"
        )
        print(f"  {result.load}\n  {result.cpu}")


if __name__ == "__main__":
    main()
