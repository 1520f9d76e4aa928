"""The webhook to an app's business server, sans I/O: what is posted, and what the answer means.

A client's ``SendServer`` makes the service POST ``{"message", "binary", "signature"}`` to
the URL the client names (the RTS/RTC "message to the business server"). The service never
does I/O itself: it hands a :class:`WebhookRequest` to the :class:`WebhookSink` its host
attached (:mod:`rtm.service.webhook_http` on an async HTTP client) and turns the
:class:`WebhookOutcome` the sink reports into a ``SERVER_MESSAGE_ERR`` code here, so that the
mapping is one table, tested without a network.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
from collections.abc import Callable
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import attrs

from ..enums import MESSAGE_TYPE, SERVER_MESSAGE_ERR
from ..protocol import Payload
from ..validation import utf8_len

__all__ = [
    "MAX_ACK_BYTES",
    "MAX_MESSAGE_BYTES",
    "HttpSink",
    "WebhookConfig",
    "WebhookOutcome",
    "WebhookRequest",
    "WebhookSink",
    "check_url",
    "outcome_code",
    "payload_size",
    "webhook_body",
]

#: Largest message a client may send to its business server (the RTS limit, 64 KB).
MAX_MESSAGE_BYTES: Final = 64 * 1024
#: Largest ACK (the business server's response body) handed back to the client.
MAX_ACK_BYTES: Final = 64 * 1024


@attrs.frozen
class WebhookConfig:
    """How the service posts webhooks (see docs/business-server.md for the choices)."""

    #: Seconds from the client's request to its result: past this it is SEND_FAILED (17),
    #: whether the POST waited for a free slot or for the business server's answer.
    timeout: float = 5.0
    #: POSTs in flight at once, per app and per URL of an app; more wait in a queue.
    per_app: int = 32
    per_url: int = 8
    #: Requests of one app waiting for a slot; past this a request is TOO_OFTEN (5).
    queue: int = 1024
    #: Messages one client may send to its business server per second (RTS: 20/s).
    per_client_rate: int = 20


@attrs.frozen
class WebhookRequest:
    """One POST to make. ``app_id``/``user_id`` say who sent it (also sent as the
    ``X-Sig2rtm-App-Id`` / ``X-Sig2rtm-User-Id`` headers: the vendor's body names nobody)."""

    app_id: str
    user_id: str
    url: str
    body: bytes
    timeout: float


@attrs.frozen
class WebhookOutcome:
    """What became of a POST: the HTTP ``status`` and body, or ``status`` None and an
    ``error`` (timeout, connection refused, DNS, TLS...). ``truncated``: the body was larger
    than :data:`MAX_ACK_BYTES` (only that much was read)."""

    status: int | None
    body: bytes = b""
    error: str = ""
    truncated: bool = False


class WebhookSink(Protocol):
    """Makes POSTs for the service. ``post`` must not block; ``done`` is called exactly
    once per request, from any thread (the service hops back onto its scheduler)."""

    def post(self, request: WebhookRequest, done: Callable[[WebhookOutcome], None]) -> None: ...


def payload_size(payload: Payload) -> int:
    return utf8_len(payload.text) + len(payload.raw)


def webhook_body(payload: Payload, signature: str) -> bytes:
    """The JSON the business server receives. Binary (a raw message) travels base64 in
    ``message`` with ``binary: true`` (the reference leaves the encoding open)."""
    binary = payload.type == MESSAGE_TYPE.MESSAGE_TYPE_RAW
    message = base64.b64encode(payload.raw).decode("ascii") if binary else payload.text
    body = {"message": message, "binary": binary, "signature": signature}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def check_url(url: str) -> str:
    """Why ``url`` cannot be a business server's address ("" when it can)."""
    if not isinstance(url, str) or not url:
        return "the business server's URL is empty"
    try:
        split = urlsplit(url)
    except ValueError as exc:
        return f"bad URL {url!r}: {exc}"
    if split.scheme not in ("http", "https") or not split.hostname:
        return f"bad URL {url!r}: expected http(s)://host[:port]/path"
    return ""


def outcome_code(outcome: WebhookOutcome) -> tuple[int, bytes, str]:
    """(SERVER_MESSAGE_ERR code, ACK, reason) for a sink's outcome: 200 -> OK with the body
    as the ACK; another status or an ACK over 64 KB -> RETURN_FAILED; no answer ->
    SEND_FAILED."""
    E = SERVER_MESSAGE_ERR
    if outcome.status is None:
        return E.SEND_FAILED, b"", outcome.error or "no answer from the business server"
    if outcome.status != 200:
        return E.RETURN_FAILED, b"", f"the business server answered HTTP {outcome.status}"
    if outcome.truncated or len(outcome.body) > MAX_ACK_BYTES:
        return E.RETURN_FAILED, b"", f"the business server's answer exceeds {MAX_ACK_BYTES} bytes"
    return E.OK, outcome.body, ""


class HttpSink:
    """The host's webhook client: :class:`~rtm.service.webhook_http.HttpxWebhookSink`,
    created (and httpx imported) at the first POST, so a core that never posts pays nothing.
    Use :meth:`create`, which gives None when the 'rts' extra is not installed."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop
        self._sink: Any = None

    @classmethod
    def create(cls, loop: asyncio.AbstractEventLoop | None = None) -> HttpSink | None:
        """A sink on ``loop`` (None: its own thread), or None without httpx."""
        if importlib.util.find_spec("httpx") is None:
            return None
        return cls(loop)

    def post(self, request: WebhookRequest, done: Callable[[WebhookOutcome], None]) -> None:
        if self._sink is None:
            from .webhook_http import HttpxWebhookSink

            self._sink = HttpxWebhookSink(self._loop)
        self._sink.post(request, done)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()

    async def aclose(self) -> None:
        if self._sink is not None:
            await self._sink.aclose()
