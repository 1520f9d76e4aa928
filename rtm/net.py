"""The client side of the gateway: a :class:`~rtm.transport.Core` whose transports are
WebSocket connections, so an unmodified app runs against a remote service.

``connect_core("ws://host:port")`` (or ``SIG2RTM_URL=ws://...`` in the environment, see
:func:`rtm.embedded.default_core`) gives a :class:`NetworkCore`. Several URLs separated by
commas name several gateway nodes: a transport moves to the next one when a node refuses it
or goes away (SIGTERM tells clients to; a killed node just stops answering).

Threads: one asyncio loop thread per core does all socket work; the RTM client state lives
on the scheduler's core thread as with the embedded core, and received frames are handed
to it with ``scheduler.call_soon`` (so they run under the scheduler lock, in order).

Reconnection: a transport whose connection breaks reports the link lost, reconnects with
backoff (0.05 s doubling to 2 s, with jitter), asks the gateway to resume its previous
session, and reports the link restored; the client then logs in again and sends what was
unanswered (:mod:`rtm.client`). Received frames are acknowledged, so the gateway keeps the
ones that may not have arrived and hands them to the resumed session.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.protocol import State

from . import codec
from . import protocol as p
from .scheduler import Scheduler, ThreadedScheduler
from .transport import FrameSink, LinkSink, check_outage

__all__ = ["NetworkCore", "WsTransport", "connect_core", "parse_urls"]

log = logging.getLogger("rtm.net")

#: Close codes after which the next attempt goes to another node.
_MOVE_ON = frozenset({1012, 1013, 4008})


def parse_urls(url: str | Sequence[str]) -> list[str]:
    """``ws://a:1,ws://b:2`` (or a list) -> checked URLs; ValueError names a bad one."""
    items = [u.strip() for u in url.split(",")] if isinstance(url, str) else list(url)
    out = []
    for item in items:
        if not item:
            continue
        parts = urlsplit(item)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError(f"{item!r} is not a ws:// or wss:// URL")
        out.append(item.rstrip("/"))
    if not out:
        raise ValueError("no gateway URL given")
    return out


