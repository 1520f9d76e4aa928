"""RTM core throughput on the embedded default (threaded scheduler), beside a bare baseline.

Run: ``python benchmarks/bench_core.py [--messages N] [--repeats R]``

* peer messages end to end: send -> receiver callback -> sender result, messages/s;
* channel fan-out to 512 members, deliveries/s;

each beside a baseline measured in the same run: the same number of callback dispatches
through the same threaded scheduler with no core in between. Printed: medians and ratios
(goals: peer >= 25 % of baseline, fan-out >= 50 %).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import rtm
from rtm import Limits, Rate, Rates, ServiceConfig
from rtm.scheduler import ThreadedScheduler


def median_rate(run_once: Callable[[], int], repeats: int) -> tuple[float, list[float]]:
    """Run ``run_once`` (returns the number of units it processed) and give units/s medians."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        units = run_once()
        rates.append(units / (time.perf_counter() - start))
    return statistics.median(rates), rates


def report(rows: list[tuple[str, float, float, float]]) -> None:
    """Rows of (name, measured rate, baseline rate, goal ratio)."""
    print(f"{'benchmark':<42}{'rate/s':>14}{'baseline/s':>14}{'ratio':>8}{'goal':>8}")
    for name, rate, baseline, goal in rows:
        ratio = rate / baseline if baseline else float("nan")
        verdict = "ok" if ratio >= goal else "BELOW"
        print(f"{name:<42}{rate:>14,.0f}{baseline:>14,.0f}{ratio:>8.0%}{goal:>7.0%} {verdict}")


APP = "benchmark00000000000000000000000"
UNLIMITED = Limits(
    rates=Rates(messages=Rate(10**12, 1.0), join=Rate(10**12, 1.0)),
    member_events_max=10**6,
)


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

    def hit(self, *args: Any) -> None:
        self.count += 1
        if self.count == self.target:
            self.done.set()


def make_core() -> rtm.EmbeddedCore:
    return rtm.EmbeddedCore(ThreadedScheduler(), ServiceConfig(limits=UNLIMITED))


def client(core: rtm.EmbeddedCore, user: str, counter: Counter) -> rtm.RtmClient:
    class Handler(rtm.IRtmServiceEventHandler):
        def onMessageReceivedFromPeer(self, peerId: str, message: rtm.RtmMessage) -> None:
            counter.hit()

        def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
            counter.hit()

    c = rtm.createRtmService(core)
    c.initialize(APP, Handler())
    c.login(None, user)
    return c


def bench_peer(messages: int, repeats: int) -> tuple[float, float]:
    core = make_core()
    counter = Counter()
    alice = client(core, "alice", counter)
    client(core, "bob", counter)
    core.run_until_idle()

    def run_core() -> int:
        counter.arm(2 * messages)
        for _ in range(messages):
            alice.sendMessageToPeer("bob", alice.createMessage("ping"))
        counter.done.wait(60)
        return messages

    def run_baseline() -> int:
        counter.arm(2 * messages)
        deliver = core.scheduler.deliver
        for _ in range(messages):
            deliver(counter.hit, "bob", None)
            deliver(counter.hit, 1, 0)
        counter.done.wait(60)
        return messages

    run_core()  # warm-up
    rate, _ = median_rate(run_core, repeats)
    baseline, _ = median_rate(run_baseline, repeats)
    core.close()
    return rate, baseline


def bench_fanout(members: int, messages: int, repeats: int) -> tuple[float, float]:
    core = make_core()
    counter = Counter()

    class ChannelHandler(rtm.IChannelEventHandler):
        def onMessageReceived(self, userId: str, message: rtm.RtmMessage) -> None:
            counter.hit()

        def onSendMessageResult(self, messageId: int, errorCode: int) -> None:
            counter.hit()

    idle = Counter()
    clients = [client(core, f"u{i}", idle) for i in range(members)]
    core.run_until_idle()  # logged in before joining, as RTM requires
    channels = []
    for c in clients:
        channel = c.createChannel("big", ChannelHandler())
        assert channel is not None
        channel.join()
        channels.append(channel)
    core.run_until_idle()
    sender, sender_client = channels[0], clients[0]
    per_message = members  # members - 1 deliveries + 1 result

    def run_core() -> int:
        counter.arm(per_message * messages)
        for _ in range(messages):
            sender.sendMessage(sender_client.createMessage("hello"))
        counter.done.wait(120)
        return (members - 1) * messages

    def run_baseline() -> int:
        counter.arm(per_message * messages)
        deliver = core.scheduler.deliver
        for _ in range(messages):
            for _ in range(per_message):
                deliver(counter.hit, "u0", None)
        counter.done.wait(120)
        return (members - 1) * messages

    run_core()
    rate, _ = median_rate(run_core, repeats)
    baseline, _ = median_rate(run_baseline, repeats)
    core.close()
    return rate, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--fanout-messages", type=int, default=100)
    parser.add_argument("--members", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    peer, peer_base = bench_peer(args.messages, args.repeats)
    fan, fan_base = bench_fanout(args.members, args.fanout_messages, args.repeats)
    report(
        [
            ("peer messages end to end (msg/s)", peer, peer_base, 0.25),
            (f"channel fan-out to {args.members} (deliveries/s)", fan, fan_base, 0.50),
        ]
    )


if __name__ == "__main__":
    main()
