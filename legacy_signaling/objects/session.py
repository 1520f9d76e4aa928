"""``LoginSession`` (Java ``Signal.LoginSession``): one login, over one native instance.

Made by ``Signal.login``. Every request goes to the session's own native instance, so
callbacks of different sessions never mix, and requests made before the login completes
(or after it ended) are answered by the native instance through the legacy callbacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, overload

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.identity import require_str
from legacy_signaling.objects.call import Call as _Call
from legacy_signaling.objects.callbacks import (
    CallCallback,
    ChannelCallback,
    LoginCallback,
    MessageCallback,
)
from legacy_signaling.objects.channel import Channel as _Channel
from legacy_signaling.objects.core import SessionCore
from legacy_signaling.objects.java_flavour import JAVA_FLAVOUR

if TYPE_CHECKING:
    from legacy_signaling.objects.signal import Signal

__all__ = ["LoginSession"]


class LoginSession:
    """A login session; session events go to ``cb`` (a :class:`LoginCallback`)."""

    #: Java spells the inner classes ``Signal.LoginSession.Channel`` / ``.Call``.
    Channel: TypeAlias = _Channel
    Call: TypeAlias = _Call

    def __init__(
        self,
        signal: Signal,
        account: str,
        cb: LoginCallback | None,
        native: IAgoraAPI,
    ) -> None:
        self.signal = signal
        self.account = account
        self.cb: LoginCallback = cb if cb is not None else LoginCallback()
        self._core: SessionCore[_Channel, _Call] = SessionCore(
            JAVA_FLAVOUR, self, native, signal.appId, self._incoming_call
        )

    def __repr__(self) -> str:
        return f"<LoginSession {self.account!r} status={self.getStatus()}>"

    def _incoming_call(self, channel: str, peer: str, peer_uid: int, extra: str) -> _Call:
        return _Call(self, channel, peer, extra, incoming=True)

    @property
    def uid(self) -> int:
        """The server's uid for this account (0 until ``onLoginSuccess``)."""
        return self._core.uid

    @property
    def native(self) -> IAgoraAPI:
        """The native instance this session runs on."""
        return self._core.router.native

    def getStatus(self) -> int:
        """This session's ``SignalStatus`` value (0 logged out ... 4 initial)."""
        return int(self._core.status)

    def logout(self) -> None:
        """Log out: ``onChannelLeaved(…, 603)`` if in a channel, then ``onLogout(101)``."""
        self._core.router.logout()

    @overload
    def messageInstantSend(self, account: str, msg: str, cb: MessageCallback | None, /) -> None: ...

    @overload
    def messageInstantSend(
        self, account: str, msg: str, ttl: int, cb: MessageCallback | None, /
    ) -> None: ...

    def messageInstantSend(
        self,
        account: str,
        msg: str,
        ttl_or_cb: int | MessageCallback | None,
        cb: MessageCallback | None = None,
        /,
    ) -> None:
        """Peer-to-peer message; ``cb`` gets the result (server acceptance, not delivery).

        Java has two overloads, ``(account, msg, cb)`` and ``(account, msg, ttl, cb)``;
        their arguments are positional, as in Java.
        ``ttl`` (seconds) is checked and otherwise unused: offline messages are kept for
        the native instance's fixed time (docs/legacy-semantics.md P2).
        """
        if isinstance(ttl_or_cb, bool):
            raise TypeError("ttl must be an int, not bool")
        if isinstance(ttl_or_cb, int):
            if ttl_or_cb < 0:
                raise ValueError(f"ttl must not be negative, got {ttl_or_cb}")
            callback = cb
        else:
            if cb is not None:
                raise TypeError("messageInstantSend(account, msg, cb) takes no fourth argument")
            callback = ttl_or_cb
        require_str(account=account, msg=msg)
        self._core.router.send_instant(account, msg, self._core.message_result(callback))

    def channelJoin(self, name: str, cb: ChannelCallback | None) -> _Channel:
        """Join ``name`` (leaving the current channel); the channel's events go to ``cb``."""
        require_str(name=name)
        channel = _Channel(self, name, cb)
        self._core.router.join(name, channel)
        return channel

    def channelInviteUser2(
        self, channel: str, peer: str, extra: str, cb: CallCallback | None
    ) -> _Call:
        """Invite ``peer`` to ``channel`` (without joining it); the call's events go to ``cb``."""
        require_str(channel=channel, peer=peer, extra=extra)
        call = _Call(self, channel, peer, extra, cb)
        self._core.router.invite(channel, peer, extra, call)
        return call
