"""A real business server for tests: an HTTP server on 127.0.0.1 in a thread of this process.

Paths choose its behaviour: ``/ack`` answers 200 with ``ack:`` + the request body (the ACK);
``/status/<n>`` answers status ``n``; ``/hold`` answers 200 only once :meth:`release` is
called (a slow or hung business server). Every request is recorded, headers and body.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

__all__ = ["BusinessHttpServer", "Posted", "refused_url"]


@attrs.frozen
class Posted:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        owner = self.server.owner
        owner.record(Posted(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if self.path.startswith("/status/"):
            self._answer(int(self.path.rsplit("/", 1)[1]), b"refused")
        elif self.path.startswith("/hold"):
            owner.released.wait(30)
            self._answer(200, b"late")
        else:
            self._answer(200, b"ack:" + body)

    def _answer(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout): nothing to tell it
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read :attr:`BusinessHttpServer.posted` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: BusinessHttpServer


class BusinessHttpServer:
    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/ack") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def record(self, posted: Posted) -> None:
        with self._lock:
            self.posted.append(posted)

    def requests(self, path: str | None = None) -> list[Posted]:
        with self._lock:
            return [r for r in self.posted if path is None or r.path == path]

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nobody"
