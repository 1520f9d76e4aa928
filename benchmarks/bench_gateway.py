"""The gateway under load, each figure beside its baseline measured in the same run.

Run: ``python benchmarks/bench_gateway.py [--repeats R] [--seconds S] [--idle N]``
(needs ``redis-server`` on PATH for the cross-node part).

Servers run as child processes (``python -m sig2rtm serve``), the load generator here, so the
two cores of a small box are split between them as in a deployment; clients are bare
WebSocket connections speaking the protocol (docs/protocol.md), not RtmClient objects, so
the figures are the gateway's, not the client library's.

1. Peer messages through one gateway, 100 clients each sending to the next with 8 messages
   in flight: delivered messages/s and latency (send -> recipient) p50/p99; baseline: a bare
   ``websockets`` echo server, 100 clients, same window and message size (goal >= 50 %).
2. Fan-out: one message to a 512-member channel, p50/p99 of the time until each member has
   it, and deliveries/s.
3. Cross-node: 50 clients on node A sending to 50 on node B through Redis; baseline: a
   pipelined redis-py publisher and a ``get_message`` subscriber on the same Redis
   (goal >= 50 %).
4. Memory per idle logged-in connection, 5,000 connections (goal <= 30 KB): the gateway's
   resident memory before and after.

Each measurement is repeated (``--repeats``, default 3); medians are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import redis
import redis.asyncio as aredis
from websockets.asyncio.client import ClientConnection, connect

REPO = Path(__file__).resolve().parents[1]
APP = "benchmark00000000000000000000000"
WINDOW = 8
TEXT = "x" * 64

ECHO_SERVER = """
import asyncio, sys
from websockets.asyncio.server import serve
async def echo(ws):
    async for message in ws:
        await ws.send(message)
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

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            args,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        )
        assert self.proc.stdout is not None
        self.line = self.proc.stdout.readline().strip()
        if not self.line:
            raise RuntimeError(f"{args[:4]} did not start")

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


# --- protocol clients --------------------------------------------------------------------


async def open_many(url: str, count: int, query: str = "") -> list[ClientConnection]:
    semaphore = asyncio.Semaphore(200)

    async def one() -> ClientConnection:
        async with semaphore:
            return await connect(url + query, compression=None, max_size=None, open_timeout=60,
                                 ping_interval=None, close_timeout=1)  # fmt: skip

    return await asyncio.gather(*(one() for _ in range(count)))


async def login_all(conns: list[ClientConnection], prefix: str) -> None:
    async def one(i: int, ws: ClientConnection) -> None:
        await ws.recv()  # welcome
        login = {"t": "login", "req": 1, "app_id": APP, "user_id": f"{prefix}{i}", "token": None}
        await ws.send(json.dumps(login))
        while True:
            frame = json.loads(await ws.recv())
            if isinstance(frame, dict) and frame.get("t") == "result" and frame["req"] == 1:
                assert frame["code"] == 0, frame
                return

    await asyncio.gather(*(one(i, ws) for i, ws in enumerate(conns)))


def close_all(conns: list[ClientConnection]) -> None:
    """Drop the connections at once (the server process is stopped next anyway)."""
    for ws in conns:
        ws.transport.abort()


def frames_of(message: str | bytes) -> list[dict[str, Any]]:
    data = json.loads(message)
    return data if isinstance(data, list) else [data]


def peer_frame(req: int, peer: str) -> str:
    return json.dumps(
        {"t": "send_peer", "req": req, "peer_id": peer, "offline": False,
         "payload": {"type": 1, "text": f"{time.perf_counter():.9f}|{TEXT}", "raw": ""}}
    )  # fmt: skip


class Load:
    """Each connection sends to a partner with WINDOW messages in flight, for ``seconds``."""

    def __init__(self, senders: list[ClientConnection], receivers: list[ClientConnection],
                 partner: Callable[[int], str], seconds: float) -> None:  # fmt: skip
        self.senders, self.receivers = senders, receivers
        self.partner, self.seconds = partner, seconds
        self.delivered = 0
        self.latencies: list[float] = []
        self.stop_at = 0.0
        self.start = 0.0
        self._credit: dict[int, asyncio.Semaphore] = {}

    async def run(self) -> tuple[float, list[float]]:
        self.stop_at = time.perf_counter() + self.seconds
        readers = {id(ws): ws for ws in self.senders + self.receivers}
        start = self.start = time.perf_counter()
        tasks = [asyncio.ensure_future(self._read(ws)) for ws in readers.values()]
        tasks += [asyncio.ensure_future(self._send(i, ws)) for i, ws in enumerate(self.senders)]
        await asyncio.sleep(self.seconds)
        elapsed = time.perf_counter() - start
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.sleep(0.3)  # let in-flight messages drain before the next round
        return self.delivered / elapsed, self.latencies

    async def _send(self, i: int, ws: ClientConnection) -> None:
        credit = self._credit[id(ws)] = asyncio.Semaphore(WINDOW)
        req, peer = 0, self.partner(i)
        while time.perf_counter() < self.stop_at:
            await credit.acquire()
            req += 1
            await ws.send(peer_frame(req, peer))

    async def _read(self, ws: ClientConnection) -> None:
        async for message in ws:
            now = time.perf_counter()
            for frame in frames_of(message):
                kind = frame.get("t")
                if kind == "result":
                    credit = self._credit.get(id(ws))
                    if credit is not None:
                        credit.release()
                elif kind == "peer_message":
                    sent = float(frame["payload"]["text"].split("|", 1)[0])
                    if sent >= self.start:  # not a straggler of the previous round
                        self.delivered += 1
                        self.latencies.append(now - sent)


