"""How a client reaches the service: the transport protocol and the in-process transport.

A :class:`Core` is what a client connects through: it owns the scheduler and knows how to
open a transport. :class:`EmbeddedCore` runs the service in this process (the default);
the network client transport (``rtm.net``) implements the same two protocols, so client
logic is the same embedded or remote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .protocol import ClientFrame, ServerFrame
from .scheduler import Scheduler
from .service.backend import SessionId
from .service.core import RtmService

__all__ = ["Core", "FrameSink", "InProcTransport", "Transport"]

FrameSink = Callable[[ServerFrame], None]


class Transport(Protocol):
    def send(self, frame: ClientFrame) -> None:
        """Queue ``frame`` for the service; never blocks, never calls back synchronously."""

    def close(self) -> None:
        """Drop the connection; the service treats the session as gone."""


class Core(Protocol):
    scheduler: Scheduler

    def connect(self, on_frame: FrameSink) -> Transport:
        """Open a connection whose server frames are passed to ``on_frame`` on the core thread."""


class InProcTransport:
    """A session on an in-process service; frames are passed as objects, never encoded."""

    __slots__ = ("_closed", "_on_frame", "_receive", "_scheduler", "_service", "session")

    def __init__(self, service: RtmService, scheduler: Scheduler, on_frame: FrameSink) -> None:
        self._service = service
        self._scheduler = scheduler
        self._on_frame = on_frame
        self._receive = service.receive
        self._closed = False
        self.session: SessionId = service.open_session(self._link)

    def _link(self, frame: ServerFrame) -> None:
        if not self._closed:
            self._on_frame(frame)

    def send(self, frame: ClientFrame) -> None:
        if self._closed:
            raise ConnectionError("transport is closed")
        self._scheduler.call_soon(self._receive, self.session, frame)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._scheduler.call_soon(self._service.close_session, self.session)
