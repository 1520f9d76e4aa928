"""The callback interfaces apps implement, in both RTM result styles.

C++ flavour (seed 001): one event-handler object per service, channel and call manager;
results of asynchronous calls arrive as handler methods (``onLoginSuccess``,
``onSendMessageResult`` ...). Java flavour (seed 003): each asynchronous call takes a
:class:`ResultCallback` whose ``onSuccess`` / ``onFailure`` receives the outcome, and
listeners receive the events. Every method here is a no-op to override; one client
implementation (:class:`rtm.client.RtmClient`) reports every outcome in both styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import ErrorInfo

if TYPE_CHECKING:
    from .invitations import LocalInvitation, RemoteInvitation
    from .objects import (
        ChannelMemberCount,
        PeerOnlineStatus,
        RtmAttribute,
        RtmChannelAttribute,
        RtmChannelMember,
        RtmMessage,
    )
    from .protocol import Payload

__all__ = [
    "ChannelPayloadReceiver",
    "IChannelEventHandler",
    "IRtmCallEventHandler",
    "IRtmServiceEventHandler",
    "ResultCallback",
    "RtmCallEventListener",
    "RtmChannelListener",
    "RtmClientListener",
]

T = TypeVar("T")


class IRtmServiceEventHandler:
    """C++ ``IRtmServiceEventHandler``."""

    def onLoginSuccess(self) -> None: ...
    def onLoginFailure(self, errorCode: int) -> None: ...
    def onRenewTokenResult(self, token: str, errorCode: int) -> None: ...
    def onTokenExpired(self) -> None: ...
    def onTokenPrivilegeWillExpire(self) -> None: ...
    def onLogout(self, errorCode: int) -> None: ...
    def onConnectionStateChanged(self, state: int, reason: int) -> None: ...
    def onSendMessageResult(self, messageId: int, errorCode: int) -> None: ...
    def onMessageReceivedFromPeer(self, peerId: str, message: RtmMessage) -> None: ...
    def onQueryPeersOnlineStatusResult(
        self,
        requestId: int,
        peersStatus: Sequence[PeerOnlineStatus],
        peerCount: int,
        errorCode: int,
    ) -> None: ...
    def onSubscriptionRequestResult(self, requestId: int, errorCode: int) -> None: ...
    def onQueryPeersBySubscriptionOptionResult(
        self, requestId: int, peerIds: Sequence[str], peerCount: int, errorCode: int
    ) -> None: ...
    def onPeersOnlineStatusChanged(
        self, peersStatus: Sequence[PeerOnlineStatus], peerCount: int
    ) -> None: ...
    def onSetLocalUserAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onAddOrUpdateLocalUserAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onDeleteLocalUserAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onClearLocalUserAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onGetUserAttributesResult(
        self,
        requestId: int,
        userId: str,
        attributes: Sequence[RtmAttribute],
        numberOfAttributes: int,
        errorCode: int,
    ) -> None: ...
    def onSetChannelAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onAddOrUpdateChannelAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onDeleteChannelAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onClearChannelAttributesResult(self, requestId: int, errorCode: int) -> None: ...
    def onGetChannelAttributesResult(
        self,
        requestId: int,
        attributes: Sequence[RtmChannelAttribute],
        numberOfAttributes: int,
        errorCode: int,
    ) -> None: ...
    def onGetChannelMemberCountResult(
        self,
        requestId: int,
        channelMemberCounts: Sequence[ChannelMemberCount],
        channelCount: int,
        errorCode: int,
    ) -> None: ...


class IChannelEventHandler:
    """C++ ``IChannelEventHandler``."""

    def onJoinSuccess(self) -> None: ...
    def onJoinFailure(self, errorCode: int) -> None: ...
    def onLeave(self, errorCode: int) -> None: ...
    def onMessageReceived(self, userId: str, message: RtmMessage) -> None: ...
    def onSendMessageResult(self, messageId: int, errorCode: int) -> None: ...
    def onMemberJoined(self, member: RtmChannelMember) -> None: ...
    def onMemberLeft(self, member: RtmChannelMember) -> None: ...
    def onGetMembers(
        self, members: Sequence[RtmChannelMember], userCount: int, errorCode: int
    ) -> None: ...
    def onAttributesUpdated(
        self, attributes: Sequence[RtmChannelAttribute], numberOfAttributes: int
    ) -> None: ...
    def onMemberCountUpdated(self, memberCount: int) -> None: ...


class IRtmCallEventHandler:
    """C++ ``IRtmCallEventHandler``."""

    def onLocalInvitationReceivedByPeer(self, localInvitation: LocalInvitation) -> None: ...
    def onLocalInvitationCanceled(self, localInvitation: LocalInvitation) -> None: ...
    def onLocalInvitationFailure(
        self, localInvitation: LocalInvitation, errorCode: int
    ) -> None: ...
    def onLocalInvitationAccepted(
        self, localInvitation: LocalInvitation, response: str
    ) -> None: ...
    def onLocalInvitationRefused(self, localInvitation: LocalInvitation, response: str) -> None: ...
    def onRemoteInvitationRefused(self, remoteInvitation: RemoteInvitation) -> None: ...
    def onRemoteInvitationAccepted(self, remoteInvitation: RemoteInvitation) -> None: ...
    def onRemoteInvitationReceived(self, remoteInvitation: RemoteInvitation) -> None: ...
    def onRemoteInvitationFailure(
        self, remoteInvitation: RemoteInvitation, errorCode: int
    ) -> None: ...
    def onRemoteInvitationCanceled(self, remoteInvitation: RemoteInvitation) -> None: ...


class RtmCallEventListener(IRtmCallEventHandler):
    """Java ``RtmCallEventListener``: the same ten callbacks as the C++ handler."""


class ResultCallback(Generic[T]):
    """Java ``ResultCallback<T>``: the outcome of one asynchronous call."""

    def onSuccess(self, responseInfo: T) -> None: ...
    def onFailure(self, errorInfo: ErrorInfo) -> None: ...

    @staticmethod
    def of(
        on_success: Callable[[T], object] | None = None,
        on_failure: Callable[[ErrorInfo], object] | None = None,
    ) -> ResultCallback[T]:
        """Build a callback from two functions (handy in Python code and tests)."""
        return _FnResultCallback(on_success, on_failure)


class _FnResultCallback(ResultCallback[T]):
    def __init__(
        self,
        on_success: Callable[[T], object] | None,
        on_failure: Callable[[ErrorInfo], object] | None,
    ) -> None:
        self._on_success = on_success
        self._on_failure = on_failure

    def onSuccess(self, responseInfo: T) -> None:
        if self._on_success is not None:
            self._on_success(responseInfo)

    def onFailure(self, errorInfo: ErrorInfo) -> None:
        if self._on_failure is not None:
            self._on_failure(errorInfo)


class RtmClientListener:
    """Java ``RtmClientListener``."""

    def onConnectionStateChanged(self, state: int, reason: int) -> None: ...
    def onMessageReceived(self, message: RtmMessage, peerId: str) -> None: ...
    def onTokenExpired(self) -> None: ...
    def onTokenPrivilegeWillExpire(self) -> None: ...
    def onPeersOnlineStatusChanged(self, peersStatus: dict[str, int]) -> None: ...


class RtmChannelListener:
    """Java ``RtmChannelListener``."""

    def onMemberCountUpdated(self, memberCount: int) -> None: ...
    def onAttributesUpdated(self, attributeList: list[RtmChannelAttribute]) -> None: ...
    def onMessageReceived(self, message: RtmMessage, fromMember: RtmChannelMember) -> None: ...
    def onMemberJoined(self, member: RtmChannelMember) -> None: ...
    def onMemberLeft(self, member: RtmChannelMember) -> None: ...


AnyHandler = Any


class ChannelPayloadReceiver:
    """A sig2rtm extension for adapters that read only a channel message's text (the legacy
    shim): a channel handler that also derives from this class is given each message's
    payload — the one the frame carries, shared by all such members — through
    :meth:`onMessagePayload`, instead of an ``RtmMessage`` (and, Java style, an
    ``RtmChannelMember``) of its own through ``onMessageReceived``. An explicit base
    class, not a method name looked up: an app's catch-all handler never opts in by chance.
    """

    def onMessagePayload(self, userId: str, payload: Payload) -> None:
        """A channel message from ``userId``: its text is ``payload.text``."""
