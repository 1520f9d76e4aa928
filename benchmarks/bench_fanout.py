"""Gateway fan-out to a big channel, beside a bare WebSocket broadcast, in alternation.

Run: ``python -m benchmarks.bench_fanout [--members 512 5000] [--rounds R] [--processes P]``

One channel of ``--members`` members (the sender and ``members - 1`` receivers). The
receivers live in ``--processes`` processes of their own (``benchmarks.fanload``), so no
figure is capped by a reader; the sender is this process, which only writes a few frames
per repeat. Printed with each figure: the CPU each process used (gateway, baseline server,
every member process, this one, the whole machine), and the machine's load.

Two sides, run A B A B … (``--rounds`` rounds):

* **gateway** — ``sig2rtm serve`` (one node, memory backend): the sender's ``send_channel``
  goes through the RTM service and out to every other member as a ``channel_message``.
* **broadcast** — the fair baseline: a ``websockets`` server that sends what one connection
  wrote to every other connection with ``websockets.broadcast`` (one encoding, no
  awaiting per connection), batching what it read in one loop turn into one message, as
  the gateway batches the frames of a turn. Same clients, library, message size, machine.

Each round measures, per side:

* **throughput**: the sender writes ``M`` messages at once (``M`` the same on both sides,
  calibrated so that a repeat of either lasts at least ``--min-seconds``, and raised if one
  gets shorter); the repeat ends when every member has all ``M``
  (each member process checks; a repeat that times out fails the run). Deliveries/s =
  ``(members - 1) * M`` / (last arrival - first send). The ratio gateway / broadcast is
  taken per round; the median and spread are printed. Goal >= 50 %.
* **time to members**: one message alone; p50 and p99 over the members of the time from the
  send until that member had it (medians over the rounds).

What the ratio means: the share of a bare broadcast's delivery rate the gateway keeps while
doing RTM's work (membership, the sender's result, an RTM frame per member, its per-turn
write batching). What it does not mean: the baseline checks, routes and encodes nothing
per member, so 100 % is not the aim; neither side is tuned for the kernel (one Python
process each); and on a shared 2-core machine all processes compete for the same cores
(see the CPU line: which process was busy, which waited).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from typing import Any

from websockets.asyncio.client import ClientConnection

from benchmarks.abab import CpuMeter, format_spread, load_line
from benchmarks.bench_gateway import Child, gateway, pct
from benchmarks.fanload import CHANNEL, join_all
from benchmarks.loadgen import APP, TEXT, close_all, open_many

#: The baseline: what one connection wrote goes to every other connection; what one loop
#: turn read goes out as one message (a JSON array when there are several).
BROADCAST_SERVER = """
import asyncio
from websockets.asyncio.server import broadcast, serve
conns = set()
async def handler(ws):
    conns.add(ws)
    loop = asyncio.get_running_loop()
    pending = []
    def flush():
        batch = pending[:]
        pending.clear()
        text = batch[0] if len(batch) == 1 else "[" + ",".join(batch) + "]"
        broadcast([c for c in conns if c is not ws], text)
    try:
        async for message in ws:
            if not pending:
                loop.call_soon(flush)
            pending.append(message)
    finally:
        conns.discard(ws)
async def main():
    async with serve(handler, "127.0.0.1", 0, compression=None, max_queue=64) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
