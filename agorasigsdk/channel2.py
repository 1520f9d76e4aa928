"""``agorasigsdk.channel2``: 1.0.2's experimental web2 channel — present, not available.

``Channel2`` and its Twisted factory/protocol exist with 1.0.2's signatures and raise
``NotImplementedError`` naming the reason when used; the LBS helpers it re-exported work.
"""

from __future__ import annotations

from agorasigsdk import _unsupported
from agorasigsdk.web2_lbs import format_websocket_url, get_web2_addresses, query_lbs

__all__ = [
    "DO_LOG",
    "Channel2",
    "Channel2ClientFactory",
    "Channel2ClientProtocol",
    "format_websocket_url",
    "get_web2_addresses",
    "query_lbs",
]

DO_LOG = False

Channel2 = _unsupported.stub_class(
    __name__,
    "Channel2",
    _unsupported.WEB2,
    {
        "__init__": (
            "self, appid, channelName, channelAttrs={}, failWhenExists=False, "
            "needState=False, simpleHost={}, topicsToSubscribe=[], userId='', userInfo={}, "
            "onJoin=None, onJoinFailed=None, onLeave=None, onMessage=None"
        ),
        "call": "self, name, args, onSuccess=None, onFailed=None",
        "call_connect": "self, servers",
        "connect": "self, url, ip, port",
        "leave": "self, error=''",
        "send": "self, t, msg, topic, onSuccess=None, onFailed=None, noack=None",
        "send_msg": "self, command, message",
        "sub": "self, topics",
        "unsub": "self, topics",
    },
)
Channel2ClientFactory = _unsupported.stub_class(
    __name__,
    "Channel2ClientFactory",
    _unsupported.WEB2,
    {
        "__init__": "self, channel2, url",
        "buildProtocol": "self, addr",
        "clientConnectionFailed": "self, connector, reason",
        "clientConnectionLost": "self, connector, reason",
    },
)
Channel2ClientProtocol = _unsupported.stub_class(
    __name__,
    "Channel2ClientProtocol",
    _unsupported.WEB2,
    {
        "__init__": "self, channel2",
        "onClose": "self, wasClean, code, reason",
        "onConnect": "self, response",
        "onMessage": "self, payload, isBinary=None",
        "onOpen": "self",
    },
)
