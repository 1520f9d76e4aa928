"""How a client reaches the service: the protocols of a core, a transport and a link.

A :class:`Core` is what a client connects through: it owns the scheduler and knows how to
open a transport. ``rtm.embedded`` runs the service in this process (the default, with its
in-process transport); the network client transport (``rtm.net``) implements the same two
protocols, so client logic is the same embedded or remote. This module names the protocols
only, so a client imports no service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from .protocol import ClientFrame, ServerFrame
from .scheduler import Scheduler

__all__ = [
    "Core",
    "FrameSink",
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
