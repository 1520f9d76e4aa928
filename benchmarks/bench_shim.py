"""What the legacy shim costs over the RTM core it runs on: shim time / direct time.

Run: ``python benchmarks/bench_shim.py [--pairs 7] [--seconds 0.3] [--flavour cpp java]
[--scheduler deterministic threaded] [--burst 100] [--calls]``

* peer: legacy ``messageInstantSend`` -> receiver ``onMessageInstantReceive`` + sender
  ``onMessageSendSuccess``, beside RTM ``sendMessageToPeer`` -> ``onMessageReceivedFromPeer``
  + ``onSendMessageResult`` on the same kind of core;
* channel: legacy ``messageChannelSend`` to a channel of 20 (with the echo and success) beside
  RTM ``RtmChannel.sendMessage`` to the same channel (deliveries + result).

How it cannot flatter: the two sides run alternately (shim, direct, shim, direct ...), each
repeat long enough to be measured (``--seconds`` of CPU, at least 0.3 s: the message count is
calibrated first), every repeat asserts that all its callbacks arrived, and the figure is the
median of the per-pair ratios with their spread, printed with the machine's load. Time is
the process's CPU time (``time.process_time``, every thread of it), so other processes on a
shared machine slow neither side; the waiting of the threaded scheduler's callers is not
CPU time, its threads' work is.

What the ratio means: how many times longer the same traffic takes through the legacy API
than through RTM's own API on the same core, with the legacy rules active (argument checks,
send quotas — raised here so that the benchmark, not the quota, sets the pace — message IDs,
the call registry, the echo). What it does not mean: network cost (embedded core, no
sockets), nor the legacy SDK's speed (its servers are gone).

Bursts (deterministic scheduler): that scheduler runs nothing until asked, so a repeat
that queued all its messages first (tens of thousands) and ran them at the end measured the
garbage collector walking that backlog — about 30 % of either side's time, and whether a
repeat saw 3 or 4 full collections decided its pair's ratio (1.41× or 1.71× in one sitting).
A running core keeps up with its senders, so each repeat now runs the queued work after
every ``--burst`` messages (100); ``--burst 0`` measures the whole-repeat backlog as before.
The threaded scheduler's core runs beside the sender, as in an app: no bursts there.

``--calls`` also counts Python function calls per message on each side (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs

import rtm
from adapters.signaling import ShimWorld
from adapters.signaling.profile import LEGACY_LIMITS
from legacy_signaling.callback import ICallBack
from rtm import Rate, ServiceConfig
from rtm.scheduler import DeterministicScheduler, ThreadedScheduler

APP = "benchmark00000000000000000000000"
#: Legacy send quotas raised past what the benchmark sends (their checks still run).
QUOTA = 10**9
#: A threaded repeat must finish within this many seconds, or the benchmark fails.
WAIT_S = 120.0
#: On the deterministic scheduler, a repeat runs the queued work after every BURST messages.
BURST = 100

#: Builds one side: returns run(n) -> callbacks expected, and a stop().
Side = Callable[[int], Callable[[], None]]


def _limits() -> rtm.Limits:
    rates = attrs.evolve(LEGACY_LIMITS.rates, messages=Rate(10**12, 1.0))
    return attrs.evolve(LEGACY_LIMITS, rates=rates)


def _core(scheduler: str) -> rtm.EmbeddedCore:
    sched = DeterministicScheduler() if scheduler == "deterministic" else ThreadedScheduler()
    return rtm.EmbeddedCore(sched, ServiceConfig(limits=_limits()))


class Counter:
    """Counts callbacks; a threaded run waits on it (and fails if it does not complete)."""

    def __init__(self) -> None:
        self.n = 0

    def wait(self, core: rtm.EmbeddedCore, expected: int) -> None:
        if isinstance(core.scheduler, DeterministicScheduler):
            core.scheduler.run_until_idle()
        else:
            deadline = time.monotonic() + WAIT_S
            while self.n < expected and time.monotonic() < deadline:
                time.sleep(0.0005)
        assert self.n == expected, f"{self.n} of {expected} callbacks arrived"


class LegacyCount(ICallBack):
    def __init__(self, counter: Counter) -> None:
        self.c = counter

    def onMessageSendSuccess(self, messageID: str) -> None:
        self.c.n += 1

    def onMessageSendError(self, messageID: str, ecode: int) -> None:
        raise AssertionError(f"send {messageID} failed: {ecode}")

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        self.c.n += 1

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        self.c.n += 1


@attrs.define
class Setup:
    """One side of a comparison: send ``n`` messages and wait for every callback."""

    core: rtm.EmbeddedCore
    counter: Counter
    send: Callable[[int], object]
    per_message: int
    #: Deterministic scheduler: run the queued work after every ``burst`` messages (0: only
    #: at the end of the repeat). See the module's docstring.
    burst: int = BURST

    def run(self, n: int) -> float:
        """CPU seconds this process spent on ``n`` messages (all its threads): the load of
        other processes on this shared machine does not count, only this work's."""
        self.counter.n = 0
        sched = self.core.scheduler
        deterministic = isinstance(sched, DeterministicScheduler)
        burst = self.burst if deterministic else 0
        send = self.send
        start = time.process_time()
        if burst:
            for first in range(0, n, burst):
                for i in range(first, min(n, first + burst)):
                    send(i)
                self.core.run_until_idle()
        else:
            for i in range(n):
                send(i)
        self.counter.wait(self.core, n * self.per_message)
        return time.process_time() - start


