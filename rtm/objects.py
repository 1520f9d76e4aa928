"""RTM's value objects: messages, attributes, channel members, online states, options.

They carry RTM's getter names (``getText()``, ``getUserId()``) for code ported from C++ or
Java, and plain read-only properties (``text``, ``userId``) for Python code and for the
mapping tables' projections.
"""

from __future__ import annotations

import itertools

from .enums import MESSAGE_TYPE, PEER_ONLINE_STATE
from .protocol import ChannelAttr, Payload

__all__ = [
    "ChannelAttributeOptions",
    "ChannelMemberCount",
    "IMessage",
    "PeerOnlineStatus",
    "RequestId",
    "RtmAttribute",
    "RtmChannelAttribute",
    "RtmChannelMember",
    "RtmMessage",
    "SendMessageOptions",
    "received_message",
    "server_message",
]

_message_ids = itertools.count(1)


class RtmMessage:
    """A text or raw message (Java ``RtmMessage``; C++ ``IMessage``).

    ``text`` is a plain attribute (``getText``/``setText`` read and write it): adapters
    read it on every delivery, where a property would cost a call each time.
    """

    __slots__ = (
        "_offline",
        "_raw",
        "_server_ts",
        "_type",
        "messageId",
        "text",
    )

    text: str

    def __init__(
        self, text: str = "", raw: bytes | None = None, *, message_type: int | None = None
    ) -> None:
        self.messageId = next(_message_ids)
        self.text = text
        self._raw = b"" if raw is None else bytes(raw)
        if message_type is None:
            message_type = (
                MESSAGE_TYPE.MESSAGE_TYPE_RAW
                if raw is not None
                else (MESSAGE_TYPE.MESSAGE_TYPE_TEXT)
            )
        self._type = int(message_type)
        self._server_ts = 0
        self._offline = False

    @classmethod
    def received(cls, payload: Payload, ts: int, offline: bool) -> RtmMessage:
        """The message a receiver is handed for ``payload`` (see :func:`received_message`)."""
        return received_message(payload, ts, offline)

    def payload(self) -> Payload:
        """What is sent for this message (a snapshot: later edits do not change it)."""
        return Payload(self._type, self.text, self._raw)

    # RTM getters/setters
    def getMessageId(self) -> int:
        return self.messageId

    def getMessageType(self) -> int:
        return self._type

    def getText(self) -> str:
        return self.text

    def setText(self, text: str) -> None:
        self.text = text

    def getRawMessage(self) -> bytes:
        return self._raw

    def getRawMessageData(self) -> bytes:
        return self._raw

    def getRawMessageLength(self) -> int:
        return len(self._raw)

    def setRawMessage(self, raw: bytes, description: str | None = None) -> None:
        self._raw = bytes(raw)
        self._type = MESSAGE_TYPE.MESSAGE_TYPE_RAW
        if description is not None:
            self.text = description

    def getServerReceivedTs(self) -> int:
        return self._server_ts

    def isFromServer(self) -> bool:
        """Whether the app's business server sent it (a sig2rtm extension)."""
        return False

    def getServerRoomId(self) -> str:
        """The room of a business server's room unicast; "" otherwise (sig2rtm extension)."""
        return ""

    def isOfflineMessage(self) -> bool:
        return self._offline

    def release(self) -> None:
        """C++ API compatibility; Python frees the object when it is no longer used."""

    # Python properties
    @property
    def raw(self) -> bytes:
        return self._raw

    @property
    def messageType(self) -> int:
        return self._type

    @property
    def serverReceivedTs(self) -> int:
        return self._server_ts

    @property
    def offline(self) -> bool:
        return self._offline

    def __repr__(self) -> str:
        return f"RtmMessage(id={self.messageId}, type={self._type}, text={self.text!r})"


IMessage = RtmMessage


_new_message = object.__new__


def received_message(payload: Payload, ts: int, offline: bool) -> RtmMessage:
    """The message a receiver is handed for ``payload`` (stamped ``ts`` by the service).

    Built without ``__init__`` and without a bound classmethod: one of these is made per
    delivery (511 per message in a channel of 512), and a payload from the service needs
    no conversion.
    """
    message: RtmMessage = _new_message(RtmMessage)
    message.messageId = next(_message_ids)
    message.text = payload.text
    message._raw = payload.raw
    message._type = payload.type
    message._server_ts = ts
    message._offline = offline
    return message


class _ServerMessage(RtmMessage):
    """A received message the app's business server sent. A subclass rather than fields
    of every message: the users' messages (the fan-out's hot path) are built unchanged."""

    __slots__ = ("_room",)
    _room: str

    def isFromServer(self) -> bool:
        return True

    def getServerRoomId(self) -> str:
        return self._room


def server_message(payload: Payload, ts: int, offline: bool, room: str) -> RtmMessage:
    """:func:`received_message` for a message the business server sent (in ``room``, or
    "" outside rooms): built as directly, one object per delivery."""
    message: _ServerMessage = _new_message(_ServerMessage)
    message.messageId = next(_message_ids)
    message.text = payload.text
    message._raw = payload.raw
    message._type = payload.type
    message._server_ts = ts
    message._offline = offline
    message._room = room
    return message


