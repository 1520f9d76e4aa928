"""How the core's cost per message grows with the work, and its memory per user and channel.

Run: ``python -m benchmarks.bench_scaling [--quick] [--png docs/scaling.png]``
(the plot needs the ``bench`` extra: ``pip install -e '.[bench]'``).

Three series, on the embedded core with the deterministic scheduler (the work alone; the
thread hand-offs are ``bench_core``'s subject):

* **members** 2 → 10,000 in one channel: cost per *delivery* of a channel message (from 2:
  a channel of one member has no delivery to count). Should stay flat: a delivery's work
  does not depend on the size of the channel.
* **connected users** 10 → 50,000, idle: cost of a peer message between two others.
  Should stay flat: routing a message must not grow with the users who are not involved.
* **channels** 1 → 100,000, each with one member: cost of a channel message in a channel
  of two. Should stay flat.

Each size is measured in alternation with the smallest size of its series, kept alive
beside it (A B A B ..., ``benchmarks/abab.py``), so the *growth* column (cost at this size
over cost at the smallest, per round, median and spread) does not depend on the machine's
drift; the microseconds are the medians of the rounds (they move with the machine's load,
the growth does not). A garbage collection runs before each repeat, untimed: with 10^5 live
objects a full collection of the cyclic collector takes a large fraction of a second, and
without it the side that happens to trigger one is charged for the other's garbage.

Memory: bytes Python allocated while the users (channels) were created and still holds
after a garbage collection (``tracemalloc``), divided by their number: each user's
``RtmClient``, its session in the service and its backend entries (each channel's
``RtmChannel``, its membership and its backend entries).

What it does not say: throughput under threads or over a network (``bench_core``,
``bench_gateway``), nor memory of a gateway connection (``bench_gateway --idle``).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

import rtm
from benchmarks.abab import Side, compare
from benchmarks.bench_core import ChannelHandler, Counter, PeerHandler, login
from rtm import Limits, Rate, Rates, ServiceConfig
from rtm.scheduler import DeterministicScheduler

#: RTM's limits with the rate limits lifted (join and leave events stop above 512 members,
#: as in RTM), and no cap on channels per client (one holder user keeps many channels).
LIMITS = Limits(
    rates=Rates(messages=Rate(10**12, 1.0), join=Rate(10**12, 1.0)),
    channels_per_client=10**6,
)
CHANNELS_PER_HOLDER = 100


class Allocated:
    """Bytes allocated by Python (``tracemalloc``) between ``__enter__`` and ``__exit__``,
    still alive after a garbage collection: what creating the users (channels) kept."""

    def __init__(self) -> None:
        self.bytes = 0

    def __enter__(self) -> Allocated:
        gc.collect()
        tracemalloc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        gc.collect()
        self.bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()


def new_core() -> rtm.EmbeddedCore:
    return rtm.EmbeddedCore(DeterministicScheduler(), ServiceConfig(limits=LIMITS))


@dataclass
class Setup:
    """A core holding ``size`` units of something and a way to send ``n`` messages."""

    core: rtm.EmbeddedCore
    run: Callable[[int], int]
    memory_per_unit: float = 0.0
    keep: list[object] = field(default_factory=list)


def channel_of(members: int) -> Setup:
    core = new_core()
    counter = Counter()
    idle = Counter()
    clients = [login(core, f"u{i}", PeerHandler(idle)) for i in range(members)]
    core.run_until_idle()
    channels = []
    for c in clients:
        channel = c.createChannel("big", ChannelHandler(counter))
        assert channel is not None
        channel.join()
        channels.append(channel)
        if len(channels) % 1000 == 0:
            core.run_until_idle()
    core.run_until_idle()
    send, create = channels[0].sendMessage, clients[0].createMessage
    per_message = max(1, members - 1)

    def run(n: int) -> int:
        counter.arm(members * n)  # members - 1 deliveries and 1 result per message
        for _ in range(n):
            send(create("hello"))
        core.run_until_idle()
        counter.check(f"channel of {members}")
        return per_message * n

    return Setup(core, run, keep=[clients, channels])


def users_online(users: int) -> Setup:
    core = new_core()
    idle = Counter()
    with Allocated() as allocated:
        crowd = [login(core, f"idle{i}", PeerHandler(idle)) for i in range(users)]
        core.run_until_idle()
    per_user = allocated.bytes / users
    counter = Counter()
    alice = login(core, "alice", PeerHandler(counter))
    login(core, "bob", PeerHandler(counter))
    core.run_until_idle()
    send, create = alice.sendMessageToPeer, alice.createMessage

    def run(n: int) -> int:
        counter.arm(2 * n)
        for _ in range(n):
            send("bob", create("ping"))
        core.run_until_idle()
        counter.check(f"{users} users online")
        return n

    return Setup(core, run, per_user, keep=[crowd])


def channels_open(count: int) -> Setup:
    core = new_core()
    idle = Counter()
    holders = [
        login(core, f"holder{i}", PeerHandler(idle))
        for i in range(-(-count // CHANNELS_PER_HOLDER))
    ]
    core.run_until_idle()
    channels = []
    with Allocated() as allocated:
        for index in range(count):
            holder = holders[index // CHANNELS_PER_HOLDER]
            channel = holder.createChannel(f"c{index}", ChannelHandler(idle))
            assert channel is not None
            channel.join()
            channels.append(channel)
            if index % 1000 == 999:
                core.run_until_idle()
        core.run_until_idle()
    per_channel = allocated.bytes / count
    counter = Counter()
    alice = login(core, "alice", PeerHandler(counter))
    bob = login(core, "bob", PeerHandler(counter))
    core.run_until_idle()
    room = [c.createChannel("room", ChannelHandler(counter)) for c in (alice, bob)]
    for channel in room:
        assert channel is not None
        channel.join()
    core.run_until_idle()
    assert room[0] is not None
    send, create = room[0].sendMessage, alice.createMessage

    def run(n: int) -> int:
        counter.arm(2 * n)  # one delivery and one result per message
        for _ in range(n):
            send(create("hello"))
        core.run_until_idle()
        counter.check(f"{count} channels")
        return n

    return Setup(core, run, per_channel, keep=[holders, channels])


@dataclass
class Point:
    size: int
    micros: float
    growth: list[float]
    memory: float


def series(
    name: str,
    unit: str,
    sizes: list[int],
    build: Callable[[int], Setup],
    rounds: int,
    min_seconds: float,
) -> list[Point]:
    print(f"\n{name}: microseconds per {unit}, growth over size {sizes[0]:,} (per round)")
    reference = build(sizes[0])
    points = []
    for size in sizes:
        setup = reference if size == sizes[0] else build(size)
        result = compare(
            [Side("reference", reference.run), Side("size", setup.run)],
            "reference",
            rounds,
            min_seconds,
            between=gc.collect,
        )
        micros = 1e6 / statistics.median(result.rates["size"])
        growth = [1 / r for r in result.ratios("size")]  # cost ratio = inverse rate ratio
        points.append(Point(size, micros, growth, setup.memory_per_unit))
        memory = f"{setup.memory_per_unit / 1024:8.1f} KiB" if setup.memory_per_unit else ""
        spread = f"{statistics.median(growth):.2f} [{min(growth):.2f} … {max(growth):.2f}]"
        print(f"  {size:>8,}  {micros:8.2f} µs   growth {spread}  {memory}")
        print(f"            {result.load}")
        if setup is not reference:
            setup.core.close()
            del setup
            gc.collect()
    return points


def plot(path: str, results: dict[str, tuple[str, list[Point]]]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"no plot written: matplotlib is missing (pip install -e '.[bench]'): {path}")
        return
    fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 4), squeeze=False)
    for ax, (name, (unit, points)) in zip(axes[0], results.items(), strict=True):
        sizes = [p.size for p in points]
        median = [statistics.median(p.growth) for p in points]
        below = [m - min(p.growth) for m, p in zip(median, points, strict=True)]
        above = [max(p.growth) - m for m, p in zip(median, points, strict=True)]
        ax.errorbar(sizes, median, yerr=[below, above], marker="o", capsize=4)
        for size, m, p in zip(sizes, median, points, strict=True):
            ax.annotate(
                f"{p.micros:.1f} µs",
                (size, m),
                textcoords="offset points",
                xytext=(4, 6),
                fontsize=8,
            )
        ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_xlabel(name)
        ax.set_ylabel(f"cost per {unit} / cost at {sizes[0]:,}")
        ax.grid(True, alpha=0.3)
    fig.suptitle(
        "sig2rtm core, deterministic scheduler: cost as the work grows "
        "(median and spread of alternated rounds; labels: µs, median)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"\nplot written: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-seconds", type=float, default=0.3)
    parser.add_argument("--png", default="docs/scaling.png")
    args = parser.parse_args()
    if args.quick:
        members, users, channels = [2, 10, 100], [10, 100, 1000], [1, 100, 1000]
    else:
        members = [2, 10, 100, 1_000, 10_000]
        users = [10, 100, 1_000, 10_000, 50_000]
        channels = [1, 100, 1_000, 10_000, 100_000]
    results = {
        "members in the channel": (
            "delivery",
            series("members", "delivery", members, channel_of, args.rounds, args.min_seconds),
        ),
        "connected users": (
            "peer message",
            series("users", "peer message", users, users_online, args.rounds, args.min_seconds),
        ),
        "channels": (
            "channel message",
            series(
                "channels",
                "channel message",
                channels,
                channels_open,
                args.rounds,
                args.min_seconds,
            ),
        ),
    }
    if args.png:
        plot(args.png, results)


if __name__ == "__main__":
    main()
