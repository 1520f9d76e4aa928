"""The legacy server's state: sessions, channels, mailboxes and attributes.

Every method applies one request at once (docs/legacy-semantics.md D1) and tells the
affected sessions through their pushes. Argument checking is the client's job; methods
here receive valid arguments only, and decide what depends on server state (membership,
rate limits, who is online).
"""

from __future__ import annotations

from functools import partial
from typing import TypeVar

import attrs

from legacy_signaling.codes import (
    CHANNEL_ATTR_TTL_S,
    ECODE,
    MAX_CHANNEL_MEMBERS,
    MAX_CHANNEL_MESSAGES_PER_S,
    MAX_USER_LIST,
    OFFLINE_MESSAGE_TTL_S,
)
from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference.invitations import Call, Invitations
from legacy_signaling.reference.scheduler import Action, Scheduler, Timer
from legacy_signaling.reference.session import Endpoint, Push, SendWindow, Session

__all__ = ["Channel", "PeerMessage", "Server", "latest"]


@attrs.define(eq=False)
class Channel:
    name: str
    #: Members in join order.
    members: dict[str, Session] = attrs.Factory(dict)
    attributes: dict[str, str] = attrs.Factory(dict)
    #: Countdown to dropping the attributes of an empty channel (A5).
    expiry: Timer | None = None


@attrs.frozen
class PeerMessage:
    sender: str
    text: str
    sent_at: float


MailItem = PeerMessage | Call
_T = TypeVar("_T")


def latest(items: list[_T], count: int) -> list[_T]:
    """The last ``count`` items (all when there are fewer; none when ``count`` is 0)."""
    return items[max(len(items) - count, 0) :]


