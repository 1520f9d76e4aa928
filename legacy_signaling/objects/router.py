"""``NativeRouter``: one native instance seen as sessions, channel objects and call objects.

The native API has one callback handler per instance and identifies things by strings
(a message id, a channel name, a (channel, peer) pair). The object flavours hand the app a
callback object per message, per channel and per call. The router is the handler the
object layer installs on its native instance (``callbackSet``); it keeps the registries
that turn the native strings back into the app's objects, and hands each callback to the
session's :class:`Sink` as an event of ``legacy_signaling.objects.events``.

How each native callback is resolved:

* message results: by the message id the router chose when sending (``obj-<n>``);
* ``invoke`` / ``bc_call`` results: by the call id the router chose (``obj-<n>``);
* channel results: ``onChannelJoined`` / ``onChannelJoinFailed`` complete the oldest
  pending join of that name; ``onChannelLeaved`` and every in-channel event go to the
  joined channel (the native API has one channel at a time, and ``onChannelUserJoined``,
  ``onChannelUserLeaved`` and ``onChannelUserList`` carry no channel name);
* call events: by (channel, peer). The legacy SDKs kept one live call per pair; should a
  second one be made (it is refused with 701), failures answered at invitation time (700,
  701) go to the newest call of the pair and everything else to the oldest.

Registry changes happen under a lock (apps call the SDK from their own threads while
callbacks arrive on the provider's); user callbacks run outside it.
"""

from __future__ import annotations

import abc
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Final, Generic, TypeVar

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.callback import ICallBack
from legacy_signaling.codes import ECODE, INVOKE_PREFIX
from legacy_signaling.identity import compact_json
from legacy_signaling.objects.dispatch import LOGGER_NAME
from legacy_signaling.objects.events import (
    TERMINAL_CALL_EVENTS,
    CallEvent,
    ChannelEvent,
    SessionEvent,
)

__all__ = ["ID_PREFIX", "MessageResult", "NativeRouter", "RpcResult", "Sink"]

log = logging.getLogger(LOGGER_NAME)

ChannelT = TypeVar("ChannelT")
CallT = TypeVar("CallT")

#: ``(ecode)``: 0 when the server accepted the message, else the legacy error code.
MessageResult = Callable[[int], None]
#: ``(err, resp)`` of ``onInvokeRet`` / ``(reason, json_ret)`` of ``onBCCall_result``.
RpcResult = Callable[[str, str], None]

#: Prefix of the message and call ids the router chooses; distinct from the native
#: ``auto-<n>`` ids and from the numeric ids apps pick.
ID_PREFIX: Final = "obj-"

#: ``onInviteFailed`` codes that answer the invitation just made (V13, V5).
_INVITE_TIME_FAILURES: Final = frozenset({ECODE.INVITE_E_OTHER, ECODE.INVITE_E_REINVITE})


class Sink(abc.ABC, Generic[ChannelT, CallT]):
    """The session side of a router: receives routed events (never inside an API call)."""

    @abc.abstractmethod
    def session_event(self, event: SessionEvent, args: tuple[object, ...]) -> None:
        """An event for the session itself."""

    @abc.abstractmethod
    def channel_event(
        self, channel: ChannelT, event: ChannelEvent, args: tuple[object, ...]
    ) -> None:
        """An event for one channel object."""

    @abc.abstractmethod
    def call_event(self, call: CallT, event: CallEvent, args: tuple[object, ...]) -> None:
        """An event for one call object."""

    @abc.abstractmethod
    def incoming_call(self, channel: str, peer: str, peer_uid: int, extra: str) -> CallT:
        """Make the call object for an invitation this session received."""


