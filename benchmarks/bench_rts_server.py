"""Business-server fan-out beside the same fan-out through the RTM channel path.

Run: ``python -m benchmarks.bench_rts_server [--rounds R] [--min-seconds S] [--deterministic]``

Two figures, each two sides run in alternation (A B A B …, ``benchmarks/abab.py``), on the
embedded default kind of core (``ThreadedScheduler``: routing on the core thread, callbacks
on the callback thread; ``--deterministic``: everything on one thread, the work alone) with
RTM's rate limits lifted, and real ``RtmClient`` receivers:

* **SendBroadcast to a 500-member room**: the business server's ``send_broadcast``
  (:class:`adapters.rts.server.BusinessServer`) beside one member's
  ``RtmChannel.sendMessage`` in the same channel. The room has 501 members (500 receivers
  and the RTM sender), so the broadcast reaches 501 sessions and the channel message 500.
* **BatchSendRoomUnicast to 600 users**: the business server's ``batch_send_room_unicast``
  to the 600 receivers of a 601-member room (600 peer messages, ``isFromServer()``, with the
  room) beside one member's channel message to the same 600.

Each message is sent when the previous one has reached every receiver (closed loop), so a
message's *latency* is the time from the send call to a receiver's callback, and the p99 is
taken over all deliveries of a repeat (the median of the repeats' p99 is printed). The unit
is one delivery (a receiver's callback). Printed per side: deliveries/s (median and spread
over rounds), p50/p99 latency; and the ratio server / RTM channel per round, median and
spread. What the ratio means: the cost per delivery of a server's message relative to a
member's channel message, both through the same core (routing and delivery; the server
side also checks the request, and its messages are built as server messages). What it does
not mean: the HTTP API's own cost (one request per 500-600 deliveries, not measured here)
nor a gateway's socket work (``bench_gateway.py``).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import rtm
from adapters.rts.server import BusinessServer
from benchmarks.abab import Comparison, Side, compare, format_spread
from rtm import Limits, Rate, Rates, ServiceConfig
from rtm.scheduler import DeterministicScheduler, ThreadedScheduler
from rtm.service.business import AppRate

APP = "benchmark00000000000000000000000"
BIZ = "biz-server"
TEXT = "x" * 64
UNLIMITED = Limits(
    rates=Rates(messages=Rate(10**12, 1.0), join=Rate(10**12, 1.0)),
    member_events_max=10**6,
    channels_per_client=10**6,
)
RTM_SIDE = "RTM channel sendMessage"


def _nothing() -> None:
    """Settling on a threaded core: the receivers' callbacks arrive by themselves."""
#: Seconds a message may take to reach every receiver before the benchmark fails.
WAIT = 60.0


class Arrivals:
    """Receivers' callback times for the message in flight; wakes the sender when all came."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.target = 0
        self.done = threading.Event()
        self._lock = threading.Lock()

    def arm(self, target: int) -> None:
        self.times = []
        self.target = target
        self.done.clear()

    def hit(self, *args: Any) -> None:
        now = time.perf_counter()
        with self._lock:
            self.times.append(now)
            if len(self.times) == self.target:
                self.done.set()

    def wait(self, what: str) -> list[float]:
        if not self.done.wait(WAIT) or len(self.times) != self.target:
            raise RuntimeError(f"{what}: {len(self.times)} of {self.target} deliveries arrived")
        return self.times


class Receiver(rtm.IRtmServiceEventHandler):
    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals

    def onMessageReceivedFromPeer(self, peerId: str, message: rtm.RtmMessage) -> None:
        self.arrivals.hit()


class ChannelReceiver(rtm.IChannelEventHandler):
    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals

    def onMessageReceived(self, userId: str, message: rtm.RtmMessage) -> None:
        self.arrivals.hit()


class Room:
    """``size`` receivers and one RTM sender in channel ``name`` of a threaded core."""

    def __init__(self, core: rtm.EmbeddedCore, name: str, size: int) -> None:
        self.name, self.size = name, size
        self.arrivals = Arrivals()
        self.clients: list[rtm.RtmClient] = []
        self.receivers = [f"{name}-u{i}" for i in range(size)]
        for user in self.receivers:
            self._member(core, user, Receiver(self.arrivals))
        self.sender, self.channel = self._member(core, f"{name}-sender", Receiver(Arrivals()))
        core.run_until_idle()
        count = core.service.backend.member_count(APP, name)
        if count != size + 1:
            raise RuntimeError(f"room {name}: {count} members, expected {size + 1}")

    def _member(
        self, core: rtm.EmbeddedCore, user: str, handler: Any
    ) -> tuple[rtm.RtmClient, rtm.RtmChannel]:
        client = rtm.createRtmService(core)
        client.initialize(APP, handler)
        joined = threading.Event()
        client.login(None, user, rtm.ResultCallback.of(lambda _: joined.set(), print))
        core.run_until_idle()
        if not joined.wait(30):
            raise RuntimeError(f"{user} did not log in")
        channel = client.createChannel(self.name, ChannelReceiver(self.arrivals))
        assert channel is not None
        channel.join()
        self.clients.append(client)
        return client, channel


def latency_side(
    name: str, send: Callable[[], object], arrivals: Arrivals, per_message: int,
    settle: Callable[[], object],
) -> tuple[Side, list[list[float]]]:  # fmt: skip
    """A side sending one message at a time and waiting for its ``per_message`` deliveries;
    each repeat's delivery latencies go to the list returned beside it."""
    repeats: list[list[float]] = []

    def run(n: int) -> int:
        latencies: list[float] = []
        for _ in range(n):
            arrivals.arm(per_message)
            start = time.perf_counter()
            send()
            settle()
            latencies.extend(t - start for t in arrivals.wait(name))
        repeats.append(latencies)
        return n * per_message

    return Side(name, run), repeats


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(title: str, result: Comparison, server: str, lat: dict[str, list[list[float]]]) -> None:
    print(f"\n{title}")
    for side, rates in result.rates.items():
        p50 = statistics.median(pct(r, 0.5) for r in lat[side]) * 1000
        p99 = statistics.median(pct(r, 0.99) for r in lat[side]) * 1000
        print(
            f"  {side:32} {format_spread(rates, percent=False)} deliveries/s"
            f"   latency p50 {p50:.2f} ms, p99 {p99:.2f} ms"
        )
    print(f"  ratio {server} / RTM channel, per round: {format_spread(result.ratios(server))}")
    print(f"  {result.load}")
    print(f"  {result.cpu}")


