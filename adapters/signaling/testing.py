"""Test helpers: the shim as a native provider for facade and equivalence tests."""

from __future__ import annotations

from legacy_signaling.objects.testing import NativeBackend, world_backend
from legacy_signaling.reference.testing import APP_ID

from .instance import ShimAgoraAPI
from .world import ShimWorld

__all__ = ["shim_backend"]


def shim_backend(flavour: str = "cpp", app_id: str = APP_ID) -> NativeBackend:
    """A fresh ``ShimWorld`` (embedded core on virtual time) as a ``NativeBackend``."""
    return world_backend(f"shim-{flavour}", ShimWorld(app_id, flavour=flavour), ShimAgoraAPI)
