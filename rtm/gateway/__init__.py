"""The network gateway: the RTM service reached over WebSocket, one node or many.

``sig2rtm serve`` runs a :class:`Gateway`; ``rtm.net.connect_core(url)`` is the client side.
"""

from .config import GatewayConfig, load_config
from .endpoint import CloseCode, EndpointSession, ProtocolEndpoint, Wire
from .rtm_endpoint import RtmEndpoint, WireLimits
from .server import Gateway

__all__ = [
    "CloseCode",
    "EndpointSession",
    "Gateway",
    "GatewayConfig",
    "ProtocolEndpoint",
    "RtmEndpoint",
    "Wire",
    "WireLimits",
    "load_config",
]
