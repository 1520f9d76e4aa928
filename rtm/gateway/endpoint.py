"""The seam between the gateway's server and a wire protocol spoken on it.

Why a seam: the same service will also be reached by the legacy Signaling SDK's own wire
protocol. The server (:mod:`rtm.gateway.server`) owns sockets, HTTP, limits per IP, send
buffers and heartbeats; an endpoint owns framing and sessions for one protocol on one URL
path. A new protocol is a new :class:`ProtocolEndpoint`, nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

__all__ = [
    "CloseCode",
    "EndpointSession",
    "HttpAnswer",
    "HttpRequest",
    "Listener",
    "ProtocolEndpoint",
    "Wire",
]


class CloseCode:
    """WebSocket close codes the gateway uses (RFC 6455 ones, then 4000+ private ones)."""

    NORMAL = 1000
    GOING_AWAY = 1001
    POLICY = 1008  # repeated invalid frames or rate abuse
    TOO_BIG = 1009  # message larger than the WebSocket limit (closed by websockets)
    INTERNAL = 1011
    RESTART = 1012  # server shutting down: reconnect (elsewhere)
    TRY_AGAIN = 1013  # node not ready / overloaded
    SUPERSEDED = 4000  # the session was resumed on another connection
    SLOW_CONSUMER = 4008  # send buffer or unacknowledged frames over their limit
    BAD_HANDSHAKE = 4400  # unsupported version or bad query parameters


class Wire(Protocol):
    """What an endpoint may do with its connection."""

    @property
    def peer(self) -> str:
        """The client's IP address."""

    def send(self, text: str) -> bool:
        """Queue one message; False if the connection is closing (nothing was queued)."""

    def close(self, code: int, reason: str) -> None:
        """Close the connection with ``code`` and a short ``reason`` (at most 120 bytes)."""


class EndpointSession(Protocol):
    """One connection's protocol state."""

    def receive(self, message: str | bytes) -> None:
        """One WebSocket message from the client."""

    def closed(self, orderly: bool) -> None:
        """The connection ended: ``orderly`` means the client closed it normally
        (a logout-like end); otherwise the link was lost and the session may resume."""


class ProtocolEndpoint(Protocol):
    #: The URL path this endpoint serves, e.g. ``/v1``.
    path: str

    def open(self, wire: Wire, query: Mapping[str, str]) -> EndpointSession:
        """A new connection on :attr:`path`; raise ValueError to refuse it (bad query)."""

    def end_lost_sessions(self) -> None:
        """The node is going away: end the sessions still waiting for a resume."""


class HttpRequest(NamedTuple):
    """A plain HTTP request on an extra listener (the target may be absolute: a proxy form)."""

    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    #: The address and port the client reached this node on.
    local_host: str
    local_port: int


class HttpAnswer(NamedTuple):
    status: int
    content_type: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()


class Listener(NamedTuple):
    """An extra port of the gateway: WebSocket on every path, served by the endpoint that
    ``make_endpoint`` builds once the node's service is up, and plain HTTP answered by
    ``http`` (None means 404); ``/healthz``, ``/readyz`` and ``/metrics`` are served too.
    The gateway's per-IP limits, heartbeats and send buffers apply as on the main port."""

    name: str
    port: int
    make_endpoint: Callable[[Any], ProtocolEndpoint]
    http: Callable[[HttpRequest], HttpAnswer | None]
    #: An ``ssl.SSLContext`` to serve HTTPS and WSS; None: plain.
    ssl: Any = None
