"""``agorasigsdk.channel``: ``Channel`` and ``Channel.ChannelCallback`` as in 1.0.2.

As in 1.0.2, constructing a ``Channel`` sends the join (``LoginSession.channel_join`` does
exactly that and remembers the channel as ``last_channel``). Events are routed by channel
name to the channel object, so a channel left by joining another one still hears its own
``on_channel_left``.
"""

from __future__ import annotations

import typing

from agorasigsdk import _replies
from agorasigsdk.signal_consts import JOINCHANNEL_E_OTHER, LEAVECHANNEL_E_BYUSER
from legacy_signaling.identity import require_str
from legacy_signaling.objects.dispatch import call_user

if typing.TYPE_CHECKING:
    from agorasigsdk.login_session import LoginSession

__all__ = ["JOINCHANNEL_E_OTHER", "LEAVECHANNEL_E_BYUSER", "Channel"]


class Channel:
    """A channel of a session: ``session``, ``channel_name`` and its callback ``cb``."""

    class ChannelCallback:
        """Events of one channel; override what the app needs."""

        def on_channel_joined(self, login_session: LoginSession, channel: Channel) -> None:
            """Joined; ``on_channel_user_list`` and one ``on_channel_attr_updated`` per
            existing attribute follow."""

        def on_channel_join_failed(
            self, login_session: LoginSession, channel: Channel, err_code: int
        ) -> None:
            """Joining failed (300)."""

        def on_channel_left(
            self, login_session: LoginSession, channel: Channel, err_code: int
        ) -> None:
            """Left: 602 when asked for, 601 kicked, 603 logout, 604 connection lost."""

        def on_channel_user_joined(
            self, login_session: LoginSession, channel: Channel, account: str, uid: int
        ) -> None:
            """Another user joined."""

        def on_channel_user_left(
            self, login_session: LoginSession, channel: Channel, account: str, uid: int
        ) -> None:
            """Another user left."""

        def on_channel_user_list(
            self, login_session: LoginSession, channel: Channel, users: list[str], uids: list[int]
        ) -> None:
            """The members right after joining (at most the latest 200)."""

        def on_channel_attr_updated(
            self, login_session: LoginSession, channel: Channel, name: str, value: str, ch_type: str
        ) -> None:
            """A channel attribute changed; ``ch_type`` is "update", "del" or "clear"."""

        def on_msg_channel_received(
            self, login_session: LoginSession, channel: Channel, account: str, uid: int, msg: str
        ) -> None:
            """A channel message; the sender receives its own message too."""

    def __init__(
        self,
        session: LoginSession,
        name: str | None = None,
        cb: Channel.ChannelCallback | None = None,
    ) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name must be str, got {type(name).__name__}")
        self.session = session
        self.channel_name = name
        self.cb: Channel.ChannelCallback = cb if cb is not None else Channel.ChannelCallback()
        session._core.router.join(name, self)

    def __repr__(self) -> str:
        return f"<Channel {self.channel_name!r}>"

    def channel_leave(self) -> None:
        """Leave; ``on_channel_left(session, channel, 602)`` follows once the leave is done."""
        self.session._core.router.native.channelLeave(self.channel_name)

    def channel_set_attr(self, name: str, value: str) -> None:
        """Set a channel attribute; every member gets ``on_channel_attr_updated``."""
        self.session._core.router.native.channelSetAttr(self.channel_name, name, value)

    def channel_del_attr(self, name: str) -> None:
        """Delete a channel attribute."""
        self.session._core.router.native.channelDelAttr(self.channel_name, name)

    def channel_clear_attr(self) -> None:
        """Delete every channel attribute."""
        self.session._core.router.native.channelClearAttr(self.channel_name)

    def msg_channel_send(self, msg: str, cb_pack: _replies.CbPack | None = None) -> None:
        """Send to the channel; every member, the sender included, gets
        ``on_msg_channel_received``. ``cb_pack`` ``(fn, args)`` gets ``fn(err, data, *args)``.
        """
        require_str(msg=msg)
        pack = _replies.unpack_cb_pack(cb_pack)

        def on_result(ecode: int) -> None:
            if pack is not None:
                call_user(pack[0], "__call__", *_replies.message_reply(ecode), *pack[1])

        self.session._core.router.send_channel(self.channel_name, msg, on_result, force=False)