def _world(scheduler: str, flavour: str) -> ShimWorld:
    return ShimWorld(
        APP, flavour=flavour, core=_core(scheduler), send_quota=QUOTA, channel_quota=QUOTA
    )


def _login(world: ShimWorld, name: str, counter: Counter) -> Any:
    api = world.createAgoraSDKInstance(APP)
    api.callbackSet(LegacyCount(counter))
    api.login(APP, name, "_no_need_token", 0, "")
    world.run_until_idle()
    return api


def shim_peer(scheduler: str, flavour: str) -> Setup:
    world, counter = _world(scheduler, flavour), Counter()
    alice = _login(world, "alice", counter)
    _login(world, "bob", counter)
    return Setup(
        world.core, counter, lambda i: alice.messageInstantSend("bob", 0, "ping", str(i)), 2
    )


def direct_peer(scheduler: str, flavour: str) -> Setup:
    """RTM's own API in the table's style: C++ event handlers, or Java listeners and a
    ResultCallback per send (one shared instance: the cheapest a Java app could do)."""
    if flavour == "java":
        return _direct_peer_java(scheduler)
    core, counter = _core(scheduler), Counter()

    class H(rtm.IRtmServiceEventHandler):
        def onMessageReceivedFromPeer(self, peerId: str, message: Any) -> None:
            counter.n += 1

        def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
            counter.n += 1

    a, b = rtm.createRtmService(core), rtm.createRtmService(core)
    for c, name in ((a, "alice"), (b, "bob")):
        c.initialize(APP, H())
        c.login(None, name)
    core.run_until_idle()
    options = rtm.SendMessageOptions(True)
    return Setup(
        core, counter, lambda i: a.sendMessageToPeer("bob", a.createMessage("ping"), options), 2
    )


class _Count(rtm.ResultCallback[Any]):
    def __init__(self, counter: Counter) -> None:
        self.c = counter

    def onSuccess(self, responseInfo: Any) -> None:
        self.c.n += 1

    def onFailure(self, errorInfo: Any) -> None:
        raise AssertionError(f"send failed: {errorInfo}")


def _direct_peer_java(scheduler: str) -> Setup:
    core, counter = _core(scheduler), Counter()

    class L(rtm.RtmClientListener):
        def onMessageReceived(self, message: Any, peerId: str) -> None:
            counter.n += 1

    a = rtm.RtmClient.createInstance(APP, L(), core)
    b = rtm.RtmClient.createInstance(APP, L(), core)
    a.login(None, "alice", None)
    b.login(None, "bob", None)
    core.run_until_idle()
    options, done = rtm.SendMessageOptions(True), _Count(counter)
    return Setup(
        core,
        counter,
        lambda i: a.sendMessageToPeer("bob", a.createMessage("ping"), options, done),
        2,
    )


def shim_channel(scheduler: str, flavour: str, members: int) -> Setup:
    world, counter = _world(scheduler, flavour), Counter()
    apis = []
    for i in range(members):
        api = _login(world, f"u{i}", counter)
        api.channelJoin("big")
        world.run_until_idle()
        apis.append(api)
    counter.wait(world.core, counter.n)
    sender = apis[0]
    # members - 1 deliveries, the echo and the success
    return Setup(
        world.core,
        counter,
        lambda i: sender.messageChannelSend("big", "hello", str(i)),
        members + 1,
    )


def direct_channel(scheduler: str, flavour: str, members: int) -> Setup:
    if flavour == "java":
        return _direct_channel_java(scheduler, members)
    core, counter = _core(scheduler), Counter()

    class C(rtm.IChannelEventHandler):
        def onMessageReceived(self, userId: str, message: Any) -> None:
            counter.n += 1

        def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
            counter.n += 1

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
    # members - 1 deliveries and the result
    return Setup(
        core, counter, lambda i: channel.sendMessage(client.createMessage("hello")), members
    )


