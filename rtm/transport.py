"""How a client reaches the service: the protocols of a core, a transport and a link.

A :class:`Core` is what a client connects through: it owns the scheduler and knows how to
open a transport. ``rtm.embedded`` runs the service in this process (the default, with its
in-process transport); the network client transport (``rtm.net``) implements the same two
protocols, so client logic is the same embedded or remote. This module names the protocols
only, so a client imports no service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

from .objects import RtmMessage
from .protocol import ChannelMessageIn, ClientFrame, Payload, ServerFrame
from .scheduler import Scheduler

__all__ = [
    "ChannelEnd",
    "ChannelRouted",
    "Core",
    "FrameSink",
    "LinkAware",
    "LinkSink",
    "MessageRunner",
    "MessageTarget",
    "MessageTargets",
    "PayloadTarget",
    "Transport",
    "check_outage",
]

FrameSink = Callable[[ServerFrame], None]
#: Told ``False`` when a transport's link to the service breaks and ``True`` when a new link
#: is up; called on the core thread with the scheduler lock held, like the frame sink.
LinkSink = Callable[[bool], None]
#: Where a received channel message goes: called with (sender's user ID, the message).
MessageTarget = Callable[[str, RtmMessage], object]
#: Where a channel message goes as its payload (a handler's ``onMessagePayload``): called
#: with (sender's user ID, the payload all such members share).
PayloadTarget = Callable[[str, Payload], object]


class MessageTargets(list[MessageTarget]):
    """Where one channel message goes: the handlers that are each given a message of their
    own (the list), and those that take the shared payload (``payloads``, see
    ``RtmChannel``: adapters reading only the text need no ``RtmMessage`` per member)."""

    __slots__ = ("payloads",)

    def __init__(self) -> None:
        super().__init__()
        self.payloads: list[PayloadTarget] = []


#: Queued as one user callback: hands a channel message to many targets (``rtm.channel``).
MessageRunner = Callable[[ChannelMessageIn, MessageTargets], None]


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


class ChannelEnd(Protocol):
    """A client's channel object as the in-process fan-out reaches it (``rtm.channel``)."""

    def collect_message(self, frame: ChannelMessageIn, out: MessageTargets) -> None:
        """Append where ``frame`` goes (nothing if not joined) to ``out``."""


@runtime_checkable
class ChannelRouted(Protocol):
    """A transport in the service's own process, which can route channel messages to the
    client's channel objects directly (``rtm.embedded``).

    Why: a message to a channel of 512 is 511 deliveries; each saves the client's frame
    dispatch, and the service queues one user callback for all members, which builds
    each member's message on the callback thread (a :data:`MessageRunner`).
    """

    def route_channels(self, channels: Mapping[str, ChannelEnd]) -> None:
        """Channel messages for this client go to ``channels[channel_id]`` (a live mapping:
        the client's own, kept current by the client) while the link is up."""


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
