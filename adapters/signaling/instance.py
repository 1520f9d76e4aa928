"""``ShimAgoraAPI``: the legacy native ``IAgoraAPI`` implemented on the RTM core.

A legacy call runs in three parts:

1. the *facade* checks arguments and state exactly as the legacy SDK did (legacy limits,
   legacy codes; ``legacy_signaling.identity`` holds the rules) and reports local failures
   through the legacy callbacks;
2. the *operation* named by the call's method row (``mapping_tables``) makes the RTM calls,
   through a :mod:`~adapters.signaling.bindings` binding in the table's result style;
3. every RTM callback becomes an RTM event that the flavour's *event rows* translate into
   legacy callbacks (``mapping_tables.project.dispatch``): conditions and argument
   projections are data, not code here.

What RTM lacks is emulated in named places: the channel echo and member list on join come
from rows; channel attribute operations and sends from outside a channel travel as markers
(:mod:`~adapters.signaling.markers`); call ends and DTMF as peer signals; the one-channel rule,
the legacy call registry and its timers live in this module. In ``native`` mode rows with
status *emulated* are skipped and emulations are off, so RTM's behaviour shows through.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import attrs

import rtm
from legacy_signaling.api import IAgoraAPI, InstanceDestroyedError
from legacy_signaling.callback import ICallBack
from legacy_signaling.codes import (
    ECODE,
    INVITE_OFFLINE_WAIT_S,
    INVOKE_PREFIX,
    MAX_USER_MESSAGES_PER_S,
    RECONNECT_GIVE_UP_S,
    RESERVED_CHANNELS,
    RETRY_INTERVAL_S,
    SDK_VERSION,
    ErrorDesc,
    LoginStatus,
)
from legacy_signaling.identity import (
    STATUS_AFTER,
    MessageIdAllocator,
    SendWindow,
    check_account,
    check_attr_name,
    check_attr_value,
    check_channel,
    check_dtmf,
    check_extra,
    check_message,
    invite_options,
    legacy_uid,
    require_str,
    require_uint32,
)
from legacy_signaling.tokens import LegacyTokenError, verify_legacy_token
from legacy_signaling.unsupported import UnsupportedMethods
from mapping_tables.expr import BoolOp, Compare, Function, ListExpr, Literal, Path, compile_expr
from mapping_tables.functions import encode_peer_signal
from mapping_tables.markers import MARKER_KEY, USER_CHANNEL_KEY, Marker, encode_marker
from mapping_tables.model import EventRow, FlavourTable, Status
from mapping_tables.project import fire

from .bindings import Binding, make_binding
from .context import Request, Session
from .ordering import InFlight, TrackedBinding
from .profile import legacy_name, rtm_id, rtm_key
from .views import legacy_attrs, legacy_view

if TYPE_CHECKING:
    from .world import ShimWorld

__all__ = ["ShimAgoraAPI"]

log = logging.getLogger("adapters.signaling")


Check = tuple[ECODE | None, ErrorDesc]


@attrs.define(eq=False)
class _Call:
    """One legacy call as this instance knows it (docs/legacy-semantics.md V)."""

    channel: str
    peer: str
    role: str  # "caller" | "callee"
    state: str  # "sent" | "received" | "accepted"
    extra: str
    invitation: Any = None
    timers: list[Any] = attrs.field(factory=list)
    #: The peer was seen online since the call began (so a later OFFLINE ends the call).
    peer_online: bool = False

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


def _plain(value: object) -> object:
    """Callbacks carry plain ints and strs (not enum members), as native code would see."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value


