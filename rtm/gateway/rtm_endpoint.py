"""The RTM JSON protocol (``docs/protocol.md``) on the gateway: framing and sessions.

One :class:`RtmWireSession` per connection: it decodes and validates every message
(:mod:`rtm.codec`), answers bad frames with error frames and leaves everything else as it
was, hands good frames to the sans-I/O :class:`~rtm.service.core.RtmService`, and encodes
what the service sends back. Frames the service produces in one loop iteration leave as one
message (a batch) when there are several.

Acknowledgements (``?ack=1``): the client reports how many server frames it has received;
frames not yet acknowledged are kept, and if the link breaks they go back to the service as
the lost session's first held frames, so a client that resumes gets every frame it had not
received — a frame is lost only if the gateway itself dies.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .. import codec
from .. import protocol as p
from ..enums import CONNECTION_CHANGE_REASON
from ..limits import Rate, SlidingWindow
from ..service.core import RtmService
from .endpoint import CloseCode, Wire
from .metrics import Metrics

__all__ = ["RtmEndpoint", "RtmWireSession", "WireLimits"]

_INTERRUPTED = int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_INTERRUPTED)
#: Every code of an error frame (``rtm_frame_errors_total``'s label values): the decoder's
#: and the endpoint's own.
FRAME_ERRORS = (*sorted(codec.DecodeError.CODES), "bad_ack", "rate_limited")


@attrs.frozen
class WireLimits:
    """Per-connection limits of the RTM endpoint."""

    max_frame_bytes: int = codec.MAX_FRAME_BYTES
    #: Frames a connection may send: a burst of ``count``, refilled over ``seconds``.
    frames: Rate = attrs.field(factory=lambda: Rate(1000, 1.0))
    #: Rejected frames tolerated in a window; one more closes the connection (POLICY).
    errors: Rate = attrs.field(factory=lambda: Rate(20, 10.0))
    #: Unacknowledged frames kept for a client in ack mode; more means it is not reading.
    max_unacked: int = 8192
    heartbeat: float = 20.0


class _EncodeCache:
    """Frames encoded in this loop turn, by identity: a channel message fanned out to 512
    members is one object, so it is encoded once, not 512 times, and so is each frame of a
    member's batch (a burst of channel messages reaches every member as the same list of
    frames). The cache is emptied once the turn's writes have run (``call_soon`` after
    them), so it holds one turn's frames, however many, and nothing while idle.

    A batch is its frames' texts joined as a JSON array: the same text ``codec.encode_batch``
    makes (compact separators), so a cached frame is never encoded differently."""

    __slots__ = ("_call_soon", "texts")

    def __init__(self, call_soon: Callable[[Callable[[], object]], object]) -> None:
        self._call_soon = call_soon
        self.texts: dict[int, tuple[object, str]] = {}

    def encode(self, frame: object) -> str:
        texts = self.texts
        hit = texts.get(id(frame))
        if hit is not None and hit[0] is frame:
            return hit[1]
        text = codec.encode(frame)
        if not texts:
            self._call_soon(texts.clear)
        texts[id(frame)] = (frame, text)  # the frame is kept: its id is not reused meanwhile
        return text

    def encode_batch(self, frames: list[Any]) -> str:
        return "[" + ",".join([self.encode(frame) for frame in frames]) + "]"


class RtmEndpoint:
    """The RTM JSON protocol, version :data:`rtm.codec.PROTOCOL_VERSION`, on ``/v<N>``."""

    path = f"/v{codec.PROTOCOL_VERSION}"

    def __init__(
        self,
        service: RtmService,
        metrics: Metrics,
        limits: WireLimits | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics
        self.limits = limits or WireLimits()
        self.loop = loop or asyncio.get_event_loop()
        self.cache = _EncodeCache(self.loop.call_soon)
        self.sessions: dict[str, RtmWireSession] = {}
        #: Sessions whose link broke, oldest first (bounded: old ones have long expired).
        self.lost: OrderedDict[str, None] = OrderedDict()
        for name, text in (
            ("rtm_frames_received_total", "Frames received from clients."),
            ("rtm_frames_sent_total", "Frames sent to clients."),
            ("rtm_sessions_lost_total", "Connections lost while logged in, without a close."),
            ("rtm_sessions_closed_total", "Connections closed in order (or after logout)."),
            ("rtm_frames_scrubbed_total", "Messages sent with lone surrogates replaced."),
        ):
            metrics.counter(name, text)
        metrics.counter(
            "rtm_frame_errors_total", "Frames rejected, by error code.", {"code": FRAME_ERRORS}
        )
        metrics.histogram(
            "rtm_request_seconds",
            "Time to handle one client message: decoding, checks and the service's work.",
        )
        metrics.histogram(
            "rtm_delivery_seconds",
            "Time a frame for a client waits in the gateway, from the service handing it "
            "over to its write to the connection.",
        )

    def open(self, wire: Wire, query: Mapping[str, str]) -> RtmWireSession:
        unknown = set(query) - {"ack", "resume"}
        if unknown:
            raise ValueError(f"unknown query parameter(s): {', '.join(sorted(unknown))}")
        ack = query.get("ack", "0")
        if ack not in ("0", "1"):
            raise ValueError("ack must be 0 or 1")
        resume = query.get("resume") or None
        if resume is not None and (len(resume) > 128 or not resume.isprintable()):
            raise ValueError("resume must be a session id")
        return RtmWireSession(self, wire, ack == "1", resume)

    def end_lost_sessions(self) -> None:
        for sid in list(self.lost):
            self.service.close_session(sid)  # a no-op for sessions resumed or expired
        self.lost.clear()


class RtmWireSession:
    __slots__ = (
        "_acked",
        "_errors",
        "_flush_scheduled",
        "_frames",
        "_out",
        "_queued_at",
        "_sent",
        "_unacked",
        "acks",
        "endpoint",
        "sid",
        "wire",
    )

    def __init__(self, endpoint: RtmEndpoint, wire: Wire, acks: bool, resume: str | None) -> None:
        self.endpoint = endpoint
        self.wire = wire
        self.acks = acks
        limits = endpoint.limits
        self._frames = SlidingWindow(limits.frames)
        self._errors = SlidingWindow(limits.errors)
        self._out: list[p.ServerFrame] = []
        self._queued_at = 0.0  # when the oldest frame in _out was handed over
        self._flush_scheduled = False
        self._unacked: deque[p.ServerFrame] = deque()
        self._sent = 0  # server frames sent on this connection (what acks count)
        self._acked = 0
        service = endpoint.service
        self.sid = service.open_session(self._link, resume_of=resume)
        endpoint.sessions[self.sid] = self
        wire.send(
            codec.encode(
                codec.Welcome(
                    self.sid,
                    service.node_id,
                    codec.PROTOCOL_VERSION,
                    limits.heartbeat,
                    limits.max_frame_bytes,
                )
            )
        )

    @property
    def flushing(self) -> bool:
        """Frames from the service are waiting for this loop turn's write."""
        return self._flush_scheduled

    # --- server -> client ---------------------------------------------------------------

    def _link(self, frame: p.ServerFrame) -> None:
        if not self._out:
            self._queued_at = time.perf_counter()
        self._out.append(frame)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self.endpoint.loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        out, self._out = self._out, []
        if not out:
            return
        self.endpoint.metrics.observe("rtm_delivery_seconds", time.perf_counter() - self._queued_at)
        if self.acks and len(self._unacked) + len(out) > self.endpoint.limits.max_unacked:
            self._unacked.extend(out)  # held for the resume, as unacknowledged frames are
            self.wire.close(CloseCode.SLOW_CONSUMER, "slow consumer: frames not acknowledged")
            return
        sent, step = 0, codec.MAX_BATCH  # the client refuses batches over MAX_BATCH frames
        try:
            for start in range(0, len(out), step):
                if not self._write(out[start : start + step]):
                    break
                sent += min(step, len(out) - start)
        finally:
            # Count exactly what was written, whatever happened: acks count written frames,
            # and frames not written stay queued (a lost session's first held frames), so a
            # failed write neither loses what was queued with it nor skews the ack count.
            if sent:
                if self.acks:
                    self._unacked.extend(out[:sent] if sent < len(out) else out)
                self._sent += sent
                self.endpoint.metrics.inc("rtm_frames_sent_total", sent)
            if sent < len(out):
                self._out[:0] = out[sent:]
        for frame in out:
            if type(frame) is p.Kicked and frame.reason == _INTERRUPTED:
                self.wire.close(CloseCode.SUPERSEDED, "session resumed on another connection")

    def _write(self, frames: list[Any]) -> bool:
        """One message with ``frames``; False if the connection no longer takes messages."""
        cache = self.endpoint.cache
        text = cache.encode(frames[0]) if len(frames) == 1 else cache.encode_batch(frames)
        return self._send(text)

    def _send(self, text: str) -> bool:
        try:
            return self.wire.send(text)
        except UnicodeEncodeError:
            # Text that is not Unicode (a lone surrogate) cannot come from a client (the
            # codec refuses it); should some come another way, deliver it with U+FFFD in
            # its place rather than fail the write and lose the frames written with it.
            self.endpoint.metrics.inc("rtm_frames_scrubbed_total")
            return self.wire.send(codec.scrub(text))

    def _error(self, code: str, message: str, req: int | None) -> None:
        self.endpoint.metrics.inc("rtm_frame_errors_total", code=code)
        frame = codec.ErrorFrame(code, message[:200], req)
        self._send(codec.encode(frame))
        if not self._errors.allow(self.endpoint.loop.time()):
            self.wire.close(CloseCode.POLICY, "too many invalid frames")

    # --- client -> server ---------------------------------------------------------------

    def receive(self, message: str | bytes) -> None:
        started = time.perf_counter()
        self._receive(message)
        self.endpoint.metrics.observe("rtm_request_seconds", time.perf_counter() - started)

    def _receive(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            self._error("bad_frame", "binary messages are not part of the protocol", None)
            return
        endpoint = self.endpoint
        frames = codec.decode_client(message, endpoint.limits.max_frame_bytes)
        receive, sid, now = endpoint.service.receive, self.sid, endpoint.loop.time()
        allow = self._frames.allow
        count = 0
        for frame in frames:
            if isinstance(frame, codec.DecodeError):
                self._error(frame.code, frame.message, frame.req)
            elif not allow(now):
                self._error("rate_limited", "too many frames: slow down", _req(frame))
            elif type(frame) is codec.Ack:
                self._on_ack(frame.n)
            else:
                count += 1
                receive(sid, frame)
        if count:
            endpoint.metrics.inc("rtm_frames_received_total", count)

    def _on_ack(self, n: int) -> None:
        if not self.acks:
            return self._error("bad_ack", "acks were not enabled (connect with ?ack=1)", None)
        # Frames still waiting in _out were never sent: they cannot be acknowledged.
        if not self._acked <= n <= self._sent:
            return self._error("bad_ack", f"ack {n} outside {self._acked}..{self._sent}", None)
        unacked = self._unacked
        for _ in range(n - self._acked):
            unacked.popleft()
        self._acked = n

    def closed(self, orderly: bool) -> None:
        endpoint = self.endpoint
        endpoint.sessions.pop(self.sid, None)
        service = endpoint.service
        # A link that breaks after its user logged out (an app that logs out and exits)
        # has no session to resume: it counts as closed, not lost.
        if orderly or not service.logged_in(self.sid):
            endpoint.metrics.inc("rtm_sessions_closed_total")
            service.close_session(self.sid)
            return
        endpoint.metrics.inc("rtm_sessions_lost_total")
        endpoint.lost[self.sid] = None
        if len(endpoint.lost) > 100_000:
            endpoint.lost.popitem(last=False)
        if self.acks:
            unsent = list(self._unacked)
            unsent.extend(self._out)
        else:
            unsent = list(self._out)
        self._out = []
        self._unacked.clear()
        service.lose_session(self.sid, unsent)


def _req(frame: Any) -> int | None:
    req = getattr(frame, "req", None)
    return req if isinstance(req, int) else None
