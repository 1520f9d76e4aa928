"""Throw generated malformed frames at a real gateway node and check it only ever answers.

Run: ``python benchmarks/fuzz_node.py [--count N] [--seed S] [--connections C] [--json]``
(default 100,000 messages). Not a timed test: it states what happened, and exits non-zero
if anything went wrong.

The node runs as a child process (``python -m sig2rtm serve``, memory backend, error budget
and frame rate lifted so one connection can take everything). Every message is malformed
by construction — each frame type of the protocol (both directions) with one defect: a lone
UTF-16 surrogate in a value, a field name or the tag; a field missing, unknown or of the
wrong kind; deep nesting; huge numbers; broken JSON; binary messages; batches of such
frames, empty or too long; messages over the frame limit. The generator checks each message
against :func:`rtm.codec.decode_client` (no valid frame slips in) and knows how many error
frames it must bring back.

Reported: messages and frames sent, error frames received by code, messages not answered
(must be 0), frames other than errors (must be 0), connections the node closed (must be 0),
tracebacks in the node's log (must be 0), the node's resident memory (RSS) before and after,
and whether the node still serves a peer message between two fresh clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from rtm import codec  # noqa: E402
from rtm import protocol as p  # noqa: E402

APP = "0123456789abcdef0123456789abcdef"
MAX_FRAME_BYTES = codec.MAX_FRAME_BYTES
#: Sent before each read-back: enough in flight to keep the node busy, few enough to pair
#: every answer with its message.
WINDOW = 64

# --- the generator ---------------------------------------------------------------------

_WORDS = ["alice", "room", "", "x" * 64, "é漢", "\U0001f600", "a b", "\x00", "\u202e"]


def _text(rng: random.Random) -> str:
    return rng.choice(_WORDS)


def _valid_value(kind: Any, rng: random.Random) -> Any:
    """A JSON value that fits ``kind`` (the frame is made bad elsewhere)."""
    if kind in (codec.INT, codec.UINT):
        return rng.randint(0, 1000)
    if kind is codec.OPT_UINT:
        return rng.choice([None, rng.randint(0, 10)])
    if kind is codec.STR:
        return _text(rng)
    if kind is codec.OPT_STR:
        return rng.choice([None, _text(rng)])
    if kind is codec.BOOL:
        return rng.random() < 0.5
    if kind is codec.NUMBER:
        return rng.uniform(-1e6, 1e6)
    if kind in (codec.STRS, codec.OPT_STRS):
        return [_text(rng) for _ in range(rng.randint(0, 3))]
    if kind is codec.PAIRS:
        return [[_text(rng), _text(rng)] for _ in range(rng.randint(0, 3))]
    if kind is codec.STATES:
        return [[_text(rng), rng.randint(0, 2)] for _ in range(rng.randint(0, 3))]
    if kind is codec.PAYLOAD:
        return {"type": 1, "text": _text(rng), "raw": ""}
    if kind is codec.ATTRS:
        return [{"key": "k", "value": _text(rng), "last_update_user_id": "u",
                 "last_update_ts": 1}]  # fmt: skip
    if kind is codec.VALUE:
        return rng.choice([None, 1, "x", [1, ["y"]]])
    raise AssertionError(f"no sample for field kind {kind!r}")


def _frame(rng: random.Random) -> tuple[dict[str, Any], Any]:
    """A well-formed frame object of a random type (either direction) and its spec."""
    spec = rng.choice(codec.SPECS)
    obj: dict[str, Any] = {"t": spec.tag}
    for name, kind in spec.kinds.items():
        if name in spec.required or rng.random() < 0.5:
            obj[name] = _valid_value(kind, rng)
    return obj, spec


def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _string_slots(obj: Any) -> list[tuple[Any, Any, bool]]:
    """(container, key or index, is-a-key) of every string of a JSON value."""
    out: list[tuple[Any, Any, bool]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.append((obj, key, True))
            if isinstance(value, str):
                out.append((obj, key, False))
            else:
                out.extend(_string_slots(value))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            if isinstance(value, str):
                out.append((obj, i, False))
            else:
                out.extend(_string_slots(value))
    return out


def _lone_surrogate(obj: dict[str, Any], rng: random.Random) -> None:
    container, where, is_key = rng.choice(_string_slots(obj))
    bad = chr(rng.randint(0xD800, 0xDFFF))
    if is_key:
        value = container.pop(where)
        container[where[: len(where) // 2] + bad + where[len(where) // 2 :]] = value
    else:
        text = container[where]
        cut = rng.randint(0, len(text))
        container[where] = text[:cut] + bad + text[cut:]


#: Values no field kind accepts (kinds are checked exactly; nesting is limited to 4).
_NEVER_VALID: list[Callable[[random.Random], Any]] = [
    lambda rng: {"\u00e9": [1, {"a": None}]},
    lambda rng: _nested(rng.choice([6, 40, 400])),
]


def _bad_frame(rng: random.Random) -> dict[str, Any]:
    """A frame object with one defect the codec must refuse."""
    obj, spec = _frame(rng)
    if not spec.client and rng.random() < 0.5:
        return obj  # a server frame, refused as it is (wrong_direction)
    defect = rng.randrange(7)
    names = [n for n in obj if n != "t"]
    if defect == 0:
        _lone_surrogate(obj, rng)
    elif defect == 1 and spec.required:
        del obj[rng.choice(sorted(spec.required))]
    elif defect == 2:
        obj[rng.choice(["zz", "T", "req ", "\U0001f600", "payload2", ""])] = 1
    elif defect == 3 and names:
        obj[rng.choice(names)] = rng.choice(_NEVER_VALID)(rng)
    elif defect == 4 and "req" in obj:
        obj["req"] = rng.choice([-1, 2**53, 10**30, -(10**40), 1.5, True, "1"])
    elif defect == 5:
        obj["t"] = rng.choice(["", "Login", "join ", "result2", "\U0001f600", "nope"])
    else:
        _lone_surrogate(obj, rng)
    return obj


def _text_message(rng: random.Random) -> str:
    """The text of one malformed WebSocket message."""
    roll = rng.random()
    if roll < 0.55:
        return json.dumps(_bad_frame(rng))
    if roll < 0.70:
        n = rng.choice([1, 2, 5, 20, 100, codec.MAX_BATCH])
        return json.dumps([_bad_frame(rng) for _ in range(n)])
    if roll < 0.72:
        return rng.choice(["[]", json.dumps([{"t": "logout", "req": 1}] * (codec.MAX_BATCH + 1))])
    if roll < 0.78:  # huge numbers
        digits = rng.choice([20, 400, 4301, 20_000])
        return rng.choice([
            '{"t":"join","req":1' + "0" * digits + ',"channel_id":"c"}',
            '{"t":"join","req":1e999,"channel_id":"c"}',
            '{"t":"token_will_expire","seconds_left":-1e400}',
            '{"t":"send_peer","req":1,"peer_id":"b","offline":false,'
            '"payload":{"type":' + "9" * digits + ',"text":"x"}}',
        ])  # fmt: skip
    if roll < 0.83:  # deep nesting, as a whole message or in a field
        depth = rng.choice([10, 1000, 100_000])
        if rng.random() < 0.5:
            return "[" * depth + "]" * depth
        return '{"t":"join","req":1,"channel_id":' + "[" * depth + "]" * depth + "}"
    if roll < 0.90:  # broken JSON
        good = json.dumps(_frame(rng)[0])
        return rng.choice([
            good[: rng.randrange(1, len(good))],
            good.replace(":", "=", 1),
            good.replace('"', "'"),
            '{"t":"join","req":NaN,"channel_id":"c"}',
            '{"t":"join","req":1,"channel_id":"\\x"}',
            '{"t":"join","req":1,"channel_id":"c",}',
            '{"t":"join","req":1,"channel_id":"c","channel_id":"\\ud800"}',
            '{"t":"join","req":1,"channel_id":"\\ud800\\ud800"}',
            '{"t":"join","req":1,"channel_id":"\\udc00\\ud83d"}',
            "\ufeff" + good,
        ])  # fmt: skip
    if roll < 0.95:  # JSON that is not an object
        return rng.choice(['"\\ud800"', "1", "null", "true", '"login"', "1e999", "-0"])
    if roll < 0.951:
        return json.dumps({"t": "send_peer", "pad": "x" * (MAX_FRAME_BYTES + 1)})
    return (
        json.dumps(_bad_frame(rng), ensure_ascii=False)
        .encode("utf-8", "surrogatepass")
        .decode("utf-8", "replace")
    )  # raw non-ASCII text (surrogates become U+FFFD: valid UTF-8)


def _holds_lone_surrogate(value: Any) -> bool:
    """Checked here, not by the codec under test: such a frame must be refused."""
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, list):
        return any(_holds_lone_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(k) or _holds_lone_surrogate(v) for k, v in value.items())
    return False


def expected_errors(message: str | bytes) -> int | None:
    """How many error frames the node must answer ``message`` with; None if some frame of
    it is valid (the generator then draws another)."""
    if isinstance(message, bytes):
        return 1
    items = codec.decode_client(message)
    if all(isinstance(item, codec.DecodeError) for item in items):
        return len(items)
    objs = json.loads(message)  # it decoded, so it parses
    objs = objs if isinstance(objs, list) else [objs]
    refused = all(
        isinstance(item, codec.DecodeError) or _holds_lone_surrogate(obj)
        for item, obj in zip(items, objs, strict=True)
    )
    return len(items) if refused else None


def messages(seed: int) -> Iterator[tuple[str | bytes, int]]:
    """Endless malformed messages, each with the number of error frames it must bring back."""
    rng = random.Random(seed)
    while True:
        binary = rng.random() < 0.03
        message = rng.randbytes(rng.randint(0, 64)) if binary else _text_message(rng)
        errors = expected_errors(message)
        if errors is not None:
            yield message, errors


# --- the node --------------------------------------------------------------------------


class Node:
    """``python -m sig2rtm serve`` with its log in a file."""

    def __init__(self) -> None:
        self.log_path = Path(tempfile.mkstemp(prefix="fuzz-node-", suffix=".log")[1])
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "SIG2RTM_ERRORS_PER_10S": str(10**9),
            "SIG2RTM_FRAME_BURST": str(10**9),
            "SIG2RTM_FRAMES_PER_SECOND": str(1e9),
        }
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sig2rtm", "serve", "--port", "0", "--node-id", "fz",
             "--rates", "unlimited"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=self._log, env=env, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise SystemExit(f"node did not start: {self.log_path.read_text()[-2000:]}")
        self.url = line.split()[-1]

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def tracebacks(self) -> int:
        return self.log_path.read_text(errors="replace").count("Traceback (most recent call")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self._log.close()


# --- the driver ------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.messages = 0
        self.frames = 0
        self.errors: Counter[str] = Counter()
        self.unanswered = 0
        self.unexpected: list[str] = []
        self.closed: list[str] = []


async def _client(url: str, user: str) -> ClientConnection:
    ws = await connect(url + "/v1", compression=None, max_size=None)
    codec.decode_server(await ws.recv())  # welcome
    await ws.send(codec.encode(p.Login(1, APP, user, None)))
    (result,) = codec.decode_server(await ws.recv())
    if not (isinstance(result, p.Result) and result.code == 0):
        raise SystemExit(f"login of {user} failed: {result}")
    return ws


async def _fuzz_connection(
    url: str, user: str, source: Iterator[tuple[str | bytes, int]], count: int, tally: Tally
) -> None:
    ws = await _client(url, user)
    sent = 0
    while sent < count:
        window = [next(source) for _ in range(min(WINDOW, count - sent))]
        sent += len(window)
        expected = sum(errors for _, errors in window)
        try:
            for message, _ in window:
                await ws.send(message)
                tally.messages += 1
            got = 0
            while got < expected:
                for frame in codec.decode_server(await asyncio.wait_for(ws.recv(), 30)):
                    if isinstance(frame, codec.ErrorFrame):
                        tally.errors[frame.code] += 1
                        got += 1
                    else:
                        tally.unexpected.append(repr(frame)[:200])
            tally.frames += expected
        except (ConnectionClosed, TimeoutError) as exc:
            tally.unanswered += len(window)
            tally.closed.append(f"{user}: {exc!r}"[:200])
            await ws.close()
            ws = await _client(url, user)
    await ws.close()


async def _still_serves(url: str) -> bool:
    a, b = await _client(url, "after-a"), await _client(url, "after-b")
    await a.send(codec.encode(p.SendPeer(2, "after-b", p.Payload(1, "still there?"), False)))
    frames = codec.decode_server(await asyncio.wait_for(b.recv(), 10))
    await a.close()
    await b.close()
    return any(isinstance(f, p.PeerMessageIn) and f.payload.text == "still there?" for f in frames)


def run(count: int, seed: int, connections: int) -> dict[str, Any]:
    node = Node()
    try:
        tally = Tally()
        source = messages(seed)

        async def main() -> tuple[int, int, float, bool]:
            before = node.rss_kib()
            started = time.monotonic()
            share = [count // connections + (i < count % connections) for i in range(connections)]
            await asyncio.gather(*(
                _fuzz_connection(node.url, f"fuzzer{i}", source, n, tally)
                for i, n in enumerate(share)
            ))  # fmt: skip
            seconds = time.monotonic() - started
            await asyncio.sleep(1.0)
            return before, node.rss_kib(), seconds, await _still_serves(node.url)

        before, after, seconds, serves = asyncio.run(main())
        tracebacks = node.tracebacks()
    finally:
        node.close()
    ok = (
        tally.messages == count
        and not tally.unanswered
        and not tally.unexpected
        and not tally.closed
        and tracebacks == 0
        and serves
    )
    if ok:
        node.log_path.unlink()
    report: dict[str, Any] = {
        "seed": seed,
        "messages": tally.messages,
        "frames_refused": tally.frames,
        "errors_by_code": dict(sorted(tally.errors.items())),
        "unanswered": tally.unanswered,
        "unexpected_frames": len(tally.unexpected),
        "connections_closed": len(tally.closed),
        "tracebacks_in_log": tracebacks,
        "rss_kib_before": before,
        "rss_kib_after": after,
        "still_serves": serves,
        "seconds": round(seconds, 1),
        "log": "(deleted: nothing wrong)" if ok else str(node.log_path),
        "ok": ok,
    }
    if tally.unexpected or tally.closed:
        report["first_problems"] = (tally.unexpected + tally.closed)[:5]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=100_000, help="messages to send")
    parser.add_argument("--seed", type=int, default=None, help="generator seed (random)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    report = run(args.count, seed, args.connections)
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:>20}: {value}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
