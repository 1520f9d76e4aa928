"""Test kit for the network parts: a real redis-server, gateways in threads or processes,
recording RTM handlers, and waiting on real time without sleeping blindly.

Everything listens on 127.0.0.1 on free ports; nothing depends on a service started by hand.
``redis-server`` must be installed (``scripts/test`` installs it); if it is missing the
Redis tests fail with a message saying so, they are not skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import redis
from attrs import has as attrs_has

import rtm
from rtm import codec, net
from rtm import protocol as p
from rtm.gateway import Gateway, GatewayConfig
from rtm.service.backend import Backend

__all__ = [
    "APP",
    "GatewayProcess",
    "GatewayThread",
    "Raw",
    "Recorder",
    "RedisServer",
    "free_port",
    "wait_until",
]

APP = "0123456789abcdef0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], object], timeout: float = 5.0, what: str = "") -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        time.sleep(0.01)


class RedisServer:
    """A private redis-server (append-only file on, so a restart keeps the data)."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise AssertionError(
                "redis-server is not installed: run scripts/test (it installs it with apt) "
                "or `apt-get install redis-server`"
            )
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="sig2rtm-redis-")
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", self.dir,
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--protected-mode", "no",
                "--logfile", os.path.join(self.dir, "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            wait_until(lambda: _pings(client), 10.0, "redis-server to answer PING")
        finally:
            client.close()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def flush(self) -> None:
        client = redis.Redis(port=self.port)
        try:
            client.flushall()
        finally:
            client.close()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class GatewayThread:
    """A gateway node on its own event loop in a background thread of this process."""

    def __init__(self, backend_object: Backend | None = None, **settings: Any) -> None:
        settings.setdefault("port", 0)
        settings.setdefault("ping_interval", 1.0)
        settings.setdefault("ping_timeout", 1.0)
        settings.setdefault("shutdown_grace", 0.3)
        self.config = GatewayConfig(**settings)
        self.loop = asyncio.new_event_loop()
        self.gateway = Gateway(self.config, backend_object)
        ready = threading.Event()
        self.error: BaseException | None = None

        def main() -> None:
            asyncio.set_event_loop(self.loop)
            try:
                self.loop.run_until_complete(self.gateway.start())
            except BaseException as exc:
                self.error = exc
                ready.set()
                return
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=main, name="gateway", daemon=True)
        self.thread.start()
        ready.wait(10)
        if self.error is not None:
            raise self.error
        self.stopped = False

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.gateway.port}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.gateway.port}"

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the gateway's loop (where the service lives) and return its result."""

        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        asyncio.run_coroutine_threadsafe(self.gateway.shutdown(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class GatewayProcess:
    """``python -m sig2rtm serve ...`` as a child process (for SIGKILL and SIGTERM)."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sig2rtm", "serve", "--port", "0", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
            text=True,
        )
        assert self.proc.stdout is not None
        line = ""
        deadline = time.monotonic() + 20
        #: What the node printed before "listening on" (the other ports it serves).
        self.banner: list[str] = []
        while not line.startswith("listening on ") and time.monotonic() < deadline:
            if line:
                self.banner.append(line.strip())
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                break
        if not line.startswith("listening on "):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=5)
            raise AssertionError(f"gateway did not start: {err[-2000:]}")
        self.url = line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])
        # Keep stderr drained so a chatty node never blocks on a full pipe.
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(20)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Recorder:
    """Records every RTM callback (C++ handler style) as (who, name, args), thread-safely."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, tuple[Any, ...]]] = []
        self._lock = threading.Lock()

    def add(self, who: str, name: str, args: tuple[Any, ...]) -> None:
        with self._lock:
            self.events.append((who, name, args))

    def of(self, who: str, name: str) -> list[tuple[Any, ...]]:
        with self._lock:
            return [a for w, n, a in self.events if w == who and n == name]

    def handler(self, who: str, base: type = rtm.IRtmServiceEventHandler) -> Any:
        recorder = self

        class Handler(base):  # type: ignore[misc]
            def __getattribute__(self, name: str) -> Any:
                if name.startswith("on") and name[2:3].isupper():
                    return lambda *args: recorder.add(who, name, args)
                return object.__getattribute__(self, name)

        return Handler()

    def texts(self, who: str) -> list[str]:
        """Texts of peer messages ``who`` received, in order."""
        return [a[1].text for a in self.of(who, "onMessageReceivedFromPeer")]


@contextlib.contextmanager
def network_core(*urls: str, **options: Any) -> Iterator[net.NetworkCore]:
    options.setdefault("ping_interval", 1.0)
    options.setdefault("ping_timeout", 1.0)
    core = net.connect_core(list(urls), **options)
    try:
        yield core
    finally:
        core.close()


class Stack:
    """Where clients' cores come from in a test: the embedded core, one gateway node, or
    two gateway nodes sharing Redis (client ``i`` on node ``i % 2``)."""

    def __init__(self, kind: str, redis_server: RedisServer | None = None) -> None:
        self.kind = kind
        self.gateways: list[GatewayThread] = []
        self.cores: list[Any] = []
        if kind == "embedded":
            self.cores.append(rtm.EmbeddedCore())
        elif kind == "gateway":
            self.gateways.append(GatewayThread(node_id="solo"))
        elif kind == "redis":
            assert redis_server is not None
            redis_server.flush()
            for node in ("na", "nb"):
                self.gateways.append(
                    GatewayThread(backend=redis_server.url, node_id=node, heartbeat=0.2)
                )
        else:
            raise ValueError(kind)
        for gateway in self.gateways:
            self.cores.append(net.connect_core(gateway.url, ping_interval=1.0, ping_timeout=1.0))
        self.recorder = Recorder()
        self.clients: dict[str, rtm.RtmClient] = {}

    def client(self, name: str, node: int | None = None) -> rtm.RtmClient:
        """A C++-style client named ``name`` whose callbacks go to :attr:`recorder`."""
        core = self.cores[(len(self.clients) if node is None else node) % len(self.cores)]
        client = rtm.createRtmService(core)
        assert client.initialize(APP, self.recorder.handler(name)) == 0
        self.clients[name] = client
        return client

    def login(self, name: str, node: int | None = None, token: str | None = None) -> Any:
        client = self.client(name, node)
        assert client.login(token, name) == 0
        wait_until(lambda: self.recorder.of(name, "onLoginSuccess"), 5, f"{name} logged in")
        return client

    def close(self) -> None:
        for client in self.clients.values():
            client.release()
        for core in self.cores:
            core.close()
        for gateway in self.gateways:
            gateway.stop()


class Raw:
    """A bare protocol client (websockets' sync client): frames in, frames out, no RTM
    client logic, so tests can send anything at all."""

    def __init__(self, url: str, path: str = "/v1", query: str = "") -> None:
        from websockets.sync.client import connect

        self.ws = connect(
            url + path + query, open_timeout=5, compression=None, max_size=None, legacy=True
        )
        self.welcome = codec.decode_server(self.ws.recv(timeout=5))[0]
        self._backlog: list[Any] = []
        self._req = 1000

    def send(self, message: Any) -> None:
        """Send a frame object, a JSON-able value, or raw text/bytes as one message."""
        if isinstance(message, str | bytes):
            self.ws.send(message)
        elif attrs_has(type(message)):
            self.ws.send(codec.encode(message))
        else:
            self.ws.send(json.dumps(message))

    def next(self, timeout: float = 5.0) -> Any:
        if not self._backlog:
            self._backlog.extend(codec.decode_server(self.ws.recv(timeout=timeout)))
        return self._backlog.pop(0)

    def until(self, match: Callable[[Any], bool], timeout: float = 5.0) -> tuple[Any, list[Any]]:
        """The first frame ``match`` accepts, and the frames that came before it."""
        before: list[Any] = []
        deadline = time.monotonic() + timeout
        while True:
            frame = self.next(max(0.01, deadline - time.monotonic()))
            if match(frame):
                return frame, before
            before.append(frame)

    def request(self, make: Callable[[int], Any]) -> Any:
        """Send a request built with a fresh req number; its Result."""
        self._req += 1
        req = self._req
        self.send(make(req))
        result, _ = self.until(lambda f: isinstance(f, p.Result) and f.req == req)
        return result

    def login(self, user: str, token: str | None = None, app: str = APP) -> Any:
        return self.request(lambda r: p.Login(r, app, user, token))

    def close(self) -> None:
        self.ws.close()
