"""Test kit for the legacy wire protocol: a gateway process with ``--legacy-port``, the real
``agora-signaling-sdk`` 1.0.2 driven in its own virtualenv, and a protocol-level client.

The real SDK is not a dependency of sig2rtm: :func:`legacy_sdk_python` builds a virtualenv
with it once (cached under pytest's cache directory, or ``SIG2RTM_LEGACY_SDK_PYTHON`` names
an interpreter that has it) and the SDK runs as a child process
(``fixtures/legacy_py_driver.py``) that turns JSON commands into SDK calls and SDK callbacks
into JSON events.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.rtm.netkit import REPO

__all__ = ["SDK_REQUIREMENT", "LegacyNode", "PySdk", "WireClient", "build_legacy_sdk"]

SDK_REQUIREMENT = "agora-signaling-sdk==1.0.2"
DRIVER = Path(__file__).with_name("fixtures") / "legacy_py_driver.py"
#: Bound on waiting for one event (a failure, not a measurement: events come in ms).
WAIT = 20.0


def build_legacy_sdk(directory: Path) -> Path:
    """A virtualenv in ``directory`` with the real SDK from PyPI (kept if already there)."""
    python = directory / "bin" / "python"
    marker = directory / "installed.txt"
    if marker.exists() and python.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(directory)], check=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", SDK_REQUIREMENT],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"pip install {SDK_REQUIREMENT} failed:\n{done.stderr[-2000:]}")
    marker.write_text(SDK_REQUIREMENT + "\n")
    return python


class LegacyNode:
    """``python -m sig2rtm serve --port 0 --legacy-port 0 ...`` as a child process."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sig2rtm", "serve", "--port", "0", "--legacy-port", "0", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
            text=True,
        )
        assert self.proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                break
            lines.append(line)
            if line.startswith("listening on "):
                break
        legacy = [x for x in lines if x.startswith("legacy Signaling on ")]
        if not legacy or not lines[-1].startswith("listening on "):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=5)
            raise AssertionError(f"gateway did not start: {lines} {err[-2000:]}")
        self.url = lines[-1].split()[-1]
        urls = [x.split()[-1] for x in legacy]
        self.legacy_url = next(u for u in urls if u.startswith("http:"))
        self.legacy_port = int(self.legacy_url.rsplit(":", 1)[1])
        #: ``https://…`` when started with ``--legacy-tls-port``.
        self.tls_url = next((u for u in urls if u.startswith("https:")), "")
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class PySdk:
    """The real Python SDK in a child process; ``do`` sends a command, ``expect`` waits for
    an event. Several logged-in sessions (``who``) share the one Twisted reactor."""

    def __init__(self, python: Path, env: dict[str, str] | None = None) -> None:
        clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
        clean.update({"NO_PROXY": "", "no_proxy": ""})
        self.proc = subprocess.Popen(
            [str(python), str(DRIVER)],
            cwd="/",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**clean, **(env or {})},
            text=True,
        )
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()
        self.expect("", "ready")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self._queue.put(json.loads(line))

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def do(self, op: str, who: str = "", **args: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, "who": who, **args}) + "\n")
        self.proc.stdin.flush()

    def expect(self, who: str, ev: str, **match: Any) -> dict[str, Any]:
        """The first event (seen before or arriving) ``who`` got named ``ev`` with ``match``;
        consumed, so the next ``expect`` finds the next one."""
        deadline = time.monotonic() + WAIT
        while True:
            for index, event in enumerate(self.events):
                if _matches(event, who, ev, match):
                    del self.events[index]
                    return event
            try:
                event = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no event {who}:{ev} {match}; got {self.events}; "
                    f"SDK stderr: {''.join(self.stderr)[-3000:]}"
                ) from None
            if event.get("ev") == "driver_error":
                raise AssertionError(f"driver error: {event}")
            self.events.append(event)

    def seen(self, who: str, ev: str) -> list[dict[str, Any]]:
        """Events already received (not waited for) of ``who`` named ``ev``."""
        while not self._queue.empty():
            self.events.append(self._queue.get_nowait())
        return [e for e in self.events if e.get("who") == who and e.get("ev") == ev]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.do("exit")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _matches(event: dict[str, Any], who: str, ev: str, match: dict[str, Any]) -> bool:
    if event.get("who") != who or event.get("ev") != ev:
        return False
    return all(event.get(key) == value for key, value in match.items())


class WireClient:
    """A protocol-level legacy client written from the wire note (Web SDK frames)."""

    def __init__(self, url: str, ssl: Any = None) -> None:
        self.ws: ClientConnection = connect(
            url, open_timeout=10, compression=None, legacy=True, ssl=ssl
        )
        self.inbox: list[Any] = []
        self.callid = 0
        self.line = ""

    def send(self, cmd: str, payload: Any) -> None:
        self.ws.send(json.dumps([cmd, payload]))

    def send_raw(self, message: str | bytes) -> None:
        self.ws.send(message)

    def recv(self, timeout: float = WAIT) -> Any:
        message = self.ws.recv(timeout)
        if isinstance(message, bytes):
            message = zlib.decompress(message).decode()
        return json.loads(message)

    def next(self, cmd: str, timeout: float = WAIT) -> Any:
        """The next frame named ``cmd`` (frames before it are kept in :attr:`inbox`)."""
        for index, frame in enumerate(self.inbox):
            if frame[0] == cmd:
                return self.inbox.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            frame = self.recv(max(0.01, deadline - time.monotonic()))
            if frame[0] == cmd:
                return frame
            self.inbox.append(frame)

    def login(self, app: str, account: str, token: str = "_no_need_token") -> dict[str, Any]:
        self.send(
            "login",
            {
                "account": account,
                "token": token,
                "vid": app,
                "uid": 0,
                "device": "websdk",
                "ip": "",
            },
        )
        frame = self.next("login_ret")
        err, text = frame[1]
        body: dict[str, Any] = json.loads(text)
        if not err and body.get("result") == "ok":
            self.line = body["line"]
        return body

    def call(self, func: str, **args: Any) -> tuple[str, dict[str, Any]]:
        """``call2`` as the Web SDK sends it (callids from 1, ``line`` added); its reply."""
        self.callid += 1
        callid = self.callid
        self.send("call2", [func, callid, {**args, "line": self.line}])
        while True:
            frame = self.next("call2-ret")
            if frame[1][0] == callid:
                err, text = frame[1][1], frame[1][2]
                return err, json.loads(text)
            self.inbox.append(frame)

    def notify(self, kind: str, timeout: float = WAIT) -> list[Any]:
        """The next ``notify`` payload of ``kind`` (``msg`` or ``channel2``)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, frame in enumerate(self.inbox):
                if frame[0] == "notify" and frame[1][0] == kind:
                    payload: list[Any] = self.inbox.pop(index)[1]
                    return payload
            self.inbox.append(self.recv(max(0.01, deadline - time.monotonic())))

    def close(self) -> None:
        self.ws.close()
