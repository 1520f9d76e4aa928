"""RTM callback parameters as a legacy app names things.

RTM carries escaped IDs (see :mod:`~adapters.signaling.profile`); the mapping tables project
legacy accounts and channel names, so every ID an event carries is shown unescaped, and
reserved attributes (:mod:`mapping_tables.markers`) are hidden from attribute lists
except through the marker functions.
"""

from __future__ import annotations

from typing import Any

import rtm
from mapping_tables.rowexpr import Views

from .profile import legacy_key, legacy_name

__all__ = ["ROW_VIEWS", "legacy_attrs", "legacy_view"]

_ID_KEYS = frozenset({"peerId", "userId"})


class _Member:
    __slots__ = ("channelId", "userId")

    def __init__(self, member: rtm.RtmChannelMember) -> None:
        self.userId = legacy_name(member.userId)
        self.channelId = legacy_name(member.channelId)


class _Status:
    __slots__ = ("isOnline", "onlineState", "peerId")

    def __init__(self, status: rtm.PeerOnlineStatus) -> None:
        self.peerId = legacy_name(status.peerId)
        self.onlineState = int(status.onlineState)
        self.isOnline = status.isOnline


class _Invitation:
    __slots__ = ("calleeId", "callerId", "channelId", "content", "response", "state")

    def __init__(self, invitation: Any) -> None:
        self.calleeId = legacy_name(getattr(invitation, "calleeId", ""))
        self.callerId = legacy_name(getattr(invitation, "callerId", ""))
        self.channelId = invitation.channelId
        self.content = invitation.content
        self.response = invitation.response
        self.state = int(invitation.state)


class _Attr:
    __slots__ = ("key", "lastUpdateTs", "lastUpdateUserId", "value")

    def __init__(self, attribute: rtm.RtmAttribute) -> None:
        self.key = legacy_key(attribute.key)
        self.value = attribute.value
        self.lastUpdateUserId = legacy_name(getattr(attribute, "lastUpdateUserId", ""))
        self.lastUpdateTs = getattr(attribute, "lastUpdateTs", 0)


def legacy_attrs(attributes: Any) -> list[_Attr]:
    """An RTM attribute list with legacy attribute names."""
    return [_Attr(a) for a in attributes or ()]


class _Count:
    __slots__ = ("channelId", "count", "memberCount")

    def __init__(self, count: rtm.ChannelMemberCount) -> None:
        self.channelId = legacy_name(count.channelId)
        self.count = self.memberCount = count.count


def _view(value: Any) -> Any:
    if isinstance(value, rtm.ChannelMemberCount):
        return _Count(value)
    if isinstance(value, rtm.RtmAttribute):
        return _Attr(value)
    if isinstance(value, rtm.RtmChannelMember):
        return _Member(value)
    if isinstance(value, rtm.PeerOnlineStatus):
        return _Status(value)
    if isinstance(value, rtm.LocalInvitation | rtm.RemoteInvitation):
        return _Invitation(value)
    if isinstance(value, list):
        return [_view(v) for v in value]
    if isinstance(value, set):
        return {legacy_name(v) if isinstance(v, str) else v for v in value}
    if isinstance(value, dict):
        return {legacy_name(k) if isinstance(k, str) else k: v for k, v in value.items()}
    return value


def legacy_view(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in _ID_KEYS and isinstance(value, str):
            out[key] = legacy_name(value)
        elif key == "fromMember" and isinstance(value, rtm.RtmChannelMember):
            out[key] = _Member(value)
        else:
            out[key] = _view(value)
    return out


def _member_view(member: Any) -> Any:
    return _Member(member) if isinstance(member, rtm.RtmChannelMember) else _view(member)


#: How the compiled rows see each RTM event parameter (see mapping_tables.codegen.Views):
#: IDs unescaped, the message as it is, everything else through :func:`_view`.
ROW_VIEWS = Views(
    functions={"legacy_name": legacy_name, "member": _member_view, "view": _view},
    by_param={
        "peerId": "legacy_name", "userId": "legacy_name", "fromMember": "member",
        "message": None, "errorCode": None, "state": None, "reason": None, "requestId": None,
        "messageId": None, "memberCount": None, "numberOfAttributes": None, "ecode": None,
        "desc": None, "name": None, "txt": None,
    },
    default="view",
    plain=frozenset({"legacy_name"}),
    plain_paths=frozenset({"event.message.text"}),
    paths={
        "event.fromMember.userId": "legacy_name",
        "event.member.userId": "legacy_name",
    },
)  # fmt: skip