async def echo_load(conns: list[ClientConnection], seconds: float) -> tuple[float, list[float]]:
    done = 0
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def client(ws: ClientConnection) -> None:
        nonlocal done
        credit = asyncio.Semaphore(WINDOW)

        async def reader() -> None:
            nonlocal done
            async for message in ws:
                frame = json.loads(message)
                sent = float(frame["payload"]["text"].split("|")[0])
                latencies.append(time.perf_counter() - sent)
                done += 1
                credit.release()

        task = asyncio.ensure_future(reader())
        req = 0
        try:
            while time.perf_counter() < stop_at:
                await credit.acquire()
                req += 1
                await ws.send(peer_frame(req, "echo"))
        finally:
            await asyncio.sleep(0.2)
            task.cancel()

    start = time.perf_counter()
    await asyncio.gather(*(client(ws) for ws in conns), return_exceptions=True)
    return done / (time.perf_counter() - start - 0.2), latencies


# --- the benchmarks ----------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def bench_peer(repeats: int, seconds: float) -> dict[str, Any]:
    child, url = gateway("--node-id", "bench")
    echo = Child([sys.executable, "-c", ECHO_SERVER])
    try:
        conns = await open_many(url, 100)
        await login_all(conns, "u")
        rates, lat = [], []
        for _ in range(repeats):
            rate, latencies = await Load(conns, [], lambda i: f"u{(i + 1) % 100}", seconds).run()
            rates.append(rate)
            lat.extend(latencies)
        echo_conns = await open_many(f"ws://127.0.0.1:{echo.line}", 100)
        base_rates, base_lat = [], []
        for _ in range(repeats):
            rate, latencies = await echo_load(echo_conns, seconds)
            base_rates.append(rate)
            base_lat.extend(latencies)
        close_all(conns + echo_conns)
        return {
            "rate": statistics.median(rates), "base": statistics.median(base_rates),
            "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "base_p50": pct(base_lat, 0.5), "base_p99": pct(base_lat, 0.99),
        }  # fmt: skip
    finally:
        child.close()
        echo.close()


async def bench_fanout(repeats: int, members: int = 512) -> dict[str, Any]:
    child, url = gateway("--node-id", "fan")
    try:
        conns = await open_many(url, members)
        await login_all(conns, "m")
        setup = time.perf_counter()
        for i, ws in enumerate(conns):  # one at a time: join events go to everyone before
            await ws.send(json.dumps({"t": "join", "req": 2, "channel_id": "big"}))
            while not any(f.get("t") == "result" and f.get("req") == 2
                          for f in frames_of(await ws.recv())):  # fmt: skip
                pass
            del i
        setup = time.perf_counter() - setup
        # Drain the join/count events every member got during setup.
        await asyncio.sleep(1.0)
        for ws in conns:
            while True:
                try:
                    await asyncio.wait_for(ws.recv(), 0.001)
                except TimeoutError:
                    break
        p50s, p99s, rates = [], [], []
        sender, others = conns[0], conns[1:]
        for round_ in range(repeats * 5):
            arrived: list[float] = []

            async def wait(ws: ClientConnection, out: list[float] = arrived) -> None:
                while True:
                    if any(f.get("t") == "channel_message" for f in frames_of(await ws.recv())):
                        out.append(time.perf_counter())
                        return

            waiters = [asyncio.ensure_future(wait(ws)) for ws in others]
            start = time.perf_counter()
            payload = {"type": 1, "text": TEXT, "raw": ""}
            message = {"t": "send_channel", "req": 100 + round_, "channel_id": "big",
                       "payload": payload}  # fmt: skip
            await sender.send(json.dumps(message))
            await asyncio.wait_for(asyncio.gather(*waiters), 30)
            times = [t - start for t in arrived]
            p50s.append(pct(times, 0.5))
            p99s.append(pct(times, 0.99))
            rates.append(len(times) / max(times))
            await sender.recv()  # the sender's result
        close_all(conns)
        return {"p50": statistics.median(p50s), "p99": statistics.median(p99s),
                "rate": statistics.median(rates), "setup": setup}  # fmt: skip
    finally:
        child.close()


