"""The gateway under load, each figure beside a fair baseline, measured in alternation.

Run: ``python -m benchmarks.bench_gateway [--rounds R] [--seconds S] [--clients 100 1000]
[--processes P] [--window W] [--idle N]`` (needs ``redis-server`` for the cross-node part).

Servers and load generators are all child processes (``python -m sig2rtm serve``,
``python -m benchmarks.loadgen``): a Python load generator in one process saturates its
core before the gateway does, so the load is spread over ``--processes`` of them, and the
CPU each process used is printed with each figure, so a reader can see which one was the
bottleneck. On a 2-core box the load generators and the server share the cores; the
printed CPU says how.

1. **Peer messages through one gateway**, at each ``--clients`` count: every client sends
   to the next with ``--window`` messages in flight; delivered messages/s and latency
   (send -> recipient) p50/p99. Baseline: a ``websockets`` echo server that batches what it
   read in one loop turn into one message per connection, as the gateway batches its
   frames, with the same clients, window and message size. Gateway and echo run in
   alternation (A B A B ...), ratio per round, median and spread. Goal >= 50 %. What it
   does not mean: the echo server routes nothing and answers each message with one frame
   where the gateway sends two (the delivery and the sender's result), parses nothing and
   checks nothing; the ratio is the share of bare WebSocket I/O capacity that the gateway
   keeps while doing RTM's work.
2. **Fan-out** to 512 and 5,000 members: ``benchmarks.bench_fanout`` (members in processes
   of their own, beside a ``websockets.broadcast`` baseline); ``--only fanout`` runs it.
3. **Cross-node via Redis**: 50 clients on node A sending to 50 on node B, ``--window`` in
   flight each (the window is the load, not the limit: raise it until the rate stops
   growing). Baseline: redis-server's own pub/sub capacity on the same server, measured by
   ``redis-benchmark`` (C; 50 connections, 16 commands pipelined on each) publishing
   messages of the same size to a channel one ``redis-cli`` subscriber reads (the run
   fails if the subscriber was dropped); the two run in alternation, ratio per round.
   What it means: how many cross-node messages per second the gateways carry for each
   single-message ``PUBLISH`` redis-server can take and hand on. What it does not mean:
   the gateways batch the messages of a loop turn into one envelope per node, so Redis
   does less work per message on their side than in the baseline; a ratio below 100 %
   says the Python gateways, not Redis, are the limit (redis-server's CPU is printed).
4. **Memory per idle logged-in connection** at ``--idle`` connections (goal <= 30 KB): the
   gateway's resident memory before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis

from benchmarks.abab import CpuMeter, format_spread, load_line
from benchmarks.loadgen import (
    TEXT,
    Load,
    close_all,
    login_all,
    open_many,
)

REPO = Path(__file__).resolve().parents[1]
#: Messages in flight per sender (raised for the cross-node figure: see the docstring).
WINDOW = 64

#: The echo baseline: what one loop turn read on a connection goes back as one message
#: (a JSON array when there are several), as the gateway batches the frames of a turn.
ECHO_SERVER = """
import asyncio
from websockets.asyncio.server import serve
async def echo(ws):
    loop = asyncio.get_running_loop()
    pending = []
    def flush():
        batch = pending[:]
        pending.clear()
        text = batch[0] if len(batch) == 1 else "[" + ",".join(batch) + "]"
        asyncio.ensure_future(ws.send(text))
    async for message in ws:
        if not pending:
            loop.call_soon(flush)
        pending.append(message)
