"""``Signal`` (Java ``io.agora.signal.Signal``): the entry point of the object flavour.

``Signal(appId).login(account, token, LoginCallback)`` returns a :class:`LoginSession`;
every login gets its own native instance from the native factory, so many ``Signal``
objects and many sessions can coexist (the Java server SDK allowed that, with one channel
per instance).

The user-attribute requests and ``channelQueryUserNum`` live on ``Signal`` in the Java SDK.
They run on the Signal's *current session*: the most recent session that is logged in, else
the most recent one. Before any login they run on a native instance that never logs in, so
they are answered, as the legacy SDK answered them, with a "not logged in" error through the
callback. They are ``invoke`` RPCs underneath (docs/legacy-semantics.md R), which give every
request exactly one answer, matched by call id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeAlias

from legacy_signaling.identity import require_str
from legacy_signaling.objects.call import Call
from legacy_signaling.objects.callbacks import CallCallback as _CallCallback
from legacy_signaling.objects.callbacks import ChannelCallback as _ChannelCallback
from legacy_signaling.objects.callbacks import LoginCallback as _LoginCallback
from legacy_signaling.objects.callbacks import MessageCallback as _MessageCallback
from legacy_signaling.objects.callbacks import UserAttrCallback as _UserAttrCallback
from legacy_signaling.objects.channel import Channel
from legacy_signaling.objects.core import SessionCore, failed, ok
from legacy_signaling.objects.dispatch import LOGGER_NAME, call_user
from legacy_signaling.objects.java_flavour import JAVA_FLAVOUR, SignalStatus
from legacy_signaling.objects.native import NativeFactory, create_native
from legacy_signaling.objects.session import LoginSession as _LoginSession

__all__ = ["Signal"]


class _NoSession:
    """Owner of the pre-login core: nothing is ever delivered to it."""

    cb = _LoginCallback()


def _no_incoming_call(channel: str, peer: str, peer_uid: int, extra: str) -> Call:
    raise AssertionError("a native instance that never logged in received an invitation")


class Signal:
    """One app id; ``native_factory`` overrides the module-level native factory."""

    #: Java spells the inner classes ``Signal.LoginSession``, ``Signal.LoginCallback``, ...
    LoginSession: TypeAlias = _LoginSession
    LoginCallback: TypeAlias = _LoginCallback
    MessageCallback: TypeAlias = _MessageCallback
    ChannelCallback: TypeAlias = _ChannelCallback
    CallCallback: TypeAlias = _CallCallback
    UserAttrCallback: TypeAlias = _UserAttrCallback

    def __init__(self, appId: str, *, native_factory: NativeFactory | None = None) -> None:
        if not isinstance(appId, str) or not appId:
            raise ValueError("appId must be a non-empty str")
        self.appId = appId
        self._factory = native_factory
        self._sessions: list[_LoginSession] = []
        self._idle: SessionCore[Channel, Call] | None = None

    def __repr__(self) -> str:
        return f"<Signal {self.appId!r} sessions={len(self._sessions)}>"

    # ---------------------------------------------------------------- sessions

    def setDoLog(self, doLog: bool) -> None:
        """Log the object layer's routing at DEBUG (True) or only warnings (False).

        The level belongs to the ``legacy_signaling.objects`` logger, shared by every
        ``Signal`` in the process, as the Java SDK's log switch was global.
        """
        logging.getLogger(LOGGER_NAME).setLevel(logging.DEBUG if doLog else logging.WARNING)

    def login(self, account: str, token: str, cb: _LoginCallback | None) -> _LoginSession:
        """Log ``account`` in on a new native instance; results go to ``cb``."""
        require_str(account=account, token=token)
        session = _LoginSession(self, account, cb, create_native(self.appId, self._factory))
        session._core.login(account, token)
        self._sessions.append(session)
        return session

    @property
    def sessions(self) -> tuple[_LoginSession, ...]:
        """Every session made by :meth:`login`, oldest first."""
        return tuple(self._sessions)

    def current_session(self) -> _LoginSession | None:
        """The session Signal-level requests use (see the module docstring)."""
        for session in reversed(self._sessions):
            if session.getStatus() == SignalStatus.LOGINED:
                return session
        return self._sessions[-1] if self._sessions else None

    def getStatus(self) -> int:
        """The current session's ``SignalStatus``; 4 (initial) before any login."""
        session = self.current_session()
        return int(SignalStatus.INIT) if session is None else session.getStatus()

    # ---------------------------------------------------------------- requests

    def _requester(self) -> tuple[_LoginSession | None, SessionCore[Channel, Call]]:
        session = self.current_session()
        if session is not None:
            return session, session._core
        if self._idle is None:
            self._idle = SessionCore(
                JAVA_FLAVOUR,
                _NoSession(),
                create_native(self.appId, self._factory),
                self.appId,
                _no_incoming_call,
            )
        return None, self._idle

    def _invoke(
        self,
        function: str,
        params: dict[str, object],
        on_reply: Callable[[_LoginSession | None, str, dict[str, object]], None],
    ) -> None:
        session, core = self._requester()
        core.invoke(function, params, lambda err, resp: on_reply(session, err, resp))

    def userSetAttr(self, name: str, value: str, cb: _UserAttrCallback) -> None:
        """Set the current user's attribute (``value`` "" deletes it): ``onUserSetAttr``."""
        require_str(name=name, value=value)
        _require_callback(cb)
        self._invoke(
            "user_set_attr",
            {"name": name, "value": value},
            lambda _s, err, _r: call_user(
                cb, "onUserSetAttr", err, failed(err) if err else ok(reason="")
            ),
        )

    def userGetAttr(self, account: str, name: str, cb: _UserAttrCallback) -> None:
        """One attribute of ``account`` ("" when unset): ``onUserGetAttr``."""
        require_str(account=account, name=name)
        _require_callback(cb)
        self._invoke(
            "user_get_attr",
            {"account": account, "name": name},
            lambda _s, err, resp: call_user(
                cb,
                "onUserGetAttr",
                err,
                failed(err) if err else ok(account=account, name=name, value=resp.get("value", "")),
            ),
        )

    def userGetAttrAll(self, account: str, cb: _UserAttrCallback) -> None:
        """Every attribute of ``account``: ``onUserGetAttrAll`` with ``json`` a dict."""
        require_str(account=account)
        _require_callback(cb)
        self._invoke(
            "user_get_attr_all",
            {"account": account},
            lambda _s, err, resp: call_user(
                cb, "onUserGetAttrAll", err, failed(err) if err else ok(account=account, json=resp)
            ),
        )

    def channelQueryUserNum(self, name: str, cb: _UserAttrCallback | _ChannelCallback) -> None:
        """Member count of ``name``: ``cb.onChannelQueryUserNum(session, err, num)``."""
        require_str(name=name)
        _require_callback(cb)
        self._invoke(
            "channel_query_num",
            {"name": name},
            lambda session, err, resp: call_user(
                cb, "onChannelQueryUserNum", session, err, 0 if err else resp.get("num", 0)
            ),
        )


def _require_callback(cb: object) -> None:
    if cb is None:
        raise TypeError("a callback object is required for this request")
