"""Callback interfaces: RTM's names and parameters, in both styles; ResultCallback.of."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from rtm import (
    ErrorInfo,
    IChannelEventHandler,
    IRtmCallEventHandler,
    IRtmServiceEventHandler,
    ResultCallback,
    RtmCallEventListener,
    RtmChannelListener,
    RtmClientListener,
)

# Callback -> parameter names, transcribed from the project's binding list of RTM names.
SERVICE = {
    "onLoginSuccess": [],
    "onLoginFailure": ["errorCode"],
    "onRenewTokenResult": ["token", "errorCode"],
    "onTokenExpired": [],
    "onTokenPrivilegeWillExpire": [],
    "onLogout": ["errorCode"],
    "onConnectionStateChanged": ["state", "reason"],
    "onSendMessageResult": ["messageId", "errorCode"],
    "onMessageReceivedFromPeer": ["peerId", "message"],
    "onQueryPeersOnlineStatusResult": ["requestId", "peersStatus", "peerCount", "errorCode"],
    "onSubscriptionRequestResult": ["requestId", "errorCode"],
    "onQueryPeersBySubscriptionOptionResult": ["requestId", "peerIds", "peerCount", "errorCode"],
    "onPeersOnlineStatusChanged": ["peersStatus", "peerCount"],
    "onSetLocalUserAttributesResult": ["requestId", "errorCode"],
    "onAddOrUpdateLocalUserAttributesResult": ["requestId", "errorCode"],
    "onDeleteLocalUserAttributesResult": ["requestId", "errorCode"],
    "onClearLocalUserAttributesResult": ["requestId", "errorCode"],
    "onGetUserAttributesResult": [
        "requestId",
        "userId",
        "attributes",
        "numberOfAttributes",
        "errorCode",
    ],
    "onSetChannelAttributesResult": ["requestId", "errorCode"],
    "onAddOrUpdateChannelAttributesResult": ["requestId", "errorCode"],
    "onDeleteChannelAttributesResult": ["requestId", "errorCode"],
    "onClearChannelAttributesResult": ["requestId", "errorCode"],
    "onGetChannelAttributesResult": ["requestId", "attributes", "numberOfAttributes", "errorCode"],
    "onGetChannelMemberCountResult": [
        "requestId",
        "channelMemberCounts",
        "channelCount",
        "errorCode",
    ],
}
CHANNEL = {
    "onJoinSuccess": [],
    "onJoinFailure": ["errorCode"],
    "onLeave": ["errorCode"],
    "onMessageReceived": ["userId", "message"],
    "onSendMessageResult": ["messageId", "errorCode"],
    "onMemberJoined": ["member"],
    "onMemberLeft": ["member"],
    "onGetMembers": ["members", "userCount", "errorCode"],
    "onAttributesUpdated": ["attributes", "numberOfAttributes"],
    "onMemberCountUpdated": ["memberCount"],
}
CALL = {
    "onLocalInvitationReceivedByPeer": ["localInvitation"],
    "onLocalInvitationCanceled": ["localInvitation"],
    "onLocalInvitationFailure": ["localInvitation", "errorCode"],
    "onLocalInvitationAccepted": ["localInvitation", "response"],
    "onLocalInvitationRefused": ["localInvitation", "response"],
    "onRemoteInvitationRefused": ["remoteInvitation"],
    "onRemoteInvitationAccepted": ["remoteInvitation"],
    "onRemoteInvitationReceived": ["remoteInvitation"],
    "onRemoteInvitationFailure": ["remoteInvitation", "errorCode"],
    "onRemoteInvitationCanceled": ["remoteInvitation"],
}
JAVA_CLIENT = {
    "onConnectionStateChanged": ["state", "reason"],
    "onMessageReceived": ["message", "peerId"],
    "onTokenExpired": [],
    "onTokenPrivilegeWillExpire": [],
    "onPeersOnlineStatusChanged": ["peersStatus"],
}
JAVA_CHANNEL = {
    "onMemberCountUpdated": ["memberCount"],
    "onAttributesUpdated": ["attributeList"],
    "onMessageReceived": ["message", "fromMember"],
    "onMemberJoined": ["member"],
    "onMemberLeft": ["member"],
}


def callbacks(cls: type) -> dict[str, list[str]]:
    out = {}
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("on"):
            out[name] = list(inspect.signature(fn).parameters)[1:]
    return out


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (IRtmServiceEventHandler, SERVICE),
        (IChannelEventHandler, CHANNEL),
        (IRtmCallEventHandler, CALL),
        (RtmCallEventListener, CALL),
        (RtmClientListener, JAVA_CLIENT),
        (RtmChannelListener, JAVA_CHANNEL),
    ],
)
def test_interfaces_have_exactly_rtms_callbacks(cls: type, expected: dict[str, list[str]]) -> None:
    assert callbacks(cls) == expected


@pytest.mark.parametrize(
    "cls",
    [
        IRtmServiceEventHandler,
        IChannelEventHandler,
        IRtmCallEventHandler,
        RtmClientListener,
        RtmChannelListener,
        ResultCallback,
    ],
)
def test_default_callbacks_are_no_ops(cls: type) -> None:
    instance = cls()
    names = [n for n in dir(cls) if n.startswith("on")]
    assert names
    for name in names:
        method: Any = getattr(instance, name)
        arity = len(inspect.signature(method).parameters)
        assert method(*([None] * arity)) is None, name


def test_result_callback_of_functions() -> None:
    successes: list[int] = []
    failures: list[ErrorInfo] = []
    cb = ResultCallback.of(successes.append, failures.append)
    cb.onSuccess(5)
    cb.onFailure(ErrorInfo(3, "bad"))
    assert successes == [5] and failures == [ErrorInfo(3, "bad")]
    silent: ResultCallback[int] = ResultCallback.of()
    silent.onSuccess(1)
    silent.onFailure(ErrorInfo(1, "ignored"))  # no function given: nothing happens


def test_the_recording_harness_catches_wrong_callbacks() -> None:
    # the test kit itself must be able to fail: wrong arity and unknown names are recorded
    from tests.rtm.kit import ClientListener, ServiceHandler, Trace

    trace = Trace()
    handler: Any = ServiceHandler(trace, "h")
    handler.onLoginFailure()  # missing errorCode
    handler.onLoginSuccess()
    listener: Any = ClientListener(trace, "j")
    listener.onLoginSuccess()  # a C++ callback leaking to a Java listener
    assert len(trace.violations) == 2
    assert "does not bind" in trace.violations[0]
    assert "not a callback of ClientListener" in trace.violations[1]
    assert trace.names("h") == ["onLoginFailure", "onLoginSuccess"]
