"""The callback classes of the Java server SDK (``io.agora.signal.Signal``), as no-ops.

Method names and argument orders are the Java SDK's (reference §2.3): the session comes
first, then the channel or call object, then the event's arguments. Subclass and override
what the app needs. Two additions, both documented in docs/object-flavour.md:
``UserAttrCallback.onChannelQueryUserNum`` (the Java SDK takes a ``UserAttrCallback`` for
``channelQueryUserNum`` but documents the result only on ``ChannelCallback``), and the
``session`` argument of ``onChannelQueryUserNum`` is None when no session exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from legacy_signaling.objects.call import Call
    from legacy_signaling.objects.channel import Channel
    from legacy_signaling.objects.session import LoginSession

__all__ = [
    "CallCallback",
    "ChannelCallback",
    "LoginCallback",
    "MessageCallback",
    "UserAttrCallback",
]


class LoginCallback:
    """Session events (``Signal.LoginCallback``)."""

    def onLoginSuccess(self, session: LoginSession, uid: int) -> None:
        """Logged in; ``uid`` is the server's internal uid."""

    def onLogout(self, session: LoginSession, ecode: int) -> None:
        """The session ended (101 by the user, 102 network, 103 kicked, 108 not logged in)."""

    def onLoginFailed(self, session: LoginSession, ecode: int) -> None:
        """Login failed with a 2xx code."""

    def onMessageInstantReceive(
        self, session: LoginSession, account: str, uid: int, msg: str
    ) -> None:
        """A peer-to-peer message from ``account``."""

    def onInviteReceived(self, session: LoginSession, call: Call) -> None:
        """An invitation; set ``call``'s callback to follow it, then accept or refuse."""

    def onError(self, session: LoginSession, ecode: int, reason: str) -> None:
        """A request failed with a 1000-family code; ``reason`` names the method."""


class MessageCallback:
    """Result of one ``messageInstantSend`` (``Signal.MessageCallback``)."""

    def onMessageSendSuccess(self, session: LoginSession) -> None:
        """The server accepted the message (not: the peer received it)."""

    def onMessageSendError(self, session: LoginSession, ecode: int) -> None:
        """The message was not sent (400)."""


class ChannelCallback:
    """Events of one channel object (``Signal.ChannelCallback``)."""

    def onChannelJoined(self, session: LoginSession, channel: Channel) -> None:
        """The channel was joined; the member list follows."""

    def onChannelJoinFailed(self, session: LoginSession, channel: Channel, ecode: int) -> None:
        """Joining failed (300)."""

    def onChannelLeaved(self, session: LoginSession, channel: Channel, ecode: int) -> None:
        """The channel was left (0 by request, 601 kicked, 603 logout, 604 disconnected)."""

    def onChannelUserJoined(
        self, session: LoginSession, channel: Channel, account: str, uid: int
    ) -> None:
        """Another user joined."""

    def onChannelUserLeaved(
        self, session: LoginSession, channel: Channel, account: str, uid: int
    ) -> None:
        """Another user left."""

    def onChannelUserList(
        self, session: LoginSession, channel: Channel, users: list[str], uids: list[int]
    ) -> None:
        """The members right after joining (at most the latest 200)."""

    def onChannelAttrUpdated(
        self, session: LoginSession, channel: Channel, name: str, value: str, type: str
    ) -> None:
        """A channel attribute changed; ``type`` is "update", "del" or "clear"."""

    def onChannelQueryUserNum(self, session: LoginSession | None, err: str, num: int) -> None:
        """Result of ``Signal.channelQueryUserNum``: ``err`` "" and the member count."""

    def onMessageChannelReceive(
        self, session: LoginSession, channel: Channel, account: str, uid: int, msg: str
    ) -> None:
        """A channel message; the sender receives its own message too."""


class CallCallback:
    """Events of one call object (``Signal.CallCallback``)."""

    def onInviteReceivedByPeer(self, session: LoginSession, call: Call) -> None:
        """Caller: the callee's SDK received the invitation."""

    def onInviteAcceptedByPeer(self, session: LoginSession, call: Call, extra: str) -> None:
        """Caller: the callee accepted."""

    def onInviteRefusedByPeer(self, session: LoginSession, call: Call, extra: str) -> None:
        """Caller: the callee refused; the call is over."""

    def onInviteFailed(self, session: LoginSession, call: Call, ecode: int) -> None:
        """Caller: the invitation failed (700-705); the call is over."""

    def onInviteEndByPeer(self, session: LoginSession, call: Call, extra: str) -> None:
        """The other party ended the call."""

    def onInviteEndByMyself(self, session: LoginSession, call: Call, extra: str) -> None:
        """This side ended the call; ``extra`` is what was passed to ``channelInviteEnd``."""

    def onInviteMsg(self, session: LoginSession, call: Call, extra: str) -> None:
        """A message inside the call: JSON ``{"msgtype": "dtmf", "msgdata": digits}``."""


class UserAttrCallback:
    """Results of the ``Signal`` user-attribute requests (``Signal.UserAttrCallback``).

    ``ret`` is the JSON object the Java SDK passed: ``{"result": "ok", ...}`` on success,
    ``{"result": "failed", "reason": err}`` on failure.
    """

    def onUserGetAttr(self, err: str, ret: dict[str, object]) -> None:
        """``{"result","account","name","value"}`` on success."""

    def onUserGetAttrAll(self, err: str, ret: dict[str, object]) -> None:
        """``{"result","account","json": {name: value, ...}}`` on success."""

    def onUserSetAttr(self, err: str, ret: dict[str, object]) -> None:
        """``{"result": "ok", "reason": ""}`` on success."""

    def onChannelQueryUserNum(self, session: LoginSession | None, err: str, num: int) -> None:
        """Result of ``Signal.channelQueryUserNum`` (same as ``ChannelCallback``'s)."""