async def main():
    async with serve(echo, "127.0.0.1", 0, compression=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
"""


# --- processes -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Child:
    """A child process that prints one line (its port or URL) when ready."""

    def __init__(
        self, args: list[str], env: dict[str, str] | None = None, stdin: bool = False
    ) -> None:
        self.proc = subprocess.Popen(
            args,
            cwd=REPO,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        )
        assert self.proc.stdout is not None
        self.line = self.proc.stdout.readline().strip()
        if not self.line:
            raise RuntimeError(f"{args[:4]} did not start")

    def tell(self, command: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def answer(self, timeout: float) -> dict[str, Any]:
        """The next JSON line the child prints (fails if none comes in ``timeout`` s)."""
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"child {self.proc.args!r} did not answer in {timeout} s")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def gateway(*extra: str) -> tuple[Child, str]:
    child = Child(
        [sys.executable, "-m", "sig2rtm", "serve", "--port", "0", "--rates", "unlimited",
         "--connections-per-ip", "100000", "--log-level", "warning", *extra],
        env={"SIG2RTM_CONNECTS_PER_IP_PER_SECOND": "1000000", "SIG2RTM_FRAME_BURST": "100000",
             "SIG2RTM_FRAMES_PER_SECOND": "1000000"},
    )  # fmt: skip
    return child, child.line.split()[-1] + "/v1"


class RedisChild:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--save", "", "--appendonly", "no", "--logfile", ""],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)
        client.close()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the benchmarks ----------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class LoadGens:
    """``processes`` load generators sharing ``clients`` connections (``benchmarks.loadgen``)."""

    def __init__(
        self, gateway_url: str, echo_url: str, clients: int, processes: int, window: int
    ) -> None:
        self.children: list[Child] = []
        shares = [clients // processes + (i < clients % processes) for i in range(processes)]
        offset = 0
        for share in shares:
            args = [sys.executable, "-m", "benchmarks.loadgen", "--gateway", gateway_url,
                    "--count", str(share), "--offset", str(offset), "--total", str(clients),
                    "--window", str(window)]  # fmt: skip
            if echo_url:
                args += ["--echo", echo_url]
            self.children.append(Child(args, stdin=True))
            offset += share
        for child in self.children:
            if json.loads(child.line) != {"ready": True}:
                raise RuntimeError(f"load generator failed to start: {child.line}")

    @property
    def pids(self) -> dict[str, int]:
        return {f"loadgen {i}": c.proc.pid for i, c in enumerate(self.children)}

    def run(self, kind: str, seconds: float) -> tuple[float, list[float]]:
        """Messages/s over all processes, and their latency samples."""
        for child in self.children:
            child.tell({"run": kind, "seconds": seconds})
        rate, lat = 0.0, []
        for child in self.children:
            answer = child.answer(timeout=seconds + 60)
            rate += answer["rate"]
            lat += answer["lat"]
        if rate <= 0:
            raise RuntimeError(f"{kind}: no message came back in {seconds} s")
        return rate, lat

    def close(self) -> None:
        for child in self.children:
            child.tell({"quit": True})
        for child in self.children:
            child.close()


def cpu_line(shares: dict[str, list[float]]) -> str:
    return "CPU (cores, median): " + ", ".join(
        f"{name} {statistics.median(values):.2f}" for name, values in shares.items()
    )


def bench_peer(clients: int, processes: int, rounds: int, seconds: float, window: int) -> None:
    server, url = gateway("--node-id", "bench")
    echo = Child([sys.executable, "-c", ECHO_SERVER])
    load: LoadGens | None = None
    try:
        load = LoadGens(url, f"ws://127.0.0.1:{echo.line}", clients, processes, window)
        pids = {"gateway": server.proc.pid, "echo": echo.proc.pid, **load.pids}
        rates: dict[str, list[float]] = {"gateway": [], "echo": []}
        lat: dict[str, list[float]] = {"gateway": [], "echo": []}
        cpu: dict[str, dict[str, list[float]]] = {"gateway": {}, "echo": {}}
        load_before = os.getloadavg()
        for _ in range(rounds):
            for kind in ("gateway", "echo"):
                meter = CpuMeter(pids)
                rate, sample = load.run(kind, seconds)
                rates[kind].append(rate)
                lat[kind] += sample
                for name, share in meter.shares().items():
                    if name != ("echo" if kind == "gateway" else "gateway"):
                        cpu[kind].setdefault(name, []).append(share)
        ratios = [g / e for g, e in zip(rates["gateway"], rates["echo"], strict=True)]
        print(f"\npeer messages, 1 gateway, {clients} clients in {processes} load processes, "
              f"window {window}  (median [lowest … highest] of {rounds} rounds)")  # fmt: skip
        for kind in ("gateway", "echo"):
            ms = [x * 1000 for x in lat[kind]]
            print(f"  {kind:<8} {format_spread(rates[kind], percent=False):>34} msg/s   "
                  f"latency p50 {pct(ms, 0.5):.1f} ms, p99 {pct(ms, 0.99):.1f} ms")  # fmt: skip
            print(f"           {cpu_line(cpu[kind])}")
        verdict = "met" if statistics.median(ratios) >= 0.5 else "NOT met"
        print(f"  gateway / batching echo: {format_spread(ratios)}  goal >= 50 %: {verdict}")
        # The gateway is one event loop (one core at most): its CPU per message says what
        # one dedicated core would carry, whatever share of the box it got here.
        per = statistics.median(
            c / r for c, r in zip(cpu["gateway"]["gateway"], rates["gateway"], strict=True)
        )
        if per > 0:  # CPU is counted in clock ticks: a tiny run may show none
            print(f"  gateway CPU per message: {per * 1e6:.1f} µs (median), i.e. about "
                  f"{1 / per:,.0f} msg/s on one whole core")  # fmt: skip
        print(f"  {load_line(load_before, os.getloadavg())}")
    finally:
        if load is not None:
            load.close()
        server.close()
        echo.close()


async def bench_cross_node(repeats: int, seconds: float, window: int) -> dict[str, Any]:
    server = RedisChild()
    a, url_a = gateway("--node-id", "na", "--backend", server.url)
    b, url_b = gateway("--node-id", "nb", "--backend", server.url)
    pids = {"node A": a.proc.pid, "node B": b.proc.pid, "redis-server": server.proc.pid}
    try:
        senders = await open_many(url_a, 50)
        receivers = await open_many(url_b, 50)
        await login_all(senders, "s")
        await login_all(receivers, "r")
        rates: list[float] = []
        lat: list[float] = []
        base: list[float] = []
        cpu: dict[str, dict[str, list[float]]] = {"gateways": {}, "baseline": {}}
        subscriber = subprocess.Popen(
            ["redis-cli", "-p", str(server.port), "subscribe", "bench"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        baseline_pids = {"redis-server": server.proc.pid, "redis-cli subscriber": subscriber.pid}
        probe = redis.Redis(port=server.port)
        for _ in range(200):  # until the subscriber is in place
            if dict(probe.pubsub_numsub("bench")).get(b"bench") == 1:
                break
            await asyncio.sleep(0.05)
        probe.close()
        first, _ = redis_benchmark_baseline(server.port, "bench", 100_000)
        requests = max(100_000, int(first * seconds))  # a baseline repeat lasts ~ seconds
        for _ in range(repeats):  # alternated: gateways, baseline, gateways, ...
            meter = CpuMeter(pids)
            load = Load(senders, receivers, lambda i: f"r{i}", seconds, window)
            rate, latencies = await load.run()
            rates.append(rate)
            lat.extend(latencies)
            for name, share in meter.shares().items():
                cpu["gateways"].setdefault(name, []).append(share)
            meter = CpuMeter(baseline_pids)
            began = time.perf_counter()
            rate, bench_cpu = redis_benchmark_baseline(server.port, "bench", requests)
            base.append(rate)
            took = time.perf_counter() - began
            shares = {**meter.shares(), "redis-benchmark": bench_cpu / took}
            for name, share in shares.items():
                cpu["baseline"].setdefault(name, []).append(share)
        subscriber.terminate()
        subscriber.wait(10)
        close_all(senders + receivers)
        ratios = [r / b for r, b in zip(rates, base, strict=True)]
        return {"rate": statistics.median(rates), "base": statistics.median(base),
                "ratios": ratios, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
                "cpu": f"gateways: {cpu_line(cpu['gateways'])}\n"
                       f"  baseline: {cpu_line(cpu['baseline'])}"}  # fmt: skip
    finally:
        a.close()
        b.close()
        server.close()


def redis_benchmark_baseline(port: int, channel: str, requests: int) -> tuple[float, float]:
    """redis-server's own pub/sub capacity: ``redis-benchmark`` (C, 50 connections, 16
    commands pipelined each) publishing ``requests`` messages the size of one peer message
    to ``channel``, which one ``redis-cli`` subscriber reads. Returns (messages/s, CPU
    seconds redis-benchmark used).

    The rate counts until redis-server has written every message to the subscriber (its
    output buffer is empty), not until the publishes were accepted: what was published but
    not yet handed on is not delivered. The server keeps a slow subscriber (no output
    buffer limit) rather than drop it; the run fails if the channel has no subscriber
    (then the publishes would have reached no one and looked faster)."""
    binary = shutil.which("redis-benchmark")
    if binary is None:
        raise RuntimeError("redis-benchmark is not installed (apt-get install redis-tools)")
    client = redis.Redis(port=port)
    try:
        client.config_set("client-output-buffer-limit", "pubsub 0 0 0")
        subscribers = dict(client.pubsub_numsub(channel)).get(channel.encode(), 0)
        if subscribers != 1:
            raise RuntimeError(f"the baseline's channel has {subscribers} subscribers, not 1")
        payload = f"{time.perf_counter():.9f}|{TEXT}" * 2  # about the size of a message
        began = time.perf_counter()
        proc = subprocess.Popen(
            [binary, "-p", str(port), "-c", "50", "-P", "16", "-n", str(requests), "--csv",
             "publish", channel, payload],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"redis-benchmark failed ({proc.returncode}): {out!r}")
        deadline = time.monotonic() + 60
        while any(int(c["omem"]) for c in client.client_list(_type="pubsub")):
            if time.monotonic() > deadline:
                raise RuntimeError("the baseline's subscriber did not read its messages")
            time.sleep(0.001)
        took = time.perf_counter() - began
        subscribers = dict(client.pubsub_numsub(channel)).get(channel.encode(), 0)
    finally:
        client.close()
    if subscribers != 1:
        raise RuntimeError(f"the baseline's subscriber was dropped ({subscribers} left)")
    return requests / took, usage.ru_utime + usage.ru_stime


def bench_memory(count: int, processes: int) -> None:
    server, url = gateway("--node-id", "mem")
    load: LoadGens | None = None
    try:
        warm = LoadGens(url, "", 10, 1, 1)
        time.sleep(0.5)
        before = server.rss_kb()
        load = LoadGens(url, "", count, processes, 1)
        time.sleep(1.0)
        after = server.rss_kb()
        warm.close()
        per = (after - before) / count
        verdict = "met" if per <= 30 else "NOT met"
        print(f"\nmemory per idle logged-in connection at {count:,}: {per:.1f} KB "
              f"(gateway RSS {before:,} -> {after:,} KB); goal <= 30 KB: {verdict}")  # fmt: skip
    finally:
        if load is not None:
            load.close()
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--window", type=int, default=8, help="peer messages in flight")
    parser.add_argument("--cross-window", type=int, default=WINDOW)
    parser.add_argument("--idle", type=int, default=10_000)
    parser.add_argument("--only", choices=("peer", "fanout", "cross", "memory"))
    args = parser.parse_args()
    if args.only in (None, "peer"):
        for clients in args.clients:
            bench_peer(clients, args.processes, args.rounds, args.seconds, args.window)
    if args.only in (None, "fanout"):
        from benchmarks import bench_fanout

        bench_fanout.main(["--rounds", str(args.rounds), "--processes", str(args.processes)])
    if args.only in (None, "cross"):
        cross = asyncio.run(bench_cross_node(args.rounds, args.seconds, args.cross_window))
        ratio = statistics.median(cross["ratios"])
        verdict = "met" if ratio >= 0.5 else "NOT met"
        print(f"\ncross-node via Redis, 50 -> 50, window {args.cross_window}: "
              f"{cross['rate']:,.0f} msg/s (p50 {cross['p50'] * 1000:.1f} ms, "
              f"p99 {cross['p99'] * 1000:.1f} ms); redis-server's pub/sub capacity "
              f"(redis-benchmark, pipelined PUBLISH, one subscriber) {cross['base']:,.0f} "
              f"msg/s (medians)")  # fmt: skip
        print(
            f"  gateways / redis-server capacity, per round: {format_spread(cross['ratios'])}; "
            f"goal >= 50 %: {verdict}"
        )
        print("  (this process is the gateways' load generator)")
        print(f"  {cross['cpu']}")
    if args.only in (None, "memory"):
        bench_memory(args.idle, args.processes)


if __name__ == "__main__":
    main()
