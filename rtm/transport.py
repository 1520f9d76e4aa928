"""How a client reaches the service: the transport protocol and the in-process transport.

A :class:`Core` is what a client connects through: it owns the scheduler and knows how to
open a transport. :class:`EmbeddedCore` runs the service in this process (the default);
the network client transport (``rtm.net``) implements the same two protocols, so client
logic is the same embedded or remote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from .protocol import ClientFrame, ServerFrame
from .scheduler import Scheduler
from .service.backend import SessionId
from .service.core import RtmService

__all__ = [
    "Core",
    "FrameSink",
    "InProcTransport",
    "LinkAware",
    "LinkSink",
    "Transport",
    "check_outage",
]

FrameSink = Callable[[ServerFrame], None]
#: Told ``False`` when a transport's link to the service breaks and ``True`` when a new link
#: is up; called on the core thread with the scheduler lock held, like the frame sink.
LinkSink = Callable[[bool], None]


class Transport(Protocol):
    def send(self, frame: ClientFrame) -> None:
        """Queue ``frame`` for the service; never blocks, never calls back synchronously."""

    def close(self) -> None:
        """Drop the connection; the service treats the session as gone."""


@runtime_checkable
class LinkAware(Protocol):
    """A transport that can lose its link and restore it (network, or a simulated drop).

    While the link is down, frames given to :meth:`Transport.send` are lost, as on a real
    network; the client keeps its unanswered requests and sends them again once told the
    link is back (``rtm.client``), so nothing it was asked to send is forgotten.
    """

    def listen_link(self, on_link: LinkSink) -> None:
        """Report link changes to ``on_link`` from now on."""


class Core(Protocol):
    scheduler: Scheduler

    def connect(self, on_frame: FrameSink) -> Transport:
        """Open a connection whose server frames are passed to ``on_frame`` on the core thread."""


def check_outage(action: str, *, closed: bool, dropped: bool) -> None:
    """The rules of a simulated outage, the same on every transport: nothing on a closed
    transport, no ``drop`` while dropped, no ``restore`` unless dropped."""
    if closed:
        raise ConnectionError("transport is closed")
    if action == "drop" and dropped:
        raise RuntimeError("the link is already dropped")
    if action == "restore" and not dropped:
        raise RuntimeError("the link is not dropped")


class InProcTransport:
    """A session on an in-process service; frames are passed as objects, never encoded.

    :meth:`drop` and :meth:`restore` simulate a broken network link, so reconnection can be
    tested embedded on virtual time: the service sees a lost session (not a logout), the
    client sees its link go down and come back.
    """

    __slots__ = (
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
        self.session: SessionId = service.open_session(self._link)

    def listen_link(self, on_link: LinkSink) -> None:
        self._on_link = on_link

    def _link(self, frame: ServerFrame) -> None:
        if self._dropped:
            self._limbo.append(frame)  # "in flight" when the link broke: held by the service
        elif not self._closed:
            self._on_frame(frame)

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
        self.session = self._service.open_session(self._link, resume_of=self.session)
        if self._on_link is not None:
            self._on_link(True)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._scheduler.call_soon(self._service.close_session, self.session)
