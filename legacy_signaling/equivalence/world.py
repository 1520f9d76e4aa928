"""What a world must offer to run legacy programs: the ``LegacyWorld`` protocol.

The reference model (``legacy_signaling.reference.ReferenceWorld``) and the shim
(``adapters.signaling.ShimWorld``) are driven by the same programs, so the runner talks to a
structural interface rather than to either class. Network and server controls are optional
*capabilities*: a world that cannot play a dropped connection says so, and the generator
leaves those steps out instead of the runner silently skipping them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Protocol, TypeVar, cast

import attrs

from legacy_signaling.api import IAgoraAPI

__all__ = [
    "ALL_CAPABILITIES",
    "CALL_RECONNECTING",
    "CONNECTION",
    "DROP_WITH_CALLS",
    "KICK_ENDS_CALLS",
    "KICK_WHILE_DROPPED",
    "LIST_OUTSIDE",
    "LOGOUT_WHILE_DROPPED",
    "SERVER_AVAILABILITY",
    "LegacyWorld",
    "MissingCapabilityError",
    "WorldConfig",
    "capabilities_of",
    "drop_connection",
    "restore_connection",
    "set_server_available",
]

#: ``drop_connection(api)`` / ``restore_connection(api)`` (docs/legacy-semantics.md C1-C3).
CONNECTION: Final = "connection"
#: A writable ``server_available`` attribute (L11: logins retry while it is False).
SERVER_AVAILABILITY: Final = "server_available"
#: Listing a channel's members from outside it (``channel_query_userlist`` RPCs): RTM 1.x
#: lists members only to members, a difference the tables declare (channel_userlist_outside).
LIST_OUTSIDE: Final = "userlist_outside"
#: A login that kicks another session of the account also ends that session's calls for
#: their peers (V12 after L6): on RTM the kicked client can no longer tell its peers, a
#: difference the tables declare (remote_login_kick).
KICK_ENDS_CALLS: Final = "kick_ends_calls"
#: Dropping the connection of a session that has calls: the legacy server kept the calls
#: and their timers while the client reconnected, and ended them for the peers when it gave
#: up (C3 then V12); on RTM the invitations live in the disconnected client.
DROP_WITH_CALLS: Final = "drop_with_calls"
#: Kicking a session whose connection is down (L6 on a reconnecting instance): the legacy
#: server told the instance at once; on RTM the kick waits for the link with the rest.
KICK_WHILE_DROPPED: Final = "kick_while_dropped"
#: Inviting a reconnecting callee with ``_require_peer_online`` (V4): the legacy server knew
#: the callee's link was down; RTM presence reports a reconnecting user as online.
CALL_RECONNECTING: Final = "call_reconnecting"
#: Logging out while the connection is down ends the session for everyone at once (L7):
#: the legacy model's server knew; a client on a real network cannot tell its server, which
#: ends the lost session after its grace period (its peers see the leave then). An
#: in-process core is told at once.
LOGOUT_WHILE_DROPPED: Final = "logout_while_dropped"
#: What a world without a ``capabilities`` attribute is assumed to support.
ALL_CAPABILITIES: Final = frozenset(
    {
        LOGOUT_WHILE_DROPPED,
        CALL_RECONNECTING,
        CONNECTION,
        SERVER_AVAILABILITY,
        LIST_OUTSIDE,
        KICK_ENDS_CALLS,
        DROP_WITH_CALLS,
        KICK_WHILE_DROPPED,
    }
)

_W = TypeVar("_W")


class LegacyWorld(Protocol):
    """One legacy app (app id, certificate, service) in virtual time.

    Optional members, used only when :func:`capabilities_of` lists them:
    ``drop_connection(api)`` and ``restore_connection(api)`` (``CONNECTION``), which raise
    ``ValueError`` when the instance is not in the required state, and a writable
    ``server_available: bool`` (``SERVER_AVAILABILITY``). A world may declare
    ``capabilities: frozenset[str]``; without it every capability is assumed.
    """

    def getInstance(self, appId: str) -> IAgoraAPI:
        """The one instance for ``appId`` until it is destroyed (I1)."""
        ...

    def createAgoraSDKInstance(self, appId: str) -> IAgoraAPI:
        """A new instance on every call (I2)."""
        ...

    def run_until_idle(self) -> object:
        """Deliver every queued callback without moving the clock."""
        ...

    def advance(self, seconds: float) -> None:
        """Move virtual time forward, firing timers in order."""
        ...

    @property
    def now(self) -> float:
        """Virtual Unix time in seconds (tokens are built against it)."""
        ...


def capabilities_of(world: LegacyWorld) -> frozenset[str]:
    """The optional controls ``world`` supports (absence of the attribute means all).

    Names this harness does not know are left out, so a world may declare more (for
    other tools) and still pass its capabilities straight to ``programs()``.
    """
    declared = getattr(world, "capabilities", None)
    if declared is None:
        return ALL_CAPABILITIES
    if not isinstance(declared, frozenset) or not all(isinstance(c, str) for c in declared):
        raise TypeError(f"{type(world).__name__}.capabilities must be a frozenset of str")
    return cast("frozenset[str]", declared) & ALL_CAPABILITIES


class MissingCapabilityError(Exception):
    """A program step needs a control the world does not declare."""


def _require(world: LegacyWorld, capability: str) -> None:
    if capability not in capabilities_of(world):
        raise MissingCapabilityError(
            f"{type(world).__name__} does not support {capability!r}; generate programs with "
            f"programs(capabilities=capabilities_of(world))"
        )


def _control(world: LegacyWorld, method: str) -> Callable[[IAgoraAPI], object]:
    _require(world, CONNECTION)
    return cast("Callable[[IAgoraAPI], object]", getattr(world, method))


def drop_connection(world: LegacyWorld, api: IAgoraAPI) -> None:
    """C1 through the world's optional control."""
    _control(world, "drop_connection")(api)


def restore_connection(world: LegacyWorld, api: IAgoraAPI) -> None:
    """C2 through the world's optional control."""
    _control(world, "restore_connection")(api)


def set_server_available(world: LegacyWorld, available: bool) -> None:
    """L11 through the world's optional control."""
    _require(world, SERVER_AVAILABILITY)
    world_any: Any = world
    world_any.server_available = available


@attrs.frozen
class WorldConfig:
    """How to build a world for one program: the app, its certificate, the debug switch.

    Programs carry their config so both sides of a comparison start from the same project
    settings (a certificate changes which tokens log in, docs L5).
    """

    app_id: str
    app_certificate: str | None = None
    debug_switch: bool = False

    def build(self, factory: Callable[..., _W], /, **options: object) -> _W:
        """``factory(app_id, app_certificate, debug_switch, **options)``.

        Works for ``ReferenceWorld`` and for ``ShimWorld`` (``flavour=``, ``mode=``).
        """
        return factory(self.app_id, self.app_certificate, self.debug_switch, **options)
