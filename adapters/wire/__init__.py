"""The legacy Signaling SDKs' own wire protocol, served by a gateway node.

The original, unmodified SDKs (Python ``agorasigsdk`` 1.0.2, Web ``AgoraSig.js`` 1.3/1.4)
find a server through an LBS lookup and speak JSON arrays over a WebSocket; this package
answers both, each connection a legacy client on the node's core through the native shim.
``frames`` and ``lines`` are sans-I/O; ``session`` is one connection's protocol state;
``endpoint`` plugs it into :class:`rtm.gateway.Gateway` as an extra listener.
"""

from .endpoint import LBS_PATH, LegacyEndpoint, NodeCore, lbs_answer, legacy_listeners
from .session import LOGIN_REASONS, LegacyWireSession

__all__ = [
    "LBS_PATH",
    "LOGIN_REASONS",
    "LegacyEndpoint",
    "LegacyWireSession",
    "NodeCore",
    "lbs_answer",
    "legacy_listeners",
]
