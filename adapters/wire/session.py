"""One legacy wire connection: client frames in, shim calls out, shim callbacks back as frames.

Each connection is one legacy client on the node's core, through the native shim
(:class:`adapters.signaling.ShimAgoraAPI`): so wire clients, native-shim apps, ``agorasigsdk``
users and RTM apps of one app ID all meet. What the wire has and the native API has not is
kept here: the line, call ids and their replies, the versioned mailbox (peer messages and
call signals are mailed, then fetched), per-channel event numbers, and the join reply that
gathers members and attributes.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from legacy_signaling.codes import ECODE, INVOKE_PREFIX
from legacy_signaling.identity import check_account, check_channel, check_extra

from . import frames as f
from .bridge import Bridge
from .lines import Mailbox, call_content, channel_content, message_line
from .rpc import RPCS, ArgError, Rpc, check_args

if TYPE_CHECKING:
    from adapters.signaling import ShimAgoraAPI

    from .endpoint import LegacyEndpoint

__all__ = ["LOGIN_REASONS", "LegacyWireSession"]

log = logging.getLogger("adapters.wire")

#: onLoginFailed code -> the ``reason`` the Web SDK maps back to that code (others -> 201).
LOGIN_REASONS: Mapping[int, str] = {
    int(ECODE.LOGIN_E_TOKENEXPIRED): "TokenErrorExpired",
    int(ECODE.LOGIN_E_TOKENWRONG): "TokenErrorInvalid",
    int(ECODE.LOGIN_E_TOKEN_KICKED): "kick",
    int(ECODE.LOGIN_E_INVALID_USER): "wrong account",
}

#: Call-signal callbacks -> the mailed line type.
_CALL_SIGNALS: Mapping[str, str] = {
    "onInviteReceived": "voip_invite",
    "onInviteReceivedByPeer": "voip_invite_ack",
    "onInviteAcceptedByPeer": "voip_invite_accept",
    "onInviteRefusedByPeer": "voip_invite_refuse",
    "onInviteFailed": "voip_invite_failed",
    "onInviteEndByPeer": "voip_invite_bye",
}

_KICKED = int(ECODE.LOGOUT_E_KICKED)


class _Join:
    __slots__ = ("attrs", "barrier", "callid", "channel", "members")

    def __init__(self, callid: int, channel: str) -> None:
        self.callid = callid
        self.channel = channel
        self.members: list[list[Any]] = []
        self.attrs: dict[str, str] = {}
        self.barrier = ""


class LegacyWireSession:
    """The protocol state of one connection (``new`` -> ``logging_in`` -> ``online``)."""

    def __init__(self, endpoint: LegacyEndpoint, wire: Any) -> None:
        self.endpoint = endpoint
        self.wire = wire
        self.state = "new"
        self.api: ShimAgoraAPI | None = None
        self.line = ""
        self.account = ""
        self.channel = ""
        self.mailbox = Mailbox()
        self._channel_ids: dict[str, int] = {}
        self._frames = endpoint.frame_window()
        self._errors = endpoint.error_window()
        self._sends: dict[str, int] = {}
        self._invokes: dict[str, int] = {}
        self._ext: dict[str, int] = {}
        self._logout: int | None = None
        self._leaves: deque[int] = deque()
        self._join: _Join | None = None
        self._ids = 0

    # --- client -> server -------------------------------------------------------------

    def receive(self, message: str | bytes) -> None:
        metrics = self.endpoint.metrics
        if len(message) > self.endpoint.max_frame_bytes:
            self._violation("frame too large", "too_big")
            return
        try:
            frames = f.decode(message)
        except f.FrameError as exc:
            self._violation(exc.reason, exc.code)
            return
        for frame in frames:
            if self.state == "closed":
                return
            if not self._frames.allow(time.monotonic()):
                self._violation("too many frames: slow down", "rate_limited")
                return
            metrics.inc("rtm_legacy_frames_received_total", cmd=type(frame).__name__.lower())
            self._frame(frame)

    def _frame(self, frame: f.ClientFrame) -> None:
        if isinstance(frame, f.Call2):
            self._call2(frame)
        elif isinstance(frame, f.Ping):
            self._send(f.pong(frame.n))
        elif isinstance(frame, f.Login):
            self._login(frame)
        elif isinstance(frame, f.LineLogin):
            self._error("line_login")
            self._send(f.login_failed("line_login is not supported: log in again"))
        else:
            # Web 1.4.0 asks for zlib binary frames; text is always accepted by it.
            log.debug("set_flag %s ignored: replies stay text", dict(frame.flags))

    def _login(self, frame: f.Login) -> None:
        if self.state != "new":
            self._error("already_logged_in")
            self._send(f.login_failed("already logged in on this connection"))
            return
        if not frame.vid:
            self._login_refused("vid (the app ID) is empty")
            return
        try:
            api = self.endpoint.instance(frame.vid)
        except ValueError as exc:
            self._login_refused(str(exc))
            return
        self.api = api
        self.account = frame.account
        self.state = "logging_in"
        api.callbackSet(Bridge(self))
        api.login2(frame.vid, frame.account, frame.token, 0, frame.device, 0, 0)

    def _login_refused(self, reason: str) -> None:
        self.endpoint.metrics.inc("rtm_legacy_logins_total", result="failed")
        self._send(f.login_failed(reason))

    def _call2(self, frame: f.Call2) -> None:
        callid = frame.callid
        if self.state != "online" or self.api is None:
            self._refuse(callid, "not_login", "not_login")
            return
        if frame.args.get("line") != self.line:
            self._refuse(callid, "invalid_line", "bad_line")
            return
        rpc = RPCS.get(frame.func)
        if rpc is None:
            self._invoke(callid, frame.func, frame.args)
            return
        try:
            args = check_args(rpc, frame.args)
        except ArgError as exc:
            self._refuse(callid, f"invalid_param: {exc}", "bad_args")
            return
        try:
            self.HANDLERS[rpc.kind](self, callid, frame.func, args, rpc)
        except Exception:  # a bug here must cost one call, not the connection
            log.exception("legacy call %s failed", frame.func, extra={"peer": self.wire.peer})
            self._send(f.call2_failed(callid, "internal_error"))

    # --- the RPCs (self.api is set: the session is online) ------------------------------

    def _rpc_logout(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        self._logout = callid
        self._shim().logout()

    def _rpc_getmsg(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        limit = max(1, min(int(args["max"]), 100))
        ver_clear, msgs = self.mailbox.fetch(int(args["ver_clear"]), limit)
        self._send(f.call2_ok(callid, {"ver_clear": ver_clear, "msgs": [list(m) for m in msgs]}))

    def _rpc_sendmsg(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        msg_id = self._next_id("m")
        self._sends[msg_id] = callid
        self._shim().messageInstantSend(args["peer"], 0, args["content"], msg_id)

    def _rpc_join(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        if self._join is not None:
            self._refuse(callid, "a channel_join is already in progress", "busy")
            return
        self._join = _Join(callid, args["name"])
        self._shim().channelJoin(args["name"])

    def _rpc_leave(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        if not self.channel or args["name"] != self.channel:
            self._refuse(callid, "not in this channel", "not_in_channel")
            return
        self._leaves.append(callid)
        self._shim().channelLeave(args["name"])

    def _rpc_chansend(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        msg_id = self._next_id("c")
        self._sends[msg_id] = callid
        send = self._shim().messageChannelSendForce if args["force"] else None
        (send or self._shim().messageChannelSend)(args["name"], args["msg"], msg_id)

    def _check_call(self, callid: int, args: dict[str, Any]) -> bool:
        channel, peer, extra = args["channelName"], args["peer"], args["extra"]
        if check_channel(channel) is not None or check_account(peer) is not None:
            self._refuse(callid, "invalid_param: channelName or peer", "bad_args")
            return False
        if check_extra(extra) is not None:
            self._refuse(callid, "invalid_param: extra must be empty or JSON", "bad_args")
            return False
        return True

    def _rpc_invite(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        if self._check_call(callid, args):
            self._shim().channelInviteUser2(args["channelName"], args["peer"], args["extra"])
            self._send(f.call2_ok(callid))  # the outcome arrives as mailed call signals

    def _rpc_ack(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        # The callee SDK acknowledges every invitation itself; RTM already told the caller.
        self._send(f.call2_ok(callid))

    def _rpc_call(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        if not self._check_call(callid, args):
            return
        api = self._shim()
        channel, peer, extra = args["channelName"], args["peer"], args["extra"]
        if func == "voip_invite_accept":
            api.channelInviteAccept(channel, peer, 0, extra)
        elif func == "voip_invite_refuse":
            api.channelInviteRefuse(channel, peer, 0, extra)
        elif func == "voip_invite_bye":
            api.channelInviteEnd(channel, peer, 0)
        else:  # voip_invite_msg: DTMF, {"msgtype": "dtmf", "msgdata": digits}
            try:
                data = json.loads(extra) if extra else {}
                digits = data["msgdata"] if isinstance(data, dict) else None
            except (ValueError, KeyError):
                digits = None
            if not isinstance(digits, str):
                self._refuse(callid, 'invalid_param: extra must be {"msgdata": digits}', "bad_args")
                return
            api.channelInviteDTMF(channel, peer, digits)
        self._send(f.call2_ok(callid))

    def _rpc_ext(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        call_id = self._next_id("x")
        self._ext[call_id] = callid
        text = args["args"] if isinstance(args["args"], str) else json.dumps(args["args"])
        self._shim().bc_call(args["func"], text, call_id)

    def _rpc_unsupported(self, callid: int, func: str, args: dict[str, Any], rpc: Rpc) -> None:
        self._refuse(callid, f"{func} is not supported", "unsupported")

    HANDLERS: Mapping[str, Callable[[LegacyWireSession, int, str, dict[str, Any], Rpc], None]] = {
        "logout": _rpc_logout,
        "getmsg": _rpc_getmsg,
        "sendmsg": _rpc_sendmsg,
        "join": _rpc_join,
        "leave": _rpc_leave,
        "chansend": _rpc_chansend,
        "invite": _rpc_invite,
        "ack": _rpc_ack,
        "call": _rpc_call,
        "ext": _rpc_ext,
        "unsupported": _rpc_unsupported,
    }

    def _invoke(self, callid: int, func: str, args: Mapping[str, Any]) -> None:
        call_id = self._next_id("i")
        self._invokes[call_id] = callid
        params = {key: value for key, value in args.items() if key != "line"}
        try:
            self._shim().invoke(INVOKE_PREFIX + func, json.dumps(params), call_id)
        except Exception:  # as above: one failed call
            self._invokes.pop(call_id, None)
            log.exception("legacy invoke %s failed", func, extra={"peer": self.wire.peer})
            self._send(f.call2_failed(callid, "internal_error"))

    # --- shim callbacks -> server frames ---------------------------------------------

    def on_login_success(self, uid: int) -> None:
        self.state = "online"
        self.line = secrets.token_hex(12)
        self.endpoint.metrics.inc("rtm_legacy_logins_total", result="ok")
        self._send(f.login_ok(self.line, int(uid)))

    def on_login_failed(self, ecode: int) -> None:
        """The reason in ``login_ret``, then the socket closes (no ``close`` frame: the Web
        SDK would report that as a second, different failure)."""
        reason = LOGIN_REASONS.get(int(ecode), f"login failed ({int(ecode)})")
        self._login_refused(reason)
        self._release()
        self.state = "closed"
        self.wire.close(1000, reason)

    def on_logout(self, ecode: int) -> None:
        callid, self._logout = self._logout, None
        self._release()
        if int(ecode) == _KICKED:
            self._send(f.kick("kick"))
            self._send(f.close("kicked: the account logged in elsewhere"))
            self.state = "closed"
            self.wire.close(1000, "logged in elsewhere")
        elif callid is not None:
            self._send(f.call2_ok(callid))
        else:
            self._send(f.close(f"logged out ({int(ecode)})"))
            self.state = "closed"
            self.wire.close(1000, "logged out")

    def on_message_instant(self, account: str, msg: str) -> None:
        line = message_line(account, self.account, "", "instant", _now_ms(), msg)
        self._send(f.notify_msg(self.mailbox.add(line)))

    def mail_call(self, kind: str, channel: str, account: str, uid: int, extra: str) -> None:
        content = call_content(channel, account, extra, int(uid))
        line = message_line(account, self.account, "", kind, _now_ms(), content)
        self._send(f.notify_msg(self.mailbox.add(line)))

    def on_send_result(self, msg_id: str, ecode: int | None) -> None:
        callid = self._sends.pop(msg_id, None)
        if callid is None:
            return
        if ecode is None:
            self._send(f.call2_ok(callid))
        else:
            self._send(f.call2_failed(callid, f"send failed ({int(ecode)})"))

    def on_user_list(self, accounts: list[str], uids: list[int]) -> None:
        join = self._join
        if join is None:
            return
        join.members = [[a, int(u)] for a, u in zip(accounts, uids, strict=False)]
        # The attributes follow the member list (a read still on its way). A call the shim
        # refuses itself is answered behind every request in flight, in callback order: an
        # invoke with no arguments marks the end of the attributes, at no RTM cost.
        join.barrier = self._next_id("j")
        self._shim().invoke(INVOKE_PREFIX + "channel_query_num", "", join.barrier)

    def on_join_failed(self, ecode: int) -> None:
        join, self._join = self._join, None
        if join is not None:
            self._send(f.call2_failed(join.callid, f"join failed ({int(ecode)})"))

    def on_leaved(self, channel: str) -> None:
        """Left ``channel``: a ``channel_leave`` is answered; joining another channel also
        leaves the old one, whose news must not clear the new one."""
        if channel == self.channel:
            self.channel = ""
            if self._leaves:
                self._send(f.call2_ok(self._leaves.popleft()))

    def channel_event(
        self, kind: str, channel: str, account: str, uid: int, **values: object
    ) -> None:
        """``notify channel2`` with this connection's next event number on ``channel``."""
        msgid = self._channel_ids.get(channel, 0) + 1
        self._channel_ids[channel] = msgid
        content = channel_content(channel=channel, account=account, uid=uid, **values)
        line = message_line(account, channel, "", kind, _now_ms(), content)
        self._send(f.notify_channel(channel, msgid, line))

    def on_attr(self, channel: str, name: str, value: str, kind: str) -> None:
        join = self._join
        if join is not None and join.barrier:
            if kind == "update":
                join.attrs[name] = value
            elif kind == "del":
                join.attrs.pop(name, None)
            else:
                join.attrs.clear()
            return
        self.channel_event(
            "channel_attr_update",
            channel,
            account="",
            uid=0,
            name=name,
            value=value,
            type=kind,
        )

    def on_invoke_ret(self, call_id: str, err: str, resp: str) -> None:
        callid = self._invokes.pop(call_id, None)
        join = self._join
        if join is not None and call_id == join.barrier:
            self._join = None
            self._send(f.call2_ok(join.callid, {"list": join.members, "attrs": join.attrs}))
            return
        if callid is None:
            return
        if err:
            self._send(f.call2_failed(callid, err))
            return
        try:
            body = json.loads(resp) if resp else {}
        except ValueError:
            body = {"ret": resp}
        self._send(f.call2_ok(callid, body if isinstance(body, dict) else {"ret": body}))

    def on_bc_result(self, reason: str, json_ret: str, call_id: str) -> None:
        callid = self._ext.pop(call_id, None)
        if callid is None:
            return
        if reason:
            self._send(f.call2_failed(callid, reason))
        else:
            self._send(f.call2_ok(callid, {"ret": json_ret}))

    def on_error(self, name: str, ecode: int, desc: str) -> None:
        log.info("legacy call %s failed: %s %s", name, ecode, desc, extra={"peer": self.wire.peer})
        if name == "channelLeave" and self._leaves:
            self._send(f.call2_failed(self._leaves.popleft(), desc or f"error {ecode}"))
        elif name == "channelJoin" and self._join is not None:
            self.on_join_failed(ecode)

    # --- plumbing ---------------------------------------------------------------------

    def _shim(self) -> ShimAgoraAPI:
        if self.api is None:  # pragma: no cover - _call2 checks the state first
            raise RuntimeError("no legacy instance")
        return self.api

    def _next_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids}"

    def _send(self, text: str) -> None:
        if self.wire.send(text):
            self.endpoint.metrics.inc("rtm_legacy_frames_sent_total")

    def _error(self, code: str) -> bool:
        """Count a refused frame; past the error budget the connection is closed."""
        self.endpoint.metrics.inc("rtm_legacy_frame_errors_total", code=code)
        if self._errors.allow(time.monotonic()):
            return True
        self._close("too many invalid frames", 1008)
        return False

    def _refuse(self, callid: int, reason: str, code: str) -> None:
        if self._error(code):
            self._send(f.call2_failed(callid, reason))

    def _violation(self, reason: str, code: str) -> None:
        """Not a legacy frame at all: there is nothing to reply to, so say why and close."""
        self.endpoint.metrics.inc("rtm_legacy_frame_errors_total", code=code)
        self._close(reason, 1008)

    def _close(self, reason: str, code: int) -> None:
        if self.state == "closed":
            return
        self._send(f.close(reason))
        self.state = "closed"
        self.wire.close(code, reason)

    def _release(self) -> None:
        api, self.api = self.api, None
        if self.state != "closed":
            self.state = "new"
        self.line = ""
        self.channel = ""
        self._join = None
        if api is not None:
            api.callbackSet(None)
            try:
                api.destroy()
            except Exception:  # already destroyed: nothing left to release
                log.debug("legacy instance already released", exc_info=True)

    def closed(self, orderly: bool) -> None:
        """The connection ended: the legacy client is gone (a logout, for its peers)."""
        self.state = "closed"
        self._release()
        self.endpoint.forget(self)


def _now_ms() -> int:
    return int(time.time() * 1000)
