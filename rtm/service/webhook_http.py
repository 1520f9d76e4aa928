"""The webhook's HTTP client: :class:`~rtm.service.webhook.WebhookSink` on httpx (asyncio).

Needs the ``rts`` extra (httpx). The gateway gives it its own event loop (the POSTs run
beside the WebSocket traffic, never blocking it: each is a task, bounded by the service's
slots and by its own timeout); the embedded core gives it none, and it then runs a small
event loop of its own on a daemon thread, started at the first POST.

Choices (docs/business-server.md): the body is sent as it is, without a ``Content-Type``
header (the vendor's webhook sends none, so business servers parse the raw body); no
redirects are followed; proxies from the environment are not used; at most 64 KB of the
answer is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from .webhook import MAX_ACK_BYTES, WebhookOutcome, WebhookRequest

__all__ = ["USER_AGENT", "HttpxWebhookSink"]

USER_AGENT = "sig2rtm-webhook/1"


class HttpxWebhookSink:
    """POSTs webhooks with one shared :class:`httpx.AsyncClient` (its connection pool).

    ``loop``: the event loop to run on (the gateway's); None: a private loop on a thread.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop | None = None, *, max_connections: int = 256
    ) -> None:
        self._loop = loop
        self._own_thread: threading.Thread | None = None
        self._max_connections = max_connections
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = threading.Lock()
        self._closed = False

    def post(self, request: WebhookRequest, done: Callable[[WebhookOutcome], None]) -> None:
        """Start the POST (never blocks); ``done`` is called once, on this sink's loop."""
        loop = self._running_loop()
        coro = self._post(request, done)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._track(loop.create_task(coro))
        else:
            loop.call_soon_threadsafe(self._spawn, coro)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        assert self._loop is not None
        self._track(self._loop.create_task(coro))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise RuntimeError("the webhook client is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="rtm-webhooks", daemon=True)
                thread.start()
                self._loop, self._own_thread = loop, thread
            return self._loop

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                trust_env=False,
                limits=httpx.Limits(
                    max_connections=self._max_connections, max_keepalive_connections=32
                ),
                headers={"User-Agent": USER_AGENT},
            )
        return self._client

    async def _post(self, request: WebhookRequest, done: Callable[[WebhookOutcome], None]) -> None:
        try:
            outcome = await asyncio.wait_for(self._exchange(request), request.timeout)
        except TimeoutError:
            outcome = WebhookOutcome(None, error=f"no answer within {request.timeout:.3g} s")
        except httpx.HTTPError as exc:
            outcome = WebhookOutcome(None, error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # never leave a request without its outcome
            outcome = WebhookOutcome(None, error=f"{type(exc).__name__}: {exc}")
        done(outcome)

    async def _exchange(self, request: WebhookRequest) -> WebhookOutcome:
        headers = {
            # The vendor's webhook names no sender in the body; these say who sent it.
            "X-Sig2rtm-App-Id": request.app_id,
            "X-Sig2rtm-User-Id": request.user_id,
        }
        client = self._http()
        req = client.build_request(
            "POST", request.url, content=request.body, headers=headers, timeout=request.timeout
        )
        # httpx adds no Content-Type for raw ``content``: the body goes as the vendor's does.
        response = await client.send(req, stream=True)
        try:
            body = bytearray()
            truncated = False
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ACK_BYTES:
                    truncated = True
                    break
            return WebhookOutcome(response.status_code, bytes(body), truncated=truncated)
        finally:
            await response.aclose()

    def close(self) -> None:
        """Stop: POSTs in flight are abandoned (their requests time out in the service)."""
        with self._lock:
            self._closed = True
            loop, thread = self._loop, self._own_thread
        if loop is None:
            return
        client = self._client
        self._client = None

        async def shut() -> None:
            for task in list(self._tasks):
                task.cancel()
            if client is not None:
                await client.aclose()

        if thread is not None:
            future = asyncio.run_coroutine_threadsafe(shut(), loop)
            with contextlib.suppress(Exception):  # best effort: the thread is a daemon
                future.result(timeout=2.0)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=2.0)
        elif not loop.is_closed():
            task = loop.create_task(shut())
            self._tasks.add(task)

    async def aclose(self) -> None:
        """:meth:`close` for a sink on the caller's loop (the gateway's shutdown)."""
        with self._lock:
            self._closed = True
        for task in list(self._tasks):
            task.cancel()
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
