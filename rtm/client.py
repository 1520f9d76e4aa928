"""The RTM client: ``RtmClient`` (Java name) is also C++'s ``IRtmService``.

One implementation serves both result styles. Every asynchronous call returns an ``int``
at once (0 accepted, otherwise the RTM error code of that call's enum, as C++ does) and
reports its outcome exactly once, asynchronously: to the C++ event handler
(``onLoginSuccess``, ``onSendMessageResult`` ...) and to the Java ``ResultCallback`` passed
to the call, if any. A call rejected at once (bad input, wrong state) changes nothing and
reports the same code through the same channels, so code written for either style sees
every outcome.

C++'s ``long long& requestId`` out-parameter is the keyword argument ``requestId``: pass
an :class:`~rtm.objects.RequestId` and the call stores the request's ID in it.

Threading: API methods may be called from any thread; they run under the scheduler's lock.
Frames from the service arrive on the core thread, and user callbacks are delivered through
:meth:`Scheduler.deliver` — never inside the call that caused them.

Reconnection (RTM's): when a link-aware transport reports its link lost, a CONNECTED client
goes RECONNECTING (reason INTERRUPTED) and keeps every request it has not had an answer to.
When the link is back it logs in again with its last token (the service resumes the old
session), rejoins its channels, restores its presence subscriptions and local attributes,
sends the unanswered requests again (requests made during the outage included), and goes
CONNECTED (reason LOGIN_SUCCESS). A request may therefore reach the service twice if its
answer, not the request, was lost; joins and leaves repeated this way are reported once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import protocol as p
from .connection import ConnectionMachine
from .enums import CONNECTION_CHANGE_REASON as R
from .enums import CONNECTION_STATE, PEER_SUBSCRIPTION_OPTION, SERVER_MESSAGE_ERR
from .errors import (
    ATTRIBUTE_OPERATION_ERR,
    GET_CHANNEL_MEMBER_COUNT_ERR_CODE,
    INIT_ERR_CODE,
    JOIN_CHANNEL_ERR,
    LEAVE_CHANNEL_ERR,
    LOGIN_ERR_CODE,
    LOGOUT_ERR_CODE,
    PEER_MESSAGE_ERR_CODE,
    PEER_SUBSCRIPTION_STATUS_ERR,
    QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR,
    QUERY_PEERS_ONLINE_STATUS_ERR,
    RENEW_TOKEN_ERR_CODE,
)
from .handlers import ResultCallback, RtmClientListener
from .limits import Limits
from .membership import MemberState
from .objects import (
    ChannelAttributeOptions,
    ChannelMemberCount,
    PeerOnlineStatus,
    RequestId,
    RtmAttribute,
    RtmChannelAttribute,
    RtmMessage,
    SendMessageOptions,
    received_message,
    server_message,
)
from .requests import NOT_INITIALIZED, NOT_LOGGED_IN, OnResult, RequestCore
from .service.webhook import MAX_MESSAGE_BYTES, check_url, payload_size
from .transport import ChannelRouted, Core, LinkAware, Transport
from .validation import check_app_id, check_id, check_ids

if TYPE_CHECKING:
    from .call_manager import RtmCallManager
    from .channel import RtmChannel

__all__ = ["SDK_VERSION", "RtmClient", "createRtmService"]

log = logging.getLogger("rtm.client")
#: Why a request failed, as the service said (INFO): the callbacks carry only a code.
reasons = logging.getLogger("sig2rtm.rtm.client")

SDK_VERSION = "sig2rtm-rtm/1.5.0"


class RtmClient:
    """An RTM client. Create with :meth:`createInstance` (Java) or
    :func:`createRtmService` + :meth:`initialize` (C++)."""

    def __init__(self, core: Core | None = None) -> None:
        if core is None:
            from .embedded import default_core

            core = default_core()
        self._core = core
        self._sched = core.scheduler
        self._lock = core.scheduler.lock
        self._deliver = core.scheduler.deliver
        self.limits = getattr(getattr(core, "service", None), "limits", None) or Limits()
        self._app_id = ""
        self._handlers: list[Any] = []
        self._targets: dict[tuple[str | None, str | None], list[tuple[Any, bool]]] = {}
        self._initialized = False
        self._released = False
        self._conn = ConnectionMachine()
        self._user_id = ""
        self._transport: Transport | None = None
        #: What this client shares with its channels and call manager (rtm.requests).
        self._requests = RequestCore(self._sched, self.limits, self._conn, self._send, self._gate)
        self._reqs = self._requests.reqs
        self._pending: dict[int, OnResult] = self._requests.pending
        self._login_req = 0
        self._login_callback: ResultCallback[None] | None = None
        self._login_timer: Any = None
        self._channels: dict[str, RtmChannel] = self._requests.channels
        self._call_manager: RtmCallManager | None = None
        # Reconnection: requests without an answer yet (sent again on a new link), what the
        # service must be told again after a re-login, and the re-login in progress.
        self._link_up = True
        self._inflight: dict[int, p.ClientFrame] = {}
        self._replayed: set[int] = set()
        self._token: str | None = None
        self._subscribed: dict[str, None] = {}
        self._local_attrs: dict[str, str] = {}
        self._relogin_req = 0
        self._barrier_req = 0
        self._awaiting_token = False
        self._frame_handlers: dict[type, Callable[[Any], None]] = {
            p.Result: self._on_result,
            p.PeerMessageIn: self._on_peer_message,
            p.ChannelMessageIn: self._on_channel_message,
            p.MemberJoinedIn: self._to_channel,
            p.MemberLeftIn: self._to_channel,
            p.MemberCountIn: self._to_channel,
            p.AttributesUpdatedIn: self._to_channel,
            p.PresenceIn: self._on_presence,
            p.CallSignalIn: self._on_call_signal,
            p.Kicked: self._on_kicked,
            p.TokenWillExpire: self._on_token_will_expire,
            p.HandOver: self._on_hand_over,
        }
        self._hand_over_listener: Callable[[int | None], None] | None = None

    # --- creation ------------------------------------------------------------------

    @classmethod
    def createInstance(cls, appId: str, listener: Any, core: Core | None = None) -> RtmClient:
        """Java ``RtmClient.createInstance(appId, listener)``; raises ValueError on a bad appId."""
        client = cls(core)
        code = client.initialize(appId, listener)
        if code != INIT_ERR_CODE.INIT_ERR_OK:
            raise ValueError(f"createInstance failed: {INIT_ERR_CODE(code).name}")
        return client

    def initialize(self, appId: str, eventHandler: Any) -> int:
        """C++ ``IRtmService::initialize``; returns an INIT_ERR_CODE."""
        E = INIT_ERR_CODE
        with self._lock:
            if self._released:
                return E.INIT_ERR_FAILURE  # a released client cannot be used again
            if self._initialized:
                return E.INIT_ERR_ALREADY_INITIALIZED
            if check_app_id(appId, self.limits.app_id_chars):
                return E.INIT_ERR_INVALID_APP_ID
            if eventHandler is None:
                return E.INIT_ERR_INVALID_ARGUMENT
            self._app_id = appId
            self._handlers.append(eventHandler)
            self._targets.clear()
            self._initialized = True
            return E.INIT_ERR_OK

    def addEventHandler(self, eventHandler: Any) -> int:
        with self._lock:
            if eventHandler is None:
                return 1
            if eventHandler not in self._handlers:
                self._handlers.append(eventHandler)
                self._targets.clear()
            return 0

    def removeEventHandler(self, eventHandler: Any) -> None:
        with self._lock:
            if eventHandler in self._handlers:
                self._handlers.remove(eventHandler)
                self._targets.clear()

    def release(self, sync: bool = False) -> int:
        """Log out if needed and free the client; later calls report NOT_INITIALIZED."""
        with self._lock:
            if self._released:
                return 0
            if self._conn.state is not CONNECTION_STATE.CONNECTION_STATE_DISCONNECTED:
                self._local_logout()
                self._send(p.Logout(next(self._reqs)))
            if self._transport is not None:
                self._transport.close()
                self._transport = None
            self._released = True
            self._initialized = False
            self._handlers.clear()
            self._targets.clear()
            return 0

    # --- properties ----------------------------------------------------------------

    @property
    def appId(self) -> str:
        return self._app_id

    @property
    def userId(self) -> str:
        return self._user_id

    @property
    def connectionState(self) -> CONNECTION_STATE:
        return self._conn.state

    @property
    def core(self) -> Core:
        return self._core

    def getRtmSdkVersion(self) -> str:
        return SDK_VERSION

    getSdkVersion = getRtmSdkVersion

    def setParameters(self, parameters: str) -> int:
        return 0

    def setLogFile(self, logFile: str) -> int:
        return 0

    def setLogFilter(self, filter: int) -> int:
        return 0

    def setLogFileSize(self, fileSizeInKBytes: int) -> int:
        return 0 if 512 <= fileSizeInKBytes <= 1024 * 1024 else -1

    # --- dispatch helpers ----------------------------------------------------------

    def _emit(
        self,
        cpp: str | None,
        cpp_args: tuple[Any, ...] = (),
        java: str | None = None,
        java_args: tuple[Any, ...] | None = None,
    ) -> None:
        """Deliver one event to every handler, in its style (C++ handler or Java listener)."""
        key = (cpp, java)
        targets = self._targets.get(key)
        if targets is None:
            targets = self._targets[key] = self._bind(cpp, java)
        deliver = self._deliver
        for method, is_java in targets:
            if is_java and java_args is not None:
                deliver(method, *java_args)
            else:
                deliver(method, *cpp_args)

    def _bind(self, cpp: str | None, java: str | None) -> list[tuple[Any, bool]]:
        """The handler methods an event reaches; cached until the handlers change."""
        targets = []
        for handler in self._handlers:
            is_java = isinstance(handler, RtmClientListener)
            name = java if is_java else cpp
            method = getattr(handler, name, None) if name is not None else None
            if method is not None:
                targets.append((method, is_java))
        return targets

    def _send(self, frame: p.ClientFrame) -> None:
        if self._transport is None:
            self._transport = self._core.connect(self._on_frame)
            if isinstance(self._transport, LinkAware):
                self._transport.listen_link(self._on_link)
            if isinstance(self._transport, ChannelRouted):
                self._transport.route_channels(self._channels)
        self._inflight[frame.req] = frame
        # While reconnecting, requests wait until the re-login has succeeded and the old
        # session's answers have come (then they are sent again, in order, with the rest).
        reconnecting = self._conn.state is CONNECTION_STATE.CONNECTION_STATE_RECONNECTING
        if self._link_up and not reconnecting and not self._barrier_req:
            self._transport.send(frame)

    def abandonLink(self) -> None:
        """Close the connection to the core and forget it; the next call opens a new one.

        A sig2rtm extension for a client that gave up on a broken link while logged out
        (the legacy shim's C3): RTM itself reconnects forever while logged in.
        """
        with self._lock:
            transport, self._transport = self._transport, None
            if transport is not None:
                transport.close()
            self._inflight.clear()
            self._link_up = True

    def setHandOverListener(self, listener: Callable[[int | None], None] | None) -> None:
        """Be told where, among the events a resumed session is handed, time moves on.

        A sig2rtm extension (RTM has no such callback) for a client that makes events of its
        own while its link is down (the legacy shim's call timers) and must put them in time
        order among the service's held ones: ``listener(held_at)`` runs in order with the
        handler callbacks, before the events held at ``held_at`` (ms, the service's clock),
        and with None once the held events are over (see ``HandOver`` in rtm.protocol).
        """
        with self._lock:
            self._hand_over_listener = listener

    def _gate(self) -> int:
        """0 when logged in, else the shared NOT_INITIALIZED / USER_NOT_LOGGED_IN code."""
        if not self._initialized:
            return NOT_INITIALIZED
        if not self._conn.logged_in:
            return NOT_LOGGED_IN
        return 0

    def _change_state(self, reason: R) -> None:
        state = self._conn.fire(reason)
        self._emit(
            "onConnectionStateChanged", (int(state), int(reason)), "onConnectionStateChanged"
        )

    # --- login / logout / tokens -----------------------------------------------------

    def login(
        self, token: str | None, userId: str, callback: ResultCallback[None] | None = None
    ) -> int:
        E = LOGIN_ERR_CODE
        with self._lock:
            code, text = 0, ""
            if not self._initialized:
                code, text = E.LOGIN_ERR_NOT_INITIALIZED, "not initialized"
            elif token is not None and not isinstance(token, str):
                code, text = E.LOGIN_ERR_INVALID_ARGUMENT, "token must be a string or None"
            elif reason := check_id(userId, "userId", self.limits.id_bytes):
                code, text = E.LOGIN_ERR_INVALID_ARGUMENT, reason
            elif self._conn.state is not CONNECTION_STATE.CONNECTION_STATE_DISCONNECTED:
                code, text = E.LOGIN_ERR_ALREADY_LOGIN, "already logged in (log out first)"
            if code:
                self._emit("onLoginFailure", (int(code),))
                self._requests.report(callback, code, None, text)
                return int(code)
            self._user_id = userId
            self._token = token
            self._subscribed.clear()
            self._local_attrs.clear()
            self._awaiting_token = False
            self._change_state(R.CONNECTION_CHANGE_REASON_LOGIN)

            def done(code: int, value: Any) -> None:
                if self._login_req != req:
                    return
                self._login_req = 0
                self._cancel_login_timer()
                if code == 0:
                    self._change_state(R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS)
                    self._emit("onLoginSuccess")
                else:
                    self._change_state(R.CONNECTION_CHANGE_REASON_LOGIN_FAILURE)
                    self._emit("onLoginFailure", (code,))
                self._requests.report(callback, code, None, value if isinstance(value, str) else "")

            req = self._requests.request(lambda r: p.Login(r, self._app_id, userId, token), done)
            self._login_req = req
            self._login_callback = callback
            self._login_timer = self._sched.call_later(
                self.limits.login_timeout, self._login_timed_out, req, callback
            )
            return 0

    def _cancel_login_timer(self) -> None:
        if self._login_timer is not None:
            self._login_timer.cancel()
            self._login_timer = None

    def _login_timed_out(self, req: int, callback: ResultCallback[None] | None) -> None:
        if self._login_req != req:
            return
        self._login_req = 0
        self._login_timer = None
        self._pending[req] = self._late_login_result
        code = LOGIN_ERR_CODE.LOGIN_ERR_TIMEOUT
        self._change_state(R.CONNECTION_CHANGE_REASON_LOGIN_TIMEOUT)
        self._emit("onLoginFailure", (int(code),))
        self._requests.report(callback, code, None, "login timed out")

    def _late_login_result(self, code: int, value: Any) -> None:
        if code == 0:  # the service let us in after we gave up: undo it there
            self._send(p.Logout(next(self._reqs)))

    def _local_logout(self) -> None:
        """Leave every local state that a logged-in client holds, without callbacks."""
        if self._login_req:
            self._pending[self._login_req] = self._late_login_result
            self._login_req = 0
            self._cancel_login_timer()
            # The pending login still reports its outcome exactly once.
            code = LOGIN_ERR_CODE.LOGIN_ERR_UNKNOWN
            self._emit("onLoginFailure", (int(code),))
            self._requests.report(self._login_callback, code, None, "login aborted by logout()")
        for channel in self._channels.values():
            channel.drop_membership()
        if self._call_manager is not None:
            self._call_manager.logged_out()
        if self._conn.state is not CONNECTION_STATE.CONNECTION_STATE_DISCONNECTED:
            self._change_state(R.CONNECTION_CHANGE_REASON_LOGOUT)

    def logout(self, callback: ResultCallback[None] | None = None) -> int:
        E = LOGOUT_ERR_CODE
        with self._lock:
            code = 0
            if not self._initialized:
                code = E.LOGOUT_ERR_NOT_INITIALIZED
            elif self._conn.state is CONNECTION_STATE.CONNECTION_STATE_DISCONNECTED:
                code = E.LOGOUT_ERR_USER_NOT_LOGGED_IN
            if code:
                self._emit("onLogout", (int(code),))
                self._requests.report(callback, code, None)  # 101 / 102: described by rtm.requests
                return int(code)
            self._local_logout()

            def done(code: int, value: Any) -> None:
                # Whatever the service answers (it may have ended the session already),
                # the client is logged out now.
                self._emit("onLogout", (0,))
                self._requests.report(callback, 0, None)

            self._requests.request(p.Logout, done)
            return 0

    def renewToken(self, token: str, callback: ResultCallback[None] | None = None) -> int:
        E = RENEW_TOKEN_ERR_CODE
        with self._lock:
            code, text = self._gate(), ""
            if not code and not isinstance(token, str):
                code, text = E.RENEW_TOKEN_ERR_INVALID_ARGUMENT, "token must be a string"
            if code:
                self._emit("onRenewTokenResult", (token, int(code)))
                self._requests.report(callback, code, None, text)
                return int(code)
            if self._conn.state is CONNECTION_STATE.CONNECTION_STATE_RECONNECTING:
                # No session to renew on: the token is kept for the re-login, which it
                # starts at once if the last one failed for an expired token (RTM 1.5).
                self._token = token
                if self._awaiting_token and self._link_up and not self._relogin_req:
                    self._relogin()
                self._emit("onRenewTokenResult", (token, 0))
                self._requests.report(callback, 0, None)
                return 0

            def done(code: int, value: Any) -> None:
                self._emit("onRenewTokenResult", (token, code))
                self._requests.report(callback, code, None, _text(value) if code else "")

            self._requests.request(lambda r: p.RenewToken(r, token), done)
            return 0

    # --- peer messages ---------------------------------------------------------------

    def createMessage(
        self, text_or_raw: str | bytes | None = None, description: str | None = None
    ) -> RtmMessage:
        """``createMessage()``, ``createMessage(text)``, ``createMessage(raw[, description])``."""
        if text_or_raw is None:
            return RtmMessage("")
        if isinstance(text_or_raw, bytes | bytearray | memoryview):
            return RtmMessage(description or "", bytes(text_or_raw))
        if isinstance(text_or_raw, str):
            return RtmMessage(text_or_raw)
        raise TypeError(f"createMessage takes str or bytes, not {type(text_or_raw).__name__}")

    def sendMessageToPeer(
        self,
        peerId: str,
        message: RtmMessage,
        options: SendMessageOptions | None = None,
        callback: ResultCallback[None] | None = None,
    ) -> int:
        E = PEER_MESSAGE_ERR_CODE
        with self._lock:
            code, text = self._gate(), ""
            payload: p.Payload | str = ""
            if not code:
                if reason := check_id(peerId, "peerId", self.limits.id_bytes):
                    code, text = E.PEER_MESSAGE_ERR_INVALID_USERID, reason
                elif isinstance(payload := self._requests.message_payload(message), str):
                    code, text = E.PEER_MESSAGE_ERR_INVALID_MESSAGE, payload
                elif options is not None and not isinstance(options, SendMessageOptions):
                    code, text = E.PEER_MESSAGE_ERR_FAILURE, "options must be SendMessageOptions"
            message_id = message.messageId if isinstance(message, RtmMessage) else 0
            if code or isinstance(payload, str):
                self._emit("onSendMessageResult", (message_id, int(code)))
                self._requests.report(callback, code, None, text)
                return int(code)
            offline = bool(options is not None and options.enableOfflineMessaging)
            emit, result = self._emit, self._requests.report

            def done(code: int, value: Any) -> None:
                emit("onSendMessageResult", (message_id, code))
                if callback is not None:
                    result(callback, code, None, _text(value))

            req = next(self._reqs)
            self._pending[req] = done
            self._send(p.SendPeer(req, peerId, payload, offline))
            return 0

    def sendMessageToServer(
        self,
        message: RtmMessage,
        url: str,
        signature: str,
        callback: Callable[[int, bytes], None],
    ) -> int:
        """Send ``message`` to the app's business server (a sig2rtm extension, not RTM 1.x).

        The service POSTs ``{"message", "binary", "signature"}`` to ``url``. Returns 0, or at
        once an error code (``SERVER_MESSAGE_ERR``); either way ``callback(code, ack)`` is
        called exactly once, on the callback thread, ``ack`` being the business server's
        response body on success (b"" on failure). See docs/business-server.md.
        """
        E = SERVER_MESSAGE_ERR
        with self._lock:
            code, text = self._gate(), ""
            payload: p.Payload | str = ""
            if not code:
                if not isinstance(message, RtmMessage):
                    code, text = E.FAILURE, "message must be an RtmMessage from createMessage()"
                elif reason := check_url(url):
                    code, text = E.INVALID_URL, reason
                elif not isinstance(signature, str):
                    code, text = E.FAILURE, "signature must be a string"
                elif payload_size(payload := message.payload()) > MAX_MESSAGE_BYTES:
                    code, text = E.INVALID_MESSAGE, f"larger than {MAX_MESSAGE_BYTES} bytes"
            if code or isinstance(payload, str):
                reasons.info("sendMessageToServer failed with code %d: %s", code, text)
                self._deliver(callback, int(code), b"")
                return int(code)
            deliver = self._deliver

            def done(code: int, value: Any) -> None:
                deliver(callback, code, value if code == 0 and isinstance(value, bytes) else b"")

            req = next(self._reqs)
            self._pending[req] = done
            self._send(p.SendServer(req, payload, url, signature))
            return 0

    def _on_peer_message(self, frame: p.PeerMessageIn) -> None:
        if frame.origin:
            message = server_message(frame.payload, frame.ts, frame.offline, frame.room)
        else:
            message = received_message(frame.payload, frame.ts, frame.offline)
        self._emit(
            "onMessageReceivedFromPeer",
            (frame.from_user, message),
            "onMessageReceived",
            (message, frame.from_user),
        )

    # --- presence ----------------------------------------------------------------------

    def _ids_request(
        self,
        peerIds: Iterable[str],
        limit: int,
        invalid: int,
        frame_type: Callable[[int, tuple[str, ...]], p.ClientFrame],
        done: Callable[[int, int, Any], None],
        requestId: RequestId | None,
        overflow: int | None = None,
    ) -> int:
        """``overflow``: the code for more than ``limit`` distinct IDs (else ``invalid``)."""
        with self._lock:
            code, text = self._gate(), None
            ids: tuple[str, ...] = ()
            if not code:
                if isinstance(peerIds, str | bytes) or not isinstance(peerIds, Iterable):
                    code, text = invalid, "peerIds must be a collection of strings"
                else:
                    ids = tuple(peerIds)  # once: peerIds may be a one-shot iterator
                    count_limit = limit if overflow is None else max(1, len(ids))
                    text = check_ids(ids, "peerIds", count_limit, self.limits.id_bytes)
                    if text:
                        code = invalid
                    elif overflow is not None and len(set(ids)) > limit:
                        code, text = overflow, f"more than {limit} peers"
            if code:
                req = next(self._reqs)
                if requestId is not None:
                    requestId.value = req
                done(req, code, text)
                return code
            req = self._requests.request(lambda r: frame_type(r, ids), lambda c, v: done(req, c, v))
            if requestId is not None:
                requestId.value = req
            return 0

    def queryPeersOnlineStatus(
        self,
        peerIds: Iterable[str],
        callback: ResultCallback[dict[str, bool]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        E = QUERY_PEERS_ONLINE_STATUS_ERR

        def done(req: int, code: int, value: Any) -> None:
            states = [PeerOnlineStatus(peer, state) for peer, state in value] if code == 0 else []
            self._emit("onQueryPeersOnlineStatusResult", (req, states, len(states), code))
            self._requests.report(
                callback, code, {s.peerId: s.isOnline for s in states}, _text(value)
            )

        return self._ids_request(
            peerIds,
            self.limits.query_online_ids,
            E.QUERY_PEERS_ONLINE_STATUS_ERR_INVALID_ARGUMENT,
            p.QueryOnline,
            done,
            requestId,
        )

    def subscribePeersOnlineStatus(
        self,
        peerIds: Iterable[str],
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        def done(req: int, code: int, value: Any) -> None:
            self._emit("onSubscriptionRequestResult", (req, code))
            self._requests.report(callback, code, None, _text(value))

        return self._ids_request(
            peerIds,
            self.limits.subscribed_peers,
            PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_INVALID_ARGUMENT,
            p.Subscribe,
            done,
            requestId,
            PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW,
        )

    def unsubscribePeersOnlineStatus(
        self,
        peerIds: Iterable[str],
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        def done(req: int, code: int, value: Any) -> None:
            self._emit("onSubscriptionRequestResult", (req, code))
            self._requests.report(callback, code, None, _text(value))

        return self._ids_request(
            peerIds,
            self.limits.subscribed_peers,
            PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_INVALID_ARGUMENT,
            p.Unsubscribe,
            done,
            requestId,
        )

    def queryPeersBySubscriptionOption(
        self,
        option: int = PEER_SUBSCRIPTION_OPTION.PEER_SUBSCRIPTION_OPTION_ONLINE_STATUS,
        callback: ResultCallback[set[str]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        E = QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR
        with self._lock:
            code, text = self._gate(), None
            if (
                not code
                and option != PEER_SUBSCRIPTION_OPTION.PEER_SUBSCRIPTION_OPTION_ONLINE_STATUS
            ):
                code = E.QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR_FAILURE
                text = f"unknown subscription option {option!r}"

            def done(req: int, code: int, value: Any) -> None:
                peers = list(value or ()) if code == 0 else []
                self._emit("onQueryPeersBySubscriptionOptionResult", (req, peers, len(peers), code))
                self._requests.report(callback, code, set(peers), _text(value))

            req = next(self._reqs)
            if requestId is not None:
                requestId.value = req
            if code:
                done(req, code, text)
                return int(code)
            self._pending[req] = lambda c, v: done(req, c, v)
            self._send(p.QuerySubscribed(req))
            return 0

    def _on_presence(self, frame: p.PresenceIn) -> None:
        states = [PeerOnlineStatus(peer, state) for peer, state in frame.states]
        self._emit(
            "onPeersOnlineStatusChanged",
            (states, len(states)),
            "onPeersOnlineStatusChanged",
            (dict(frame.states),),
        )

    # --- attributes --------------------------------------------------------------------

    def _attr_request(
        self,
        make: Callable[[int], p.ClientFrame],
        pairs: list[tuple[str, str]] | None,
        done: Callable[[int, int, Any], None],
        requestId: RequestId | None,
        problem: str | None = None,
    ) -> int:
        E = ATTRIBUTE_OPERATION_ERR
        with self._lock:
            code = self._gate()
            if not code and (problem or pairs is None):
                code = E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT
            req = next(self._reqs)
            if requestId is not None:
                requestId.value = req
            if code:
                done(req, code, problem)
                return int(code)
            self._pending[req] = lambda c, v: done(req, c, v)
            self._send(make(req))
            return 0

    def _user_attr_write(
        self,
        op: str,
        result_event: str,
        pairs: list[tuple[str, str]] | None,
        keys: tuple[str, ...],
        callback: ResultCallback[None] | None,
        requestId: RequestId | None,
        problem: str | None = None,
    ) -> int:
        def done(req: int, code: int, value: Any) -> None:
            self._emit(result_event, (req, code))
            self._requests.report(callback, code, None, value if isinstance(value, str) else "")

        return self._attr_request(
            lambda r: p.UserAttrs(r, op, tuple(pairs or ()), keys), pairs, done, requestId, problem
        )

    def setLocalUserAttributes(
        self,
        attributes: Iterable[RtmAttribute],
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        return self._user_attr_write(
            "set", "onSetLocalUserAttributesResult", _pairs(attributes), (), callback, requestId
        )

    def addOrUpdateLocalUserAttributes(
        self,
        attributes: Iterable[RtmAttribute],
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        pairs = _pairs(attributes)
        problem = None if pairs else "no attributes given"
        return self._user_attr_write(
            "add",
            "onAddOrUpdateLocalUserAttributesResult",
            pairs,
            (),
            callback,
            requestId,
            problem,
        )

    def deleteLocalUserAttributesByKeys(
        self,
        attributeKeys: Iterable[str],
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        keys = _keys(attributeKeys)
        return self._user_attr_write(
            "delete",
            "onDeleteLocalUserAttributesResult",
            [],
            keys or (),
            callback,
            requestId,
            None if keys else "attributeKeys must be a non-empty collection of strings",
        )

    def clearLocalUserAttributes(
        self, callback: ResultCallback[None] | None = None, *, requestId: RequestId | None = None
    ) -> int:
        return self._user_attr_write(
            "clear", "onClearLocalUserAttributesResult", [], (), callback, requestId
        )

    def _get_user_attrs(
        self,
        userId: str,
        keys: tuple[str, ...] | None,
        callback: ResultCallback[list[RtmAttribute]] | None,
        requestId: RequestId | None,
        problem: str | None = None,
    ) -> int:
        problem = problem or check_id(userId, "userId", self.limits.id_bytes)

        def done(req: int, code: int, value: Any) -> None:
            attrs = [RtmAttribute(k, v) for k, v in value[1]] if code == 0 else []
            self._emit("onGetUserAttributesResult", (req, userId, attrs, len(attrs), code))
            self._requests.report(callback, code, attrs, value if isinstance(value, str) else "")

        return self._attr_request(
            lambda r: p.GetUserAttrs(r, userId, keys), [], done, requestId, problem
        )

    def getUserAttributes(
        self,
        userId: str,
        callback: ResultCallback[list[RtmAttribute]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        return self._get_user_attrs(userId, None, callback, requestId)

    def getUserAttributesByKeys(
        self,
        userId: str,
        attributeKeys: Iterable[str],
        callback: ResultCallback[list[RtmAttribute]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        keys = _keys(attributeKeys)
        problem = None if keys else "attributeKeys must be a non-empty collection of strings"
        return self._get_user_attrs(userId, keys, callback, requestId, problem)

    def createChannelAttribute(self) -> RtmChannelAttribute:
        return RtmChannelAttribute()

    def _channel_attr_write(
        self,
        op: str,
        result_event: str,
        channelId: str,
        pairs: list[tuple[str, str]] | None,
        keys: tuple[str, ...],
        options: ChannelAttributeOptions | None,
        callback: ResultCallback[None] | None,
        requestId: RequestId | None,
        problem: str | None = None,
    ) -> int:
        problem = problem or check_id(channelId, "channelId", self.limits.id_bytes)
        if options is not None and not isinstance(options, ChannelAttributeOptions):
            problem, options = "options must be ChannelAttributeOptions", None
        notify = bool(options is not None and options.enableNotificationToChannelMembers)

        def done(req: int, code: int, value: Any) -> None:
            self._emit(result_event, (req, code))
            self._requests.report(callback, code, None, value if isinstance(value, str) else "")

        return self._attr_request(
            lambda r: p.ChannelAttrs(r, op, channelId, tuple(pairs or ()), keys, notify),
            pairs,
            done,
            requestId,
            problem,
        )

    def setChannelAttributes(
        self,
        channelId: str,
        attributes: Iterable[RtmChannelAttribute],
        options: ChannelAttributeOptions | None = None,
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        return self._channel_attr_write(
            "set",
            "onSetChannelAttributesResult",
            channelId,
            _pairs(attributes),
            (),
            options,
            callback,
            requestId,
        )

    def addOrUpdateChannelAttributes(
        self,
        channelId: str,
        attributes: Iterable[RtmChannelAttribute],
        options: ChannelAttributeOptions | None = None,
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        pairs = _pairs(attributes)
        return self._channel_attr_write(
            "add",
            "onAddOrUpdateChannelAttributesResult",
            channelId,
            pairs,
            (),
            options,
            callback,
            requestId,
            None if pairs else "no attributes given",
        )

    def deleteChannelAttributesByKeys(
        self,
        channelId: str,
        attributeKeys: Iterable[str],
        options: ChannelAttributeOptions | None = None,
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        keys = _keys(attributeKeys)
        return self._channel_attr_write(
            "delete",
            "onDeleteChannelAttributesResult",
            channelId,
            [],
            keys or (),
            options,
            callback,
            requestId,
            None if keys else "attributeKeys must be a non-empty collection of strings",
        )

    def clearChannelAttributes(
        self,
        channelId: str,
        options: ChannelAttributeOptions | None = None,
        callback: ResultCallback[None] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        return self._channel_attr_write(
            "clear",
            "onClearChannelAttributesResult",
            channelId,
            [],
            (),
            options,
            callback,
            requestId,
        )

    def _get_channel_attrs(
        self,
        channelId: str,
        keys: tuple[str, ...] | None,
        callback: ResultCallback[list[RtmChannelAttribute]] | None,
        requestId: RequestId | None,
        problem: str | None = None,
    ) -> int:
        problem = problem or check_id(channelId, "channelId", self.limits.id_bytes)

        def done(req: int, code: int, value: Any) -> None:
            attrs = [RtmChannelAttribute._from(a) for a in value] if code == 0 else []
            self._emit("onGetChannelAttributesResult", (req, attrs, len(attrs), code))
            self._requests.report(callback, code, attrs, value if isinstance(value, str) else "")

        return self._attr_request(
            lambda r: p.GetChannelAttrs(r, channelId, keys), [], done, requestId, problem
        )

    def getChannelAttributes(
        self,
        channelId: str,
        callback: ResultCallback[list[RtmChannelAttribute]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        return self._get_channel_attrs(channelId, None, callback, requestId)

    def getChannelAttributesByKeys(
        self,
        channelId: str,
        attributeKeys: Iterable[str],
        callback: ResultCallback[list[RtmChannelAttribute]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        keys = _keys(attributeKeys)
        problem = None if keys else "attributeKeys must be a non-empty collection of strings"
        return self._get_channel_attrs(channelId, keys, callback, requestId, problem)

    def getChannelMemberCount(
        self,
        channelIds: Iterable[str],
        callback: ResultCallback[list[ChannelMemberCount]] | None = None,
        *,
        requestId: RequestId | None = None,
    ) -> int:
        E = GET_CHANNEL_MEMBER_COUNT_ERR_CODE
        with self._lock:
            code, text = self._gate(), None
            ids: tuple[str, ...] = ()
            if not code:
                if isinstance(channelIds, str | bytes) or not isinstance(channelIds, Iterable):
                    code = E.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT
                    text = "channelIds must be a collection of strings"
                else:
                    ids = tuple(channelIds)
                    limit = self.limits.member_count_ids
                    if len(ids) > limit:
                        code = E.GET_CHANNEL_MEMBER_COUNT_ERR_EXCEED_LIMIT
                        text = f"{len(ids)} channels given, at most {limit} allowed"
                    elif text := check_ids(ids, "channelIds", limit):
                        code = E.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT

            def done(req: int, code: int, value: Any) -> None:
                counts = [ChannelMemberCount(c, n) for c, n in value] if code == 0 else []
                self._emit("onGetChannelMemberCountResult", (req, counts, len(counts), code))
                self._requests.report(callback, code, counts, _text(value))

            req = next(self._reqs)
            if requestId is not None:
                requestId.value = req
            if code:
                done(req, code, text)
                return int(code)
            self._pending[req] = lambda c, v: done(req, c, v)
            self._send(p.MemberCount(req, ids))
            return 0

    # --- channels and calls -------------------------------------------------------------

    def createChannel(self, channelId: str, eventHandler: Any) -> RtmChannel | None:
        """The channel object for ``channelId`` (the same one if it exists); None if invalid."""
        from .channel import RtmChannel

        with self._lock:
            if not self._initialized or check_id(channelId, "channelId", self.limits.id_bytes):
                return None
            channel = self._channels.get(channelId)
            if channel is None:
                channel = self._channels[channelId] = RtmChannel(
                    self._requests, channelId, eventHandler
                )
            return channel

    def _on_channel_message(self, frame: p.ChannelMessageIn) -> None:
        channel = self._channels.get(frame.channel_id)
        if channel is not None:
            channel.message_in(frame)

    def _to_channel(self, frame: Any) -> None:
        channel = self._channels.get(frame.channel_id)
        if channel is not None:
            channel.frame_in(frame)

    def getRtmCallManager(self, eventHandler: Any = None) -> RtmCallManager:
        """The client's call manager (one per client); ``eventHandler`` replaces its handler."""
        from .call_manager import RtmCallManager

        with self._lock:
            if self._call_manager is None:
                self._call_manager = RtmCallManager(self._requests)
            if eventHandler is not None:
                self._call_manager.setEventListener(eventHandler)
            return self._call_manager

    def _on_call_signal(self, frame: p.CallSignalIn) -> None:
        self.getRtmCallManager().signal_in(frame)

    # --- frames from the service ------------------------------------------------------

    def _on_frame(self, frame: p.ServerFrame) -> None:
        if type(frame) is p.ChannelMessageIn:  # the fan-out's hot path: one call less
            channel = self._channels.get(frame.channel_id)
            if channel is not None:
                channel.message_in(frame)
            return
        handler = self._frame_handlers.get(type(frame))
        if handler is None:
            log.warning("unexpected frame %r", frame)
            return
        handler(frame)

    def _on_result(self, frame: p.Result) -> None:
        code = int(frame.code)
        sent = self._inflight.pop(frame.req, None)
        if code != 0 and isinstance(frame.value, str):
            # The app sees only the code; the service's reason goes to the log.
            what = type(sent).__name__ if sent is not None else f"request {frame.req}"
            reasons.info("%s failed with code %d: %s", what, code, frame.value)
        if sent is not None:
            if frame.req in self._replayed:
                self._replayed.discard(frame.req)
                # A join or leave sent again after a reconnect may already have been done.
                if _ALREADY_DONE.get(type(sent)) == code:
                    code = 0
            if code == 0:
                track = _TRACK.get(type(sent))
                if track is not None:
                    track(self, sent)
        done = self._pending.pop(frame.req, None)
        if done is not None:
            done(code, frame.value)

    # --- reconnection ------------------------------------------------------------------

    def _on_link(self, up: bool) -> None:
        if up:
            self._link_restored()
        else:
            self._link_lost()

    def _link_lost(self) -> None:
        """The transport's link broke: CONNECTED -> RECONNECTING; requests wait for a link."""
        if not self._link_up:
            return
        self._link_up = False
        for req in (self._relogin_req, self._barrier_req):
            self._pending.pop(req, None)
        self._relogin_req = self._barrier_req = 0
        if self._conn.state is CONNECTION_STATE.CONNECTION_STATE_CONNECTED:
            self._change_state(R.CONNECTION_CHANGE_REASON_INTERRUPTED)

    def _link_restored(self) -> None:
        """A new link is up: log in again if we were connected, else just resend requests."""
        if self._link_up:
            return
        self._link_up = True
        if self._conn.state is CONNECTION_STATE.CONNECTION_STATE_RECONNECTING:
            self._relogin()
        else:
            self._replay()

    def _direct(self, frame: p.ClientFrame, on_result: OnResult) -> None:
        """Send a reconnection request now, outside the in-flight set (it is redone on the
        next link anyway)."""
        self._pending[frame.req] = on_result
        if self._transport is not None:
            self._transport.send(frame)

    def _relogin(self) -> None:
        req = next(self._reqs)
        self._relogin_req = req
        self._direct(
            p.Login(req, self._app_id, self._user_id, self._token),
            lambda code, value: self._relogged_in(req, code, value),
        )

    def _relogged_in(self, req: int, code: int, value: Any) -> None:
        E = LOGIN_ERR_CODE
        if req != self._relogin_req:
            return
        self._relogin_req = 0
        if self._conn.state is not CONNECTION_STATE.CONNECTION_STATE_RECONNECTING:
            if code == 0:  # logged out meanwhile: undo the re-login on the service
                self._direct(p.Logout(next(self._reqs)), lambda c, v: None)
            return
        if code == 0:
            self._awaiting_token = False
            self._resync()
            # The resumed session's held frames (answers to requests the old link lost
            # included) follow the login's result. One round trip later they are all here,
            # and only the requests still unanswered are sent again.
            barrier = self._barrier_req = next(self._reqs)
            self._direct(p.QuerySubscribed(barrier), lambda c, v: self._barrier_passed(barrier))
            self._change_state(R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS)
        elif code == E.LOGIN_ERR_TOKEN_EXPIRED:
            self._awaiting_token = True
            self._emit("onTokenExpired", (), "onTokenExpired")
        elif code in _RELOGIN_RETRY:
            self._sched.call_later(self.limits.rates.login.seconds, self._retry_relogin)
        else:  # the service refuses this user now (e.g. a revoked token): give up
            log.warning("re-login refused (%s: %s): aborting", code, value)
            self._on_kicked(p.Kicked(int(R.CONNECTION_CHANGE_REASON_BANNED_BY_SERVER)))

    def _barrier_passed(self, req: int) -> None:
        if req == self._barrier_req:
            self._barrier_req = 0
            self._replay()

    def _retry_relogin(self) -> None:
        state = self._conn.state
        reconnecting = state is CONNECTION_STATE.CONNECTION_STATE_RECONNECTING
        if reconnecting and self._link_up and not self._relogin_req:
            self._relogin()

    def _resync(self) -> None:
        """Tell the new session what the old one knew: channels, subscriptions, attributes."""
        for channel in list(self._channels.values()):
            if channel.state is MemberState.JOINED:
                self._direct(
                    p.Join(next(self._reqs), channel.getId()),
                    functools.partial(self._rejoined, channel),
                )
        if self._subscribed:
            self._direct(
                p.Subscribe(next(self._reqs), tuple(self._subscribed)),
                lambda code, value: self._resync_failed("subscriptions", code, value),
            )
        if self._local_attrs:
            self._direct(
                p.UserAttrs(next(self._reqs), "set", tuple(self._local_attrs.items())),
                lambda code, value: self._resync_failed("user attributes", code, value),
            )

    def _rejoined(self, channel: RtmChannel, code: int, value: Any) -> None:
        if code not in (0, JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_ALREADY_JOINED):
            log.warning("rejoin of %s failed (%s: %s)", channel.getId(), code, value)
            channel.drop_membership()

    def _resync_failed(self, what: str, code: int, value: Any) -> None:
        if code:
            log.warning("restoring %s after reconnecting failed (%s: %s)", what, code, value)

    def _replay(self) -> None:
        """Send every unanswered request again, oldest first."""
        transport = self._transport
        if transport is None:
            return
        for req, frame in list(self._inflight.items()):
            if type(frame) in _ALREADY_DONE:
                self._replayed.add(req)
            transport.send(frame)

    def _track_subscribe(self, frame: p.Subscribe) -> None:
        self._subscribed.update(dict.fromkeys(frame.peer_ids))

    def _track_unsubscribe(self, frame: p.Unsubscribe) -> None:
        for peer in frame.peer_ids:
            self._subscribed.pop(peer, None)

    def _track_user_attrs(self, frame: p.UserAttrs) -> None:
        current = self._local_attrs
        if frame.op == "set":
            self._local_attrs = dict(frame.attrs)
        elif frame.op == "add":
            current.update(frame.attrs)
        elif frame.op == "delete":
            for key in frame.keys:
                current.pop(key, None)
        elif frame.op == "clear":
            current.clear()

    def _track_token(self, frame: p.RenewToken) -> None:
        self._token = frame.token

    def _on_kicked(self, frame: p.Kicked) -> None:
        reason = R(frame.reason)
        if reason is R.CONNECTION_CHANGE_REASON_INTERRUPTED:
            return  # the service handing a lost session over to our new link; not for us
        if not self._conn.can(reason):
            return
        for channel in self._channels.values():
            channel.drop_membership()
        if self._call_manager is not None:
            self._call_manager.logged_out()
        self._change_state(reason)
        if reason is R.CONNECTION_CHANGE_REASON_TOKEN_EXPIRED:
            self._emit("onTokenExpired", (), "onTokenExpired")

    def _on_hand_over(self, frame: p.HandOver) -> None:
        listener = self._hand_over_listener
        if listener is not None:
            self._deliver(listener, frame.held_at)

    def _on_token_will_expire(self, frame: p.TokenWillExpire) -> None:
        self._emit("onTokenPrivilegeWillExpire", (), "onTokenPrivilegeWillExpire")


#: What a successful request changes in the state a reconnect restores.
_TRACK: dict[type, Callable[[RtmClient, Any], None]] = {
    p.Subscribe: RtmClient._track_subscribe,
    p.Unsubscribe: RtmClient._track_unsubscribe,
    p.UserAttrs: RtmClient._track_user_attrs,
    p.RenewToken: RtmClient._track_token,
}

#: The code a request sent again after a reconnect gets if the first copy was carried out.
_ALREADY_DONE: dict[type, int] = {
    p.Join: JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_ALREADY_JOINED,
    p.Leave: LEAVE_CHANNEL_ERR.LEAVE_CHANNEL_ERR_NOT_IN_CHANNEL,
}

#: Re-login failures worth another try (rate limit, transient trouble on the service).
_RELOGIN_RETRY = frozenset(
    {
        LOGIN_ERR_CODE.LOGIN_ERR_UNKNOWN,
        LOGIN_ERR_CODE.LOGIN_ERR_REJECTED,
        LOGIN_ERR_CODE.LOGIN_ERR_TIMEOUT,
        LOGIN_ERR_CODE.LOGIN_ERR_TOO_OFTEN,
    }
)


def createRtmService(core: Core | None = None) -> RtmClient:
    """C++ ``createRtmService()``: an uninitialized service; call ``initialize`` next."""
    return RtmClient(core)


IRtmService = RtmClient


def _pairs(attributes: object) -> list[tuple[str, str]] | None:
    if isinstance(attributes, str | bytes) or not isinstance(attributes, Iterable):
        return None
    out = []
    for attribute in attributes:
        if not isinstance(attribute, RtmAttribute):
            return None
        out.append((attribute.key, attribute.value))
    return out


def _keys(keys: object) -> tuple[str, ...] | None:
    if isinstance(keys, str | bytes) or not isinstance(keys, Iterable):
        return None
    items = tuple(keys)
    if not items or not all(isinstance(k, str) and k for k in items):
        return None
    return items


def _text(value: object) -> str:
    """The service's (or a local check's) explanation of a failure, if ``value`` is one."""
    return value if isinstance(value, str) else ""
