"""A channel object (Java ``RtmChannel``, C++ ``IChannel``) and its membership.

Membership is the table-driven :class:`~rtm.membership.MembershipMachine`; events from the
service reach the channel's handler only while the client is a member. Like RTM, a channel
message is not echoed to its sender, and join/leave events go to the other members only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import protocol as p
from .errors import (
    CHANNEL_MESSAGE_ERR_CODE,
    GET_MEMBERS_ERR,
    JOIN_CHANNEL_ERR,
    LEAVE_CHANNEL_ERR,
)
from .handlers import ChannelPayloadReceiver, ResultCallback, RtmChannelListener
from .membership import MemberEvent, MembershipMachine, MemberState
from .objects import (
    RtmChannelAttribute,
    RtmChannelMember,
    RtmMessage,
    SendMessageOptions,
    received_message,
    server_message,
)
from .scheduler import log_callback_failure
from .transport import MessageTarget, MessageTargets, PayloadTarget

if TYPE_CHECKING:
    from .requests import RequestCore

__all__ = ["IChannel", "RtmChannel", "deliver_messages"]

_JOINED = MemberState.JOINED


def deliver_messages(frame: p.ChannelMessageIn, targets: MessageTargets) -> None:
    """Run as one user callback: hand ``frame`` to each target with a message of its own,
    then to each payload target with the frame's payload.

    The in-process fan-out (``RtmService.route_channels``) queues this once per channel
    message with the targets of all members. Why the messages are built here, on the
    callback thread, and not while routing: each dies as soon as its callback returns, so a
    backlog of queued fan-outs holds no objects per member for the garbage collector to
    walk over and over (measured: that walk cost as much as the rest of the delivery).
    """
    payload, ts, user = frame.payload, frame.ts, frame.from_user
    # A business server's broadcast: each member's message says so (isFromServer).
    build = _server_broadcast if frame.origin else received_message
    for target in targets:
        try:
            target(user, build(payload, ts, False))
        except Exception:
            log_callback_failure(target)
    payloads = targets.payloads
    if payloads:
        for payload_target in payloads:
            try:
                payload_target(user, payload)
            except Exception:
                log_callback_failure(payload_target)


def _server_broadcast(payload: p.Payload, ts: int, offline: bool) -> RtmMessage:
    return server_message(payload, ts, offline, "")


class RtmChannel:
    def __init__(self, core: RequestCore, channelId: str, eventHandler: Any) -> None:
        """Made by ``RtmClient.createChannel``; ``core`` is the client's request core."""
        self._core = core
        self._id = channelId
        self._handler = eventHandler
        self._java = isinstance(eventHandler, RtmChannelListener)
        self._membership = MembershipMachine()
        self._released = False
        self._deliver = core.deliver
        #: Bound once: called for every message of the channel.
        self._message_target: Callable[..., object] | None = (
            None if eventHandler is None else getattr(eventHandler, "onMessageReceived", None)
        )
        #: A sig2rtm extension for adapters that read only a message's text (the legacy
        #: shim, :class:`~rtm.handlers.ChannelPayloadReceiver`): the message's payload,
        #: shared by all such members, instead of an RtmMessage of its own.
        self._payload_target: PayloadTarget | None = (
            eventHandler.onMessagePayload
            if isinstance(eventHandler, ChannelPayloadReceiver)
            else None
        )
        #: The same, called as a :data:`MessageTarget` (``collect_message``).
        self._collected: MessageTarget | None = (
            None
            if self._message_target is None or self._payload_target is not None
            else self._java_message
            if self._java
            else self._message_target
        )
        self._frame_handlers: dict[type, Callable[[Any], None]] = {
            p.ChannelMessageIn: self.message_in,
            p.MemberJoinedIn: self._on_member_joined,
            p.MemberLeftIn: self._on_member_left,
            p.MemberCountIn: self._on_member_count,
            p.AttributesUpdatedIn: self._on_attributes,
        }

    def getId(self) -> str:
        return self._id

    @property
    def channelId(self) -> str:
        return self._id

    @property
    def state(self) -> MemberState:
        return self._membership.state

    @property
    def counts_as_joined(self) -> bool:
        """Joined or joining: what the client's limit on channels counts."""
        return self._membership.state in (MemberState.JOINING, MemberState.JOINED)

    def _emit(
        self,
        cpp: str | None,
        cpp_args: tuple[Any, ...] = (),
        java: str | None = None,
        java_args: tuple[Any, ...] | None = None,
    ) -> None:
        name, args = (
            (java, cpp_args if java_args is None else java_args)
            if self._java
            else (
                cpp,
                cpp_args,
            )
        )
        if name is None or self._handler is None:
            return
        method = getattr(self._handler, name, None)
        if method is not None:
            self._deliver(method, *args)

    # --- API -------------------------------------------------------------------------

    def join(self, callback: ResultCallback[None] | None = None) -> int:
        E = JOIN_CHANNEL_ERR
        core = self._core
        with core.lock:
            code, text = core.gate(), ""
            if not code:
                limit = core.limits.channels_per_client
                if self._released:
                    code, text = E.JOIN_CHANNEL_ERR_FAILURE, "the channel object was released"
                elif self._membership.state is not MemberState.IDLE:
                    code, text = E.JOIN_CHANNEL_ERR_ALREADY_JOINED, "already joined or joining"
                elif core.joined_count() >= limit:
                    code, text = E.JOIN_CHANNEL_ERR_EXCEED_LIMIT, f"already in {limit} channels"
            if code:
                self._emit("onJoinFailure", (int(code),))
                core.report(callback, code, None, text)
                return int(code)
            self._membership.fire(MemberEvent.JOIN)

            def done(code: int, value: Any) -> None:
                if self._membership.state is not MemberState.JOINING:
                    # Dropped meanwhile (logout, kick, release): still report, exactly once.
                    code = code or E.JOIN_CHANNEL_ERR_FAILURE
                    self._emit("onJoinFailure", (int(code),))
                    core.report(callback, code, None, "join aborted: membership was dropped")
                    return
                if code == 0:
                    self._membership.fire(MemberEvent.JOIN_OK)
                    self._emit("onJoinSuccess")
                else:
                    self._membership.fire(MemberEvent.JOIN_FAILED)
                    self._emit("onJoinFailure", (code,))
                core.report(callback, code, None, _text(value))

            core.request(lambda r: p.Join(r, self._id), done)
            return 0

    def leave(self, callback: ResultCallback[None] | None = None) -> int:
        E = LEAVE_CHANNEL_ERR
        core = self._core
        with core.lock:
            code = core.gate()
            if not code and self._membership.state is not MemberState.JOINED:
                code = E.LEAVE_CHANNEL_ERR_NOT_IN_CHANNEL
            if code:
                self._emit("onLeave", (int(code),))
                core.report(callback, code, None, "not in the channel" if code < 100 else "")
                return int(code)
            self._membership.fire(MemberEvent.LEAVE)

            def done(code: int, value: Any) -> None:
                if self._membership.state is MemberState.LEAVING:
                    self._membership.fire(MemberEvent.LEAVE_DONE)
                self._emit("onLeave", (code,))
                core.report(callback, code, None, _text(value))

            core.request(lambda r: p.Leave(r, self._id), done)
            return 0

    def sendMessage(
        self,
        message: RtmMessage,
        options: SendMessageOptions | None = None,
        callback: ResultCallback[None] | None = None,
    ) -> int:
        E = CHANNEL_MESSAGE_ERR_CODE
        core = self._core
        with core.lock:
            code, text = core.gate(), ""
            payload: p.Payload | str = ""
            if not code:
                if isinstance(payload := core.message_payload(message), str):
                    code, text = E.CHANNEL_MESSAGE_ERR_INVALID_MESSAGE, payload
                elif self._membership.state is not MemberState.JOINED:
                    code, text = E.CHANNEL_MESSAGE_ERR_NOT_IN_CHANNEL, "join the channel first"
            message_id = message.messageId if isinstance(message, RtmMessage) else 0
            if code or isinstance(payload, str):
                self._emit("onSendMessageResult", (message_id, int(code)))
                core.report(callback, code, None, text)
                return int(code)
            sent: p.Payload = payload

            def done(code: int, value: Any) -> None:
                self._emit("onSendMessageResult", (message_id, code))
                if callback is not None:
                    core.report(callback, code, None, _text(value))

            core.request(lambda r: p.SendChannel(r, self._id, sent), done)
            return 0

    def getMembers(self, callback: ResultCallback[list[RtmChannelMember]] | None = None) -> int:
        E = GET_MEMBERS_ERR
        core = self._core
        with core.lock:
            code = core.gate()
            text = None
            if not code and self._membership.state is not MemberState.JOINED:
                code, text = E.GET_MEMBERS_ERR_NOT_IN_CHANNEL, "not in the channel"

            def done(code: int, value: Any) -> None:
                members = [RtmChannelMember(u, self._id) for u in value] if code == 0 else []
                self._emit("onGetMembers", (members, len(members), code))
                core.report(callback, code, members, _text(value))

            if code:
                done(code, text)
                return int(code)
            core.request(lambda r: p.GetMembers(r, self._id), done)
            return 0

    def release(self) -> None:
        """Forget this channel object; if joined, leave quietly (no callbacks)."""
        core = self._core
        with core.lock:
            if self._released:
                return
            if self._membership.state in (MemberState.JOINED, MemberState.JOINING):
                core.tell(lambda r: p.Leave(r, self._id))
            if self._membership.can(MemberEvent.DROPPED):
                self._membership.fire(MemberEvent.DROPPED)
            self._released = True
            core.forget_channel(self)

    # --- from the client -----------------------------------------------------------

    def drop_membership(self) -> None:
        """The client lost the session (logout, kick, a failed rejoin): no longer a member."""
        if self._membership.can(MemberEvent.DROPPED):
            self._membership.fire(MemberEvent.DROPPED)

    def frame_in(self, frame: Any) -> None:
        """A channel event from the service (other than a message), routed by the client."""
        if self._membership.state is MemberState.JOINED:
            self._frame_handlers[type(frame)](frame)

    def message_in(self, frame: p.ChannelMessageIn) -> None:
        """A channel message from the service, routed here by the client.

        The hot path of a fan-out (one call per member): the handler's method is looked up
        once, and the Java style's ``RtmChannelMember`` is built only for a Java listener.
        """
        if self._membership.state is not _JOINED:
            return
        if self._payload_target is not None:
            self._deliver(self._payload_target, frame.from_user, frame.payload)
            return
        target = self._message_target
        if target is not None:
            if frame.origin:
                message = server_message(frame.payload, frame.ts, False, "")
            else:
                message = received_message(frame.payload, frame.ts, False)
            if self._java:
                self._deliver(target, message, RtmChannelMember(frame.from_user, self._id))
            else:
                self._deliver(target, frame.from_user, message)

    def collect_message(self, frame: p.ChannelMessageIn, out: MessageTargets) -> None:
        """:meth:`message_in` for the in-process fan-out: append where the message goes to
        ``out`` if this channel is joined (checked now, at routing time, as ``message_in``
        does); :func:`deliver_messages` calls it later (``rtm.transport.ChannelEnd``)."""
        if self._membership.state is _JOINED:
            collected = self._collected
            if collected is not None:
                out.append(collected)
            elif self._payload_target is not None:
                out.payloads.append(self._payload_target)

    def _java_message(self, from_user: str, message: RtmMessage) -> None:
        """A Java listener's ``onMessageReceived(message, member)``."""
        assert self._message_target is not None
        self._message_target(message, RtmChannelMember(from_user, self._id))

    def _on_member_joined(self, frame: p.MemberJoinedIn) -> None:
        member = RtmChannelMember(frame.user_id, self._id)
        self._emit("onMemberJoined", (member,), "onMemberJoined")

    def _on_member_left(self, frame: p.MemberLeftIn) -> None:
        member = RtmChannelMember(frame.user_id, self._id)
        self._emit("onMemberLeft", (member,), "onMemberLeft")

    def _on_member_count(self, frame: p.MemberCountIn) -> None:
        self._emit("onMemberCountUpdated", (frame.count,), "onMemberCountUpdated")

    def _on_attributes(self, frame: p.AttributesUpdatedIn) -> None:
        attrs = [RtmChannelAttribute._from(a) for a in frame.attrs]
        self._emit("onAttributesUpdated", (attrs, len(attrs)), "onAttributesUpdated", (attrs,))

    def __repr__(self) -> str:
        return f"RtmChannel({self._id!r}, {self._membership.state.value})"


IChannel = RtmChannel


def _text(value: object) -> str:
    """The service's explanation of a failure, if ``value`` is one."""
    return value if isinstance(value, str) else ""
