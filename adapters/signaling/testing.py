"""Test helpers: the shim as a native provider for facade and equivalence tests."""

from __future__ import annotations

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.objects.testing import NativeBackend
from legacy_signaling.reference.testing import APP_ID

from .instance import ShimAgoraAPI
from .world import ShimWorld

__all__ = ["shim_backend"]


def shim_backend(flavour: str = "cpp", app_id: str = APP_ID) -> NativeBackend:
    """A fresh ``ShimWorld`` (embedded core on virtual time) as a ``NativeBackend``."""
    world = ShimWorld(app_id, flavour=flavour)

    def drop(api: IAgoraAPI) -> None:
        if not isinstance(api, ShimAgoraAPI):
            raise TypeError(f"not a shim instance: {api!r}")
        world.drop_connection(api)

    def restore(api: IAgoraAPI) -> None:
        if not isinstance(api, ShimAgoraAPI):
            raise TypeError(f"not a shim instance: {api!r}")
        world.restore_connection(api)

    return NativeBackend(
        name=f"shim-{flavour}",
        app_id=app_id,
        factory=world.createAgoraSDKInstance,
        settle=world.run_until_idle,
        advance=world.advance,
        drop_connection=drop,
        restore_connection=restore,
    )