class NativeRouter(ICallBack, Generic[ChannelT, CallT]):
    """Installs itself as ``native``'s handler and routes its callbacks to ``sink``."""

    def __init__(self, native: IAgoraAPI, app_id: str, sink: Sink[ChannelT, CallT]) -> None:
        self.native = native
        self.app_id = app_id
        self._sink = sink
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._messages: dict[str, MessageResult] = {}
        self._rpcs: dict[str, RpcResult] = {}
        self._joining: deque[tuple[str, ChannelT]] = deque()
        self._current: tuple[str, ChannelT] | None = None
        self._calls: dict[tuple[str, str], deque[CallT]] = {}
        self._end_extras: dict[CallT, str] = {}
        native.callbackSet(self)

    # ================================================================ registration helpers

    def _new_id(self) -> str:
        with self._lock:
            return f"{ID_PREFIX}{next(self._ids)}"

    @property
    def pending_messages(self) -> int:
        """Message results not yet received (for tests and leak checks)."""
        with self._lock:
            return len(self._messages)

    @property
    def pending_rpcs(self) -> int:
        """``invoke`` / ``bc_call`` results not yet received."""
        with self._lock:
            return len(self._rpcs)

    @property
    def joined_channel(self) -> ChannelT | None:
        """The channel object the native instance is in, as far as delivered callbacks say."""
        with self._lock:
            return None if self._current is None else self._current[1]

    def is_joining(self, channel: ChannelT) -> bool:
        """Whether ``channel``'s join has been sent and not yet answered."""
        with self._lock:
            return any(entry[1] is channel for entry in self._joining)

    def live_calls(self) -> list[CallT]:
        """Call objects not yet over, oldest first per (channel, peer)."""
        with self._lock:
            return [call for queue in self._calls.values() for call in queue]

    # ================================================================ requests

    def login(self, account: str, token: str) -> None:
        self.native.login(self.app_id, account, token, 0, "")

    def logout(self) -> None:
        self.native.logout()

    def send_instant(self, account: str, msg: str, on_result: MessageResult) -> None:
        """``messageInstantSend`` with a router-chosen id; ``on_result`` gets the outcome."""
        msg_id = self._new_id()
        with self._lock:
            self._messages[msg_id] = on_result
        try:
            self.native.messageInstantSend(account, 0, msg, msg_id)
        except BaseException:
            with self._lock:
                del self._messages[msg_id]
            raise

    def send_channel(
        self, channel: str, msg: str, on_result: MessageResult, *, force: bool
    ) -> None:
        """``messageChannelSend`` (or ``…Force``: no membership needed)."""
        msg_id = self._new_id()
        with self._lock:
            self._messages[msg_id] = on_result
        send = self.native.messageChannelSendForce if force else self.native.messageChannelSend
        try:
            send(channel, msg, msg_id)
        except BaseException:
            with self._lock:
                del self._messages[msg_id]
            raise

    def invoke(self, function: str, params: Mapping[str, object], on_result: RpcResult) -> None:
        """``invoke("io.agora.signal.<function>", JSON params)``; result by call id."""
        self._rpc(
            on_result,
            lambda call_id: self.native.invoke(
                INVOKE_PREFIX + function.removeprefix(INVOKE_PREFIX),
                compact_json(dict(params)),
                call_id,
            ),
        )

    def bc_call(self, func: str, json_args: str, on_result: RpcResult) -> None:
        """``bc_call``; ``on_result`` gets ``(reason, json_ret)``."""
        self._rpc(on_result, lambda call_id: self.native.bc_call(func, json_args, call_id))

    def _rpc(self, on_result: RpcResult, send: Callable[[str], None]) -> None:
        call_id = self._new_id()
        with self._lock:
            self._rpcs[call_id] = on_result
        try:
            send(call_id)
        except BaseException:
            with self._lock:
                del self._rpcs[call_id]
            raise

    def join(self, name: str, channel: ChannelT) -> None:
        """``channelJoin``; ``channel`` gets the join result and, once joined, its events."""
        entry = (name, channel)
        with self._lock:
            self._joining.append(entry)
        try:
            self.native.channelJoin(name)
        except BaseException:
            with self._lock:
                self._joining.remove(entry)
            raise

    def invite(self, channel: str, peer: str, extra: str, call: CallT) -> None:
        """``channelInviteUser2``; ``call`` gets the events of the (channel, peer) pair."""
        key = (channel, peer)
        with self._lock:
            self._calls.setdefault(key, deque()).append(call)
        try:
            self.native.channelInviteUser2(channel, peer, extra)
        except BaseException:
            with self._lock:
                self._forget_call(key, call)
            raise

    def end(self, channel: str, peer: str, call: CallT, extra: str) -> None:
        """``channelInviteEnd``; ``extra`` is reported locally by ``END_BY_MYSELF``.

        The native end carries no extra to the peer (docs/legacy-semantics.md V9); the
        object flavours' ``end(extra)`` hands it to the caller's own callback only.
        """
        with self._lock:
            live = any(call is each for each in self._calls.get((channel, peer), ()))
            if live:
                self._end_extras[call] = extra
        self.native.channelInviteEnd(channel, peer, 0)

    # ================================================================ registry internals

    def _forget_call(self, key: tuple[str, str], call: CallT) -> None:
        queue = self._calls.get(key)
        if queue is not None:
            for index, each in enumerate(queue):
                if each is call:
                    del queue[index]
                    break
            if not queue:
                del self._calls[key]
        self._end_extras.pop(call, None)

    def _take_joining(self, name: str) -> ChannelT | None:
        for entry in self._joining:
            if entry[0] == name:
                self._joining.remove(entry)
                return entry[1]
        return None

    def _in_channel(self, name: str | None) -> ChannelT | None:
        current = self._current
        if current is None or (name is not None and current[0] != name):
            return None
        return current[1]

    @staticmethod
    def _unroutable(callback: str, args: tuple[object, ...]) -> None:
        log.warning("native callback %s%r has no object to go to; dropped", callback, args)

    # ================================================================ delivery

    def _session(self, event: SessionEvent, *args: object) -> None:
        self._sink.session_event(event, args)

    def _channel(
        self, channel: ChannelT | None, callback: str, event: ChannelEvent, *args: object
    ) -> None:
        if channel is None:
            self._unroutable(callback, args)
            return
        self._sink.channel_event(channel, event, args)

    def _call(
        self,
        callback: str,
        key: tuple[str, str],
        event: CallEvent,
        *args: object,
        newest: bool = False,
    ) -> None:
        with self._lock:
            queue = self._calls.get(key)
            call = None if not queue else (queue[-1] if newest else queue[0])
            if call is not None and event in TERMINAL_CALL_EVENTS:
                if event is CallEvent.END_BY_MYSELF:
                    args = (self._end_extras.get(call, ""),)
                self._forget_call(key, call)
        if call is None:
            self._unroutable(callback, (*key, *args))
            return
        self._sink.call_event(call, event, args)

    def _finish_message(self, msg_id: str, ecode: int) -> None:
        with self._lock:
            handler = self._messages.pop(msg_id, None)
        if handler is None:
            self._unroutable("message result", (msg_id, ecode))
            return
        handler(ecode)

    def _finish_rpc(self, call_id: str, first: str, second: str) -> None:
        with self._lock:
            handler = self._rpcs.pop(call_id, None)
        if handler is None:
            self._unroutable("rpc result", (call_id, first, second))
            return
        handler(first, second)

    # ================================================================ ICallBack: session

    def onLoginSuccess(self, uid: int, fd: int) -> None:
        self._session(SessionEvent.LOGIN_SUCCESS, uid)

    def onLoginFailed(self, ecode: int) -> None:
        self._session(SessionEvent.LOGIN_FAILED, ecode)

    def onLogout(self, ecode: int) -> None:
        # V12: the calls of a session that ends are over, and its own side hears nothing.
        with self._lock:
            self._calls.clear()
            self._end_extras.clear()
        self._session(SessionEvent.LOGOUT, ecode)

    def onReconnecting(self, nretry: int) -> None:
        self._session(SessionEvent.RECONNECTING, nretry)

    def onReconnected(self, fd: int) -> None:
        self._session(SessionEvent.RECONNECTED)

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        self._session(SessionEvent.INSTANT_RECEIVED, account, uid, msg)

    def onError(self, name: str, ecode: int, desc: str) -> None:
        self._session(SessionEvent.ERROR, ecode, f"{name}: {desc}")

    def onLog(self, txt: str) -> None:
        log.debug("native: %s", txt)

    # ================================================================ ICallBack: messages, rpc

    def onMessageSendSuccess(self, messageID: str) -> None:
        self._finish_message(messageID, ECODE.SUCCESS)

    def onMessageSendError(self, messageID: str, ecode: int) -> None:
        self._finish_message(messageID, ecode)

    def onInvokeRet(self, callID: str, err: str, resp: str) -> None:
        self._finish_rpc(callID, err, resp)

    def onBCCall_result(self, reason: str, json_ret: str, callID: str) -> None:
        self._finish_rpc(callID, reason, json_ret)

    # ================================================================ ICallBack: channels

    def onChannelJoined(self, channelID: str) -> None:
        with self._lock:
            channel = self._take_joining(channelID)
            if channel is not None:
                self._current = (channelID, channel)
        self._channel(channel, "onChannelJoined", ChannelEvent.JOINED)

    def onChannelJoinFailed(self, channelID: str, ecode: int) -> None:
        with self._lock:
            channel = self._take_joining(channelID)
        self._channel(channel, "onChannelJoinFailed", ChannelEvent.JOIN_FAILED, ecode)

    def onChannelLeaved(self, channelID: str, ecode: int) -> None:
        with self._lock:
            channel = self._in_channel(channelID)
            if channel is not None:
                self._current = None
        self._channel(channel, "onChannelLeaved", ChannelEvent.LEFT, ecode)

    def onChannelUserJoined(self, account: str, uid: int) -> None:
        with self._lock:
            channel = self._in_channel(None)
        self._channel(channel, "onChannelUserJoined", ChannelEvent.USER_JOINED, account, uid)

    def onChannelUserLeaved(self, account: str, uid: int) -> None:
        with self._lock:
            channel = self._in_channel(None)
        self._channel(channel, "onChannelUserLeaved", ChannelEvent.USER_LEFT, account, uid)

    def onChannelUserList(self, accounts: list[str], uids: list[int]) -> None:
        with self._lock:
            channel = self._in_channel(None)
        self._channel(
            channel, "onChannelUserList", ChannelEvent.USER_LIST, list(accounts), list(uids)
        )

    def onChannelAttrUpdated(self, channelID: str, name: str, value: str, type: str) -> None:
        with self._lock:
            channel = self._in_channel(channelID)
        self._channel(channel, "onChannelAttrUpdated", ChannelEvent.ATTR_UPDATED, name, value, type)

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        with self._lock:
            channel = self._in_channel(channelID)
        self._channel(channel, "onMessageChannelReceive", ChannelEvent.MESSAGE, account, uid, msg)

    # ================================================================ ICallBack: calls

    def onInviteReceived(self, channelID: str, account: str, uid: int, extra: str) -> None:
        call = self._sink.incoming_call(channelID, account, uid, extra)
        with self._lock:
            self._calls.setdefault((channelID, account), deque()).append(call)
        self._session(SessionEvent.INVITE_RECEIVED, call)

    def onInviteReceivedByPeer(self, channelID: str, account: str, uid: int) -> None:
        self._call("onInviteReceivedByPeer", (channelID, account), CallEvent.RECEIVED_BY_PEER)

    def onInviteAcceptedByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self._call(
            "onInviteAcceptedByPeer", (channelID, account), CallEvent.ACCEPTED_BY_PEER, extra
        )

    def onInviteRefusedByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self._call("onInviteRefusedByPeer", (channelID, account), CallEvent.REFUSED_BY_PEER, extra)

    def onInviteFailed(
        self, channelID: str, account: str, uid: int, ecode: int, extra: str
    ) -> None:
        self._call(
            "onInviteFailed",
            (channelID, account),
            CallEvent.FAILED,
            ecode,
            newest=ecode in _INVITE_TIME_FAILURES,
        )

    def onInviteEndByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self._call("onInviteEndByPeer", (channelID, account), CallEvent.END_BY_PEER, extra)

    def onInviteEndByMyself(self, channelID: str, account: str, uid: int) -> None:
        self._call("onInviteEndByMyself", (channelID, account), CallEvent.END_BY_MYSELF)

    def onInviteMsg(
        self,
        channelID: str,
        account: str,
        uid: int,
        msgType: str,
        msgData: str,
        extra: str,
    ) -> None:
        # The object SDKs received the wire form of a call message: JSON with its type
        # and data (Web: {"msgtype":"dtmf","msgdata":digits}, reference §4.8).
        wire = compact_json({"msgtype": msgType.lower(), "msgdata": msgData})
        self._call("onInviteMsg", (channelID, account), CallEvent.MSG, wire)
