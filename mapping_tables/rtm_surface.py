"""The RTM 1.x names the mapping tables may refer to, per flavour.

The tables name RTM methods, callbacks, callback parameters and error-enum members as plain
strings. This module is the closed list those strings are checked against when the tables load,
so a typo in a TOML row (``onSendMesageResult``, ``event.errorcode``) fails at load time with the
row named, instead of silently never matching at run time. The names follow the binding list the
``rtm/`` core implements (helpers/rtm_names.md) and the enum values of the RTM reference (§3).

Besides the real RTM interfaces there is one pseudo-interface, ``Shim``: signals raised by the
adapter's own emulations (a synchronous error return, an exhausted ``login2`` retry budget, a
facade-level legacy error, a log line). Routing them through event rows keeps every legacy
callback the shim fires described by a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from types import MappingProxyType

import attrs

from mapping_tables.model import Flavour
from rtm import errors
from rtm.enums import CONNECTION_CHANGE_REASON, CONNECTION_STATE


@attrs.frozen
class CallbackSpec:
    """An RTM callback: its parameter names and whether it answers a specific call.

    ``solicited`` callbacks (results) carry the legacy request that caused them, so rows on them
    may use the ``request`` root; unsolicited ones (pushes, listener events) may not.
    """

    params: tuple[str, ...]
    solicited: bool


def _cb(*params: str, solicited: bool = False) -> CallbackSpec:
    return CallbackSpec(params=params, solicited=solicited)


_RESULT = True

#: Pseudo-interface for signals the adapter's emulations raise (see module docstring).
SHIM_CALLBACKS: Mapping[str, CallbackSpec] = MappingProxyType(
    {
        # The facade rejected a call with a legacy general error (1000-1005).
        "Shim.onApiError": _cb("name", "ecode", "desc"),
        # One log line of the shim, for legacy apps that registered onLog.
        "Shim.onLog": _cb("txt"),
    }
)

_CPP_SERVICE = "IRtmServiceEventHandler"
_CPP_CHANNEL = "IChannelEventHandler"
_CPP_CALL = "IRtmCallEventHandler"

_CALL_EVENTS: Mapping[str, CallbackSpec] = {
    "onLocalInvitationReceivedByPeer": _cb("localInvitation"),
    "onLocalInvitationCanceled": _cb("localInvitation"),
    "onLocalInvitationFailure": _cb("localInvitation", "errorCode"),
    "onLocalInvitationAccepted": _cb("localInvitation", "response"),
    "onLocalInvitationRefused": _cb("localInvitation", "response"),
    "onRemoteInvitationRefused": _cb("remoteInvitation"),
    "onRemoteInvitationAccepted": _cb("remoteInvitation"),
    "onRemoteInvitationReceived": _cb("remoteInvitation"),
    "onRemoteInvitationFailure": _cb("remoteInvitation", "errorCode"),
    "onRemoteInvitationCanceled": _cb("remoteInvitation"),
}

CPP_CALLBACKS: Mapping[str, CallbackSpec] = MappingProxyType(
    {
        **{
            f"{_CPP_SERVICE}.{name}": spec
            for name, spec in {
                "onLoginSuccess": _cb(solicited=_RESULT),
                "onLoginFailure": _cb("errorCode", solicited=_RESULT),
                "onRenewTokenResult": _cb("token", "errorCode", solicited=_RESULT),
                "onTokenExpired": _cb(),
                "onTokenPrivilegeWillExpire": _cb(),
                "onLogout": _cb("errorCode", solicited=_RESULT),
                "onConnectionStateChanged": _cb("state", "reason"),
                "onSendMessageResult": _cb("messageId", "errorCode", solicited=_RESULT),
                "onMessageReceivedFromPeer": _cb("peerId", "message"),
                "onQueryPeersOnlineStatusResult": _cb(
                    "requestId", "peersStatus", "peerCount", "errorCode", solicited=_RESULT
                ),
                "onSubscriptionRequestResult": _cb("requestId", "errorCode", solicited=_RESULT),
                "onQueryPeersBySubscriptionOptionResult": _cb(
                    "requestId", "peerIds", "peerCount", "errorCode", solicited=_RESULT
                ),
                "onPeersOnlineStatusChanged": _cb("peersStatus", "peerCount"),
                "onSetLocalUserAttributesResult": _cb("requestId", "errorCode", solicited=_RESULT),
                "onAddOrUpdateLocalUserAttributesResult": _cb(
                    "requestId", "errorCode", solicited=_RESULT
                ),
                "onDeleteLocalUserAttributesResult": _cb(
                    "requestId", "errorCode", solicited=_RESULT
                ),
                "onClearLocalUserAttributesResult": _cb(
                    "requestId", "errorCode", solicited=_RESULT
                ),
                "onGetUserAttributesResult": _cb(
                    "requestId",
                    "userId",
                    "attributes",
                    "numberOfAttributes",
                    "errorCode",
                    solicited=_RESULT,
                ),
                "onSetChannelAttributesResult": _cb("requestId", "errorCode", solicited=_RESULT),
                "onAddOrUpdateChannelAttributesResult": _cb(
                    "requestId", "errorCode", solicited=_RESULT
                ),
                "onDeleteChannelAttributesResult": _cb("requestId", "errorCode", solicited=_RESULT),
                "onClearChannelAttributesResult": _cb("requestId", "errorCode", solicited=_RESULT),
                "onGetChannelAttributesResult": _cb(
                    "requestId", "attributes", "numberOfAttributes", "errorCode", solicited=_RESULT
                ),
                "onGetChannelMemberCountResult": _cb(
                    "requestId",
                    "channelMemberCounts",
                    "channelCount",
                    "errorCode",
                    solicited=_RESULT,
                ),
            }.items()
        },
        **{
            f"{_CPP_CHANNEL}.{name}": spec
            for name, spec in {
                "onJoinSuccess": _cb(solicited=_RESULT),
                "onJoinFailure": _cb("errorCode", solicited=_RESULT),
                "onLeave": _cb("errorCode", solicited=_RESULT),
                "onMessageReceived": _cb("userId", "message"),
                "onSendMessageResult": _cb("messageId", "errorCode", solicited=_RESULT),
                "onMemberJoined": _cb("member"),
                "onMemberLeft": _cb("member"),
                "onGetMembers": _cb("members", "userCount", "errorCode", solicited=_RESULT),
                "onAttributesUpdated": _cb("attributes", "numberOfAttributes"),
                "onMemberCountUpdated": _cb("memberCount"),
            }.items()
        },
        **{f"{_CPP_CALL}.{name}": spec for name, spec in _CALL_EVENTS.items()},
        **SHIM_CALLBACKS,
    }
)

JAVA_CALLBACKS: Mapping[str, CallbackSpec] = MappingProxyType(
    {
        # A Java result callback answers the call named in the row's `trigger`.
        "ResultCallback.onSuccess": _cb("responseInfo", solicited=_RESULT),
        "ResultCallback.onFailure": _cb("errorInfo", solicited=_RESULT),
        "RtmClientListener.onConnectionStateChanged": _cb("state", "reason"),
        "RtmClientListener.onMessageReceived": _cb("message", "peerId"),
        "RtmClientListener.onTokenExpired": _cb(),
        "RtmClientListener.onTokenPrivilegeWillExpire": _cb(),
        "RtmClientListener.onPeersOnlineStatusChanged": _cb("peersStatus"),
        "RtmChannelListener.onMemberCountUpdated": _cb("memberCount"),
        "RtmChannelListener.onAttributesUpdated": _cb("attributeList"),
        "RtmChannelListener.onMessageReceived": _cb("message", "fromMember"),
        "RtmChannelListener.onMemberJoined": _cb("member"),
        "RtmChannelListener.onMemberLeft": _cb("member"),
        **{f"RtmCallEventListener.{name}": spec for name, spec in _CALL_EVENTS.items()},
        **SHIM_CALLBACKS,
    }
)

CPP_METHODS: frozenset[str] = frozenset(
    {
        "createRtmService",
        *(
            f"IRtmService.{name}"
            for name in (
                "initialize",
                "release",
                "login",
                "logout",
                "renewToken",
                "createMessage",
                "sendMessageToPeer",
                "createChannel",
                "queryPeersOnlineStatus",
                "subscribePeersOnlineStatus",
                "unsubscribePeersOnlineStatus",
                "queryPeersBySubscriptionOption",
                "setLocalUserAttributes",
                "addOrUpdateLocalUserAttributes",
                "deleteLocalUserAttributesByKeys",
                "clearLocalUserAttributes",
                "getUserAttributes",
                "getUserAttributesByKeys",
                "setChannelAttributes",
                "addOrUpdateChannelAttributes",
                "deleteChannelAttributesByKeys",
                "clearChannelAttributes",
                "getChannelAttributes",
                "getChannelAttributesByKeys",
                "getChannelMemberCount",
                "getRtmCallManager",
            )
        ),
        *(
            f"IChannel.{name}"
            for name in ("join", "leave", "sendMessage", "getMembers", "getId", "release")
        ),
        *(
            f"IRtmCallManager.{name}"
            for name in (
                "createLocalCallInvitation",
                "sendLocalInvitation",
                "cancelLocalInvitation",
                "acceptRemoteInvitation",
                "refuseRemoteInvitation",
                "release",
            )
        ),
    }
)

#: Java methods that take a ResultCallback (valid values of an event row's `trigger`).
JAVA_RESULT_METHODS: frozenset[str] = frozenset(
    {
        *(
            f"RtmClient.{name}"
            for name in (
                "login",
                "logout",
                "renewToken",
                "sendMessageToPeer",
                "queryPeersOnlineStatus",
                "subscribePeersOnlineStatus",
                "unsubscribePeersOnlineStatus",
                "queryPeersBySubscriptionOption",
                "setLocalUserAttributes",
                "addOrUpdateLocalUserAttributes",
                "deleteLocalUserAttributesByKeys",
                "clearLocalUserAttributes",
                "getUserAttributes",
                "getUserAttributesByKeys",
                "setChannelAttributes",
                "addOrUpdateChannelAttributes",
                "deleteChannelAttributesByKeys",
                "clearChannelAttributes",
                "getChannelAttributes",
                "getChannelAttributesByKeys",
                "getChannelMemberCount",
            )
        ),
        *(f"RtmChannel.{name}" for name in ("join", "leave", "sendMessage", "getMembers")),
        *(
            f"RtmCallManager.{name}"
            for name in (
                "sendLocalInvitation",
                "cancelLocalInvitation",
                "acceptRemoteInvitation",
                "refuseRemoteInvitation",
            )
        ),
    }
)

JAVA_METHODS: frozenset[str] = frozenset(
    {
        *JAVA_RESULT_METHODS,
        "RtmClient.createInstance",
        "RtmClient.release",
        "RtmClient.createMessage",
        "RtmClient.createChannel",
        "RtmClient.getRtmCallManager",
        "RtmChannel.getId",
        "RtmChannel.release",
        "RtmCallManager.createLocalInvitation",
        "RtmCallManager.setEventListener",
    }
)


def _members(enum: type[IntEnum]) -> Mapping[str, int]:
    return MappingProxyType({member.name: int(member) for member in enum})


#: The RTM enums a row may name: enum name -> member name -> value. They are the core's own
#: enums (rtm.enums, rtm.errors: reference rtm-api §3), read rather than restated, so a member
#: the core can report (CHANNEL_MESSAGE_ERR_NOT_IN_CHANNEL) cannot be missing here and so escape
#: the loader's check that error_codes maps every member. Member names are the C++ constants,
#: so they are unique across enums. INIT_ERR_CODE is left out: no row reads the result of
#: initialize, which the bindings call once, with an App ID the facade has already checked.
RTM_ENUMS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {
        enum.__name__: _members(enum)
        for enum in (
            CONNECTION_STATE,
            CONNECTION_CHANGE_REASON,
            errors.LOGIN_ERR_CODE,
            errors.LOGOUT_ERR_CODE,
            errors.RENEW_TOKEN_ERR_CODE,
            errors.PEER_MESSAGE_ERR_CODE,
            errors.CHANNEL_MESSAGE_ERR_CODE,
            errors.JOIN_CHANNEL_ERR,
            errors.LEAVE_CHANNEL_ERR,
            errors.GET_MEMBERS_ERR,
            errors.QUERY_PEERS_ONLINE_STATUS_ERR,
            errors.PEER_SUBSCRIPTION_STATUS_ERR,
            errors.QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR,
            errors.ATTRIBUTE_OPERATION_ERR,
            errors.GET_CHANNEL_MEMBER_COUNT_ERR_CODE,
            errors.INVITATION_API_CALL_ERR_CODE,
            errors.LOCAL_INVITATION_ERR_CODE,
            errors.REMOTE_INVITATION_ERR_CODE,
        )
    }
)

#: Every enum member name -> (enum name, value); member names are globally unique.
RTM_CONSTANTS: Mapping[str, tuple[str, int]] = MappingProxyType(
    {
        member: (enum, value)
        for enum, members in RTM_ENUMS.items()
        for member, value in members.items()
    }
)


def callbacks(flavour: Flavour) -> Mapping[str, CallbackSpec]:
    """The qualified RTM callbacks (plus Shim signals) an event row of `flavour` may name."""
    return CPP_CALLBACKS if flavour is Flavour.CPP else JAVA_CALLBACKS


def methods(flavour: Flavour) -> frozenset[str]:
    """The qualified RTM methods a method row of `flavour` may call."""
    return CPP_METHODS if flavour is Flavour.CPP else JAVA_METHODS


def short_name(qualified: str) -> str:
    """``IChannelEventHandler.onJoinSuccess`` -> ``onJoinSuccess`` (as the seeds write it)."""
    return qualified.rsplit(".", 1)[-1]