#: A figure: its comparison, and each side's delivery latencies per repeat.
Figure = tuple[Comparison, dict[str, list[list[float]]]]


def bench(
    broadcast_members: int = 500, batch_users: int = 600, rounds: int = 7,
    min_seconds: float = 0.3, deterministic: bool = False,
) -> dict[str, Figure]:  # fmt: skip
    """Both figures, keyed by title; the server side of each is named ``server …``.
    ``deterministic``: on one thread (``DeterministicScheduler``), the work alone."""
    scheduler = DeterministicScheduler() if deterministic else ThreadedScheduler()
    core = rtm.EmbeddedCore(scheduler, ServiceConfig(limits=UNLIMITED))
    settle = core.run_until_idle if deterministic else _nothing
    figures: dict[str, Figure] = {}
    try:
        began = time.perf_counter()
        wide = Room(core, "wide", broadcast_members)
        batch = Room(core, "batch", batch_users)
        joined = broadcast_members + batch_users + 2
        print(f"setup: {joined:,} clients logged in and joined in "
              f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        # The quota of 500 a second is lifted, as RTM's rates are: delivery is measured.
        server = BusinessServer(core, APP, rate=AppRate(1e12))
        cases: list[tuple[Room, str, str, Callable[[], object], int]] = [
            (wide, f"SendBroadcast to a {broadcast_members}-member room "
             f"({broadcast_members + 1} with the RTM sender)", "server SendBroadcast",
             lambda: server.send_broadcast("wide", BIZ, TEXT), broadcast_members + 1),
            (batch, f"BatchSendRoomUnicast to {batch_users} users",
             "server BatchSendRoomUnicast",
             lambda: server.batch_send_room_unicast("batch", BIZ, batch.receivers, TEXT),
             batch_users),
        ]  # fmt: skip
        for room, title, server_name, server_send, server_count in cases:
            channel, message = room.channel, room.sender.createMessage(TEXT)
            rtm_side, rtm_lat = latency_side(
                RTM_SIDE, functools.partial(channel.sendMessage, message), room.arrivals,
                room.size, settle,
            )  # fmt: skip
            server_side, server_lat = latency_side(
                server_name, server_send, room.arrivals, server_count, settle
            )
            result = compare([rtm_side, server_side], RTM_SIDE, rounds, min_seconds)
            figures[title] = (result, {RTM_SIDE: rtm_lat, server_name: server_lat})
        for room in (wide, batch):
            for client in room.clients:
                client.release()
    finally:
        core.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--min-seconds", type=float, default=0.3)
    parser.add_argument(
        "--deterministic", action="store_true", help="one thread, virtual time: the work alone"
    )
    args = parser.parse_args()
    figures = bench(
        rounds=args.rounds, min_seconds=args.min_seconds, deterministic=args.deterministic
    )
    for title, (result, latencies) in figures.items():
        server = next(name for name in result.rates if name != RTM_SIDE)
        report(title, result, server, latencies)


if __name__ == "__main__":
    main()
