"""Load generator for ``bench_gateway``: protocol clients in a process of their own.

Why a process of its own: a Python load generator in the benchmark's process saturates its
one core before a gateway does, and then the benchmark measures the load generator.
``bench_gateway`` starts several of these; each opens its share of connections to the
gateway (logged in) and to the echo baseline, says ``{"ready": true}``, then answers each
command line on stdin with one JSON line:

* ``{"run": "gateway" | "echo", "seconds": S}`` -> ``{"rate": msg/s, "lat": [sample]}``
  (each connection keeps ``--window`` messages in flight; the gateway's peer messages go
  to the next user, the echo's come back);
* ``{"quit": true}`` -> exits.

Started without ``--echo`` and never told to run, it only holds its connections (the memory
figure).
The protocol clients are bare WebSocket connections speaking docs/protocol.md, not
RtmClient objects, so the figures are the gateway's, not the client library's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

APP = "benchmark00000000000000000000000"
WINDOW = 8
TEXT = "x" * 64
#: Latencies returned per run (a uniform sample: the parent merges the processes').
SAMPLE = 2000


async def open_many(url: str, count: int, query: str = "") -> list[ClientConnection]:
    semaphore = asyncio.Semaphore(200)

    async def one() -> ClientConnection:
        async with semaphore:
            return await connect(url + query, compression=None, max_size=None, open_timeout=60,
                                 ping_interval=None, close_timeout=1)  # fmt: skip

    return await asyncio.gather(*(one() for _ in range(count)))


async def login_all(conns: list[ClientConnection], prefix: str, offset: int = 0) -> None:
    async def one(i: int, ws: ClientConnection) -> None:
        await ws.recv()  # welcome
        user = f"{prefix}{offset + i}"
        login = {"t": "login", "req": 1, "app_id": APP, "user_id": user, "token": None}
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
                 partner: Callable[[int], str], seconds: float,
                 window: int = WINDOW) -> None:  # fmt: skip
        self.window = window
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
        credit = self._credit[id(ws)] = asyncio.Semaphore(self.window)
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


async def echo_load(
    conns: list[ClientConnection], seconds: float, window: int = WINDOW
) -> tuple[float, list[float]]:
    done = 0
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def client(ws: ClientConnection) -> None:
        nonlocal done
        credit = asyncio.Semaphore(window)

        async def reader() -> None:
            nonlocal done
            async for message in ws:
                now = time.perf_counter()
                for frame in frames_of(message):
                    sent = float(frame["payload"]["text"].split("|")[0])
                    latencies.append(now - sent)
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


async def serve_commands(args: argparse.Namespace) -> None:
    gateway = await open_many(args.gateway, args.count)
    await login_all(gateway, args.prefix, args.offset)
    echo = await open_many(args.echo, args.count) if args.echo else []
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    total = args.total

    def partner(i: int) -> str:
        return f"{args.prefix}{(args.offset + i + 1) % total}"

    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        command = json.loads(line)
        if command.get("quit"):
            break
        seconds = float(command["seconds"])
        if command["run"] == "gateway":
            rate, lat = await Load(gateway, [], partner, seconds, args.window).run()
        else:
            rate, lat = await echo_load(echo, seconds, args.window)
            await asyncio.sleep(0.3)
        sample = random.sample(lat, min(SAMPLE, len(lat)))
        print(json.dumps({"rate": rate, "lat": sample}), flush=True)
    close_all(gateway + echo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gateway", required=True, help="ws://host:port/v1")
    parser.add_argument("--echo", default="", help="ws://host:port of the echo baseline")
    parser.add_argument("--count", type=int, required=True, help="connections of this process")
    parser.add_argument("--offset", type=int, default=0, help="number of its first user")
    parser.add_argument("--total", type=int, default=0, help="users over all processes")
    parser.add_argument("--prefix", default="u")
    parser.add_argument("--window", type=int, default=WINDOW)
    args = parser.parse_args()
    args.total = args.total or args.count
    asyncio.run(serve_commands(args))


if __name__ == "__main__":
    main()
