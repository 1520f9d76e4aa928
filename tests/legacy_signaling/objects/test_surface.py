"""Every method and callback of the Java server SDK (reference §1.4, §2.3), by name and order.

The expected names below are written from the reference note, not read from the code.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable

import pytest

from legacy_signaling.objects import (
    Call,
    CallCallback,
    Channel,
    ChannelCallback,
    LoginCallback,
    LoginSession,
    MessageCallback,
    Signal,
    SignalStatus,
    UserAttrCallback,
)

Surface = dict[str, tuple[str, ...]]

SIGNAL: Surface = {
    "setDoLog": ("doLog",),
    "login": ("account", "token", "cb"),
    "userSetAttr": ("name", "value", "cb"),
    "userGetAttr": ("account", "name", "cb"),
    "userGetAttrAll": ("account", "cb"),
    "channelQueryUserNum": ("name", "cb"),
    "getStatus": (),
}
LOGIN_SESSION: Surface = {
    "logout": (),
    "channelInviteUser2": ("channel", "peer", "extra", "cb"),
    "channelJoin": ("name", "cb"),
}
MESSAGE_INSTANT_SEND_OVERLOADS = [
    ("account", "msg", "cb"),
    ("account", "msg", "ttl", "cb"),
]
CHANNEL: Surface = {
    "channelLeave": (),
    "channelSetAttr": ("name", "value"),
    "channelDelAttr": ("name",),
    "channelClearAttr": (),
    "messageChannelSend": ("msg", "cb"),  # cb: optional addition
}
CALL: Surface = {
    "channelInviteAccept": ("extra",),
    "channelInviteRefuse": ("extra",),
    "channelInviteEnd": ("extra",),
    "channelInviteDTMF": ("dtmf",),  # Web SDK's call method
    "setCallback": ("cb",),
}
LOGIN_CALLBACK: Surface = {
    "onLoginSuccess": ("session", "uid"),
    "onLogout": ("session", "ecode"),
    "onLoginFailed": ("session", "ecode"),
    "onMessageInstantReceive": ("session", "account", "uid", "msg"),
    "onInviteReceived": ("session", "call"),
    "onError": ("session", "ecode", "reason"),
}
MESSAGE_CALLBACK: Surface = {
    "onMessageSendSuccess": ("session",),
    "onMessageSendError": ("session", "ecode"),
}
CHANNEL_CALLBACK: Surface = {
    "onChannelJoined": ("session", "channel"),
    "onChannelJoinFailed": ("session", "channel", "ecode"),
    "onChannelLeaved": ("session", "channel", "ecode"),
    "onChannelUserJoined": ("session", "channel", "account", "uid"),
    "onChannelUserLeaved": ("session", "channel", "account", "uid"),
    "onChannelUserList": ("session", "channel", "users", "uids"),
    "onChannelAttrUpdated": ("session", "channel", "name", "value", "type"),
    "onChannelQueryUserNum": ("session", "err", "num"),
    "onMessageChannelReceive": ("session", "channel", "account", "uid", "msg"),
}
CALL_CALLBACK: Surface = {
    "onInviteReceivedByPeer": ("session", "call"),
    "onInviteAcceptedByPeer": ("session", "call", "extra"),
    "onInviteRefusedByPeer": ("session", "call", "extra"),
    "onInviteFailed": ("session", "call", "ecode"),
    "onInviteEndByPeer": ("session", "call", "extra"),
    "onInviteEndByMyself": ("session", "call", "extra"),
    "onInviteMsg": ("session", "call", "extra"),
}
USER_ATTR_CALLBACK: Surface = {
    "onUserGetAttr": ("err", "ret"),
    "onUserGetAttrAll": ("err", "ret"),
    "onUserSetAttr": ("err", "ret"),
    "onChannelQueryUserNum": ("session", "err", "num"),  # addition, see the doc
}


def _params(function: Callable[..., object]) -> tuple[str, ...]:
    names = tuple(inspect.signature(function).parameters)
    return names[1:] if names and names[0] == "self" else names


@pytest.mark.parametrize(
    ("cls", "surface"),
    [
        (Signal, SIGNAL),
        (LoginSession, LOGIN_SESSION),
        (Channel, CHANNEL),
        (Call, CALL),
        (LoginCallback, LOGIN_CALLBACK),
        (MessageCallback, MESSAGE_CALLBACK),
        (ChannelCallback, CHANNEL_CALLBACK),
        (CallCallback, CALL_CALLBACK),
        (UserAttrCallback, USER_ATTR_CALLBACK),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_methods_have_the_java_names_and_argument_order(
    cls: type[object], surface: Surface
) -> None:
    for name, params in surface.items():
        assert callable(getattr(cls, name, None)), f"{cls.__name__}.{name} is missing"
        assert _params(getattr(cls, name)) == params, f"{cls.__name__}.{name}"


@pytest.mark.parametrize(
    "cls", [LoginCallback, MessageCallback, ChannelCallback, CallCallback, UserAttrCallback]
)
def test_callback_classes_have_exactly_the_listed_callbacks(cls: type[object]) -> None:
    listed = {
        LoginCallback: LOGIN_CALLBACK,
        MessageCallback: MESSAGE_CALLBACK,
        ChannelCallback: CHANNEL_CALLBACK,
        CallCallback: CALL_CALLBACK,
        UserAttrCallback: USER_ATTR_CALLBACK,
    }[cls]
    public = {name for name in vars(cls) if not name.startswith("_")}
    assert public == set(listed)


def test_message_instant_send_has_both_java_overloads() -> None:
    overloads = typing.get_overloads(LoginSession.messageInstantSend)
    assert [_params(each) for each in overloads] == MESSAGE_INSTANT_SEND_OVERLOADS


def test_java_inner_class_spellings() -> None:
    assert Signal.LoginSession is LoginSession
    assert Signal.LoginCallback is LoginCallback
    assert Signal.MessageCallback is MessageCallback
    assert Signal.ChannelCallback is ChannelCallback
    assert Signal.CallCallback is CallCallback
    assert Signal.UserAttrCallback is UserAttrCallback
    assert LoginSession.Channel is Channel
    assert LoginSession.Call is Call


def test_java_status_values() -> None:
    # reference §1.4: 0 not logged in / out, 1 connecting, 2 logged in, 3 failed, 4 initial
    assert [(s.name, s.value) for s in SignalStatus] == [
        ("NOT_LOGIN", 0),
        ("CONNECTING", 1),
        ("LOGINED", 2),
        ("LOGIN_FAILED", 3),
        ("INIT", 4),
    ]
