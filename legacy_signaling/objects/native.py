"""Where the object facades get their native ``IAgoraAPI`` instances from.

Both object facades (``legacy_signaling.objects`` and the drop-in ``agorasigsdk``) are thin
layers over *any* native instance: one login session is one native instance. A *native
factory* is a callable ``(app_id) -> IAgoraAPI`` that returns a new instance on every call,
like the native ``createAgoraSDKInstance``. Tests pass a ``ReferenceWorld``'s factory; apps
get the shim over the RTM core.

The default factory is ``legacy_signaling.createAgoraSDKInstance`` (the native flavour's
factory, issue 3), looked up at call time so that importing a facade never imports the
shim, and so that this module has no import cycle with ``legacy_signaling``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Final

from legacy_signaling.api import IAgoraAPI

__all__ = [
    "DEFAULT_FACTORY_PATH",
    "NativeFactory",
    "NativeProviderError",
    "create_native",
    "get_native_factory",
    "set_native_factory",
]

#: ``(app_id) -> IAgoraAPI``: a new native instance on every call.
NativeFactory = Callable[[str], IAgoraAPI]

#: ``module:attribute`` of the default factory (the native flavour's
#: ``createAgoraSDKInstance``). LEAD: if the shim's factory lives elsewhere, change it here.
DEFAULT_FACTORY_PATH: Final = "adapters.signaling:createAgoraSDKInstance"


class NativeProviderError(RuntimeError):
    """No native provider is available, or it returned something that is not an IAgoraAPI."""


def _default_factory(app_id: str) -> IAgoraAPI:
    module_name, _, attribute = DEFAULT_FACTORY_PATH.partition(":")
    module = importlib.import_module(module_name)
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise NativeProviderError(
            f"no native IAgoraAPI provider: {DEFAULT_FACTORY_PATH} does not exist yet; "
            "call set_native_factory(fn) with a callable (app_id) -> IAgoraAPI, "
            "e.g. ReferenceWorld(app_id).createAgoraSDKInstance"
        )
    instance: object = factory(app_id)
    return _checked(instance)


_lock = threading.Lock()
_factory: NativeFactory = _default_factory


def _checked(instance: object) -> IAgoraAPI:
    if not isinstance(instance, IAgoraAPI):
        raise NativeProviderError(
            f"the native factory returned {type(instance).__name__}, not an IAgoraAPI"
        )
    return instance


def set_native_factory(factory: NativeFactory | None) -> NativeFactory:
    """Use ``factory`` for every session created from now on; return the previous one.

    ``None`` restores the default (``legacy_signaling.createAgoraSDKInstance``). Sessions
    that exist keep their instance.
    """
    global _factory
    if factory is not None and not callable(factory):
        raise TypeError(f"factory must be callable, got {type(factory).__name__}")
    with _lock:
        previous, _factory = _factory, (factory if factory is not None else _default_factory)
    return previous


def get_native_factory() -> NativeFactory:
    """The factory new sessions use."""
    return _factory


def create_native(app_id: str, factory: NativeFactory | None = None) -> IAgoraAPI:
    """A new native instance from ``factory`` (default: the module-level one), type-checked."""
    chosen = factory if factory is not None else _factory
    return _checked(chosen(app_id))
