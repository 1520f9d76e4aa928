"""``agorasigsdk.login_session``: ``LoginSession`` with its nested callback classes.

As in 1.0.2, constructing a ``LoginSession`` starts the login (``AgoraSignal.login`` checks
its arguments and constructs one). Each session runs on its own native ``IAgoraAPI``
instance from the native factory; its callbacks arrive on the provider's callback thread
(1.0.2: the Twisted reactor thread).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from agorasigsdk import _replies, _unsupported
from agorasigsdk._flavour import PYTHON_FLAVOUR
from agorasigsdk.call import Call
from agorasigsdk.channel import Channel
from agorasigsdk.login_session_state import LoginSessionState
from agorasigsdk.message_details import MessageDetails
from agorasigsdk.server_address import ServerAddress
from agorasigsdk.signal_consts import (
    INVITE_E_OTHER,
    LOGOUT_E_NET,
    LOGOUT_E_PACKET,
    LOGOUT_E_USER,
    SENDMESSAGE_E_OTHER,
)
from agorasigsdk.websocket_client import ClientFactory
from legacy_signaling.api import IAgoraAPI
from legacy_signaling.identity import require_str
from legacy_signaling.objects.core import SessionCore, failed, ok
from legacy_signaling.objects.dispatch import call_user
from legacy_signaling.objects.native import NativeFactory, create_native

__all__ = [
    "INVITE_E_OTHER",
    "LOGOUT_E_NET",
    "LOGOUT_E_PACKET",
    "LOGOUT_E_USER",
    "SENDMESSAGE_E_OTHER",
    "Call",
    "Channel",
    "ClientFactory",
    "LoginSession",
    "LoginSessionState",
    "MessageDetails",
    "ServerAddress",
]

log = logging.getLogger("agorasigsdk")

#: Default ``ttl`` of ``msg_instant_send`` in 1.0.2 (30 days, in seconds).
_DEFAULT_TTL: Final = 2_592_000

#: ``query_user_status`` / ``bc_call`` results: ``cb(err, value)``.
ResultFunction = Callable[[str, object], object]


def _require_callable(name: str, value: object) -> None:
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")


class LoginSession:
    """A login: ``account``, ``appid``, ``token``, ``cb``, ``state``, ``uid``, ``line``,
    ``last_channel``."""

    #: 1.0.2's LBS tries; there is no LBS lookup here (the session runs on the native shim).
    CFG_LBS_N_RETRY = 10

    class LoginCallback:
        """Session events; override what the app needs."""

        def on_login_success(self, session: LoginSession, uid: int) -> None:
            """Logged in; ``uid`` is the server's internal uid."""

        def on_logout(self, session: LoginSession, err_code: int) -> None:
            """The session ended (101 by the user, 102 network, 103 kicked, 108 not in)."""

        def on_login_failed(self, session: LoginSession, uid: int) -> None:
            """Login failed. The second argument is the 2xx error code; 1.0.2 named it
            ``uid`` and never called this method."""

        def on_msg_instant_received(
            self, session: LoginSession, account: str, uid: int, msg: str
        ) -> None:
            """A peer-to-peer message from ``account`` (``uid`` is 0)."""

        def on_invite_received(self, session: LoginSession, call: Call) -> None:
            """An invitation; ``call.set_callback`` to follow it, then accept or refuse."""

        def on_error(self, session: LoginSession, err_code: int, reason: str) -> None:
            """A request failed with a 1000-family code; ``reason`` names the method.
            (Never called by 1.0.2.)"""

    class MessageCallback:
        """Result of one ``msg_instant_send``."""

        def on_msg_send_error(self, session: LoginSession, err_code: int) -> None:
            """The message was not sent (400)."""

        def on_msg_send_success(self, session: LoginSession) -> None:
            """The server accepted the message (not: the peer received it)."""

    def __init__(
        self,
        account: str,
        appid: str,
        token: str,
        cb: LoginSession.LoginCallback,
        is_debugging: bool = False,
        debug_params: Sequence[object] = (),
        *,
        native_factory: NativeFactory | None = None,
    ) -> None:
        require_str(account=account, appid=appid, token=token)
        self.account = account
        self.appid = appid
        self.token = token
        self.cb = cb if cb is not None else LoginSession.LoginCallback()
        # 1.0.2 used these to pick a debugging server; there is no legacy server to pick.
        self.is_debugging = bool(is_debugging)
        self.debug_params = list(debug_params)
        #: The channel made by the last ``channel_join`` (one channel at a time).
        self.last_channel: Channel | None = None
        native = create_native(appid, native_factory)
        self._core: SessionCore[Channel, Call] = SessionCore(
            PYTHON_FLAVOUR, self, native, appid, self._incoming_call
        )
        self._core.login(account, token)

    def __repr__(self) -> str:
        return f"<LoginSession {self.account!r} state={self.state.name}>"

    def _incoming_call(self, channel: str, peer: str, peer_uid: int, extra: str) -> Call:
        return Call(channel, peer, peer_uid, extra, self)

    # ---------------------------------------------------------------- state

    @property
    def state(self) -> LoginSessionState:
        """``LoginSessionState``, following the delivered callbacks."""
        return LoginSessionState(self._core.status)

    @property
    def uid(self) -> int:
        """The server's uid for this account (0 until ``on_login_success``)."""
        return self._core.uid

    @property
    def line(self) -> str:
        """1.0.2's server line, which raw ``call2`` arguments carry: non-empty while logged
        in (raw calls here pass through ``invoke``, which ignores it), "" otherwise."""
        if self.state != LoginSessionState.LOGINED:
            return ""
        return f"{self.account}:{self.uid}"

    def get_time_in_ms(self) -> int:
        """The current time in milliseconds (as 1.0.2)."""
        return int(time.time() * 1000)

    # 1.0.2's wire-protocol internals: present with their parameters, raising with the reason.
    fire_login_success = _unsupported.raiser(
        "LoginSession.fire_login_success", "self, line, uid", _unsupported.NO_WIRE
    )
    fire_logout = _unsupported.raiser(
        "LoginSession.fire_logout", "self, err_code", _unsupported.NO_WIRE
    )
    get_addresses = _unsupported.raiser("LoginSession.get_addresses", "self", _unsupported.NO_WIRE)
    get_server_url = _unsupported.raiser(
        "LoginSession.get_server_url", "self", _unsupported.NO_WIRE
    )
    on_call_ret = _unsupported.raiser(
        "LoginSession.on_call_ret", "self, call_id, error, ret_data", _unsupported.NO_WIRE
    )
    process_inst_msgs = _unsupported.raiser(
        "LoginSession.process_inst_msgs", "self", _unsupported.NO_WIRE
    )
    process_msg = _unsupported.raiser("LoginSession.process_msg", "self, msg", _unsupported.NO_WIRE)
    req_to_json = _unsupported.raiser(
        "LoginSession.req_to_json", "self, func_str, args, cb_pack=None", _unsupported.NO_WIRE
    )
    schedule_poll = _unsupported.raiser("LoginSession.schedule_poll", "self", _unsupported.NO_WIRE)
    schedule_poll_tail = _unsupported.raiser(
        "LoginSession.schedule_poll_tail", "self", _unsupported.NO_WIRE
    )
    send_cmd = _unsupported.raiser("LoginSession.send_cmd", "self, x", _unsupported.NO_WIRE)

    @property
    def native(self) -> IAgoraAPI:
        """The native instance this session runs on."""
        return self._core.router.native

    # ---------------------------------------------------------------- session

    def logout(self) -> None:
        """Log out: ``on_channel_left(…, 603)`` if in a channel, then ``on_logout(101)``."""
        self._core.router.logout()

    def msg_instant_send(
        self,
        account: str,
        msg: str,
        cb: LoginSession.MessageCallback | None,
        ttl: int = _DEFAULT_TTL,
    ) -> None:
        """Peer-to-peer message; ``cb`` gets the result.

        As in 1.0.2, a ``cb`` that is not a ``LoginSession.MessageCallback`` instance is
        replaced by a no-op (logged when it is not None). ``ttl`` is checked and otherwise
        unused: offline messages are kept for the native instance's fixed time.
        """
        require_str(account=account, msg=msg)
        if isinstance(ttl, bool) or not isinstance(ttl, int):
            raise TypeError(f"ttl must be an int, got {type(ttl).__name__}")
        if ttl < 0:
            raise ValueError(f"ttl must not be negative, got {ttl}")
        callback: LoginSession.MessageCallback | None = cb
        if not isinstance(cb, LoginSession.MessageCallback):
            if cb is not None:
                log.warning(
                    "msg_instant_send: %s is not a LoginSession.MessageCallback; "
                    "its result callbacks will not be called (as in agorasigsdk 1.0.2)",
                    type(cb).__name__,
                )
            callback = None
        self._core.router.send_instant(account, msg, self._core.message_result(callback))

    def channel_join(self, name: str, cb: Channel.ChannelCallback | None = None) -> Channel:
        """Join ``name``, leaving the current channel. ``cb`` None reuses the callback of
        the previous ``channel_join``."""
        if cb is None and self.last_channel is not None:
            cb = self.last_channel.cb
        self.last_channel = Channel(self, name, cb)
        return self.last_channel

    def channel_invite_user_2(
        self, channel: str, peer: str, extra: str, cb: Call.CallCallback | None
    ) -> Call:
        """Invite ``peer`` to ``channel`` (without joining it); the call's events go to
        ``cb`` (a no-op callback when None)."""
        require_str(channel=channel, peer=peer, extra=extra)
        call = Call(channel, peer, 0, extra, self)
        if cb is not None:
            call.set_callback(cb)
        self._core.router.invite(channel, peer, extra, call)
        return call

    # ---------------------------------------------------------------- requests

    def query_user_status(self, account: str, cb: ResultFunction) -> None:
        """``cb(err, status)``: ``("", 1)`` online, ``("", 0)`` offline, ``(err, "")``."""
        require_str(account=account)
        _require_callable("cb", cb)
        self._core.invoke(
            "user_query_user_status",
            {"account": account},
            lambda err, resp: call_user(cb, "__call__", err, "" if err else resp.get("status")),
        )

    def send_channel_msg(
        self, channel_name: str, message: str, callback: Callable[..., object] | None = None
    ) -> None:
        """Send to a channel without joining it; ``callback(err, data)`` gets the result."""
        require_str(channel_name=channel_name, message=message)
        if callback is not None:
            _require_callable("callback", callback)

        def on_result(ecode: int) -> None:
            if callback is not None:
                call_user(callback, "__call__", *_replies.message_reply(ecode))

        self._core.router.send_channel(channel_name, message, on_result, force=True)

    def bc_call(self, func_str: str, arg_str: str, cb: ResultFunction) -> None:
        """Broadcast call; ``cb(err, ret)``. The native providers do not support it, so
        ``err`` says so."""
        require_str(func_str=func_str, arg_str=arg_str)
        _require_callable("cb", cb)
        self._core.router.bc_call(
            func_str, arg_str, lambda reason, ret: call_user(cb, "__call__", reason, ret)
        )

    def call2(
        self, func_str: str, args: Mapping[str, object], cb_pack: _replies.CbPack | None = None
    ) -> None:
        """Raw RPC, run as native ``invoke("io.agora.signal.<func_str>", args)``.

        ``cb_pack`` ``(fn, params)`` gets ``fn(err, data, *params)`` with ``data``
        ``{"result": "ok", ...response}`` or ``{"result": "failed", "reason": err}``. Only
        the ``invoke`` functions exist (reference §1.6), not 1.0.2's wire functions.
        """
        require_str(func_str=func_str)
        if not isinstance(args, Mapping):
            raise TypeError(f"args must be a mapping, got {type(args).__name__}")
        json.dumps(dict(args))  # a TypeError here, not a lost request on the SDK thread
        pack = _replies.unpack_cb_pack(cb_pack)

        def on_reply(err: str, resp: dict[str, object]) -> None:
            if pack is not None:
                data = failed(err) if err else ok(**resp)
                call_user(pack[0], "__call__", err, data, *pack[1])

        self._core.invoke(func_str, args, on_reply)
