"""``agorasigsdk.call``: ``Call`` and ``Call.CallCallback`` as in 1.0.2.

An outgoing call comes from ``LoginSession.channel_invite_user_2``; an incoming one is
handed to ``LoginCallback.on_invite_received`` with a no-op callback, to be replaced with
:meth:`Call.set_callback`. Calls are identified by (channel, peer), as in 1.0.2.

Unlike 1.0.2, :meth:`accept`, :meth:`refuse` and :meth:`end` use the ``extra`` they are
given, not the invitation's (docs/object-flavour.md, "Call extra").
"""

from __future__ import annotations

import typing

from legacy_signaling.identity import require_str

if typing.TYPE_CHECKING:
    from agorasigsdk.login_session import LoginSession

__all__ = ["Call"]


class Call:
    """One invitation: ``channel`` (name), ``peer``, ``peeruid``, ``extra``, ``session``."""

    class CallCallback:
        """Events of one call; override what the app needs."""

        def on_invite_received_by_peer(self, login_session: LoginSession, call: Call) -> None:
            """Caller: the callee's SDK received the invitation."""

        def on_invite_accepted_by_peer(
            self, login_session: LoginSession, call: Call, extra: str
        ) -> None:
            """Caller: the callee accepted, with ``extra``."""

        def on_invite_refused_by_peer(
            self, login_session: LoginSession, call: Call, extra: str
        ) -> None:
            """Caller: the callee refused, with ``extra``; the call is over."""

        def on_invite_failed(self, session: LoginSession, call: Call, err_code: int) -> None:
            """Caller: the invitation failed (700 other, 701 re-invite, 703 offline, 704
            timeout); the call is over."""

        def on_invite_end_by_peer(self, session: LoginSession, call: Call, extra: str) -> None:
            """The other party ended the call."""

        def on_invite_end_by_myself(self, session: LoginSession, call: Call, extra: str) -> None:
            """This side ended the call; ``extra`` is the one passed to :meth:`Call.end`."""

        def on_invite_msg(self, session: LoginSession, call: Call, extra: str) -> None:
            """A message inside the call: JSON ``{"msgtype": ..., "msgdata": ...}``."""

    def __init__(
        self, channel: str, peer: str, peeruid: int, extra: str, session: LoginSession
    ) -> None:
        self.channel = channel
        self.peer = peer
        self.peeruid = peeruid
        self.extra = extra
        self.session = session
        self.cb: Call.CallCallback = Call.CallCallback()

    def __repr__(self) -> str:
        return f"<Call channel={self.channel!r} peer={self.peer!r}>"

    def set_callback(self, cb: Call.CallCallback) -> None:
        """Send this call's events to ``cb`` from now on."""
        if cb is None:
            raise TypeError("cb must be a Call.CallCallback, not None")
        self.cb = cb

    def accept(self, extra: str = "") -> None:
        """Callee: accept; the caller gets ``on_invite_accepted_by_peer(…, extra)``."""
        self.session._core.router.native.channelInviteAccept(self.channel, self.peer, 0, extra)

    def refuse(self, extra: str = "") -> None:
        """Callee: refuse; the caller gets ``on_invite_refused_by_peer(…, extra)``."""
        self.session._core.router.native.channelInviteRefuse(self.channel, self.peer, 0, extra)

    def end(self, extra: str = "") -> None:
        """Either side: end or cancel the call.

        ``on_invite_end_by_myself(session, call, extra)`` follows here; the peer gets
        ``on_invite_end_by_peer(…, "")``: the native end carries no extra.
        """
        require_str(extra=extra)
        self.session._core.router.end(self.channel, self.peer, self, extra)