class SendMessageOptions:
    """Per-send options; offline messaging keeps a message for an offline peer."""

    __slots__ = ("enableHistoricalMessaging", "enableOfflineMessaging")

    def __init__(
        self, enableOfflineMessaging: bool = False, enableHistoricalMessaging: bool = False
    ) -> None:
        self.enableOfflineMessaging = enableOfflineMessaging
        self.enableHistoricalMessaging = enableHistoricalMessaging


class ChannelAttributeOptions:
    __slots__ = ("enableNotificationToChannelMembers",)

    def __init__(self, enableNotificationToChannelMembers: bool = False) -> None:
        self.enableNotificationToChannelMembers = enableNotificationToChannelMembers

    def setEnableNotificationToChannelMembers(self, enable: bool) -> None:
        self.enableNotificationToChannelMembers = enable

    def getEnableNotificationToChannelMembers(self) -> bool:
        return self.enableNotificationToChannelMembers


class RtmAttribute:
    """A user attribute: key and value."""

    __slots__ = ("key", "value")

    def __init__(self, key: str = "", value: str = "") -> None:
        self.key = key
        self.value = value

    def getKey(self) -> str:
        return self.key

    def setKey(self, key: str) -> None:
        self.key = key

    def getValue(self) -> str:
        return self.value

    def setValue(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RtmAttribute):
            return NotImplemented
        return (self.key, self.value) == (other.key, other.value)

    def __hash__(self) -> int:
        return hash((self.key, self.value))

    def __repr__(self) -> str:
        return f"RtmAttribute({self.key!r}, {self.value!r})"


class RtmChannelAttribute(RtmAttribute):
    """A channel attribute, with who last updated it and when (ms)."""

    __slots__ = ("lastUpdateTs", "lastUpdateUserId")

    def __init__(
        self, key: str = "", value: str = "", lastUpdateUserId: str = "", lastUpdateTs: int = 0
    ) -> None:
        super().__init__(key, value)
        self.lastUpdateUserId = lastUpdateUserId
        self.lastUpdateTs = lastUpdateTs

    @classmethod
    def _from(cls, attr: ChannelAttr) -> RtmChannelAttribute:
        return cls(attr.key, attr.value, attr.last_update_user_id, attr.last_update_ts)

    def getLastUpdateUserId(self) -> str:
        return self.lastUpdateUserId

    def getLastUpdateTs(self) -> int:
        return self.lastUpdateTs

    def release(self) -> None:
        """C++ API compatibility."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RtmChannelAttribute):
            return NotImplemented
        return (self.key, self.value, self.lastUpdateUserId, self.lastUpdateTs) == (
            other.key,
            other.value,
            other.lastUpdateUserId,
            other.lastUpdateTs,
        )

    def __hash__(self) -> int:
        return hash((self.key, self.value, self.lastUpdateUserId, self.lastUpdateTs))

    def __repr__(self) -> str:
        return (
            f"RtmChannelAttribute({self.key!r}, {self.value!r}, "
            f"{self.lastUpdateUserId!r}, {self.lastUpdateTs})"
        )


class RtmChannelMember:
    __slots__ = ("channelId", "userId")

    def __init__(self, userId: str, channelId: str) -> None:
        self.userId = userId
        self.channelId = channelId

    def getUserId(self) -> str:
        return self.userId

    def getChannelId(self) -> str:
        return self.channelId

    def release(self) -> None:
        """C++ API compatibility."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RtmChannelMember):
            return NotImplemented
        return (self.userId, self.channelId) == (other.userId, other.channelId)

    def __hash__(self) -> int:
        return hash((self.userId, self.channelId))

    def __repr__(self) -> str:
        return f"RtmChannelMember({self.userId!r}, {self.channelId!r})"


IChannelMember = RtmChannelMember


class PeerOnlineStatus:
    __slots__ = ("onlineState", "peerId")

    def __init__(self, peerId: str, onlineState: int) -> None:
        self.peerId = peerId
        self.onlineState = PEER_ONLINE_STATE(onlineState)

    @property
    def isOnline(self) -> bool:
        return self.onlineState is PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PeerOnlineStatus):
            return NotImplemented
        return (self.peerId, self.onlineState) == (other.peerId, other.onlineState)

    def __hash__(self) -> int:
        return hash((self.peerId, self.onlineState))

    def __repr__(self) -> str:
        return f"PeerOnlineStatus({self.peerId!r}, {self.onlineState.name})"


class ChannelMemberCount:
    __slots__ = ("channelId", "count")

    def __init__(self, channelId: str, count: int) -> None:
        self.channelId = channelId
        self.count = count

    def getChannelID(self) -> str:
        return self.channelId

    def getMemberCount(self) -> int:
        return self.count

    @property
    def memberCount(self) -> int:
        return self.count

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChannelMemberCount):
            return NotImplemented
        return (self.channelId, self.count) == (other.channelId, other.count)

    def __hash__(self) -> int:
        return hash((self.channelId, self.count))

    def __repr__(self) -> str:
        return f"ChannelMemberCount({self.channelId!r}, {self.count})"


RtmChannelMemberCount = ChannelMemberCount


class RequestId:
    """Out-parameter for C++'s ``long long& requestId``: the call stores the ID in ``value``."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def __int__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"RequestId({self.value})"
