"""``agorasigsdk.rpc``: 1.0.2's experimental web2 RPC session — present, not available.

``RPC`` and its Twisted factory/protocol exist with 1.0.2's signatures and raise
``NotImplementedError`` naming the reason when used; the LBS helpers it re-exported work.
"""

from __future__ import annotations

from agorasigsdk import _unsupported
from agorasigsdk.web2_lbs import format_websocket_url, get_web2_addresses, query_lbs

__all__ = [
    "DO_LOG",
    "RPC",
    "RPCClientFactory",
    "RPCClientProtocol",
    "format_websocket_url",
    "get_web2_addresses",
    "query_lbs",
]

DO_LOG = False

RPC = _unsupported.stub_class(
    __name__,
    "RPC",
    _unsupported.WEB2,
    {
        "__init__": "self, appid, token, **kwargs",
        "build_rpc_connection": "self",
        "call_connect": "self, servers",
        "close": "self, error=''",
        "connect": "self, url, ip, port",
        "register": "self, onCall, onStart=None, onFailed=None, onEnd=None, **kwargs",
        "send_message": "self, command, message",
        "stop": "self",
    },
)
RPCClientFactory = _unsupported.stub_class(
    __name__,
    "RPCClientFactory",
    _unsupported.WEB2,
    {
        "__init__": "self, rpc, url",
        "buildProtocol": "self, addr",
        "clientConnectionFailed": "self, connector, reason",
        "clientConnectionLost": "self, connector, reason",
    },
)
RPCClientProtocol = _unsupported.stub_class(
    __name__,
    "RPCClientProtocol",
    _unsupported.WEB2,
    {
        "__init__": "self, rpc",
        "onClose": "self, wasClean, code, reason",
        "onConnect": "self, response",
        "onMessage": "self, payload, isBinary=None",
        "onOpen": "self",
    },
)
