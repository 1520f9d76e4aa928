"""Native providers for the object-facade tests, behind one small interface.

The facade tests run on every native provider the project has: the reference model today,
the shim over the RTM core when the lead adds it (a second ``NativeBackend`` maker here and
a second parameter of the ``native_factory`` fixtures). A backend is a factory plus the
means to let time pass deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.callback import RecordingCallBack
from legacy_signaling.objects.native import NativeFactory
from legacy_signaling.reference import ReferenceAgoraAPI, ReferenceWorld
from legacy_signaling.tokens import NO_NEED_TOKEN

__all__ = [
    "APP_ID",
    "NativeBackend",
    "Recorded",
    "native_peer",
    "of",
    "recording",
    "reference_backend",
    "world_backend",
]

#: The app id every test backend serves (32 characters, like a console app id).
APP_ID: Final = "0123456789abcdef0123456789abcdef"


@attrs.frozen
class NativeBackend:
    """A native provider under test.

    ``settle`` delivers every queued callback without moving the clock; ``advance`` moves
    the clock (firing timers). ``drop_connection`` / ``restore_connection`` play the
    network for one instance (docs/legacy-semantics.md C1, C2).
    """

    name: str
    app_id: str
    factory: NativeFactory
    settle: Callable[[], object]
    advance: Callable[[float], object]
    drop_connection: Callable[[IAgoraAPI], None]
    restore_connection: Callable[[IAgoraAPI], None]


def world_backend(name: str, world: Any, instance_type: type) -> NativeBackend:
    """A ``NativeBackend`` over a legacy world (reference or shim: the same interface);
    its network controls refuse instances of another provider."""

    def checked(api: IAgoraAPI) -> IAgoraAPI:
        if not isinstance(api, instance_type):
            raise TypeError(f"not a {name} instance: {api!r}")
        return api

    return NativeBackend(
        name=name,
        app_id=world.app_id,
        factory=world.createAgoraSDKInstance,
        settle=world.run_until_idle,
        advance=world.advance,
        drop_connection=lambda api: world.drop_connection(checked(api)),
        restore_connection=lambda api: world.restore_connection(checked(api)),
    )


def reference_backend(app_id: str = APP_ID) -> NativeBackend:
    """A fresh ``ReferenceWorld`` for ``app_id`` (no App Certificate)."""
    return world_backend("reference", ReferenceWorld(app_id), ReferenceAgoraAPI)


def native_peer(backend: NativeBackend, account: str) -> tuple[IAgoraAPI, RecordingCallBack]:
    """A native instance logged in as ``account`` with a recorder; its trace is cleared."""
    api = backend.factory(backend.app_id)
    rec = RecordingCallBack()
    api.callbackSet(rec)
    api.login(backend.app_id, account, NO_NEED_TOKEN, 0, "")
    backend.settle()
    trace = rec.take()
    if [name for name, _ in trace] != ["onLoginSuccess"]:
        raise AssertionError(f"native peer {account!r} did not log in: {trace}")
    return api, rec


#: One recorded object-flavour callback: (tag, method name, positional arguments).
Recorded = tuple[str, str, tuple[object, ...]]

_T = TypeVar("_T")


def recording(cls: type[_T], log: list[Recorded], tag: str) -> _T:
    """An instance of a subclass of ``cls`` whose every public method appends to ``log``.

    List arguments are copied, so a later change by the caller cannot rewrite the record.
    """

    def recorder(name: str) -> Callable[..., None]:
        def record(self: object, *args: object) -> None:
            log.append((tag, name, tuple(list(a) if isinstance(a, list) else a for a in args)))

        record.__name__ = name
        return record

    methods = {
        name: recorder(name)
        for name in dir(cls)
        if not name.startswith("_") and callable(getattr(cls, name))
    }
    return type(f"Recording{cls.__name__}", (cls,), methods)()  # type: ignore[no-any-return]


def of(log: list[Recorded], tag: str) -> list[tuple[str, tuple[object, ...]]]:
    """The ``(method, args)`` entries of ``log`` with ``tag``, in order."""
    return [(name, args) for each_tag, name, args in log if each_tag == tag]
