"""The callback names and state values of ``agorasigsdk`` 1.0.2, as a ``Flavour``.

Shared routing lives in ``legacy_signaling.objects``; this table is all that makes it speak
the Python SDK's snake_case. One projection differs from the Java flavour: a leave the user
asked for is reported with ``LEAVECHANNEL_E_BYUSER`` (602), the code 1.0.2 always passed to
``on_channel_left``, where the native callback says 0 (docs/object-flavour.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from agorasigsdk.login_session_state import LoginSessionState
from legacy_signaling.codes import ECODE
from legacy_signaling.objects.events import CallEvent, ChannelEvent, SessionEvent
from legacy_signaling.objects.flavour import Flavour

__all__ = ["LEAVE_CODES", "PYTHON_FLAVOUR"]

#: Native ``onChannelLeaved`` code -> the code ``on_channel_left`` gets (others unchanged).
LEAVE_CODES: Final[Mapping[int, int]] = {
    ECODE.SUCCESS.value: ECODE.LEAVECHANNEL_E_BYUSER.value,
}


def _leave_args(args: tuple[object, ...]) -> tuple[object, ...]:
    (code,) = args
    return (LEAVE_CODES.get(code, code) if isinstance(code, int) else code,)


PYTHON_FLAVOUR: Final = Flavour(
    name="agorasigsdk",
    session_callbacks={
        SessionEvent.LOGIN_SUCCESS: "on_login_success",
        SessionEvent.LOGIN_FAILED: "on_login_failed",
        SessionEvent.LOGOUT: "on_logout",
        SessionEvent.INSTANT_RECEIVED: "on_msg_instant_received",
        SessionEvent.INVITE_RECEIVED: "on_invite_received",
        SessionEvent.ERROR: "on_error",
    },
    channel_callbacks={
        ChannelEvent.JOINED: "on_channel_joined",
        ChannelEvent.JOIN_FAILED: "on_channel_join_failed",
        ChannelEvent.LEFT: "on_channel_left",
        ChannelEvent.USER_JOINED: "on_channel_user_joined",
        ChannelEvent.USER_LEFT: "on_channel_user_left",
        ChannelEvent.USER_LIST: "on_channel_user_list",
        ChannelEvent.ATTR_UPDATED: "on_channel_attr_updated",
        ChannelEvent.MESSAGE: "on_msg_channel_received",
    },
    call_callbacks={
        CallEvent.RECEIVED_BY_PEER: "on_invite_received_by_peer",
        CallEvent.ACCEPTED_BY_PEER: "on_invite_accepted_by_peer",
        CallEvent.REFUSED_BY_PEER: "on_invite_refused_by_peer",
        CallEvent.FAILED: "on_invite_failed",
        CallEvent.END_BY_PEER: "on_invite_end_by_peer",
        CallEvent.END_BY_MYSELF: "on_invite_end_by_myself",
        CallEvent.MSG: "on_invite_msg",
    },
    message_success="on_msg_send_success",
    message_error="on_msg_send_error",
    initial_status=LoginSessionState.INIT,
    login_status=LoginSessionState.CONNECTING,
    status_after={
        SessionEvent.LOGIN_SUCCESS: LoginSessionState.LOGINED,
        SessionEvent.LOGIN_FAILED: LoginSessionState.LOGINFAILED,
        SessionEvent.LOGOUT: LoginSessionState.LOGOUT,
        SessionEvent.RECONNECTING: LoginSessionState.CONNECTING,
        SessionEvent.RECONNECTED: LoginSessionState.LOGINED,
    },
    channel_args={ChannelEvent.LEFT: _leave_args},
)
