"""The frames exchanged between RTM clients and the RTM service.

Frames are frozen records: a client sends requests (each with a per-connection ``req``
number), the service answers each with exactly one :class:`Result` and pushes events.
The in-process transport passes these objects as they are; the network gateway encodes
them with :mod:`rtm.codec`. Field types are restricted to JSON-friendly values (str, int,
bool, bytes, tuples) so that both transports carry the same information.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = [
    "AttributesUpdatedIn",
    "CallSignal",
    "CallSignalIn",
    "ChannelAttr",
    "ChannelAttrs",
    "ChannelMessageIn",
    "ClientFrame",
    "GetChannelAttrs",
    "GetMembers",
    "GetUserAttrs",
    "Join",
    "Kicked",
    "Leave",
    "Login",
    "Logout",
    "MemberCount",
    "MemberCountIn",
    "MemberJoinedIn",
    "MemberLeftIn",
    "Payload",
    "PeerMessageIn",
    "PresenceIn",
    "QueryOnline",
    "QuerySubscribed",
    "RenewToken",
    "Result",
    "SendChannel",
    "SendPeer",
    "SendServer",
    "ServerFrame",
    "Subscribe",
    "TokenWillExpire",
    "Unsubscribe",
    "UserAttrs",
]


@attrs.frozen
class Payload:
    """Message content: MESSAGE_TYPE, text (or raw description) and raw bytes."""

    type: int
    text: str
    raw: bytes = b""


@attrs.frozen
class ChannelAttr:
    key: str
    value: str
    last_update_user_id: str
    last_update_ts: int  # milliseconds


# --- client -> service ------------------------------------------------------------


@attrs.frozen
class Login:
    req: int
    app_id: str
    user_id: str
    token: str | None


@attrs.frozen
class Logout:
    req: int


@attrs.frozen
class RenewToken:
    req: int
    token: str


@attrs.frozen
class SendPeer:
    req: int
    peer_id: str
    payload: Payload
    offline: bool


@attrs.frozen
class SendServer:
    """A message for the app's business server (a sig2rtm extension): the service POSTs it
    to ``url`` with ``signature`` and answers with the server's response body as the ACK."""

    req: int
    payload: Payload
    url: str
    signature: str


@attrs.frozen
class QueryOnline:
    req: int
    peer_ids: tuple[str, ...]


@attrs.frozen
class Subscribe:
    req: int
    peer_ids: tuple[str, ...]


@attrs.frozen
class Unsubscribe:
    req: int
    peer_ids: tuple[str, ...]


@attrs.frozen
class QuerySubscribed:
    req: int


@attrs.frozen
class UserAttrs:
    """A write to the local user's attributes: op is set | add | delete | clear."""

    req: int
    op: str
    attrs: tuple[tuple[str, str], ...] = ()
    keys: tuple[str, ...] = ()


@attrs.frozen
class GetUserAttrs:
    req: int
    user_id: str
    keys: tuple[str, ...] | None


@attrs.frozen
class Join:
    req: int
    channel_id: str


@attrs.frozen
class Leave:
    req: int
    channel_id: str


@attrs.frozen
class SendChannel:
    req: int
    channel_id: str
    payload: Payload


@attrs.frozen
class GetMembers:
    req: int
    channel_id: str


@attrs.frozen
class ChannelAttrs:
    """A write to a channel's attributes: op is set | add | delete | clear."""

    req: int
    op: str
    channel_id: str
    attrs: tuple[tuple[str, str], ...] = ()
    keys: tuple[str, ...] = ()
    notify: bool = False


@attrs.frozen
class GetChannelAttrs:
    req: int
    channel_id: str
    keys: tuple[str, ...] | None


@attrs.frozen
class MemberCount:
    req: int
    channel_ids: tuple[str, ...]


@attrs.frozen
class CallSignal:
    """An invitation signal relayed to a peer.

    kind is one of invite, ack, accept, accept_ack, refuse, cancel.
    """

    req: int
    kind: str
    peer_id: str
    call_id: str
    content: str = ""
    channel_id: str = ""


ClientFrame = (
    Login
    | Logout
    | RenewToken
    | SendPeer
    | SendServer
    | QueryOnline
    | Subscribe
    | Unsubscribe
    | QuerySubscribed
    | UserAttrs
    | GetUserAttrs
    | Join
    | Leave
    | SendChannel
    | GetMembers
    | ChannelAttrs
    | GetChannelAttrs
    | MemberCount
    | CallSignal
)

# --- service -> client ------------------------------------------------------------


@attrs.frozen
class Result:
    """The answer to request ``req``: an RTM error code of the request's enum, and a value."""

    req: int
    code: int
    value: Any = None


@attrs.frozen
class PeerMessageIn:
    """A peer message. ``origin`` is ``"server"`` when the app's business server sent it
    (then ``from_user`` is its ``From`` ID), and ``room`` the room of a room unicast."""

    from_user: str
    payload: Payload
    ts: int
    offline: bool = False
    origin: str = ""
    room: str = ""


@attrs.frozen
class ChannelMessageIn:
    """A channel message; ``origin`` is ``"server"`` for a business server's broadcast."""

    channel_id: str
    from_user: str
    payload: Payload
    ts: int
    origin: str = ""


@attrs.frozen
class MemberJoinedIn:
    channel_id: str
    user_id: str


@attrs.frozen
class MemberLeftIn:
    channel_id: str
    user_id: str


@attrs.frozen
class MemberCountIn:
    channel_id: str
    count: int


@attrs.frozen
class AttributesUpdatedIn:
    channel_id: str
    attrs: tuple[ChannelAttr, ...]


@attrs.frozen
class PresenceIn:
    states: tuple[tuple[str, int], ...]


@attrs.frozen
class CallSignalIn:
    kind: str
    from_user: str
    call_id: str
    content: str = ""
    channel_id: str = ""


@attrs.frozen
class Kicked:
    """The service ended the session; reason is a CONNECTION_CHANGE_REASON value."""

    reason: int


@attrs.frozen
class TokenWillExpire:
    seconds_left: float


@attrs.frozen
class HandOver:
    """A mark among the frames a resumed session is handed (*Resume* in docs/protocol.md).

    The frames after it, up to the next mark, were held for the session at ``held_at``
    (milliseconds, the service's clock) while its link was down. ``held_at`` None ends the
    hand-over's channel and presence events: what follows was addressed to the user (peer
    messages, invitations), or nothing when there was nothing to resume. Why: a client that
    makes events of its own while its link is down (the legacy shim's call timers) can put
    them in time order among the service's, as one server would have.
    """

    held_at: int | None


ServerFrame = (
    Result
    | PeerMessageIn
    | ChannelMessageIn
    | MemberJoinedIn
    | MemberLeftIn
    | MemberCountIn
    | AttributesUpdatedIn
    | PresenceIn
    | CallSignalIn
    | Kicked
    | TokenWillExpire
    | HandOver
)
