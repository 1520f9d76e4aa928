"""sig2rtm's RTM-style messaging core, with Agora RTM 1.x names and semantics.

Java flavour::

    client = rtm.RtmClient.createInstance(app_id, listener)
    client.login(None, "alice", rtm.ResultCallback.of(on_ok, on_error))

C++ flavour::

    service = rtm.createRtmService()
    service.initialize(app_id, handler)
    service.login(None, "alice")          # -> handler.onLoginSuccess()

Both run on the process-wide embedded core unless a ``core`` is given (see
:mod:`rtm.embedded`) or ``SIG2RTM_URL`` names a gateway.
"""

from .call_manager import IRtmCallManager, RtmCallManager
from .channel import IChannel, RtmChannel
from .client import SDK_VERSION, IRtmService, RtmClient, createRtmService
from .embedded import EmbeddedCore, default_core, set_default_core
from .enums import (
    CONNECTION_CHANGE_REASON,
    CONNECTION_STATE,
    LOCAL_INVITATION_STATE,
    LOG_FILTER_TYPE,
    MESSAGE_TYPE,
    PEER_ONLINE_STATE,
    PEER_SUBSCRIPTION_OPTION,
    REMOTE_INVITATION_STATE,
    SERVER_MESSAGE_ERR,
)
from .errors import (
    ATTRIBUTE_OPERATION_ERR,
    CHANNEL_MESSAGE_ERR_CODE,
    GET_CHANNEL_MEMBER_COUNT_ERR_CODE,
    GET_MEMBERS_ERR,
    INIT_ERR_CODE,
    INVITATION_API_CALL_ERR_CODE,
    JOIN_CHANNEL_ERR,
    LEAVE_CHANNEL_ERR,
    LOCAL_INVITATION_ERR_CODE,
    LOGIN_ERR_CODE,
    LOGOUT_ERR_CODE,
    PEER_MESSAGE_ERR_CODE,
    PEER_SUBSCRIPTION_STATUS_ERR,
    QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR,
    QUERY_PEERS_ONLINE_STATUS_ERR,
    REMOTE_INVITATION_ERR_CODE,
    RENEW_TOKEN_ERR_CODE,
    ErrorInfo,
)
from .handlers import (
    IChannelEventHandler,
    IRtmCallEventHandler,
    IRtmServiceEventHandler,
    ResultCallback,
    RtmCallEventListener,
    RtmChannelListener,
    RtmClientListener,
)
from .invitations import (
    ILocalCallInvitation,
    IRemoteCallInvitation,
    LocalInvitation,
    RemoteInvitation,
)
from .limits import LINUX_RATES, MOBILE_RATES, Limits, Rate, Rates
from .objects import (
    ChannelAttributeOptions,
    ChannelMemberCount,
    IMessage,
    PeerOnlineStatus,
    RequestId,
    RtmAttribute,
    RtmChannelAttribute,
    RtmChannelMember,
    RtmChannelMemberCount,
    RtmMessage,
    SendMessageOptions,
)
from .scheduler import DeterministicScheduler, ThreadedScheduler
from .service.core import RtmService, ServiceConfig
from .status_code import RtmStatusCode
from .tokens import RtmTokenBuilder, TokenVerifier, build_rtm_token, verify_rtm_token

__all__ = [
    "ATTRIBUTE_OPERATION_ERR",
    "CHANNEL_MESSAGE_ERR_CODE",
    "CONNECTION_CHANGE_REASON",
    "CONNECTION_STATE",
    "GET_CHANNEL_MEMBER_COUNT_ERR_CODE",
    "GET_MEMBERS_ERR",
    "INIT_ERR_CODE",
    "INVITATION_API_CALL_ERR_CODE",
    "JOIN_CHANNEL_ERR",
    "LEAVE_CHANNEL_ERR",
    "LINUX_RATES",
    "LOCAL_INVITATION_ERR_CODE",
    "LOCAL_INVITATION_STATE",
    "LOGIN_ERR_CODE",
    "LOGOUT_ERR_CODE",
    "LOG_FILTER_TYPE",
    "MESSAGE_TYPE",
    "MOBILE_RATES",
    "PEER_MESSAGE_ERR_CODE",
    "PEER_ONLINE_STATE",
    "PEER_SUBSCRIPTION_OPTION",
    "PEER_SUBSCRIPTION_STATUS_ERR",
    "QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR",
    "QUERY_PEERS_ONLINE_STATUS_ERR",
    "REMOTE_INVITATION_ERR_CODE",
    "REMOTE_INVITATION_STATE",
    "RENEW_TOKEN_ERR_CODE",
    "SDK_VERSION",
    "SERVER_MESSAGE_ERR",
    "ChannelAttributeOptions",
    "ChannelMemberCount",
    "DeterministicScheduler",
    "EmbeddedCore",
    "ErrorInfo",
    "IChannel",
    "IChannelEventHandler",
    "ILocalCallInvitation",
    "IMessage",
    "IRemoteCallInvitation",
    "IRtmCallEventHandler",
    "IRtmCallManager",
    "IRtmService",
    "IRtmServiceEventHandler",
    "Limits",
    "LocalInvitation",
    "PeerOnlineStatus",
    "Rate",
    "Rates",
    "RemoteInvitation",
    "RequestId",
    "ResultCallback",
    "RtmAttribute",
    "RtmCallEventListener",
    "RtmCallManager",
    "RtmChannel",
    "RtmChannelAttribute",
    "RtmChannelListener",
    "RtmChannelMember",
    "RtmChannelMemberCount",
    "RtmClient",
    "RtmClientListener",
    "RtmMessage",
    "RtmService",
    "RtmStatusCode",
    "RtmTokenBuilder",
    "SendMessageOptions",
    "ServiceConfig",
    "ThreadedScheduler",
    "TokenVerifier",
    "build_rtm_token",
    "createRtmService",
    "default_core",
    "set_default_core",
    "verify_rtm_token",
]
