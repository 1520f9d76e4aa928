"""Channel members for ``bench_fanout``, in a process of their own.

Why a process of its own: reading thousands of sockets is as much work as writing them, and
a reader sharing the server's or the sender's process would measure itself. Each of these
opens ``--count`` connections to the gateway (logged in as ``<prefix><offset + i>``, joined
to the channel ``big``) and as many to the broadcast baseline, says ``{"ready": true}``,
then answers each command line on stdin with one JSON line:

* ``{"arm": TAG, "messages": M}`` -> ``{"armed": true}``: from now on, count the messages
  whose text starts with ``TAG`` (a new tag per repeat, so a straggler of another repeat
  or of the other side never counts);
* ``{"wait": SECONDS}`` -> ``{"got": N, "last": T, "lat": [sample]}`` once every connection
  has ``M`` of them, or when ``SECONDS`` have passed (``got`` then says how many came: the
  parent fails the run); ``last`` is the ``time.perf_counter()`` of the last arrival (the
  same clock in every process of this machine), ``lat`` a sample of send -> arrival times;
* ``{"quit": true}`` -> exits.

Messages are recognised by a regular expression on the raw text, not parsed as JSON: the
reader's cost per delivery stays small beside the server's, and a batch of several frames
in one WebSocket message (the gateway's, or the baseline's) counts each of them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import sys
import time

from websockets.asyncio.client import ClientConnection

from benchmarks.loadgen import close_all, login_all, open_many

CHANNEL = "big"
#: Latencies returned per wait (a uniform sample: the parent merges the processes').
SAMPLE = 2000


class Members:
    """Counts tagged messages per connection; wakes the waiter when all have ``expected``."""

    def __init__(self, conns: list[ClientConnection]) -> None:
        self.conns = conns
        self.pattern: re.Pattern[str] | None = None
        self.expected = 0
        self.counts: dict[int, int] = {}
        self.complete = 0
        self.last = 0.0
        self.latencies: list[float] = []
        self.done = asyncio.Event()
        self.tasks = [asyncio.ensure_future(self._read(ws)) for ws in conns]

    def arm(self, tag: str, expected: int) -> None:
        self.pattern = re.compile(re.escape(tag) + r"\d+\|(\d+\.\d+)\|")
        self.expected = expected
        self.counts = {id(ws): 0 for ws in self.conns}
        self.complete = 0
        self.last = 0.0
        self.latencies = []
        self.done.clear()

    async def _read(self, ws: ClientConnection) -> None:
        key = id(ws)
        async for message in ws:
            pattern = self.pattern
            if pattern is None or not isinstance(message, str):
                continue
            now = time.perf_counter()
            sent = pattern.findall(message)
            if not sent:
                continue
            for stamp in sent:
                self.latencies.append(now - float(stamp))
            count = self.counts[key] = self.counts.get(key, 0) + len(sent)
            self.last = now
            if count == self.expected:
                self.complete += 1
                if self.complete == len(self.conns):
                    self.done.set()

    def got(self) -> int:
        return sum(self.counts.values())


async def join_all(conns: list[ClientConnection]) -> None:
    """Join ``CHANNEL`` on every connection and wait for each result."""

    async def one(ws: ClientConnection) -> None:
        await ws.send(json.dumps({"t": "join", "req": 2, "channel_id": CHANNEL}))
        while True:
            data = json.loads(await ws.recv())
            for frame in data if isinstance(data, list) else [data]:
                if frame.get("t") == "result" and frame.get("req") == 2:
                    assert frame["code"] == 0, frame
                    return

    semaphore = asyncio.Semaphore(100)

    async def limited(ws: ClientConnection) -> None:
        async with semaphore:
            await one(ws)

    await asyncio.gather(*(limited(ws) for ws in conns))


async def serve_commands(args: argparse.Namespace) -> None:
    gateway = await open_many(args.gateway, args.count)
    await login_all(gateway, args.prefix, args.offset)
    await join_all(gateway)
    base = await open_many(args.base, args.count)
    members = {"gateway": Members(gateway), "base": Members(base)}
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    armed: Members | None = None
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        command = json.loads(line)
        if command.get("quit"):
            break
        if "arm" in command:
            armed = members[command["side"]]
            for other in members.values():
                other.pattern = None
            armed.arm(command["arm"], int(command["messages"]))
            print(json.dumps({"armed": True}), flush=True)
        elif "wait" in command and armed is not None:
            with contextlib.suppress(TimeoutError):  # the parent checks "got"
                await asyncio.wait_for(armed.done.wait(), float(command["wait"]))
            armed.pattern = None
            lat = random.sample(armed.latencies, min(SAMPLE, len(armed.latencies)))
            print(json.dumps({"got": armed.got(), "last": armed.last, "lat": lat}), flush=True)
    close_all(gateway + base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gateway", required=True, help="ws://host:port/v1")
    parser.add_argument("--base", required=True, help="ws://host:port of the broadcast baseline")
    parser.add_argument("--count", type=int, required=True, help="members in this process")
    parser.add_argument("--offset", type=int, default=0, help="number of its first user")
    parser.add_argument("--prefix", default="m")
    asyncio.run(serve_commands(parser.parse_args()))


if __name__ == "__main__":
    main()
