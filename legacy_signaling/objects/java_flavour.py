"""The Java server SDK's names and status values, as a :class:`Flavour`."""

from __future__ import annotations

import enum
from typing import Final

from legacy_signaling.objects.events import CallEvent, ChannelEvent, SessionEvent
from legacy_signaling.objects.flavour import Flavour

__all__ = ["JAVA_FLAVOUR", "SignalStatus"]


class SignalStatus(enum.IntEnum):
    """``Signal.getStatus()`` of the Java server SDK (reference §1.4): not the native 0-3."""

    NOT_LOGIN = 0  # not logged in, or logged out
    CONNECTING = 1  # logging in (and, here, reconnecting)
    LOGINED = 2
    LOGIN_FAILED = 3
    INIT = 4  # no login yet


JAVA_FLAVOUR: Final = Flavour(
    name="java",
    session_callbacks={
        SessionEvent.LOGIN_SUCCESS: "onLoginSuccess",
        SessionEvent.LOGIN_FAILED: "onLoginFailed",
        SessionEvent.LOGOUT: "onLogout",
        SessionEvent.INSTANT_RECEIVED: "onMessageInstantReceive",
        SessionEvent.INVITE_RECEIVED: "onInviteReceived",
        SessionEvent.ERROR: "onError",
    },
    channel_callbacks={
        ChannelEvent.JOINED: "onChannelJoined",
        ChannelEvent.JOIN_FAILED: "onChannelJoinFailed",
        ChannelEvent.LEFT: "onChannelLeaved",
        ChannelEvent.USER_JOINED: "onChannelUserJoined",
        ChannelEvent.USER_LEFT: "onChannelUserLeaved",
        ChannelEvent.USER_LIST: "onChannelUserList",
        ChannelEvent.ATTR_UPDATED: "onChannelAttrUpdated",
        ChannelEvent.MESSAGE: "onMessageChannelReceive",
    },
    call_callbacks={
        CallEvent.RECEIVED_BY_PEER: "onInviteReceivedByPeer",
        CallEvent.ACCEPTED_BY_PEER: "onInviteAcceptedByPeer",
        CallEvent.REFUSED_BY_PEER: "onInviteRefusedByPeer",
        CallEvent.FAILED: "onInviteFailed",
        CallEvent.END_BY_PEER: "onInviteEndByPeer",
        CallEvent.END_BY_MYSELF: "onInviteEndByMyself",
        CallEvent.MSG: "onInviteMsg",
    },
    message_success="onMessageSendSuccess",
    message_error="onMessageSendError",
    initial_status=SignalStatus.INIT,
    login_status=SignalStatus.CONNECTING,
    status_after={
        SessionEvent.LOGIN_SUCCESS: SignalStatus.LOGINED,
        SessionEvent.LOGIN_FAILED: SignalStatus.LOGIN_FAILED,
        SessionEvent.LOGOUT: SignalStatus.NOT_LOGIN,
        SessionEvent.RECONNECTING: SignalStatus.CONNECTING,
        SessionEvent.RECONNECTED: SignalStatus.LOGINED,
    },
)
