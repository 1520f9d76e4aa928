"""RTM core throughput in one process, beside blinker's ``Signal.send`` (the fixed baseline).

Run: ``python benchmarks/bench_core.py [--rounds R] [--members M] [--min-seconds S]``
     ``python benchmarks/bench_core.py --calls``  (Python calls per message, no timing)

Two figures, each measured as four sides run in alternation (``benchmarks/abab.py``):

* **peer message**: A sends B a message; B's ``onMessageReceivedFromPeer`` runs and A's
  ``onSendMessageResult`` runs. Unit: one message (two callbacks).
* **channel fan-out to M members** (default 512): one member sends; the M - 1 others'
  ``onMessageReceived`` run and the sender's ``onSendMessageResult``. Unit: one delivery.

The sides:

* ``core threaded`` — the embedded default core (``ThreadedScheduler``: API on the caller's
  thread, routing on the core thread, callbacks on the callback thread); the goal figure.
* ``core deterministic`` — the same core on ``DeterministicScheduler`` (everything on one
  thread, driven to idle): the cost of the work alone, without thread hand-offs.
* ``SimpleQueue hand-off`` — the callbacks put on a ``queue.SimpleQueue`` one by one and run
  by a consumer thread: what crossing one thread per callback costs with the standard
  library's fastest queue, a reference for the threaded core's two crossings.
* ``blinker`` — the baseline: blinker ``Signal.send`` in this thread, one signal for the
  message (one receiver; M - 1 for the fan-out) and one for the result.

The receivers do the same work on every side: count the call, and wake the benchmark when
the expected number has arrived. Each repeat waits for all of it and fails if it did not
come. Printed: per side, the median rate and spread; the median ratio to blinker per round
and its spread; the load of the machine and the CPU this process used.

What a ratio means: how many messages (deliveries) per second the core gets through, for
each one a bare in-process signal gets through, with the receivers doing trivial work. Goal:
peer >= 25 %, fan-out >= 50 % on the threaded core. What it does not mean: blinker does
none of what the core does (validation, rate limits, membership, RTM message objects, a
thread hand-off, an API usable from any thread), so a ratio of 100 % is not the aim; and the
ratio says nothing about latency, nor about a gateway (``bench_gateway.py``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import queue
import threading
from collections.abc import Callable
from typing import Any

try:
    import blinker
except ImportError:  # pragma: no cover - depends on installed extras
    raise SystemExit("bench_core needs the bench extra: pip install -e '.[bench]'") from None

import rtm
from benchmarks.abab import Comparison, Side, compare, format_spread
from rtm import Limits, Rate, Rates, ServiceConfig
from rtm.membership import MemberState
from rtm.scheduler import DeterministicScheduler, Scheduler, ThreadedScheduler

APP = "benchmark00000000000000000000000"
UNLIMITED = Limits(
    rates=Rates(messages=Rate(10**12, 1.0), join=Rate(10**12, 1.0)),
    member_events_max=10**6,
    channels_per_client=10**6,
)
#: Seconds a repeat may wait for its callbacks before the benchmark fails.
WAIT = 120.0


class Counter:
    """Counts callbacks and wakes the benchmark when the expected number arrived."""

    def __init__(self) -> None:
        self.count = 0
        self.target = 0
        self.done = threading.Event()

    def arm(self, target: int) -> None:
        self.count = 0
        self.target = target
        self.done.clear()

    def hit(self, *args: Any, **kwargs: Any) -> None:
        self.count += 1
        if self.count == self.target:
            self.done.set()

    def check(self, what: str) -> None:
        """Raise unless every expected callback came (waiting up to WAIT seconds)."""
        if not self.done.wait(WAIT) or self.count != self.target:
            raise RuntimeError(f"{what}: {self.count} of {self.target} callbacks arrived")


def make_core(threaded: bool) -> rtm.EmbeddedCore:
    scheduler: Scheduler = ThreadedScheduler() if threaded else DeterministicScheduler()
    return rtm.EmbeddedCore(scheduler, ServiceConfig(limits=UNLIMITED))


def settle(core: rtm.EmbeddedCore) -> None:
    core.run_until_idle()


class PeerHandler(rtm.IRtmServiceEventHandler):
    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    def onMessageReceivedFromPeer(self, peerId: str, message: rtm.RtmMessage) -> None:
        self.counter.hit()

    def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
        self.counter.hit()


class ChannelHandler(rtm.IChannelEventHandler):
    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    def onMessageReceived(self, userId: str, message: rtm.RtmMessage) -> None:
        self.counter.hit()

    def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
        self.counter.hit()


class SignalReceiver:
    """blinker's side of the same receiver work."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    def on_signal(self, sender: Any, **kwargs: Any) -> None:
        self.counter.hit()


