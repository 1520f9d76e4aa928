"""``Call`` (Java ``Signal.LoginSession.Call``): one invitation, made or received.

An outgoing call is made by ``LoginSession.channelInviteUser2``; an incoming one is handed
to ``LoginCallback.onInviteReceived``. Calls are identified by (channel, peer), as the
legacy SDKs did. Events go to ``cb``; an incoming call starts with a no-op callback, so set
one with :meth:`setCallback` to follow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from legacy_signaling.identity import require_str
from legacy_signaling.objects.callbacks import CallCallback

if TYPE_CHECKING:
    from legacy_signaling.objects.session import LoginSession

__all__ = ["Call"]


class Call:
    """A call: ``channelName``, ``peer`` (the other party) and the invitation's ``extra``."""

    def __init__(
        self,
        session: LoginSession,
        channelName: str,
        peer: str,
        extra: str,
        cb: CallCallback | None = None,
        *,
        incoming: bool = False,
    ) -> None:
        self.session = session
        self.channelName = channelName
        self.peer = peer
        self.extra = extra
        self.incoming = incoming
        self.cb: CallCallback = cb if cb is not None else CallCallback()

    def __repr__(self) -> str:
        direction = "from" if self.incoming else "to"
        return f"<Call {self.channelName!r} {direction} {self.peer!r}>"

    def setCallback(self, cb: CallCallback) -> None:
        """Send this call's events to ``cb`` from now on."""
        if cb is None:
            raise TypeError("cb must be a CallCallback, not None")
        self.cb = cb

    def channelInviteAccept(self, extra: str = "") -> None:
        """Callee: accept; the caller gets ``onInviteAcceptedByPeer(…, extra)``."""
        self.session._core.router.native.channelInviteAccept(self.channelName, self.peer, 0, extra)

    def channelInviteRefuse(self, extra: str = "") -> None:
        """Callee: refuse; the caller gets ``onInviteRefusedByPeer(…, extra)``."""
        self.session._core.router.native.channelInviteRefuse(self.channelName, self.peer, 0, extra)

    def channelInviteEnd(self, extra: str = "") -> None:
        """Either side: end or cancel the call.

        This side gets ``onInviteEndByMyself(session, call, extra)``; the peer gets
        ``onInviteEndByPeer(…, "")``: the native end carries no extra.
        """
        require_str(extra=extra)
        self.session._core.router.end(self.channelName, self.peer, self, extra)

    def channelInviteDTMF(self, dtmf: str) -> None:
        """Send DTMF digits (Web SDK); the peer gets ``onInviteMsg`` with their JSON."""
        self.session._core.router.native.channelInviteDTMF(self.channelName, self.peer, dtmf)
