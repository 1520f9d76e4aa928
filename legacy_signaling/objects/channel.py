"""``Channel`` (Java ``Signal.LoginSession.Channel``): one joined, or joining, channel.

Made by ``LoginSession.channelJoin``. The session's native instance is in one channel at a
time: joining another channel leaves this one (``onChannelLeaved(…, 0)`` on this object)
before ``onChannelJoined`` arrives on the new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from legacy_signaling.identity import require_str
from legacy_signaling.objects.callbacks import ChannelCallback, MessageCallback

if TYPE_CHECKING:
    from legacy_signaling.objects.session import LoginSession

__all__ = ["CHANNEL_STATES", "Channel"]

#: Values of ``Channel.state`` (the Web SDK's words).
CHANNEL_STATES: Final = ("joining", "joined", "leaved")


class Channel:
    """A channel object; its events go to ``cb`` (a :class:`ChannelCallback`)."""

    def __init__(self, session: LoginSession, name: str, cb: ChannelCallback | None) -> None:
        self.session = session
        self.name = name
        self.cb: ChannelCallback = cb if cb is not None else ChannelCallback()

    def __repr__(self) -> str:
        return f"<Channel {self.name!r} {self.state}>"

    @property
    def state(self) -> str:
        """ "joining" until the join is answered, "joined" while in it, then "leaved"."""
        router = self.session._core.router
        if router.joined_channel is self:
            return "joined"
        return "joining" if router.is_joining(self) else "leaved"

    def channelLeave(self) -> None:
        """Leave; ``onChannelLeaved(session, channel, 0)`` follows (an error if not in it)."""
        self.session._core.router.native.channelLeave(self.name)

    def channelSetAttr(self, name: str, value: str) -> None:
        """Set a channel attribute; every member gets ``onChannelAttrUpdated``."""
        self.session._core.router.native.channelSetAttr(self.name, name, value)

    def channelDelAttr(self, name: str) -> None:
        """Delete a channel attribute."""
        self.session._core.router.native.channelDelAttr(self.name, name)

    def channelClearAttr(self) -> None:
        """Delete every channel attribute."""
        self.session._core.router.native.channelClearAttr(self.name)

    def messageChannelSend(self, msg: str, cb: MessageCallback | None = None) -> None:
        """Send to the channel; every member, the sender included, receives it.

        The Java SDK had no result callback here; ``cb`` is an optional addition that gets
        ``onMessageSendSuccess`` / ``onMessageSendError`` like ``messageInstantSend``.
        """
        require_str(msg=msg)
        core = self.session._core
        core.router.send_channel(self.name, msg, core.message_result(cb), force=False)