def login(core: rtm.EmbeddedCore, user: str, handler: Any) -> rtm.RtmClient:
    client = rtm.createRtmService(core)
    client.initialize(APP, handler)
    client.login(None, user)
    return client


# --- peer message ---------------------------------------------------------------------


def peer_core_side(name: str, threaded: bool, closers: list[Callable[[], None]]) -> Side:
    core = make_core(threaded)
    closers.append(core.close)
    counter = Counter()
    alice = login(core, "alice", PeerHandler(counter))
    login(core, "bob", PeerHandler(counter))
    settle(core)
    send, create = alice.sendMessageToPeer, alice.createMessage

    def run(n: int) -> int:
        counter.arm(2 * n)
        for _ in range(n):
            send("bob", create("ping"))
        if not threaded:
            core.run_until_idle()
        counter.check(name)
        return n

    return Side(name, run)


def peer_blinker_side(name: str) -> Side:
    counter = Counter()
    message, result = blinker.Signal(), blinker.Signal()
    bob, alice = SignalReceiver(counter), SignalReceiver(counter)
    message.connect(bob.on_signal, weak=False)
    result.connect(alice.on_signal, weak=False)

    def run(n: int) -> int:
        counter.arm(2 * n)
        send_message, send_result = message.send, result.send
        for i in range(n):
            send_message("alice", message="ping")
            send_result("bob", message_id=i, code=0)
        counter.check(name)
        return n

    return Side(name, run)


