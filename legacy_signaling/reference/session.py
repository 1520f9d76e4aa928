"""A logged-in account as the server sees it, and the per-second send quota.

A session outlives short connection drops: while its connection is down, the server's
pushes to it are held (docs/legacy-semantics.md C1) and handed over on reconnection (C2).
"""

from __future__ import annotations

from typing import Protocol

import attrs

from legacy_signaling.codes import MAX_USER_MESSAGES_PER_S
from legacy_signaling.identity import SendWindow

__all__ = ["Endpoint", "Push", "SendWindow", "Session"]

#: A callback the server sends to a session: its name and positional arguments.
Push = tuple[str, tuple[object, ...]]


class Endpoint(Protocol):
    """The SDK instance at the other end of a session."""

    def deliver(self, name: str, *args: object) -> None:
        """Queue callback ``name`` for the app (never called inside an API call)."""

    def session_ended(self) -> None:
        """The server ended the session (logout, kick, give-up, destroy)."""

    def ended_while_away(self, channel: str | None, notices: list[Push]) -> None:
        """The server ended the session while the instance's link was down (a kick, L6):
        ``notices`` are what it is told once the link is back (C2); ``channel`` the channel
        it still believes it is in until then."""


@attrs.define(eq=False)
class Session:
    account: str
    uid: int
    endpoint: Endpoint
    connected: bool = True
    alive: bool = True
    #: The one channel this session is in (CH2), or None.
    channel: str | None = None
    #: The user's attributes (A6); cleared when the session ends (A9).
    attributes: dict[str, str] = attrs.Factory(dict)
    #: Pushes waiting for the connection to come back (C1).
    held: list[Push] = attrs.Factory(list)
    sends: SendWindow = attrs.Factory(lambda: SendWindow(MAX_USER_MESSAGES_PER_S))

    def push(self, name: str, *args: object) -> None:
        """Send a server push: delivered now, or held while the connection is down."""
        if not self.alive:
            raise AssertionError(f"push {name} to the ended session of {self.account!r}")
        if self.connected:
            self.endpoint.deliver(name, *args)
        else:
            self.held.append((name, args))