"""
SIDES = ("gateway", "broadcast")
#: Seconds a repeat may take before the run fails.
WAIT = 120.0


class Members:
    """The member processes (``benchmarks.fanload``)."""

    def __init__(self, gateway_url: str, base_url: str, receivers: int, processes: int) -> None:
        self.children: list[Child] = []
        shares = [receivers // processes + (i < receivers % processes) for i in range(processes)]
        offset = 0
        for share in shares:
            args = [sys.executable, "-m", "benchmarks.fanload", "--gateway", gateway_url,
                    "--base", base_url, "--count", str(share), "--offset", str(offset)]  # fmt: skip
            self.children.append(Child(args, stdin=True))
            offset += share
        for child in self.children:
            if json.loads(child.line) != {"ready": True}:
                raise RuntimeError(f"member process failed to start: {child.line}")

    @property
    def pids(self) -> dict[str, int]:
        return {f"members {i}": c.proc.pid for i, c in enumerate(self.children)}

    def arm(self, side: str, tag: str, messages: int) -> None:
        for child in self.children:
            child.tell({"arm": tag, "side": "gateway" if side == "gateway" else "base",
                        "messages": messages})  # fmt: skip
        for child in self.children:
            if child.answer(30) != {"armed": True}:
                raise RuntimeError("a member process did not arm")

    def wait(self) -> tuple[int, float, list[float]]:
        for child in self.children:
            child.tell({"wait": WAIT})
        got, last, lat = 0, 0.0, []
        for child in self.children:
            answer = child.answer(WAIT + 30)
            got += answer["got"]
            last = max(last, answer["last"])
            lat += answer["lat"]
        return got, last, lat

    def close(self) -> None:
        for child in self.children:
            child.tell({"quit": True})
        for child in self.children:
            child.close()


class Sender:
    """This process's connection to each side; reads (and drops) what comes back."""

    def __init__(self, conns: dict[str, ClientConnection]) -> None:
        self.conns = conns
        self.seq = 0
        self.drains = [asyncio.ensure_future(self._drain(ws)) for ws in conns.values()]

    @staticmethod
    async def _drain(ws: ClientConnection) -> None:
        async for _ in ws:
            pass

    async def send(self, side: str, tag: str, count: int) -> float:
        """Write ``count`` messages tagged ``tag``; returns the time of the first."""
        ws = self.conns[side]
        frames = []
        start = time.perf_counter()
        for i in range(count):
            self.seq += 1
            text = f"{tag}{i}|{time.perf_counter():.9f}|{TEXT}"
            payload = {"type": 1, "text": text, "raw": ""}
            frame = {"t": "send_channel", "req": 1000 + self.seq, "channel_id": CHANNEL,
                     "payload": payload}  # fmt: skip
            frames.append(json.dumps(frame))
        for text in frames:
            await ws.send(text)
        return start


async def connect_sender(gateway_url: str, base_url: str) -> Sender:
    (gw,) = await open_many(gateway_url, 1)
    await gw.recv()  # welcome
    await gw.send(json.dumps({"t": "login", "req": 1, "app_id": APP, "user_id": "sender",
                              "token": None}))  # fmt: skip
    while True:
        frame = json.loads(await gw.recv())
        if isinstance(frame, dict) and frame.get("t") == "result" and frame["req"] == 1:
            assert frame["code"] == 0, frame
            break
    await join_all([gw])
    (base,) = await open_many(base_url, 1)
    return Sender({"gateway": gw, "broadcast": base})


class Run:
    def __init__(self, members: Members, sender: Sender, receivers: int) -> None:
        self.members, self.sender, self.receivers = members, sender, receivers
        self.repeat = 0

    async def once(self, side: str, messages: int) -> tuple[float, float, list[float]]:
        """(deliveries/s, seconds, latencies) of ``messages`` messages to every member."""
        self.repeat += 1
        tag = f"r{self.repeat}{side[0]}-"
        self.members.arm(side, tag, messages)
        start = await self.sender.send(side, tag, messages)
        loop = asyncio.get_running_loop()
        got, last, lat = await loop.run_in_executor(None, self.members.wait)
        expected = self.receivers * messages
        if got != expected:
            raise RuntimeError(f"{side}: {got} of {expected} deliveries arrived in {WAIT} s")
        took = last - start
        return expected / took, took, lat

    async def calibrate(self, side: str, min_seconds: float) -> int:
        messages = 1
        while True:
            _, took, _ = await self.once(side, messages)
            if took >= 2 * min_seconds or messages >= 65536:
                return messages
            messages = max(messages + 1, int(messages * min(8.0, 2.2 * min_seconds / took)))