class HandOff:
    """A consumer thread running the callables put on a SimpleQueue, one at a time."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[tuple[Callable[..., object], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        get = self.queue.get
        while (item := get()) is not None:
            fn, args = item
            fn(*args)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(5)


def peer_queue_side(name: str, closers: list[Callable[[], None]]) -> Side:
    counter = Counter()
    hand_off = HandOff()
    closers.append(hand_off.close)
    bob, alice = PeerHandler(counter), PeerHandler(counter)

    def run(n: int) -> int:
        counter.arm(2 * n)
        put = hand_off.queue.put
        received, result = bob.onMessageReceivedFromPeer, alice.onSendMessageResult
        for i in range(n):
            put((received, ("alice", "ping")))
            put((result, (i, 0)))
        counter.check(name)
        return n

    return Side(name, run)


# --- channel fan-out ------------------------------------------------------------------


def fanout_core_side(
    name: str, threaded: bool, members: int, closers: list[Callable[[], None]]
) -> Side:
    core = make_core(threaded)
    closers.append(core.close)
    counter = Counter()
    idle = Counter()
    clients = [login(core, f"u{i}", PeerHandler(idle)) for i in range(members)]
    settle(core)  # logged in before joining, as RTM requires
    channels = []
    for c in clients:
        channel = c.createChannel("big", ChannelHandler(counter))
        assert channel is not None
        channel.join()
        channels.append(channel)
    settle(core)
    if not all(ch.state is MemberState.JOINED for ch in channels):
        raise RuntimeError(f"{name}: not every member joined")
    sender, create = channels[0].sendMessage, clients[0].createMessage

    def run(n: int) -> int:
        counter.arm(members * n)  # members - 1 deliveries + 1 result each
        for _ in range(n):
            sender(create("hello"))
        if not threaded:
            core.run_until_idle()
        counter.check(name)
        return (members - 1) * n

    return Side(name, run)


def fanout_blinker_side(name: str, members: int) -> Side:
    counter = Counter()
    message, result = blinker.Signal(), blinker.Signal()
    receivers = [SignalReceiver(counter) for _ in range(members)]  # strong references
    for receiver in receivers[1:]:
        message.connect(receiver.on_signal, weak=False)
    result.connect(receivers[0].on_signal, weak=False)

    def run(n: int) -> int:
        counter.arm(members * n)
        for i in range(n):
            message.send("u0", message="hello")
            result.send("u0", message_id=i, code=0)
        counter.check(name)
        return (members - 1) * n

    return Side(name, run)


def fanout_queue_side(name: str, members: int, closers: list[Callable[[], None]]) -> Side:
    counter = Counter()
    hand_off = HandOff()
    closers.append(hand_off.close)
    handlers = [ChannelHandler(counter) for _ in range(members)]
    received = [h.onMessageReceived for h in handlers[1:]]
    result = handlers[0].onSendMessageResult

    def run(n: int) -> int:
        counter.arm(members * n)
        put = hand_off.queue.put
        for i in range(n):
            for fn in received:
                put((fn, ("u0", "hello")))
            put((result, (i, 0)))
        counter.check(name)
        return (members - 1) * n

    return Side(name, run)


# --- report -----------------------------------------------------------------------------

BASELINE = "blinker Signal.send"


def report(title: str, unit: str, result: Comparison, goal: float) -> None:
    print(
        f"\n{title}  ({unit}/s: median [lowest … highest] over {len(result.rates[BASELINE])}"
        " rounds)"
    )
    print(f"  {'side':<24}{'rate':>34}   {'vs blinker, per round':<30}")
    for side, rates in result.rates.items():
        ratio = "" if side == BASELINE else format_spread(result.ratios(side))
        print(f"  {side:<24}{format_spread(rates, percent=False):>34}   {ratio}")
    threaded = result.median_ratio("core threaded")
    verdict = "met" if threaded >= goal else "NOT met"
    print(f"  goal: core threaded >= {goal:.0%} of blinker: {verdict} ({threaded:.1%})")
    print(
        f"  core threaded vs SimpleQueue hand-off: "
        f"{format_spread(result.ratios('core threaded', 'SimpleQueue hand-off'))}"
    )
    print(f"  {result.load}")
    print(f"  {result.cpu}")


def bench_peer(rounds: int, min_seconds: float) -> Comparison:
    closers: list[Callable[[], None]] = []
    try:
        sides = [
            peer_core_side("core threaded", True, closers),
            peer_core_side("core deterministic", False, closers),
            peer_queue_side("SimpleQueue hand-off", closers),
            peer_blinker_side(BASELINE),
        ]
        return compare(sides, BASELINE, rounds, min_seconds)
    finally:
        for close in closers:
            close()


def bench_fanout(members: int, rounds: int, min_seconds: float) -> Comparison:
    closers: list[Callable[[], None]] = []
    try:
        sides = [
            fanout_core_side("core threaded", True, members, closers),
            fanout_core_side("core deterministic", False, members, closers),
            fanout_queue_side("SimpleQueue hand-off", members, closers),
            fanout_blinker_side(BASELINE, members),
        ]
        return compare(sides, BASELINE, rounds, min_seconds)
    finally:
        for close in closers:
            close()


def count_calls(members: int, messages: int = 2000) -> None:
    """Python function calls per unit on the deterministic core (cProfile: every call of the
    thread, C functions included), for comparing versions of the code, not for timing."""
    for label, side, units in (
        ("peer message", peer_core_side("peer", False, []), messages),
        (
            f"fan-out delivery ({members} members)",
            fanout_core_side("fan-out", False, members, []),
            max(1, messages // members),
        ),
    ):
        side.run(units)  # warm caches first
        profile = cProfile.Profile()
        profile.enable()
        done = side.run(units)
        profile.disable()
        stats = pstats.Stats(profile)
        calls = stats.total_calls  # type: ignore[attr-defined]
        print(f"{label}: {calls / done:.1f} calls per unit ({calls:,} calls, {done:,} units)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--members", type=int, default=512)
    parser.add_argument("--min-seconds", type=float, default=0.3)
    parser.add_argument("--only", choices=("peer", "fanout"))
    parser.add_argument("--calls", action="store_true", help="count calls per message only")
    args = parser.parse_args()
    if args.calls:
        count_calls(args.members)
        return
    if args.only in (None, "peer"):
        peer = bench_peer(args.rounds, args.min_seconds)
        report("peer message A -> B, end to end", "messages", peer, 0.25)
    if args.only in (None, "fanout"):
        fan = bench_fanout(args.members, args.rounds, args.min_seconds)
        report(f"channel fan-out to {args.members} members", "deliveries", fan, 0.50)


if __name__ == "__main__":
    main()
