"""The RTM service: routing, presence, membership, attributes, invitations, offline store."""

from .backend import Backend, SessionId
from .core import RtmService, ServiceConfig
from .memory import MemoryBackend

__all__ = ["Backend", "MemoryBackend", "RtmService", "ServiceConfig", "SessionId"]