class ShimAgoraAPI(UnsupportedMethods, IAgoraAPI):
    """One legacy SDK instance on the RTM core. Create it through a :class:`ShimWorld`."""

    def __init__(self, world: ShimWorld, app_id: str) -> None:
        self._world = world
        self.app_id = app_id
        self._table: FlavourTable = world.table
        self._functions: Mapping[str, Function] = world.functions
        self._legacy_mode = world.mode == "legacy"
        self._sched = world.core.scheduler
        self._rows = _index_rows(self._table, legacy_mode=self._legacy_mode)
        self._handler: ICallBack | None = None
        self._status = LoginStatus.LOGIN_STATE_NOT_LOGIN
        self._ids = MessageIdAllocator()
        self._session = Session()
        self._destroyed = False
        self._logged_in = False
        self._login_pending: Request | None = None
        self._calls: dict[tuple[str, str], _Call] = {}
        self._markers = itertools.count(1)
        self._sends = SendWindow(MAX_USER_MESSAGES_PER_S)
        self._reconnect_timers: list[Any] = []
        self._held: list[tuple[str, tuple[object, ...]]] = []
        self._marker_prefix = f"{id(self):x}"
        self._inflight = InFlight()
        #: A channelJoin waits for RTM's result; calls made meanwhile wait in order behind it
        #: (the legacy model joins at the call: a send right after channelJoin is in it).
        self._join_pending = False
        self._waiting: deque[Callable[[], None]] = deque()
        self._replaying = False
        self.binding: Binding = cast(
            Binding,
            TrackedBinding(
                make_binding(world.flavour, world.core, world.rtm_app_id, self._on_rtm_event),
                self._inflight,
                self._abandoned,
            ),
        )

    def __repr__(self) -> str:
        return f"<ShimAgoraAPI {self.app_id!r} account={self._session.self_account!r}>"

    # ================================================================ delivery

    def deliver(self, name: str, *args: object) -> None:
        """Queue a legacy callback made by the facade itself (never inside the call).

        It goes through the core's queue first, behind the RTM requests this instance has
        already made, so callbacks keep the order of the calls that caused them (legacy D1)
        even when an app makes several calls without waiting.
        """
        values = tuple(_plain(a) for a in args)
        if self._inflight.busy:  # behind outcomes still on their way (adapters.ordering)
            self._inflight.hold(functools.partial(self._dispatch, name, values))
            return
        sched = self._sched
        sched.call_soon(sched.deliver, self._dispatch, name, values)

    def _api_error(self, method: str, code: ECODE, desc: ErrorDesc) -> None:
        """An error the facade finds itself: the ``Shim.onApiError`` event, whose row makes
        it ``onError``; queued behind this instance's earlier requests, like ``deliver``."""
        params = {"name": method, "ecode": int(code), "desc": str(desc)}
        event = functools.partial(self._on_rtm_event, "Shim.onApiError", params, None, "", "")
        if self._inflight.busy:
            self._inflight.hold(event)
            return
        sched = self._sched
        sched.call_soon(sched.deliver, event)

    def _wait_for_join(self, call: Callable[[], None]) -> bool:
        """True if ``call`` must wait: a join is on its way, or calls that waited for one
        are still to be replayed (they go first, in the order they were made)."""
        if self._replaying or not (self._join_pending or self._waiting):
            return False
        self._waiting.append(call)
        return True

    def _join_settled(self) -> None:
        """The join has its result: replay the calls that waited, after this event."""
        self._join_pending = False
        if self._waiting:
            self._sched.call_soon(self._replay)

    def _replay(self) -> None:
        while self._waiting and not self._join_pending and not self._destroyed:
            call = self._waiting.popleft()
            self._replaying = True
            try:
                call()
            except Exception:  # arguments were checked at the call: this is a shim bug
                log.exception("a call made before the join result failed on replay")
            finally:
                self._replaying = False

    def _abandoned(self) -> None:
        """The link was given up: nothing open will be answered; release what waited."""
        sched = self._sched
        for release in self._inflight.abandon():
            sched.call_soon(sched.deliver, release)
        self._join_settled()  # a join on the abandoned link will not be answered either

    def emit_now(self, name: str, *args: object) -> None:
        """Deliver a legacy callback at once: only from RTM callback context (in order)."""
        self._dispatch(name, tuple(_plain(a) for a in args))

    def _deliver_from_timer(self, name: str, *args: object) -> None:
        """A legacy server push made by a shim timer: held while the link is down (C1),
        like every other push, and delivered after onReconnected (C2)."""
        entry = (name, tuple(_plain(a) for a in args))
        if self._reconnect_timers and name != "onReconnecting":
            self._held.append(entry)
        else:
            self._sched.deliver(self._dispatch, *entry)

    def _dispatch(self, name: str, args: tuple[object, ...]) -> None:
        if self._destroyed:
            return
        status = STATUS_AFTER.get(name)
        if status is not None:
            self._status = status
        if self._world.usage is not None:
            self._world.trace("callback", name)
        handler = self._handler
        if handler is None:
            return
        try:
            getattr(handler, name)(*args)
        except Exception:
            log.exception("exception in legacy callback %s (ignored)", name)

    # ================================================================ RTM events -> rows

    def _on_rtm_event(
        self,
        name: str,
        params: dict[str, Any],
        req: Request | None,
        trigger: str,
        rtm_channel: str,
    ) -> None:
        if self._destroyed:
            return
        with self._sched.lock:
            session = self._session
            session.handler_channel = legacy_name(rtm_channel) if rtm_channel else ""
            short = name.rpartition(".")[2]
            suppress = self._before_event(short, params)
            released = self._inflight.answered(req) if req is not None else ()
            if req is not None and req.then is not None:
                # The request's own state changes first: an app reacting to the legacy
                # callback (joining in onLoginSuccess, sending in onChannelJoined) sees them.
                code, value = _outcome(params)
                req.then(code, value)
            rows = self._rows.get((name, trigger))
            if rows and not suppress and not (req is not None and req.silent):
                context = {
                    "request": req.view(session.self_account) if req is not None else {},
                    "event": legacy_view(params),
                    "session": session,
                }
                method = req.method if req is not None else None
                functions = self._functions
                tracing = self._world.usage is not None
                for methods, row in rows:
                    if methods is not None and method not in methods:
                        continue
                    for args in fire(row, context, functions):
                        if tracing and row.status is Status.EMULATED:
                            self._world.trace("emulation", row.legacy, row.differences)
                        self._dispatch(row.legacy, tuple(map(_plain, args)))
            self._after_event(short, params)
            for release in released:  # the facade's callbacks that waited for this one
                release()

    # ---------------------------------------------------------------- emulation hooks

    def _before_event(self, short: str, params: dict[str, Any]) -> bool:
        """State the rows need, and whether this event must stay silent; True = suppress."""
        if short == "onConnectionStateChanged":
            state, reason = int(params["state"]), int(params["reason"])
            aborted = state == rtm.CONNECTION_STATE.CONNECTION_STATE_ABORTED
            if aborted and self._legacy_mode:
                self._session_lost(
                    ECODE.LEAVECHANNEL_E_KICKED
                    if reason == rtm.CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN
                    else ECODE.LEAVECHANNEL_E_DISCONN
                )
            if state == rtm.CONNECTION_STATE.CONNECTION_STATE_RECONNECTING:
                self._reconnecting()
            elif state == rtm.CONNECTION_STATE.CONNECTION_STATE_CONNECTED:
                self._reconnected()
            elif aborted:
                self._cancel_reconnect()  # kicked while reconnecting (L6): no more retries
            return False
        if short in ("onTokenPrivilegeWillExpire",):
            token = self._world.rtm_token(self._rtm_user)
            if token is not None:
                self.binding.client.renewToken(token)
            return False
        handler = _CALL_HOOKS.get(short)
        if handler is not None:
            return handler(self, params)
        if short == "onMessageReceivedFromPeer" or (
            short == "onMessageReceived" and "peerId" in params
        ):
            return self._peer_signal_hook(params)
        if short == "onPeersOnlineStatusChanged":
            self._presence_hook(params)
        return False

    def _presence_hook(self, params: dict[str, Any]) -> None:
        """V12 for a session that vanished (its link gave up): the core reports the peer
        OFFLINE, and every call with it ends as if the peer had ended it."""
        statuses = params.get("peersStatus")
        states = (
            {st.peerId: int(st.onlineState) for st in statuses}
            if isinstance(statuses, list)
            else dict(statuses or {})
        )
        offline = int(rtm.PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)
        for rtm_peer, state in states.items():
            peer = legacy_name(rtm_peer)
            for call in [c for c in self._calls.values() if c.peer == peer]:
                if state != offline:
                    call.peer_online = True
                elif call.peer_online and self._legacy_mode and call.state != "sent":
                    self._forget_call(call)
                    if call.role == "caller" and call.state != "accepted":
                        self._silent_cancel(call)
                    self.emit_now(
                        "onInviteEndByPeer", call.channel, call.peer, legacy_uid(call.peer), ""
                    )

    def _after_event(self, short: str, params: dict[str, Any]) -> None:
        if short == "onConnectionStateChanged":
            self._session.previous_state = int(params["state"])
            if int(params["state"]) == rtm.CONNECTION_STATE.CONNECTION_STATE_ABORTED:
                self._logged_in = False
                self.binding.logout(Request("logout", {}, silent=True))
            if int(params["state"]) == rtm.CONNECTION_STATE.CONNECTION_STATE_CONNECTED:
                held, self._held = self._held, []
                for name, args in held:
                    self._dispatch(name, args)
        elif short == "onAttributesUpdated":
            attributes = params.get("attributes", params.get("attributeList")) or []
            self._session.channel_attrs = {a.key: a.value for a in legacy_attrs(attributes)}

    # ================================================================ helpers

    def _alive(self) -> None:
        if self._destroyed:
            raise InstanceDestroyedError("this legacy SDK instance was destroyed")

    @property
    def _rtm_user(self) -> str:
        return rtm_id(self._session.self_account) or ""

    def _live(self) -> bool:
        """D7: logged in and connected (requests fail while reconnecting)."""
        return self._logged_in and not self._reconnect_timers

    @property
    def reconnecting(self) -> bool:
        return self._logged_in and bool(self._reconnect_timers)

    # ---------------------------------------------------------------- reconnection (C)

    def _reconnecting(self) -> None:
        """C1: the link is down. onReconnecting(1) comes from the table; the shim repeats
        it every 2 s, as the legacy SDK's retries did, and gives up after 30 s (C3)."""
        self._session.reconnect_attempt = 1
        if not self._legacy_mode:
            return
        self._cancel_reconnect()
        later = self._sched.call_later
        self._reconnect_timers = [
            later(RETRY_INTERVAL_S * n, self._reconnect_tick, n + 1)
            for n in range(1, int(RECONNECT_GIVE_UP_S / RETRY_INTERVAL_S))
        ]
        self._reconnect_timers.append(later(RECONNECT_GIVE_UP_S, self._give_up))

    def _reconnect_tick(self, attempt: int) -> None:
        self._session.reconnect_attempt = attempt
        self._deliver_from_timer("onReconnecting", attempt)

    def _give_up(self) -> None:
        """C3: the session ends as a network logout (the core ends it after the same grace)."""
        self._cancel_reconnect()
        self._held.clear()
        channel = self._session.channel
        if channel:
            self._deliver_from_timer("onChannelLeaved", channel, ECODE.LEAVECHANNEL_E_DISCONN)
            self._session.channel = ""
            self.binding.leave_quietly(rtm_id(channel) or "")
        for call in self._calls.values():
            call.cancel_timers()
        self._calls.clear()
        self._logged_in = False
        self._deliver_from_timer("onLogout", ECODE.LOGOUT_E_NET)
        self.binding.logout(Request("logout", {}, silent=True))
        self.binding.abandon_link()

    def _reconnected(self) -> None:
        self._cancel_reconnect()

    def _cancel_reconnect(self) -> None:
        for timer in self._reconnect_timers:
            timer.cancel()
        self._reconnect_timers = []

    def _precheck(self, method: str, *checks: Check) -> bool:
        if not self._live():
            self._api_error(method, ECODE.GENERAL_E_NOT_LOGIN, ErrorDesc.NOT_LOGGED_IN)
            return False
        for code, desc in checks:
            if code is not None:
                self._api_error(method, code, desc)
                return False
        return True

    def _unsupported(self, method: str) -> None:
        if self._wait_for_join(functools.partial(self._unsupported, method)):
            return
        self._world.trace("call", method)
        self._api_error(method, ECODE.GENERAL_E_FAILED, ErrorDesc.UNSUPPORTED)

    def _req(
        self, method: str, then: Callable[[int, Any], None] | None = None, **args: Any
    ) -> Request:
        return Request(method, args, then)

    def _over_quota(self, channel: str | None) -> bool:
        """Legacy send quotas (D10): checked and, when within them, counted."""
        now = self._sched.time()
        window = self._world.channel_sends(channel) if channel is not None else None
        if self._sends.full(now) or (window is not None and window.full(now)):
            return True
        self._sends.record(now)
        if window is not None:
            window.record(now)
        return False

    def _next_marker(self) -> str:
        return f"{self._marker_prefix}.{next(self._markers)}"

    # ================================================================ handler, status

    def callbackSet(self, handler: ICallBack | None) -> None:
        self._alive()
        if handler is not None and not isinstance(handler, ICallBack):
            raise TypeError(f"handler must be an ICallBack, got {type(handler).__name__}")
        self._world.trace("call", "callbackSet")
        self._handler = handler

    def callbackGet(self) -> ICallBack | None:
        self._alive()
        return self._handler

    def getStatus(self) -> int:
        self._alive()
        return int(self._status)

    def getSdkVersion(self) -> int:
        self._alive()
        return SDK_VERSION

    def isOnline(self) -> bool:
        self._alive()
        return self._status is LoginStatus.LOGIN_STATE_LOGINED

    def destroy(self) -> None:
        self._alive()
        self._world.trace("call", "destroy")
        with self._sched.lock:
            self._destroyed = True
            if self._logged_in:
                self._end_session_calls_and_channel(notify_self=False)
            self._logged_in = False
            self.binding.release()
            self._world.forget(self)

    destory = destroy

    # ================================================================ login / logout

    def login(self, appId: str, account: str, token: str, uid: int, deviceID: str) -> None:
        self._alive()
        require_str(appId=appId, account=account, token=token, deviceID=deviceID)
        require_uint32(uid=uid)
        self._start_login("login", appId, account, token)

    def login2(
        self,
        appId: str,
        account: str,
        token: str,
        uid: int,
        deviceID: str,
        retry_time_in_s: int,
        retry_count: int,
    ) -> None:
        self._alive()
        require_str(appId=appId, account=account, token=token, deviceID=deviceID)
        require_uint32(uid=uid)
        for name, value in (("retry_time_in_s", retry_time_in_s), ("retry_count", retry_count)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be int, got {type(value).__name__}")
        if retry_time_in_s < 0 or retry_count < 0:
            self._api_error("login2", ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.INVALID_RETRY)
            return
        self._start_login("login2", appId, account, token)

    def _start_login(self, method: str, app_id: str, account: str, token: str) -> None:
        if self._wait_for_join(
            functools.partial(self._start_login, method, app_id, account, token)
        ):
            return
        self._world.trace("call", method)
        with self._sched.lock:
            if self._logged_in or self._login_pending is not None:
                self._api_error(method, ECODE.GENERAL_E_FAILED, ErrorDesc.ALREADY_LOGGED_IN)
                return
            self._status = LoginStatus.LOGIN_STATE_LOGINING
            user = rtm_id(account)
            if check_account(account) is not None or user is None:
                self.deliver("onLoginFailed", ECODE.LOGIN_E_INVALID_USER)
                return
            if app_id != self._world.app_id:
                self.deliver("onLoginFailed", ECODE.LOGIN_E_FAILED)
                return
            try:
                verify_legacy_token(
                    token,
                    account=account,
                    app_id=self._world.app_id,
                    app_certificate=self._world.app_certificate,
                    now=self._sched.time(),
                    debug_switch=self._world.debug_switch,
                )
            except LegacyTokenError as exc:
                self.deliver("onLoginFailed", exc.code)
                return
            self._session = Session(self_account=account, uid=legacy_uid(account))
            self._sends = SendWindow(MAX_USER_MESSAGES_PER_S)  # the quota is per session

            def done(code: int, value: Any) -> None:
                if self._login_pending is not req:
                    return
                self._login_pending = None
                self._logged_in = code == 0

            req = self._req(method, done, appId=app_id, account=account, token=token)
            self._login_pending = req
            self.binding.login(self._world.rtm_token(user), user, req)

    def logout(self) -> None:
        self._alive()
        if self._wait_for_join(self.logout):
            return
        self._world.trace("call", "logout")
        with self._sched.lock:
            if self._login_pending is not None:
                self._login_pending = None
                self.deliver("onLoginFailed", ECODE.LOGIN_E_CANCEL)
                self.binding.logout(Request("logout", {}, silent=True))
                return
            if not self._logged_in:
                self.deliver("onLogout", ECODE.LOGOUT_E_ALREADY_LOGOUT)
                return
            self._end_session_calls_and_channel(notify_self=True)
            self._logged_in = False
            if self._reconnect_timers:
                # No link to wait on: the logout is the app's, it is done (L7).
                self._cancel_reconnect()
                self.deliver("onLogout", ECODE.LOGOUT_E_USER)
                self.binding.logout(Request("logout", {}, silent=True))
                self.binding.abandon_link()
                return
            self.binding.logout(self._req("logout"))

    def _end_session_calls_and_channel(self, *, notify_self: bool) -> None:
        """L7/V12: leave the channel (members are told), end every call, then log out."""
        channel = self._session.channel
        if channel:
            if notify_self:
                self.deliver("onChannelLeaved", channel, ECODE.LEAVECHANNEL_E_LOGOUT)
            self._session.channel = ""
            self.binding.leave(rtm_id(channel) or "", Request("channelLeave", {}, silent=True))
        for call in list(self._calls.values()):
            self._end_call_quietly(call)
        self._calls.clear()

    def _session_lost(self, leave_code: ECODE) -> None:
        """The RTM session ended under us (remote login, token expiry): L6."""
        channel = self._session.channel
        if channel:
            self._dispatch("onChannelLeaved", (channel, int(leave_code)))
            self._session.channel = ""
            self.binding.leave_quietly(rtm_id(channel) or "")
        for call in self._calls.values():
            call.cancel_timers()
        self._calls.clear()

    # ================================================================ peer messages

    def messageInstantSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_peer("messageInstantSend", account, msg, msgID, "")

    def messageInstantSend2(
        self, account: str, uid: int, msg: str, msgID: str, options: str
    ) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID, options=options)
        require_uint32(uid=uid)
        self._send_peer("messageInstantSend", account, msg, msgID, options)

    def _send_peer(self, method: str, account: str, msg: str, msg_id: str, options: str) -> None:
        if self._wait_for_join(
            functools.partial(self._send_peer, method, account, msg, msg_id, options)
        ):
            return
        self._world.trace("call", method)
        with self._sched.lock:
            msg_id = self._ids.resolve(msg_id)
            peer = rtm_id(account)
            if (
                not self._live()
                or check_account(account) is not None
                or check_message(msg) is not None
                or check_extra(options) is not None
            ):
                self.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
                return
            if self._over_quota(None):
                self.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
                return
            if account == self._session.self_account:
                # To oneself: the account has one session, this one. Legacy acknowledged
                # before delivering; RTM delivers before acknowledging (success = received),
                # so the shim loops it back itself, in the legacy order.
                self.deliver("onMessageSendSuccess", msg_id)
                self.deliver("onMessageInstantReceive", account, 0, msg)
                return
            if peer is None:
                # A valid legacy account RTM cannot address can never log in through the
                # shim (identifier_limits): accepted, as legacy accepted it, never delivered.
                log.warning("message to %r dropped: no RTM ID fits (identifier_limits)", account)
                self.deliver("onMessageSendSuccess", msg_id)
                return
            req = self._req("messageInstantSend", account=account, uid=0, msg=msg, msgID=msg_id)
            self.binding.send_peer(peer, msg, self._legacy_mode, req)

    def _peer_signal_hook(self, params: dict[str, Any]) -> bool:
        """Call ends and DTMF arrive as peer signals: update the call registry first."""
        from mapping_tables.functions import decode_peer_signal

        message = params.get("message")
        text = message.text if message is not None else ""
        signal = decode_peer_signal(text) if isinstance(text, str) else None
        if signal is None:
            return False
        peer = legacy_name(str(params.get("peerId", "")))
        call = self._calls.get((signal.channel, peer))
        if call is None:
            return True  # nothing to end or ring: stay silent
        if signal.kind == "endcall":
            self._forget_call(call)
            if call.role == "caller" and call.invitation is not None and call.state != "accepted":
                self._silent_cancel(call)
        return False

    # ================================================================ channel messages

    def messageChannelSend(self, channelID: str, msg: str, msgID: str) -> None:
        self._alive()
        require_str(channelID=channelID, msg=msg, msgID=msgID)
        self._send_channel("messageChannelSend", channelID, msg, msgID, "", force=False)

    def messageChannelSendForce(self, channelID: str, msg: str, msgID: str) -> None:
        self._alive()
        require_str(channelID=channelID, msg=msg, msgID=msgID)
        self._send_channel("messageChannelSendForce", channelID, msg, msgID, "", force=True)

    def messageChannelSend2(self, channelID: str, msg: str, msgID: str, extra: str) -> None:
        self._alive()
        require_str(channelID=channelID, msg=msg, msgID=msgID, extra=extra)
        self._send_channel("messageChannelSend", channelID, msg, msgID, extra, force=False)

    def _send_channel(
        self, method: str, channel: str, msg: str, msg_id: str, extra: str, *, force: bool
    ) -> None:
        if self._wait_for_join(
            functools.partial(self._send_channel, method, channel, msg, msg_id, extra, force=force)
        ):
            return
        self._world.trace("call", method)
        with self._sched.lock:
            msg_id = self._ids.resolve(msg_id)
            rtm_channel = rtm_id(channel)
            if (
                not self._live()
                or check_channel(channel) is not None
                or rtm_channel is None
                or check_message(msg) is not None
                or check_extra(extra) is not None
                or (not force and self._session.channel != channel)
                or self._over_quota(channel)
            ):
                self.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
                return
            req = self._req(method, channelID=channel, msg=msg, msgID=msg_id)
            if force and self._legacy_mode:
                marker = Marker(self._next_marker(), "msg", "", msg, self._session.self_account)
                self.binding.channel_attrs_add(
                    rtm_channel, [(MARKER_KEY, encode_marker(marker))], True, req
                )
            else:
                self.binding.send_channel(rtm_channel, msg, req)

    def _send_unsupported(self, method: str, msg_id: str) -> None:
        if self._wait_for_join(functools.partial(self._send_unsupported, method, msg_id)):
            return
        self._world.trace("call", method)
        self.deliver("onMessageSendError", self._ids.resolve(msg_id), ECODE.SENDMESSAGE_E_OTHER)

    def messageAppSend(self, msg: str, msgID: str) -> None:
        self._alive()
        require_str(msg=msg, msgID=msgID)
        self._send_unsupported("messageAppSend", msgID)

    def messagePushSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_unsupported("messagePushSend", msgID)

    def messageChatSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_unsupported("messageChatSend", msgID)

    def messageDTMFSend(self, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_unsupported("messageDTMFSend", msgID)

    # ================================================================ queries

    def queryUserStatus(self, account: str) -> None:
        self._alive()
        require_str(account=account)
        if self._wait_for_join(functools.partial(self.queryUserStatus, account)):
            return
        self._world.trace("call", "queryUserStatus")
        with self._sched.lock:
            peer = rtm_id(account)
            check = check_account(account)
            if self._precheck("queryUserStatus", (check, ErrorDesc.INVALID_ACCOUNT)):
                if peer is None:  # never online through RTM (identifier_limits)
                    self.deliver("onQueryUserStatusResult", account, "0")
                    return
                self.binding.query_online([peer], self._req("queryUserStatus", account=account))

    def channelQueryUserNum(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        if self._wait_for_join(functools.partial(self.channelQueryUserNum, channelID)):
            return
        self._world.trace("call", "channelQueryUserNum")
        with self._sched.lock:
            rtm_channel = rtm_id(channelID)
            if not self._live() or check_channel(channelID) is not None or rtm_channel is None:
                self.deliver(
                    "onChannelQueryUserNumResult", channelID, ECODE.QUERYUSERNUM_E_OTHER, 0
                )
                return
            self.binding.member_count(
                [rtm_channel], self._req("channelQueryUserNum", channelID=channelID)
            )

    def channelQueryUserIsIn(self, channelID: str, account: str) -> None:
        self._alive()
        require_str(channelID=channelID, account=account)
        if self._wait_for_join(functools.partial(self.channelQueryUserIsIn, channelID, account)):
            return
        self._world.trace("call", "channelQueryUserIsIn")
        with self._sched.lock:
            peer = rtm_id(account)
            if self._precheck(
                "channelQueryUserIsIn",
                (check_channel(channelID), ErrorDesc.INVALID_CHANNEL),
                (check_account(account), ErrorDesc.INVALID_ACCOUNT),
            ):
                if peer is None:  # never online through RTM (identifier_limits)
                    self.deliver("onChannelQueryUserIsIn", channelID, account, 0)
                    return
                self.binding.get_user_attrs(
                    peer,
                    [USER_CHANNEL_KEY],
                    self._req("channelQueryUserIsIn", channelID=channelID, account=account),
                )

    def invoke(self, name: str, req: str, callID: str) -> None:
        self._alive()
        require_str(name=name, req=req, callID=callID)
        if self._wait_for_join(functools.partial(self.invoke, name, req, callID)):
            return
        self._world.trace("call", "invoke")
        with self._sched.lock:
            from .invoke import run_invoke

            run_invoke(self, name.removeprefix(INVOKE_PREFIX), req, callID)

    # ================================================================ user attributes

    def setAttr(self, name: str, value: str) -> None:
        self._alive()
        require_str(name=name, value=value)
        if self._wait_for_join(functools.partial(self.setAttr, name, value)):
            return
        self._world.trace("call", "setAttr")
        with self._sched.lock:
            if self._precheck(
                "setAttr",
                (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
                (check_attr_value(value), ErrorDesc.INVALID_ATTR_VALUE),
            ):
                self._set_user_attr(name, value, Request("setAttr", {}, silent=True))

    def _set_user_attr(self, name: str, value: str, req: Request) -> None:
        if value:
            self.binding.user_attrs_add([(rtm_key(name), value)], req)
        else:
            self.binding.user_attrs_delete([rtm_key(name)], req)

    def getAttr(self, name: str) -> None:
        self._alive()
        require_str(name=name)
        if self._wait_for_join(functools.partial(self.getAttr, name)):
            return
        self._world.trace("call", "getAttr")
        with self._sched.lock:
            if self._precheck("getAttr", (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME)):
                self.binding.get_user_attrs(
                    self._rtm_user, [rtm_key(name)], self._req("getAttr", name=name)
                )

    def getAttrAll(self) -> None:
        self._alive()
        if self._wait_for_join(self.getAttrAll):
            return
        self._world.trace("call", "getAttrAll")
        with self._sched.lock:
            if self._precheck("getAttrAll"):
                self.binding.get_user_attrs(self._rtm_user, None, self._req("getAttrAll"))

    def getUserAttr(self, account: str, name: str) -> None:
        self._alive()
        require_str(account=account, name=name)
        if self._wait_for_join(functools.partial(self.getUserAttr, account, name)):
            return
        self._world.trace("call", "getUserAttr")
        with self._sched.lock:
            peer = rtm_id(account)
            if self._precheck(
                "getUserAttr",
                (check_account(account), ErrorDesc.INVALID_ACCOUNT),
                (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
            ):
                if peer is None:  # never online through RTM (identifier_limits)
                    self.deliver("onUserAttrResult", account, name, "")
                    return
                self.binding.get_user_attrs(
                    peer, [rtm_key(name)], self._req("getUserAttr", account=account, name=name)
                )

    def getUserAttrAll(self, account: str) -> None:
        self._alive()
        require_str(account=account)
        if self._wait_for_join(functools.partial(self.getUserAttrAll, account)):
            return
        self._world.trace("call", "getUserAttrAll")
        with self._sched.lock:
            peer = rtm_id(account)
            if self._precheck(
                "getUserAttrAll",
                (check_account(account), ErrorDesc.INVALID_ACCOUNT),
            ):
                if peer is None:  # never online through RTM (identifier_limits)
                    self.deliver("onUserAttrAllResult", account, "{}")
                    return
                self.binding.get_user_attrs(
                    peer, None, self._req("getUserAttrAll", account=account)
                )

    # ================================================================ channels

    def channelJoin(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        if self._wait_for_join(functools.partial(self.channelJoin, channelID)):
            return
        self._world.trace("call", "channelJoin")
        with self._sched.lock:
            rtm_channel = rtm_id(channelID)
            if (
                not self._live()
                or check_channel(channelID) is not None
                or rtm_channel is None
                or channelID in RESERVED_CHANNELS
                or channelID == self._session.channel
            ):
                self.deliver("onChannelJoinFailed", channelID, ECODE.JOINCHANNEL_E_OTHER)
                return
            old = self._session.channel
            if old and self._legacy_mode:
                self._session.channel = ""
                self.binding.leave(rtm_id(old) or "", self._req("channelLeave", channelID=old))
            self.binding.join(
                rtm_channel,
                self._req("channelJoin", self._joined(channelID, rtm_channel), channelID=channelID),
            )
            self._join_pending = self._legacy_mode

    def _joined(self, channel: str, rtm_channel: str) -> Callable[[int, Any], None]:
        def then(code: int, value: Any) -> None:
            if code == 0:
                self._session.channel = channel
                if self._legacy_mode:
                    req = self._req
                    self.binding.get_members(rtm_channel, req("channelJoin", channelID=channel))
                    self.binding.get_channel_attrs(
                        rtm_channel, req("channelJoin", channelID=channel)
                    )
                    self.binding.user_attrs_add(
                        [(USER_CHANNEL_KEY, channel)], Request("channelJoin", {}, silent=True)
                    )
            self._join_settled()

        return then

    def channelLeave(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        if self._wait_for_join(functools.partial(self.channelLeave, channelID)):
            return
        self._world.trace("call", "channelLeave")
        with self._sched.lock:
            if not self._precheck("channelLeave"):
                return
            if not self._session.channel or self._session.channel != channelID:
                self.deliver(
                    "onError", "channelLeave", ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.NOT_IN_CHANNEL
                )
                return
            self._session.channel = ""
            self.binding.leave(
                rtm_id(channelID) or "", self._req("channelLeave", channelID=channelID)
            )
            self.binding.user_attrs_delete(
                [USER_CHANNEL_KEY], Request("channelLeave", {}, silent=True)
            )

    # ---------------------------------------------------------------- channel attributes

    def _channel_attr_checks(self, channel: str, *more: Check) -> tuple[Check, ...]:
        rtm_channel = rtm_id(channel)
        code = check_channel(channel) or (None if rtm_channel else ECODE.GENERAL_E_LARGE_PARAM)
        return ((code, ErrorDesc.INVALID_CHANNEL), *more)

    def channelSetAttr(self, channelID: str, name: str, value: str) -> None:
        self._alive()
        require_str(channelID=channelID, name=name, value=value)
        if self._wait_for_join(functools.partial(self.channelSetAttr, channelID, name, value)):
            return
        self._world.trace("call", "channelSetAttr")
        with self._sched.lock:
            if self._precheck(
                "channelSetAttr",
                *self._channel_attr_checks(
                    channelID,
                    (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
                    (check_attr_value(value), ErrorDesc.INVALID_ATTR_VALUE),
                ),
            ):
                self.channel_attr_op(channelID, "update" if value else "del", name, value)

    def channelDelAttr(self, channelID: str, name: str) -> None:
        self._alive()
        require_str(channelID=channelID, name=name)
        if self._wait_for_join(functools.partial(self.channelDelAttr, channelID, name)):
            return
        self._world.trace("call", "channelDelAttr")
        with self._sched.lock:
            if self._precheck(
                "channelDelAttr",
                *self._channel_attr_checks(
                    channelID, (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME)
                ),
            ):
                self.channel_attr_op(channelID, "del", name, "")

    def channelClearAttr(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        if self._wait_for_join(functools.partial(self.channelClearAttr, channelID)):
            return
        self._world.trace("call", "channelClearAttr")
        with self._sched.lock:
            if self._precheck("channelClearAttr", *self._channel_attr_checks(channelID)):
                self.channel_attr_op(channelID, "clear", "", "")

    def channel_attr_op(
        self, channel: str, op: str, name: str, value: str, then: Request | None = None
    ) -> None:
        """One legacy channel-attribute operation as RTM writes plus a marker (A1-A3)."""
        rtm_channel = rtm_id(channel) or ""
        quiet = Request("channelAttr", {}, silent=True)
        marker = (MARKER_KEY, encode_marker(Marker(self._next_marker(), op, name, value)))
        notify_req = then or quiet
        if op == "update":
            pairs = [(rtm_key(name), value), marker]
            self.binding.channel_attrs_add(rtm_channel, pairs, True, notify_req)
        elif op == "del":
            self.binding.channel_attrs_delete(rtm_channel, [rtm_key(name)], False, quiet)
            self.binding.channel_attrs_add(rtm_channel, [marker], True, notify_req)
        else:
            self.binding.channel_attrs_clear(rtm_channel, False, quiet)
            self.binding.channel_attrs_add(rtm_channel, [marker], True, notify_req)

    # ================================================================ invitations

    def channelInviteUser(self, channelID: str, account: str, uid: int = 0) -> None:
        self._alive()
        require_str(channelID=channelID, account=account)
        require_uint32(uid=uid)
        self._invite("channelInviteUser", channelID, account, "")

    def channelInviteUser2(self, channelID: str, account: str, extra: str) -> None:
        self._alive()
        require_str(channelID=channelID, account=account, extra=extra)
        self._invite("channelInviteUser2", channelID, account, extra)

    def _invite(self, method: str, channel: str, account: str, extra: str) -> None:
        if self._wait_for_join(functools.partial(self._invite, method, channel, account, extra)):
            return
        self._world.trace("call", method)
        with self._sched.lock:
            callee = rtm_id(account)
            if (
                not self._live()
                or check_channel(channel) is not None
                or check_account(account) is not None
                or check_extra(extra) is not None
                or account == self._session.self_account
            ):
                self.deliver(
                    "onInviteFailed",
                    channel,
                    account,
                    legacy_uid(account),
                    ECODE.INVITE_E_OTHER,
                    extra,
                )
                return
            if (channel, account) in self._calls:
                self.deliver(
                    "onInviteFailed",
                    channel,
                    account,
                    legacy_uid(account),
                    ECODE.INVITE_E_REINVITE,
                    extra,
                )
                return
            require_online, _ = invite_options(extra)
            call = _Call(channel, account, "caller", "sent", extra)
            self._calls[(channel, account)] = call
            if callee is None:
                # RTM cannot address this account, so it is never online (identifier_limits).
                if require_online:
                    self._fail_call(call, ECODE.INVITE_E_PEEROFFLINE, self.deliver)
                else:
                    call.timers.append(
                        self._sched.call_later(INVITE_OFFLINE_WAIT_S, self._offline_timeout, call)
                    )
            elif require_online and self._legacy_mode:

                def checked(code: int, value: Any) -> None:
                    if self._calls.get((channel, account)) is not call:
                        return
                    if code == 0 and _peer_is_online(value, callee):
                        self._send_invitation(call, callee)
                    else:
                        self._fail_call(call, ECODE.INVITE_E_PEEROFFLINE, self.emit_now)

                self.binding.query_online(
                    [callee], Request("channelInviteUser2", {}, checked, silent=True)
                )
            else:
                self._send_invitation(call, callee)

    def _watch(self, call: _Call) -> None:
        peer = rtm_id(call.peer)
        if peer is not None and self._legacy_mode:
            self.binding.watch_presence([peer])

    def _send_invitation(self, call: _Call, callee: str) -> None:
        self._watch(call)
        req = self._req(
            "channelInviteUser2", channelID=call.channel, account=call.peer, extra=call.extra
        )
        call.invitation = self.binding.invite(callee, call.extra, call.channel, req)
        if self._legacy_mode:
            call.timers.append(
                self._sched.call_later(INVITE_OFFLINE_WAIT_S, self._offline_timeout, call)
            )

    def _offline_timeout(self, call: _Call) -> None:
        if self._calls.get((call.channel, call.peer)) is call and call.state == "sent":
            self._silent_cancel(call)
            self._fail_call(call, ECODE.INVITE_E_PEEROFFLINE, self._deliver_from_timer)

    def _answer_timeout(self, call: _Call) -> None:
        if self._calls.get((call.channel, call.peer)) is call and call.state == "received":
            self._silent_cancel(call)
            self._fail_call(call, ECODE.INVITE_E_TIMEOUT, self._deliver_from_timer)

    def _fail_call(self, call: _Call, code: ECODE, emit: Callable[..., None]) -> None:
        self._forget_call(call)
        emit("onInviteFailed", call.channel, call.peer, legacy_uid(call.peer), code, call.extra)

    def _forget_call(self, call: _Call) -> None:
        call.cancel_timers()
        if self._calls.get((call.channel, call.peer)) is call:
            del self._calls[(call.channel, call.peer)]

    def _silent_cancel(self, call: _Call) -> None:
        invitation = call.invitation
        if invitation is not None:
            invitation._sig2rtm_silent = True
            self.binding.cancel(invitation)

    def _end_call_quietly(self, call: _Call) -> None:
        """V12: the other party learns the call ended; this side reports nothing."""
        call.cancel_timers()
        if call.role == "caller" and call.state != "accepted":
            self._silent_cancel(call)
        elif call.role == "caller" or call.state in ("received", "accepted"):
            self._signal(call, "endcall", "")

    def _signal(self, call: _Call, kind: str, payload: str) -> None:
        peer = rtm_id(call.peer) or ""
        text = encode_peer_signal(kind, call.channel, payload)
        self.binding.send_peer(peer, text, False, Request("signal", {}, silent=True))

    def _call_checks(self, channel: str, account: str, *more: Check) -> tuple[Check, ...]:
        return (
            (check_channel(channel), ErrorDesc.INVALID_CHANNEL),
            (check_account(account), ErrorDesc.INVALID_ACCOUNT),
            *more,
        )

    def _no_such_call(self, method: str) -> None:
        self._api_error(method, ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.NO_SUCH_CALL)

    def channelInviteAccept(self, channelID: str, account: str, uid: int, extra: str = "") -> None:
        self._answer("channelInviteAccept", channelID, account, uid, extra)

    def channelInviteRefuse(self, channelID: str, account: str, uid: int, extra: str = "") -> None:
        self._answer("channelInviteRefuse", channelID, account, uid, extra)

    def _answer(self, method: str, channel: str, account: str, uid: int, extra: str) -> None:
        self._alive()
        require_str(channelID=channel, account=account, extra=extra)
        require_uint32(uid=uid)
        if self._wait_for_join(
            functools.partial(self._answer, method, channel, account, uid, extra)
        ):
            return
        self._world.trace("call", method)
        with self._sched.lock:
            if not self._precheck(
                method,
                *self._call_checks(channel, account, (check_extra(extra), ErrorDesc.INVALID_EXTRA)),
            ):
                return
            call = self._calls.get((channel, account))
            if call is None or call.role != "callee" or call.state != "received":
                self._no_such_call(method)
                return
            if method == "channelInviteAccept":
                call.state = "accepted"
                self.binding.accept(call.invitation, extra)
            else:
                self._forget_call(call)
                self.binding.refuse(call.invitation, extra)

    def channelInviteEnd(self, channelID: str, account: str, uid: int) -> None:
        self._alive()
        require_str(channelID=channelID, account=account)
        require_uint32(uid=uid)
        if self._wait_for_join(functools.partial(self.channelInviteEnd, channelID, account, uid)):
            return
        self._world.trace("call", "channelInviteEnd")
        with self._sched.lock:
            if not self._precheck("channelInviteEnd", *self._call_checks(channelID, account)):
                return
            call = self._calls.get((channelID, account))
            if call is None:
                self._no_such_call("channelInviteEnd")
                return
            self._forget_call(call)
            self.deliver("onInviteEndByMyself", channelID, account, legacy_uid(account))
            self._end_call_quietly(call)

    def channelInviteDTMF(self, channelID: str, phoneNum: str, dtmf: str) -> None:
        self._alive()
        require_str(channelID=channelID, phoneNum=phoneNum, dtmf=dtmf)
        if self._wait_for_join(
            functools.partial(self.channelInviteDTMF, channelID, phoneNum, dtmf)
        ):
            return
        self._world.trace("call", "channelInviteDTMF")
        with self._sched.lock:
            if not self._precheck(
                "channelInviteDTMF",
                *self._call_checks(channelID, phoneNum, (check_dtmf(dtmf), ErrorDesc.INVALID_DTMF)),
            ):
                return
            call = self._calls.get((channelID, phoneNum))
            if call is None or call.state == "sent":
                self._no_such_call("channelInviteDTMF")
                return
            self._signal(call, "dtmf", dtmf)

    # call-manager hooks (called before rows; True suppresses the rows) -----------------

    def _hook_received_by_peer(self, params: dict[str, Any]) -> bool:
        call = self._call_of_local(params.get("localInvitation"))
        if call is None:
            return True
        call.state = "received"
        _, timeout = invite_options(call.extra)
        if self._legacy_mode:
            call.cancel_timers()
            call.timers.append(self._sched.call_later(timeout, self._answer_timeout, call))
        return False

    def _hook_local_accepted(self, params: dict[str, Any]) -> bool:
        call = self._call_of_local(params.get("localInvitation"))
        if call is None:
            return True
        call.state = "accepted"
        call.cancel_timers()
        return False

    def _hook_local_refused(self, params: dict[str, Any]) -> bool:
        call = self._call_of_local(params.get("localInvitation"))
        if call is None:
            return True
        self._forget_call(call)
        return False

    def _hook_local_ended(self, params: dict[str, Any]) -> bool:
        """Canceled or failed: the shim ends calls itself in legacy mode."""
        invitation = params.get("localInvitation")
        if getattr(invitation, "_sig2rtm_silent", False):
            return True
        call = self._call_of_local(invitation)
        if call is None:
            return True
        self._forget_call(call)
        not_logged_in = rtm.LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_NOT_LOGGEDIN
        # V12: the party whose session ends hears nothing about its calls.
        return self._legacy_mode and params.get("errorCode") == not_logged_in

    def _hook_remote_received(self, params: dict[str, Any]) -> bool:
        invitation = params["remoteInvitation"]
        caller = legacy_name(invitation.callerId)
        channel = invitation.channelId
        if (channel, caller) in self._calls:
            return True
        call = _Call(channel, caller, "callee", "received", invitation.content, invitation)
        self._calls[(channel, caller)] = call
        self._watch(call)
        return False

    def _hook_remote_canceled(self, params: dict[str, Any]) -> bool:
        invitation = params.get("remoteInvitation")
        call = self._call_of_remote(invitation)
        if call is None:
            return True
        self._forget_call(call)
        return False

    def _hook_remote_quiet(self, params: dict[str, Any]) -> bool:
        """Accepted/refused confirmations and callee-side failures: legacy had none."""
        invitation = params.get("remoteInvitation")
        call = self._call_of_remote(invitation)
        if call is not None and call.state != "accepted":
            self._forget_call(call)
        return self._legacy_mode

    def _call_of_local(self, invitation: Any) -> _Call | None:
        for call in self._calls.values():
            if call.invitation is invitation and call.role == "caller":
                return call
        return None

    def _call_of_remote(self, invitation: Any) -> _Call | None:
        for call in self._calls.values():
            if call.invitation is invitation and call.role == "callee":
                return call
        return None

    # ================================================================ not supported

    def bc_call(self, func: str, json_args: str, callID: str) -> None:
        self._alive()
        require_str(func=func, json_args=json_args, callID=callID)
        if self._wait_for_join(functools.partial(self.bc_call, func, json_args, callID)):
            return
        self._world.trace("call", "bc_call")
        self.deliver("onBCCall_result", ErrorDesc.UNSUPPORTED, "", callID)


#: Invitation callbacks and the hook that keeps the legacy call registry in step.
_CALL_HOOKS: dict[str, Callable[[ShimAgoraAPI, dict[str, Any]], bool]] = {
    "onLocalInvitationReceivedByPeer": ShimAgoraAPI._hook_received_by_peer,
    "onLocalInvitationAccepted": ShimAgoraAPI._hook_local_accepted,
    "onLocalInvitationRefused": ShimAgoraAPI._hook_local_refused,
    "onLocalInvitationCanceled": ShimAgoraAPI._hook_local_ended,
    "onLocalInvitationFailure": ShimAgoraAPI._hook_local_ended,
    "onRemoteInvitationReceived": ShimAgoraAPI._hook_remote_received,
    "onRemoteInvitationCanceled": ShimAgoraAPI._hook_remote_canceled,
    "onRemoteInvitationAccepted": ShimAgoraAPI._hook_remote_quiet,
    "onRemoteInvitationRefused": ShimAgoraAPI._hook_remote_quiet,
    "onRemoteInvitationFailure": ShimAgoraAPI._hook_remote_quiet,
}


def _request_methods(when: str) -> frozenset[str] | None:
    """The legacy methods a row's condition requires (``request.method == / in ...``), if any.

    Rows are pre-selected by the request's method before any condition is evaluated; the
    condition is still evaluated in full, so this only saves work.
    """
    if not when:
        return None
    expr = compile_expr(when)
    operands = expr.operands if isinstance(expr, BoolOp) and expr.op == "and" else (expr,)
    for operand in operands:
        if (
            isinstance(operand, Compare)
            and isinstance(operand.left, Path)
            and operand.left.dotted == "request.method"
        ):
            right = operand.right
            if operand.op == "==" and isinstance(right, Literal) and isinstance(right.value, str):
                return frozenset({right.value})
            if operand.op == "in" and isinstance(right, ListExpr):
                values = [i.value for i in right.items if isinstance(i, Literal)]
                if len(values) == len(right.items) and all(isinstance(v, str) for v in values):
                    return frozenset(str(v) for v in values)
    return None


#: Rows for one (RTM callback, trigger): each with the request methods it can fire for.
IndexedRows = tuple[tuple[frozenset[str] | None, EventRow], ...]


def _index_rows(table: FlavourTable, *, legacy_mode: bool) -> dict[tuple[str, str], IndexedRows]:
    """Event rows by (RTM callback, trigger), in table order; native mode drops emulations."""
    index: dict[tuple[str, str], list[tuple[frozenset[str] | None, EventRow]]] = {}
    for row in table.events:
        if not row.rtm:
            continue
        if row.status is Status.UNSUPPORTED:
            continue
        if not legacy_mode and row.status is Status.EMULATED:
            continue
        index.setdefault((row.rtm, row.trigger), []).append((_request_methods(row.when), row))
    return {key: tuple(rows) for key, rows in index.items()}


def _outcome(params: dict[str, Any]) -> tuple[int, Any]:
    """(code, value) of an RTM result event in either style, for continuations."""
    if "errorInfo" in params:
        return int(params["errorInfo"].errorCode), None
    if "responseInfo" in params:
        return 0, params["responseInfo"]
    code = int(params.get("errorCode", 0))
    for key in ("members", "attributes", "peersStatus", "channelMemberCounts"):
        if key in params:
            return code, params[key]
    return code, None


def _peer_is_online(value: Any, peer: str) -> bool:
    if isinstance(value, dict):
        return bool(value.get(peer))
    for status in value or ():
        if status.peerId == peer:
            return bool(status.isOnline)
    return False