class Server:
    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        self.sessions: dict[str, Session] = {}
        self.channels: dict[str, Channel] = {}
        self._mail: dict[str, list[MailItem]] = {}
        self._channel_sends: dict[str, SendWindow] = {}
        self.calls = Invitations(self)

    @property
    def now(self) -> float:
        return self._scheduler.now

    # ------------------------------------------------------------- Hub (for calls)

    def session(self, account: str) -> Session | None:
        return self.sessions.get(account)

    def reachable(self, account: str) -> Session | None:
        session = self.sessions.get(account)
        return session if session is not None and session.connected else None

    def post(self, account: str, call: Call) -> None:
        self._mail.setdefault(account, []).append(call)

    def withdraw(self, account: str, call: Call) -> None:
        box = self._mail.get(account, [])
        if call in box:
            box.remove(call)

    def later(self, delay: float, action: Action) -> Timer:
        return self._scheduler.later(delay, action)

    # ------------------------------------------------------------- sessions (L, C)

    def open_session(self, account: str, endpoint: Endpoint) -> Session:
        """L1, L6: kick an existing session of the account, then log in."""
        old = self.sessions.get(account)
        if old is not None:
            # L6: a reconnecting instance cannot be told now; it learns when its link is back.
            away = not old.connected
            self.end_session(old, ECODE.LEAVECHANNEL_E_KICKED, ECODE.LOGOUT_E_KICKED, away=away)
        session = Session(account, legacy_uid(account), endpoint)
        self.sessions[account] = session
        endpoint.deliver("onLoginSuccess", session.uid, 0)
        self._drain_mailbox(session)
        return session

    def end_session(
        self,
        session: Session,
        leave_code: ECODE,
        logout_code: ECODE,
        *,
        notify: bool = True,
        away: bool = False,
    ) -> None:
        """L6, L7, C3, I5: leave the channel, end calls, clear attributes, log out.

        ``away``: the instance's link is down (a kick while it reconnects, L6), so it is
        not told now; it is handed what it would have been told, for when its link returns.
        """
        session.held.clear()
        channel = session.channel
        if channel is not None:
            self._remove_member(session, leave_code if notify and not away else None)
        self.calls.end_party(session.account)
        session.attributes.clear()
        session.alive = False
        session.connected = False
        del self.sessions[session.account]
        if away:
            notices: list[Push] = []
            if channel is not None:
                notices.append(("onChannelLeaved", (channel, leave_code)))
            notices.append(("onLogout", (logout_code,)))
            session.endpoint.ended_while_away(channel, notices)
            return
        if notify:
            session.endpoint.deliver("onLogout", logout_code)
        session.endpoint.session_ended()

    def disconnect(self, session: Session) -> None:
        """C1: keep the session; hold its pushes."""
        session.connected = False

    def reconnect(self, session: Session) -> None:
        """C2: ``onReconnected``, the held pushes, then the mailbox."""
        session.connected = True
        session.endpoint.deliver("onReconnected", 0)
        held, session.held = session.held, []
        for name, args in held:
            session.endpoint.deliver(name, *args)
        self._drain_mailbox(session)

    def is_online(self, account: str) -> bool:
        return account in self.sessions

    def _drain_mailbox(self, session: Session) -> None:
        """P2, P5, V3: hand over the account's mailbox, oldest first."""
        for item in self._mail.pop(session.account, []):
            if isinstance(item, PeerMessage):
                if self.now < item.sent_at + OFFLINE_MESSAGE_TTL_S:
                    session.push("onMessageInstantReceive", item.sender, 0, item.text)
            else:
                self.calls.receive(item, session)

    # ------------------------------------------------------------- channels (CH)

    def _channel(self, name: str) -> Channel:
        channel = self.channels.get(name)
        if channel is None:
            channel = self.channels[name] = Channel(name)
        return channel

    def join(self, session: Session, name: str) -> bool:
        """CH1-CH3; False means ``onChannelJoinFailed(name, 300)``."""
        if session.channel == name:
            return False
        existing = self.channels.get(name)
        if existing is not None and len(existing.members) >= MAX_CHANNEL_MEMBERS:
            return False
        if session.channel is not None:
            self._remove_member(session, ECODE.SUCCESS)
        channel = self._channel(name)
        if channel.expiry is not None:
            channel.expiry.cancel()
            channel.expiry = None
        channel.members[session.account] = session
        session.channel = name
        listed = latest(list(channel.members.values()), MAX_USER_LIST)
        session.push("onChannelJoined", name)
        session.push("onChannelUserList", [m.account for m in listed], [m.uid for m in listed])
        for key in sorted(channel.attributes):
            session.push("onChannelAttrUpdated", name, key, channel.attributes[key], "update")
        for member in channel.members.values():
            if member is not session:
                member.push("onChannelUserJoined", session.account, session.uid)
        return True

    def leave(self, session: Session) -> None:
        """CH5: the caller checked that ``session`` is in a channel."""
        self._remove_member(session, ECODE.SUCCESS)

    def _remove_member(self, session: Session, self_code: ECODE | None) -> None:
        name = session.channel
        if name is None:
            raise AssertionError(f"{session.account!r} is in no channel")
        channel = self.channels[name]
        del channel.members[session.account]
        session.channel = None
        if self_code is not None:
            # The leaving SDK reports its own leave, connected or not.
            session.endpoint.deliver("onChannelLeaved", name, self_code)
        for member in channel.members.values():
            member.push("onChannelUserLeaved", session.account, session.uid)
        self._settle(channel)

    def _settle(self, channel: Channel) -> None:
        """A5: an empty channel keeps its attributes for a while, or goes at once."""
        if channel.members:
            return
        if channel.expiry is not None:
            channel.expiry.cancel()
            channel.expiry = None
        if channel.attributes:
            channel.expiry = self._scheduler.later(
                CHANNEL_ATTR_TTL_S, partial(self._expire, channel)
            )
        else:
            del self.channels[channel.name]

    def _expire(self, channel: Channel) -> None:
        if self.channels.get(channel.name) is channel and not channel.members:
            del self.channels[channel.name]

    def members(self, name: str) -> list[Session]:
        channel = self.channels.get(name)
        return list(channel.members.values()) if channel is not None else []

    # ------------------------------------------------------------- messages (M, P)

    def send_peer(self, sender: Session, to: str, text: str, msg_id: str) -> None:
        """P1-P3 (server part): quota, acceptance, delivery or mailbox."""
        now = self.now
        if sender.sends.full(now):
            sender.push("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
            return
        sender.sends.record(now)
        sender.push("onMessageSendSuccess", msg_id)
        target = self.reachable(to)
        if target is not None:
            target.push("onMessageInstantReceive", sender.account, 0, text)
        else:
            self._mail.setdefault(to, []).append(PeerMessage(sender.account, text, now))

    def send_channel(self, sender: Session, name: str, text: str, msg_id: str) -> None:
        """M1, M3 (server part): quotas, acceptance, delivery to every member."""
        now = self.now
        window = self._channel_sends.get(name)
        if window is None:
            window = self._channel_sends[name] = SendWindow(MAX_CHANNEL_MESSAGES_PER_S)
        if sender.sends.full(now) or window.full(now):
            sender.push("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
            return
        sender.sends.record(now)
        window.record(now)
        sender.push("onMessageSendSuccess", msg_id)
        for member in self.members(name):
            member.push("onMessageChannelReceive", name, sender.account, sender.uid, text)

    # ------------------------------------------------------------- attributes (A)

    def _broadcast(self, channel: Channel, *args: object) -> None:
        for member in channel.members.values():
            member.push("onChannelAttrUpdated", *args)

    def set_channel_attr(self, name: str, key: str, value: str) -> None:
        """A1 (value "" deletes, as A2)."""
        if not value:
            self.del_channel_attr(name, key)
            return
        channel = self._channel(name)
        channel.attributes[key] = value
        self._broadcast(channel, name, key, value, "update")
        self._settle(channel)

    def del_channel_attr(self, name: str, key: str) -> None:
        """A2."""
        channel = self.channels.get(name)
        if channel is None:
            return  # no attributes and no members: nothing to change, nobody to tell
        channel.attributes.pop(key, None)
        self._broadcast(channel, name, key, "", "del")
        self._settle(channel)

    def clear_channel_attrs(self, name: str) -> None:
        """A3."""
        channel = self.channels.get(name)
        if channel is None:
            return  # as in del_channel_attr
        channel.attributes.clear()
        self._broadcast(channel, name, "", "", "clear")
        self._settle(channel)

    def channel_attrs(self, name: str) -> dict[str, str]:
        channel = self.channels.get(name)
        return dict(channel.attributes) if channel is not None else {}

    @staticmethod
    def set_user_attr(session: Session, key: str, value: str) -> None:
        """A6: "" deletes."""
        if value:
            session.attributes[key] = value
        else:
            session.attributes.pop(key, None)

    def user_attrs(self, account: str) -> dict[str, str]:
        """A8: an account that is not logged in has no attributes."""
        session = self.sessions.get(account)
        return dict(session.attributes) if session is not None else {}
