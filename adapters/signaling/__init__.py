"""The legacy Signaling API on the RTM core (the shim).

``ShimWorld`` hosts legacy instances on a core; ``getInstance`` / ``createAgoraSDKInstance``
are the legacy factories on the process-wide default (embedded, or ``SIG2RTM_URL``).
"""

from __future__ import annotations

import os
import threading

from .instance import ShimAgoraAPI
from .usage import UsageTrace, enable
from .world import ShimWorld

__all__ = [
    "ShimAgoraAPI",
    "ShimWorld",
    "UsageTrace",
    "createAgoraSDKInstance",
    "default_world",
    "enable",
    "getInstance",
]

_worlds: dict[str, ShimWorld] = {}
_lock = threading.Lock()


def default_world(app_id: str) -> ShimWorld:
    """The world for ``app_id`` on the process-wide core (threaded, or a gateway)."""
    import rtm

    with _lock:
        world = _worlds.get(app_id)
        if world is None:
            world = _worlds[app_id] = ShimWorld(
                app_id,
                os.environ.get("SIG2RTM_APP_CERTIFICATE") or None,
                flavour=os.environ.get("SIG2RTM_FLAVOUR", "cpp"),
                mode=os.environ.get("SIG2RTM_MODE", "legacy"),
                core=rtm.default_core(),
            )
        return world


def getInstance(appId: str) -> ShimAgoraAPI:
    """Legacy ``getInstance``: one instance per app ID."""
    return default_world(appId).getInstance(appId)


def createAgoraSDKInstance(appId: str) -> ShimAgoraAPI:
    """Legacy ``createAgoraSDKInstance``: a new instance on every call."""
    return default_world(appId).createAgoraSDKInstance(appId)