async def bench(members: int, processes: int, rounds: int, min_seconds: float) -> None:
    server, url = gateway("--node-id", "fan")
    base = Child([sys.executable, "-c", BROADCAST_SERVER])
    base_url = f"ws://127.0.0.1:{base.line}"
    group: Members | None = None
    try:
        setup = time.perf_counter()
        group = Members(url, base_url, members - 1, processes)
        sender = await connect_sender(url, base_url)
        setup = time.perf_counter() - setup
        await asyncio.sleep(3.5)  # the member-count pushes of the joins are over
        pids = {"gateway": server.proc.pid, "broadcast": base.proc.pid, **group.pids}
        run = Run(group, sender, members - 1)
        # The same number of messages on both sides (the larger calibration), so that both
        # batch alike; the faster side's repeats still last min_seconds.
        messages = max([await run.calibrate(side, min_seconds) for side in SIDES])
        rates: dict[str, list[float]] = {side: [] for side in SIDES}
        p50s: dict[str, list[float]] = {side: [] for side in SIDES}
        p99s: dict[str, list[float]] = {side: [] for side in SIDES}
        shortest = {side: float("inf") for side in SIDES}
        cpu: dict[str, dict[str, list[float]]] = {side: {} for side in SIDES}
        load_before = os.getloadavg()
        for _ in range(rounds):
            for side in SIDES:
                meter = CpuMeter(pids)
                rate, took, _ = await run.once(side, messages)
                for name, share in meter.shares().items():
                    cpu[side].setdefault(name, []).append(share)
                rates[side].append(rate)
                shortest[side] = min(shortest[side], took)
                if took < min_seconds:  # faster than at calibration: longer repeats from now
                    messages = int(messages * 2 * min_seconds / took) + 1
                _, _, lat = await run.once(side, 1)
                p50s[side].append(pct(lat, 0.5))
                p99s[side].append(pct(lat, 0.99))
        ratios = [g / b for g, b in zip(rates["gateway"], rates["broadcast"], strict=True)]
        print(f"\nfan-out to {members:,} members ({members - 1:,} receivers in {processes} "
              f"processes; setup {setup:.1f} s; {messages} messages a repeat at the end), "
              f"median [lowest … highest] of {rounds} rounds")  # fmt: skip
        for side in SIDES:
            print(f"  {side:<10}{format_spread(rates[side], percent=False):>34} deliveries/s"
                  f" (shortest repeat {shortest[side]:.2f} s); "
                  f"one message: time to members p50 {statistics.median(p50s[side]) * 1e3:.1f}"
                  f" ms, p99 {statistics.median(p99s[side]) * 1e3:.1f} ms")  # fmt: skip
            shares = ", ".join(
                f"{name} {statistics.median(v):.2f}"
                for name, v in cpu[side].items()
                if name != ("broadcast" if side == "gateway" else "gateway")
            )
            print(f"            CPU (cores, median over the throughput repeats): {shares}")
        verdict = "met" if statistics.median(ratios) >= 0.5 else "NOT met"
        print(f"  gateway / broadcast, per round: {format_spread(ratios)}  goal >= 50 %: {verdict}")
        # One event loop each (one core at most): CPU per delivery says what one dedicated
        # core would carry, whatever share of the box the process got here.
        for side, pid_name in (("gateway", "gateway"), ("broadcast", "broadcast")):
            per = statistics.median(
                c / r for c, r in zip(cpu[side][pid_name], rates[side], strict=True)
            )
            if per <= 0:  # CPU is counted in clock ticks: a tiny run may show none
                print(f"  {side} CPU per delivery: too short a run to measure")
                continue
            print(f"  {side} CPU per delivery: {per * 1e6:.2f} µs, i.e. about {1 / per:,.0f} "
                  "deliveries/s on one whole core")  # fmt: skip
        line = load_line(load_before, os.getloadavg())
        short = [s for s in SIDES if shortest[s] < min_seconds]
        if short:
            line += f"; WARNING repeats shorter than {min_seconds} s: {', '.join(short)}"
        print(f"  {line}")
        close_all(list(sender.conns.values()))
    finally:
        if group is not None:
            group.close()
        server.close()
        base.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[512, 5000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2, help="member processes")
    parser.add_argument("--min-seconds", type=float, default=0.3)
    args: Any = parser.parse_args(argv)
    for members in args.members:
        asyncio.run(bench(members, args.processes, args.rounds, args.min_seconds))


if __name__ == "__main__":
    main()
