"""``agorasigsdk.websocket_client``: 1.0.2's Twisted/autobahn wire client — present, not
available (the drop-in runs on the native shim; the real SDK speaks the wire to
``sig2rtm serve --legacy-port``)."""

from __future__ import annotations

from agorasigsdk import _unsupported
from agorasigsdk.login_session_state import LoginSessionState
from agorasigsdk.message_details import MessageDetails
from agorasigsdk.signal_consts import LOGOUT_E_PACKET

__all__ = [
    "LOGOUT_E_PACKET",
    "ClientFactory",
    "ClientProtocol",
    "LoginSessionState",
    "MessageDetails",
]

ClientProtocol = _unsupported.stub_class(
    __name__,
    "ClientProtocol",
    _unsupported.NO_WIRE,
    {
        "__init__": "self, session=None",
        "onClose": "self, wasClean, code, reason",
        "onConnect": "self, response",
        "onMessage": "self, payload, isBinary=None",
        "onOpen": "self",
        "ping": "self",
        "sleep": "self, delay",
    },
)
ClientFactory = _unsupported.stub_class(
    __name__,
    "ClientFactory",
    _unsupported.NO_WIRE,
    {
        "__init__": "self, session, url",
        "buildProtocol": "self, addr",
        "clientConnectionFailed": "self, connector, reason",
        "clientConnectionLost": "self, connector, reason",
    },
)
