"""The embedded default: the RTM service, a memory backend and a scheduler in this process.

``default_core()`` gives the process-wide core every client uses unless told otherwise.
Tests build their own :class:`EmbeddedCore` on a :class:`DeterministicScheduler` so that
virtual time drives timeouts. Clients reach an embedded service through
:class:`InProcTransport`, which lives here because it is the one transport that holds the
service itself (``rtm.transport`` only names the protocols).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Mapping

from .channel import deliver_messages
from .protocol import ClientFrame, ServerFrame
from .scheduler import DeterministicScheduler, Scheduler, ThreadedScheduler
from .service.backend import Backend, SessionId
from .service.core import RtmService, ServiceConfig
from .service.memory import MemoryBackend
from .service.webhook import HttpSink
from .transport import ChannelEnd, Core, FrameSink, LinkSink, check_outage

__all__ = ["URL_ENV", "EmbeddedCore", "InProcTransport", "default_core", "set_default_core"]

#: Environment variable naming a gateway (``ws://host:port``) to use instead of the embedded core.
URL_ENV = "SIG2RTM_URL"


class EmbeddedCore:
    """Service + backend + scheduler in one process; clients connect in-process."""

    def __init__(
        self,
        scheduler: Scheduler | None = None,
        config: ServiceConfig | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.scheduler: Scheduler = scheduler if scheduler is not None else ThreadedScheduler()
        self.backend: Backend = backend if backend is not None else MemoryBackend()
        self.service = RtmService(self.backend, self.scheduler, config)
        # Messages to business servers: POSTed from a small thread of their own (none
        # without the 'rts' extra: they are then refused, UNAVAILABLE).
        self._webhooks = HttpSink.create()
        self.service.webhooks.attach(self._webhooks)

    @classmethod
    def deterministic(cls, config: ServiceConfig | None = None) -> EmbeddedCore:
        """A core on virtual time, driven by ``core.scheduler.run_until_idle()/advance()``."""
        return cls(DeterministicScheduler(), config)

    def connect(self, on_frame: FrameSink) -> InProcTransport:
        return InProcTransport(self.service, self.scheduler, on_frame)

    def run_until_idle(self) -> None:
        """Run deferred work and callbacks (deterministic scheduler) or wait for them."""
        scheduler = self.scheduler
        if isinstance(scheduler, DeterministicScheduler):
            scheduler.run_until_idle()
        elif isinstance(scheduler, ThreadedScheduler):
            scheduler.drain()

    def advance(self, seconds: float) -> None:
        """Move virtual time forward (a core built with :meth:`deterministic` only)."""
        scheduler = self.scheduler
        if not isinstance(scheduler, DeterministicScheduler):
            raise TypeError("advance() needs a core on virtual time (EmbeddedCore.deterministic)")
        scheduler.advance(seconds)

    def close(self) -> None:
        if self._webhooks is not None:
            self._webhooks.close()
        if isinstance(self.scheduler, ThreadedScheduler):
            self.scheduler.close()


class InProcTransport:
    """A session on an in-process service; frames are passed as objects, never encoded.

    While the link is up, the service hands frames straight to the client's ``on_frame``
    (the session's link *is* it: no hop per frame through the transport), and the session
    is *trusted*: the client in this process checked its requests already, so the service
    does not check the same IDs and sizes a second time on the message paths.

    :meth:`drop` and :meth:`restore` simulate a broken network link, so reconnection can be
    tested embedded on virtual time: the service sees a lost session (not a logout), the
    client sees its link go down and come back.
    """

    __slots__ = (
        "_channels",
        "_closed",
        "_dropped",
        "_limbo",
        "_on_frame",
        "_on_link",
        "_receive",
        "_scheduler",
        "_service",
        "session",
    )

    def __init__(self, service: RtmService, scheduler: Scheduler, on_frame: FrameSink) -> None:
        self._service = service
        self._scheduler = scheduler
        self._on_frame = on_frame
        self._on_link: LinkSink | None = None
        self._receive = service.receive
        self._closed = False
        self._dropped = False
        self._limbo: list[ServerFrame] = []
        self._channels: Mapping[str, ChannelEnd] | None = None
        self.session: SessionId = service.open_session(on_frame, trusted=True)

    def listen_link(self, on_link: LinkSink) -> None:
        self._on_link = on_link

    def route_channels(self, channels: Mapping[str, ChannelEnd]) -> None:
        """Channel messages go straight to the client's channel objects (the service
        stops doing so by itself when the link breaks or closes; a new link gets it again)."""
        self._channels = channels
        if not self._closed and not self._dropped:
            self._service.route_channels(self.session, channels, deliver_messages)

    def send(self, frame: ClientFrame) -> None:
        if self._closed:
            raise ConnectionError("transport is closed")
        if self._dropped:
            return  # lost on the broken link; the client resends after restore
        self._scheduler.call_soon(self._receive, self.session, frame)

    @property
    def dropped(self) -> bool:
        return self._dropped

    def drop(self) -> None:
        """Break the link: the service loses the session, the client is told."""
        check_outage("drop", closed=self._closed, dropped=self._dropped)
        self._dropped = True
        # "In flight" when the link broke: held by the service once it hears of the loss.
        self._limbo = []
        self._service.relink(self.session, self._limbo.append)
        self._scheduler.call_soon(self._lose)

    def _lose(self) -> None:
        unsent, self._limbo = self._limbo, []
        self._service.lose_session(self.session, unsent)
        if self._on_link is not None:
            self._on_link(False)

    def restore(self) -> None:
        """A new link: a new session that may resume the lost one; the client is told."""
        check_outage("restore", closed=self._closed, dropped=self._dropped)
        self._scheduler.call_soon(self._reopen)

    def _reopen(self) -> None:
        if self._closed or not self._dropped:
            return
        self._dropped = False
        self.session = self._service.open_session(
            self._on_frame, resume_of=self.session, trusted=True
        )
        if self._channels is not None:
            self._service.route_channels(self.session, self._channels, deliver_messages)
        if self._on_link is not None:
            self._on_link(True)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._service.relink(self.session, _discard)
            self._scheduler.call_soon(self._service.close_session, self.session)


def _discard(frame: ServerFrame) -> None:
    """The link of a closed transport: frames still on their way are dropped."""


_default: Core | None = None
_default_lock = threading.Lock()


def default_core() -> Core:
    """The process-wide core: a gateway if ``SIG2RTM_URL`` is set, else an embedded one."""
    global _default
    with _default_lock:
        if _default is None:
            url = os.environ.get(URL_ENV)
            _default = _network_core(url) if url else EmbeddedCore()
        return _default


def _network_core(url: str) -> Core:
    """The gateway core ``SIG2RTM_URL`` names. A bad value ends the process with one line
    (SystemExit), not a traceback: it is the deployment's setting, not the app's code, and
    the app cannot do anything sensible without the core it was told to use."""
    try:
        from . import net  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:  # depends on installed extras
        raise SystemExit(
            f"sig2rtm: {URL_ENV}={url} needs the 'server' extra ({exc.name} is not "
            "installed): pip install 'sig2rtm[server]'"
        ) from None
    try:
        network = net.connect_core(url)  # type: ignore[attr-defined,unused-ignore]
    except ValueError as exc:
        raise SystemExit(
            f"sig2rtm: {URL_ENV}: {exc} (a gateway's address, like ws://127.0.0.1:9000)"
        ) from None
    # An app that ends closes its connections in order (its users log out at once), as the
    # legacy SDK's process exit did; without this the gateway would see links lost and keep
    # the sessions for a resume that never comes.
    atexit.register(network.close)
    core: Core = network
    return core


def set_default_core(core: Core | None) -> None:
    """Replace (or with None, forget) the process-wide core."""
    global _default
    with _default_lock:
        _default = core