def _direct_channel_java(scheduler: str, members: int) -> Setup:
    core, counter = _core(scheduler), Counter()

    class C(rtm.RtmChannelListener):
        def onMessageReceived(self, message: Any, fromMember: Any) -> None:
            counter.n += 1

    channels = []
    for i in range(members):
        c = rtm.RtmClient.createInstance(APP, rtm.RtmClientListener(), core)
        c.login(None, f"u{i}", None)
        core.run_until_idle()
        ch = c.createChannel("big", C())
        assert ch is not None
        ch.join(None)
        core.run_until_idle()
        channels.append((c, ch))
    client, channel = channels[0]
    done = _Count(counter)
    return Setup(
        core,
        counter,
        lambda i: channel.sendMessage(client.createMessage("hello"), None, done),
        members,
    )


def calibrate(setup: Setup, seconds: float) -> int:
    """A message count whose run lasts at least ``seconds`` on this side."""
    n = 200
    while True:
        elapsed = setup.run(n)
        if elapsed >= seconds:
            return n
        n = int(n * min(10.0, 1.2 * seconds / max(elapsed, 1e-6))) + 1


def compare(shim: Setup, direct: Setup, pairs: int, seconds: float) -> dict[str, float]:
    """ABAB...: the ratio shim/direct per pair, median and spread; µs per message."""
    n = max(calibrate(shim, seconds), calibrate(direct, seconds))
    ratios, shim_us, direct_us = [], [], []
    for _ in range(pairs):
        a = shim.run(n)
        b = direct.run(n)
        ratios.append(a / b)
        shim_us.append(a / n * 1e6)
        direct_us.append(b / n * 1e6)
    return {
        "n": n,
        "median": statistics.median(ratios),
        "low": min(ratios),
        "high": max(ratios),
        "shim_us": statistics.median(shim_us),
        "direct_us": statistics.median(direct_us),
    }


def calls_per_message(setup: Setup, n: int = 2000) -> float:
    setup.run(n)  # warm (lazy handlers, caches)
    profile = cProfile.Profile()
    profile.enable()
    setup.run(n)
    profile.disable()
    total: int = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return total / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--flavour", nargs="+", choices=("cpp", "java"), default=["cpp", "java"])
    parser.add_argument(
        "--scheduler",
        nargs="+",
        choices=("deterministic", "threaded"),
        default=["deterministic", "threaded"],
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=BURST,
        help="deterministic scheduler: run the queued work every N messages (0: at the end)",
    )
    parser.add_argument("--calls", action="store_true", help="also count calls per message")
    args = parser.parse_args()
    if args.seconds < 0.3:
        parser.error("--seconds must be at least 0.3 (shorter repeats cannot be measured)")
    if args.burst < 0:
        parser.error("--burst must be 0 (no bursts) or a positive number of messages")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f}")
    print(f"deterministic bursts: {args.burst or 'none (the whole repeat queued first)'}")
    print(
        f"{'scheduler':<14}{'flavour':<8}{'traffic':<12}{'n/repeat':>9}{'shim µs':>9}"
        f"{'direct µs':>10}{'shim/direct':>12}{'spread':>14}"
        + ("   calls/msg shim direct" if args.calls else "")
    )
    for scheduler in args.scheduler:
        for flavour in args.flavour:
            for traffic in ("peer", "channel"):
                if traffic == "peer":
                    shim, direct = shim_peer(scheduler, flavour), direct_peer(scheduler, flavour)
                else:
                    shim = shim_channel(scheduler, flavour, args.members)
                    direct = direct_channel(scheduler, flavour, args.members)
                shim.burst = direct.burst = args.burst
                r = compare(shim, direct, args.pairs, args.seconds)
                line = (
                    f"{scheduler:<14}{flavour:<8}{traffic:<12}{r['n']:>9}{r['shim_us']:>9.1f}"
                    f"{r['direct_us']:>10.1f}{r['median']:>11.2f}x"
                    f"{r['low']:>7.2f}-{r['high']:.2f}x"
                )
                if args.calls and scheduler == "deterministic":
                    line += f"   {calls_per_message(shim):>9.0f} {calls_per_message(direct):>6.0f}"
                print(line, flush=True)
                for side in (shim, direct):
                    close = getattr(side.core, "close", None)
                    if close is not None:
                        close()
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f}")


if __name__ == "__main__":
    main()