class _Loop:
    """An asyncio loop on a daemon thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._main, name=name, daemon=True)
        self.thread.start()
        self._ready.wait()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not threading.current_thread():
            self.thread.join(timeout=3.0)


class NetworkCore:
    """A :class:`~rtm.transport.Core` reaching the RTM service through gateway nodes."""

    def __init__(
        self,
        urls: str | Sequence[str],
        *,
        scheduler: Scheduler | None = None,
        ping_interval: float = 5.0,
        ping_timeout: float = 10.0,
        open_timeout: float = 5.0,
        acks: bool = True,
        max_backoff: float = 2.0,
    ) -> None:
        self.urls = parse_urls(urls)
        self._own_scheduler = scheduler is None
        self.scheduler: Scheduler = scheduler if scheduler is not None else ThreadedScheduler(
            "rtm-net"
        )
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.open_timeout = open_timeout
        self.acks = acks
        self.max_backoff = max_backoff
        self._io = _Loop("rtm-net-io")
        self._transports: set[WsTransport] = set()
        self._closed = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._io.loop

    def connect(self, on_frame: FrameSink) -> WsTransport:
        if self._closed:
            raise ConnectionError("the network core is closed")
        transport = WsTransport(self, on_frame)
        self._transports.add(transport)
        return transport

    def _forget(self, transport: WsTransport) -> None:
        self._transports.discard(transport)

    def close(self, timeout: float = 3.0) -> None:
        """Close every connection in order (their users log out at once), then the threads."""
        if self._closed:
            return
        self._closed = True
        futures = [
            asyncio.run_coroutine_threadsafe(t._shutdown(), self.loop)
            for t in list(self._transports)
        ]
        for future in futures:
            try:
                future.result(timeout)
            except Exception:  # a connection that cannot close cleanly is dropped anyway
                log.debug("transport did not close cleanly", exc_info=True)
        self._io.stop()
        if self._own_scheduler and isinstance(self.scheduler, ThreadedScheduler):
            self.scheduler.drain(timeout)
            self.scheduler.close()


def connect_core(url: str | Sequence[str], **options: Any) -> NetworkCore:
    """The core for ``SIG2RTM_URL``: gateway URL(s), comma-separated for several nodes."""
    return NetworkCore(url, **options)


class WsTransport:
    """One client's link to a gateway; survives reconnections (same object throughout).

    :meth:`send` may be called from any thread holding the scheduler lock; everything
    else runs on the core's loop thread.
    """

    def __init__(self, core: NetworkCore, on_frame: FrameSink) -> None:
        self._core = core
        self._on_frame = on_frame
        self._on_link: LinkSink | None = None
        self._lock = threading.Lock()
        self._out: deque[str] = deque()
        self._wake_scheduled = False
        self._link_down = False  # after a loss, until the next link is up
        self._ever_connected = False
        self._pending: list[str] = []  # sent before the first connection
        self._closed = False
        self._ws: ClientConnection | None = None
        self._url_index = 0
        self.session: str | None = None
        self.node: str | None = None
        self._received = 0
        self._ack_scheduled = False
        self.connected = threading.Event()
        self.connections = 0
        #: Messages written on and read from the current connection (the welcome included):
        #: with the gateway's counts they tell a harness that nothing is in flight.
        self.messages_out = 0
        self.messages_in = 0
        self._dropped = False  # drop() was asked for; no reconnecting until restore()
        self._restored: asyncio.Event | None = None  # created on the loop
        self._task = asyncio.run_coroutine_threadsafe(self._run(), core.loop)

    # --- client side (core thread) ------------------------------------------------------

    def listen_link(self, on_link: LinkSink) -> None:
        self._on_link = on_link

    def send(self, frame: p.ClientFrame) -> None:
        if self._closed:
            raise ConnectionError("transport is closed")
        text = codec.encode(frame)
        with self._lock:
            if self._link_down:
                return  # lost on the broken link; the client resends after the restore
            self._out.append(text)
            if self._wake_scheduled:
                return
            self._wake_scheduled = True
        self._core.loop.call_soon_threadsafe(self._drain)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._core.loop)

    @property
    def dropped(self) -> bool:
        return self._dropped

    def drop(self) -> None:
        """Break the link as a network outage would, and stay off until :meth:`restore`:
        the gateway sees a lost session (not a logout), the client sees RECONNECTING.
        Frames sent meanwhile are lost on the broken link, as on a real network."""
        check_outage("drop", closed=self._closed, dropped=self._dropped)
        self._dropped = True
        with self._lock:
            self._link_down = True
            self._out.clear()
        self._core.loop.call_soon_threadsafe(self._abort)

    def restore(self) -> None:
        """End an outage begun with :meth:`drop`: reconnect and resume the session."""
        check_outage("restore", closed=self._closed, dropped=self._dropped)
        self._dropped = False
        self._core.loop.call_soon_threadsafe(self._release)

    def _abort(self) -> None:
        ws = self._ws
        if ws is not None:
            ws.transport.abort()

    def _release(self) -> None:
        if self._restored is not None:
            self._restored.set()

    def link_view(self) -> tuple[str | None, int, int, bool]:
        """(session if connected, messages out, messages in, busy) for a harness; call it
        on the core's loop thread. ``busy`` means something is under way on this link:
        frames waiting to be written, an acknowledgement due, connecting, or breaking."""
        with self._lock:
            queued = bool(self._out) or self._wake_scheduled
        ws = self._ws
        connected = ws is not None and ws.protocol.state is State.OPEN
        if self._closed:
            return None, 0, 0, False
        if self._dropped:
            return None, 0, 0, ws is not None  # still breaking while the socket is there
        busy = queued or self._ack_scheduled or not connected
        return (self.session if connected else None), self.messages_out, self.messages_in, busy

    # --- loop thread ---------------------------------------------------------------------

    def _drain(self) -> None:
        with self._lock:
            items = list(self._out)
            self._out.clear()
            self._wake_scheduled = False
        ws = self._ws
        if ws is None or ws.protocol.state is not State.OPEN:
            if not self._ever_connected:
                self._pending.extend(items)
            return  # a link that just broke: the client will resend
        self._write(ws, items)

    def _write(self, ws: ClientConnection, items: list[str]) -> None:
        for start in range(0, len(items), codec.MAX_BATCH):
            chunk = items[start : start + codec.MAX_BATCH]
            text = chunk[0] if len(chunk) == 1 else "[" + ",".join(chunk) + "]"
            ws.protocol.send_text(text.encode())
            self.messages_out += 1
        ws.send_data()

    def _url(self) -> str:
        base = self._core.urls[self._url_index % len(self._core.urls)]
        path = urlsplit(base).path
        url = base if path else f"{base}/v{codec.PROTOCOL_VERSION}"
        query = ["ack=1"] if self._core.acks else []
        if self.session is not None:
            query.append("resume=" + quote(self.session, safe=""))
        return url + ("?" + "&".join(query) if query else "")

    async def _open(self) -> tuple[ClientConnection, codec.Welcome]:
        core = self._core
        ws = await connect(
            self._url(),
            open_timeout=core.open_timeout,
            ping_interval=core.ping_interval,
            ping_timeout=core.ping_timeout,
            close_timeout=1.0,
            compression=None,
            max_size=None,
        )
        try:
            first = await asyncio.wait_for(ws.recv(), core.open_timeout)
            welcome = codec.decode_server(first)[0]
            if not isinstance(welcome, codec.Welcome):
                raise codec.DecodeError("bad_frame", "the first frame was not a welcome")
        except BaseException:
            await ws.close()
            raise
        return ws, welcome

    async def _run(self) -> None:
        attempt = 0
        while not self._closed:
            if self._dropped:
                await self._outage()
                continue
            try:
                ws, welcome = await self._open()
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError, ConnectionClosed,
                    codec.DecodeError) as exc:  # fmt: skip
                log.info("gateway %s unreachable: %s", self._url(), exc)
                self._url_index += 1
                await asyncio.sleep(self._backoff(attempt))
                attempt += 1
                continue
            if self._closed:
                await ws.close()
                break
            if self._dropped:  # the outage began while connecting
                self.session = welcome.session  # the gateway may have resumed it: follow
                ws.transport.abort()
                continue
            attempt = 0
            self.session, self.node = welcome.session, welcome.node
            self._received = 0
            self.messages_out, self.messages_in = 0, 1  # the welcome
            self._ws = ws
            self.connections += 1
            with self._lock:
                self._link_down = False
            if self._ever_connected:
                self._notify(True)
            else:
                self._ever_connected = True
                pending, self._pending = self._pending, []
                if pending:
                    self._write(ws, pending)
            self._drain()
            self.connected.set()
            code = await self._read(ws)
            self._ws = None
            self.connected.clear()
            if self._closed:
                break
            with self._lock:
                self._link_down = True
                self._out.clear()
            self._notify(False)
            if code in _MOVE_ON:
                self._url_index += 1
            if self._dropped:
                await self._outage()
                continue
            await asyncio.sleep(self._backoff(0))
        self._core._forget(self)

    async def _outage(self) -> None:
        """Wait for :meth:`restore` after a :meth:`drop`."""
        if self._restored is None:
            self._restored = asyncio.Event()
        while self._dropped and not self._closed:
            self._restored.clear()
            if not self._dropped:
                break
            await self._restored.wait()

    def _backoff(self, attempt: int) -> float:
        base: float = min(self._core.max_backoff, 0.05 * 2**attempt)
        return base * (0.5 + random.random() / 2)

    def _notify(self, up: bool) -> None:
        on_link = self._on_link
        if on_link is not None:
            self._core.scheduler.call_soon(on_link, up)

    async def _read(self, ws: ClientConnection) -> int | None:
        """Hand received frames to the core thread until the connection ends; the close
        code the server sent, if any."""
        schedule, dispatch = self._core.scheduler.call_soon, self._dispatch
        try:
            async for message in ws:
                try:
                    frames = codec.decode_server(message)
                except codec.DecodeError as exc:
                    log.error("gateway sent an invalid message (%s); ignored", exc)
                    continue
                self.messages_in += 1
                rtm_frames: list[Any] = []
                for frame in frames:
                    if isinstance(frame, codec.ErrorFrame):
                        rtm_frames.extend(self._on_error(frame))
                    elif not isinstance(frame, codec.Welcome):
                        self._received += 1
                        rtm_frames.append(frame)
                if rtm_frames:
                    schedule(dispatch, rtm_frames)
                    if self._core.acks and not self._ack_scheduled:
                        self._ack_scheduled = True
                        asyncio.get_running_loop().call_soon(self._ack, ws)
        except ConnectionClosed:
            pass
        received = ws.protocol.close_rcvd
        return received.code if received is not None else None

    def _ack(self, ws: ClientConnection) -> None:
        self._ack_scheduled = False
        if ws is self._ws and ws.protocol.state is State.OPEN:
            ws.protocol.send_text(codec.encode(codec.Ack(self._received)).encode())
            self.messages_out += 1
            ws.send_data()

    def _on_error(self, frame: codec.ErrorFrame) -> list[p.ServerFrame]:
        """The gateway refused a frame: the request it carried fails (it was not handled)."""
        log.warning("gateway refused a frame: %s: %s", frame.code, frame.message)
        if frame.req is None:
            return []
        return [p.Result(frame.req, 1, f"refused by the gateway: {frame.code}: {frame.message}")]

    def _dispatch(self, frames: list[p.ServerFrame]) -> None:
        on_frame = self._on_frame
        for frame in frames:
            on_frame(frame)

    async def _shutdown(self) -> None:
        self._closed = True
        self._drain()
        ws = self._ws
        if ws is not None:
            await ws.close(1000, "client closed")
        self._task.cancel()
