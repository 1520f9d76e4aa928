"""What a native callback means to an object facade, independent of naming style.

The router (``legacy_signaling.objects.router``) turns each native ``ICallBack`` callback
into one of these events addressed to a session, a channel object or a call object. Each
facade then names the event with its own callback method (``onChannelJoined`` in the Java
flavour, ``on_channel_joined`` in ``agorasigsdk``) through a table, so the routing is
written once and the two naming styles are data.

Every object-flavour callback takes the session first, then the channel or call object,
then the event's own arguments, in both flavours: that is why an event carries only its own
arguments.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "TERMINAL_CALL_EVENTS",
    "CallEvent",
    "ChannelEvent",
    "SessionEvent",
]


class SessionEvent(enum.StrEnum):
    """Events for the login session; arguments after the session in brackets."""

    LOGIN_SUCCESS = "login_success"  # (uid)
    LOGIN_FAILED = "login_failed"  # (ecode)
    LOGOUT = "logout"  # (ecode)
    RECONNECTING = "reconnecting"  # (nretry); no object-flavour callback, status only
    RECONNECTED = "reconnected"  # (); no object-flavour callback, status only
    INSTANT_RECEIVED = "instant_received"  # (account, uid, msg)
    INVITE_RECEIVED = "invite_received"  # (call)
    ERROR = "error"  # (ecode, reason)


class ChannelEvent(enum.StrEnum):
    """Events for a channel object; arguments after (session, channel) in brackets."""

    JOINED = "joined"  # ()
    JOIN_FAILED = "join_failed"  # (ecode)
    LEFT = "left"  # (ecode)
    USER_JOINED = "user_joined"  # (account, uid)
    USER_LEFT = "user_left"  # (account, uid)
    USER_LIST = "user_list"  # (accounts, uids)
    ATTR_UPDATED = "attr_updated"  # (name, value, type)
    MESSAGE = "message"  # (account, uid, msg)


class CallEvent(enum.StrEnum):
    """Events for a call object; arguments after (session, call) in brackets."""

    RECEIVED_BY_PEER = "received_by_peer"  # ()
    ACCEPTED_BY_PEER = "accepted_by_peer"  # (extra)
    REFUSED_BY_PEER = "refused_by_peer"  # (extra)
    FAILED = "failed"  # (ecode)
    END_BY_PEER = "end_by_peer"  # (extra)
    END_BY_MYSELF = "end_by_myself"  # (extra): the extra the app passed to end()
    MSG = "msg"  # (extra): JSON {"msgtype": ..., "msgdata": ...}


#: After these a call is over: the router forgets the call object.
TERMINAL_CALL_EVENTS: Final = frozenset(
    {
        CallEvent.REFUSED_BY_PEER,
        CallEvent.FAILED,
        CallEvent.END_BY_PEER,
        CallEvent.END_BY_MYSELF,
    }
)
