"""The storage and routing the RTM service needs, as a protocol.

The service's logic (``rtm.service.core``) only talks to this protocol, so moving from one
process (:class:`~rtm.service.memory.MemoryBackend`) to many gateway nodes sharing Redis
changes the backend and nothing else. Every method is keyed by app ID: apps are separate
namespaces, as in RTM. Sessions are opaque strings unique across nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from ..protocol import CallSignalIn, ChannelAttr, PeerMessageIn, ServerFrame

__all__ = ["Backend", "DeliverySink", "ManySink", "OfflineFrame", "Receipt", "SessionId"]

SessionId = str
#: What the offline store keeps for a user: peer messages and invitations, in one FIFO.
OfflineFrame = PeerMessageIn | CallSignalIn
#: How the backend hands a frame to a session connected to this node.
DeliverySink = Callable[[SessionId, ServerFrame], None]
#: How a backend may hand one frame to many sessions of this node at once (optional:
#: a backend with an ``attach_many(sink)`` method is given one by the service).
ManySink = Callable[[Iterable[SessionId], ServerFrame], None]
#: Called when another node confirms it handed over a peer message.
Receipt = Callable[[], None]


class Backend(Protocol):
    #: Names this process among the processes that ran as its node id ("" when there is
    #: only ever one): session ids embed it, so a node restarted under the same id neither
    #: reuses its predecessor's session ids nor takes their messages or receipts for its own.
    incarnation: str

    def attach(self, sink: DeliverySink) -> None:
        """Route frames for sessions of this node to ``sink``."""

    # sessions and presence -----------------------------------------------------
    def bind_user(self, app: str, user: str, session: SessionId) -> SessionId | None:
        """Make ``session`` the user's live session; return the one it displaced."""

    def unbind_user(self, app: str, user: str, session: SessionId) -> bool:
        """Forget the user's session if it is still ``session``; True if it was."""

    def session_of(self, app: str, user: str) -> SessionId | None: ...

    def deliver(self, session: SessionId, frame: ServerFrame) -> None:
        """Hand ``frame`` to ``session`` wherever it is connected (dropped if gone)."""

    def deliver_many(self, sessions: Iterable[SessionId], frame: ServerFrame) -> None: ...

    def deliver_peer(self, session: SessionId, frame: PeerMessageIn, receipt: Receipt) -> bool:
        """Hand a peer message to ``session``. True: handed over now (``receipt`` is never
        called). False: it is on its way to another node, which confirms once the session
        has it (or, the session being gone, once it is re-routed or kept offline), and
        ``receipt`` is then called here. Why: the sender's OK says the peer has it."""

    # presence subscriptions ----------------------------------------------------
    def subscribe(self, app: str, session: SessionId, peers: Iterable[str]) -> None: ...
    def unsubscribe(self, app: str, session: SessionId, peers: Iterable[str]) -> None: ...
    def subscriptions(self, app: str, session: SessionId) -> frozenset[str]: ...
    def watchers(self, app: str, user: str) -> list[SessionId]: ...
    def drop_subscriptions(self, app: str, session: SessionId) -> None: ...

    # channels ------------------------------------------------------------------
    def join(self, app: str, channel: str, user: str) -> bool:
        """Add the user; False if already a member."""

    def leave(self, app: str, channel: str, user: str) -> bool:
        """Remove the user; False if not a member."""

    def members(self, app: str, channel: str) -> list[str]:
        """Members in join order."""

    def member_count(self, app: str, channel: str) -> int: ...

    def channels_of(self, app: str, user: str) -> list[str]:
        """Channels the user is a member of, in join order."""

    # attributes ----------------------------------------------------------------
    def user_attrs(self, app: str, user: str) -> dict[str, str]: ...
    def replace_user_attrs(self, app: str, user: str, attrs: Mapping[str, str]) -> None: ...
    def channel_attrs(self, app: str, channel: str) -> dict[str, ChannelAttr]: ...
    def replace_channel_attrs(
        self, app: str, channel: str, attrs: Mapping[str, ChannelAttr]
    ) -> None: ...

    # throttled jobs -------------------------------------------------------------
    def claim(self, app: str, name: str, seconds: float) -> bool:
        """Take the cluster-wide slot ``name`` (a channel's throttled member-count push):
        True if this node got it. A slot never released lapses after ``seconds`` (its
        holder died). One node has nothing to share: its service dedups on its own."""

    def release(self, app: str, name: str) -> None:
        """Give back a slot this node holds (the job ran)."""

    # offline peer messages -----------------------------------------------------
    def push_offline(
        self, app: str, user: str, message: OfflineFrame, max_items: int, expires_at: float
    ) -> None:
        """Keep a message (or an invitation) for an offline user; the oldest is dropped
        beyond ``max_items``."""

    def pop_offline(self, app: str, user: str, now: float) -> list[OfflineFrame]:
        """Take the user's unexpired offline messages and invitations, oldest first."""

    def withdraw_offline(self, app: str, user: str, call_id: str) -> bool:
        """Drop a stored invitation whose caller canceled it; True if one was stored."""
