"""Drop-in replacement for the Python Signaling SDK ``agorasigsdk`` 1.0.2.

Legacy code keeps its imports and calls::

    from agorasigsdk import AgoraSignal, LoginSession, Channel, Call

    class MyLogin(LoginSession.LoginCallback):
        def on_login_success(self, session, uid): ...

    session = AgoraSignal(APP_ID).login("alice", "_no_need_token", MyLogin())

The same modules and names exist as in the 1.0.2 wheel (checked against the real wheel by
``tests/agorasigsdk/test_wheel_surface.py``); those that cannot work without 1.0.2's
servers (the web2 ``RPC``/``Channel2`` API, the Twisted wire client) raise, naming why.
Underneath, each session runs on a native ``IAgoraAPI`` instance from the native factory
(:func:`set_native_factory`; by default the shim over the RTM core), so there is no
Twisted, no legacy server and no LBS lookup. ``run_forever()`` / ``stop()`` replace
``reactor.run()`` / ``reactor.stop()`` for apps without Twisted. Differences from 1.0.2 and
why: docs/object-flavour.md.
"""

import logging

# As 1.0.2 did at import (every one of its modules called it): apps that rely on it for
# their own INFO logs keep them. A no-op when the app configured logging first.
logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(name)-12s %(levelname)-8s %(message)s"
)

from agorasigsdk import (  # noqa: E402 - the modules of the 1.0.2 package, as attributes
    agora_signal,
    call,
    channel,
    channel2,
    login_session,
    login_session_state,
    message_details,
    rpc,
    server_address,
    signal_consts,
    web2_lbs,
    websocket_client,
)
from agorasigsdk.agora_signal import AgoraSignal  # noqa: E402
from agorasigsdk.call import Call  # noqa: E402
from agorasigsdk.channel import Channel  # noqa: E402
from agorasigsdk.channel2 import Channel2  # noqa: E402
from agorasigsdk.login_session import LoginSession  # noqa: E402
from agorasigsdk.login_session_state import LoginSessionState  # noqa: E402
from agorasigsdk.message_details import MessageDetails  # noqa: E402
from agorasigsdk.rpc import RPC  # noqa: E402
from agorasigsdk.runtime import run_forever, stop  # noqa: E402
from agorasigsdk.server_address import ServerAddress  # noqa: E402
from agorasigsdk.signal_consts import (  # noqa: E402 - re-exported as in 1.0.2
    GENERAL_E,
    GENERAL_E_FAILED,
    GENERAL_E_LARGE_PARAM,
    GENERAL_E_NOT_LOGIN,
    GENERAL_E_UNKNOWN,
    GENERAL_E_WRONG_PARAM,
    INVITE_E_CANTRECV,
    INVITE_E_NET,
    INVITE_E_OTHER,
    INVITE_E_PEEROFFLINE,
    INVITE_E_REINVITE,
    INVITE_E_TIMEOUT,
    JOINCHANNEL_E_OTHER,
    LEAVECHANNEL_E_BYUSER,
    LEAVECHANNEL_E_DISCONN,
    LEAVECHANNEL_E_KICKED,
    LEAVECHANNEL_E_LOGOUT,
    LEAVECHANNEL_E_OTHER,
    LOGIN_E_ALREADY_LOGIN,
    LOGIN_E_CANCEL,
    LOGIN_E_FAILED,
    LOGIN_E_INVALID_USER,
    LOGIN_E_NET,
    LOGIN_E_OLDVERSION,
    LOGIN_E_OTHER,
    LOGIN_E_TOKEN_KICKED,
    LOGIN_E_TOKENEXPIRED,
    LOGIN_E_TOKENWRONG,
    LOGOUT_E_ALREADY_LOGOUT,
    LOGOUT_E_KICKED,
    LOGOUT_E_NET,
    LOGOUT_E_OLDVERSION,
    LOGOUT_E_OTHER,
    LOGOUT_E_PACKET,
    LOGOUT_E_TOKENEXPIRED,
    LOGOUT_E_TOKENWRONG,
    LOGOUT_E_USER,
    QUERYUSERNUM_E_BYUSER,
    QUERYUSERNUM_E_OTHER,
    QUERYUSERNUM_E_TIMEOUT,
    SENDMESSAGE_E_OTHER,
    SENDMESSAGE_E_TIMEOUT,
    SUCCESS,
)
from agorasigsdk.web2_lbs import (  # noqa: E402
    format_websocket_url,
    get_web2_addresses,
    get_web2_url,
    query_lbs,
)
from agorasigsdk.websocket_client import ClientFactory, ClientProtocol  # noqa: E402
from legacy_signaling.objects.native import (  # noqa: E402
    NativeFactory,
    NativeProviderError,
    get_native_factory,
    set_native_factory,
)

__all__ = [
    "GENERAL_E",
    "GENERAL_E_FAILED",
    "GENERAL_E_LARGE_PARAM",
    "GENERAL_E_NOT_LOGIN",
    "GENERAL_E_UNKNOWN",
    "GENERAL_E_WRONG_PARAM",
    "INVITE_E_CANTRECV",
    "INVITE_E_NET",
    "INVITE_E_OTHER",
    "INVITE_E_PEEROFFLINE",
    "INVITE_E_REINVITE",
    "INVITE_E_TIMEOUT",
    "JOINCHANNEL_E_OTHER",
    "LEAVECHANNEL_E_BYUSER",
    "LEAVECHANNEL_E_DISCONN",
    "LEAVECHANNEL_E_KICKED",
    "LEAVECHANNEL_E_LOGOUT",
    "LEAVECHANNEL_E_OTHER",
    "LOGIN_E_ALREADY_LOGIN",
    "LOGIN_E_CANCEL",
    "LOGIN_E_FAILED",
    "LOGIN_E_INVALID_USER",
    "LOGIN_E_NET",
    "LOGIN_E_OLDVERSION",
    "LOGIN_E_OTHER",
    "LOGIN_E_TOKENEXPIRED",
    "LOGIN_E_TOKENWRONG",
    "LOGIN_E_TOKEN_KICKED",
    "LOGOUT_E_ALREADY_LOGOUT",
    "LOGOUT_E_KICKED",
    "LOGOUT_E_NET",
    "LOGOUT_E_OLDVERSION",
    "LOGOUT_E_OTHER",
    "LOGOUT_E_PACKET",
    "LOGOUT_E_TOKENEXPIRED",
    "LOGOUT_E_TOKENWRONG",
    "LOGOUT_E_USER",
    "QUERYUSERNUM_E_BYUSER",
    "QUERYUSERNUM_E_OTHER",
    "QUERYUSERNUM_E_TIMEOUT",
    "RPC",
    "SENDMESSAGE_E_OTHER",
    "SENDMESSAGE_E_TIMEOUT",
    "SUCCESS",
    "AgoraSignal",
    "Call",
    "Channel",
    "Channel2",
    "ClientFactory",
    "ClientProtocol",
    "LoginSession",
    "LoginSessionState",
    "MessageDetails",
    "NativeFactory",
    "NativeProviderError",
    "ServerAddress",
    "agora_signal",
    "call",
    "channel",
    "channel2",
    "format_websocket_url",
    "get_native_factory",
    "get_web2_addresses",
    "get_web2_url",
    "login_session",
    "login_session_state",
    "message_details",
    "query_lbs",
    "rpc",
    "run_forever",
    "server_address",
    "set_native_factory",
    "signal_consts",
    "stop",
    "web2_lbs",
    "websocket_client",
]