async def bench_cross_node(repeats: int, seconds: float) -> dict[str, Any]:
    server = RedisChild()
    a, url_a = gateway("--node-id", "na", "--backend", server.url)
    b, url_b = gateway("--node-id", "nb", "--backend", server.url)
    try:
        senders = await open_many(url_a, 50)
        receivers = await open_many(url_b, 50)
        await login_all(senders, "s")
        await login_all(receivers, "r")
        rates, lat = [], []
        for _ in range(repeats):
            rate, latencies = await Load(senders, receivers, lambda i: f"r{i}", seconds).run()
            rates.append(rate)
            lat.extend(latencies)
        close_all(senders + receivers)
        base = [await redis_pubsub_baseline(server.url, seconds) for _ in range(repeats)]
        return {"rate": statistics.median(rates), "base": statistics.median(base),
                "p50": pct(lat, 0.5), "p99": pct(lat, 0.99)}  # fmt: skip
    finally:
        a.close()
        b.close()
        server.close()


async def redis_pubsub_baseline(url: str, seconds: float) -> float:
    """Pipelined PUBLISH x100 from one connection, one subscriber reading: messages/s."""
    publisher = aredis.Redis.from_url(url)
    subscriber = aredis.Redis.from_url(url)
    pubsub: Any = subscriber.pubsub()
    await pubsub.subscribe("bench")
    await pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    received = 0
    stop_at = time.perf_counter() + seconds
    payload = f"{time.perf_counter():.9f}|{TEXT}" * 2  # about the size of an envelope

    async def publish() -> None:
        while time.perf_counter() < stop_at:
            pipe = publisher.pipeline(transaction=False)
            for _ in range(100):
                pipe.publish("bench", payload)
            await pipe.execute()

    async def read() -> None:
        nonlocal received
        while True:
            message = await pubsub.get_message(timeout=0.5)
            if message is not None:
                received += 1

    start = time.perf_counter()
    reader = asyncio.ensure_future(read())
    await publish()
    await asyncio.sleep(0.2)
    reader.cancel()
    elapsed = time.perf_counter() - start
    await pubsub.aclose()
    await publisher.aclose()
    await subscriber.aclose()
    return received / elapsed


async def bench_memory(count: int) -> dict[str, Any]:
    child, url = gateway("--node-id", "mem")
    try:
        warm = await open_many(url, 10)
        await login_all(warm, "w")
        await asyncio.sleep(0.5)
        before = child.rss_kb()
        conns = await open_many(url, count)
        await login_all(conns, "i")
        await asyncio.sleep(1.0)
        after = child.rss_kb()
        close_all(conns + warm)
        return {"per_conn_kb": (after - before) / count, "before": before, "after": after}
    finally:
        child.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--idle", type=int, default=5000)
    args = parser.parse_args()

    def run(coro: Awaitable[dict[str, Any]]) -> dict[str, Any]:
        return asyncio.run(coro)  # type: ignore[arg-type]

    peer = run(bench_peer(args.repeats, args.seconds))
    fan = run(bench_fanout(args.repeats))
    cross = run(bench_cross_node(args.repeats, args.seconds))
    memory = run(bench_memory(args.idle))

    ms = 1000.0
    print(f"{'benchmark':<46}{'measured':>14}{'baseline':>14}{'ratio':>8}{'goal':>8}")

    def row(name: str, value: float, base: float | None, goal: float | None, unit: str) -> None:
        ratio = f"{value / base:>8.0%}" if base else f"{'':>8}"
        verdict = ""
        if goal is not None and base:
            verdict = " ok" if value / base >= goal else " BELOW"
        goal_text = f"{goal:>8.0%}" if goal is not None else f"{'':>8}"
        base_text = f"{base:>14,.1f}" if base is not None else f"{'':>14}"
        print(f"{name:<46}{value:>14,.1f}{base_text}{ratio}{goal_text}{verdict}  {unit}")

    row("peer msgs, 1 gateway, 100 clients", peer["rate"], peer["base"], 0.5, "msg/s vs echo")
    row("  latency p50", peer["p50"] * ms, peer["base_p50"] * ms, None, "ms vs echo RTT")
    row("  latency p99", peer["p99"] * ms, peer["base_p99"] * ms, None, "ms vs echo RTT")
    row("fan-out 512 members, deliveries/s", fan["rate"], None, None, "deliveries/s")
    row("  time to all members p50", fan["p50"] * ms, None, None, "ms")
    row("  time to all members p99", fan["p99"] * ms, None, None, "ms")
    row("cross-node via Redis, 50 -> 50", cross["rate"], cross["base"], 0.5,
        "msg/s vs redis-py pub/sub")  # fmt: skip
    row("  latency p50", cross["p50"] * ms, None, None, "ms")
    row("  latency p99", cross["p99"] * ms, None, None, "ms")
    per = memory["per_conn_kb"]
    verdict = "ok" if per <= 30 else "ABOVE"
    print(f"{'memory per idle connection (' + str(args.idle) + ')':<46}{per:>14,.1f}"
          f"{'':>14}{'':>8}{'<=30 KB':>8} {verdict}  KB (RSS {memory['before']} -> "
          f"{memory['after']} KB)")  # fmt: skip
    print(f"(fan-out setup: 512 joins in {fan['setup']:.1f} s; medians of {args.repeats} runs)")


if __name__ == "__main__":
    main()
