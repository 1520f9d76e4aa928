"""The two ways the shim talks to the RTM core: C++ event handlers or Java result callbacks.

Seed 001 (C++) and seed 003 (Java) describe the same legacy API on two RTM result styles.
A binding performs the RTM calls an operation needs in its style and turns every RTM
callback into one *RTM event* — the qualified callback name the mapping tables use
(``IRtmServiceEventHandler.onSendMessageResult``, ``ResultCallback.onSuccess`` with its
trigger ``RtmClient.sendMessageToPeer`` ...) plus its parameters — which the shim executes
through the flavour's table. Both bindings must lead to the same legacy traces; the
equivalence tests run both.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import rtm
from rtm.handlers import (
    IChannelEventHandler,
    IRtmCallEventHandler,
    IRtmServiceEventHandler,
    RtmCallEventListener,
    RtmChannelListener,
    RtmClientListener,
)

from .entries import DirectEvents
from .forwarding import (
    OPTIONS,
    EventSink,
    ResultEvent,
    answers,
    handler_class,
    result_class,
)

if TYPE_CHECKING:
    from .context import Request

__all__ = ["Binding", "CppBinding", "EventSink", "JavaBinding", "make_binding"]


class Binding(Protocol):
    client: rtm.RtmClient

    def login(self, token: str | None, user: str, req: Request) -> None: ...
    def logout(self, req: Request) -> None: ...
    def release(self) -> None: ...
    def send_peer(self, peer: str, text: str, offline: bool, req: Request) -> None: ...
    def join(self, channel: str, req: Request) -> None: ...
    def leave(self, channel: str, req: Request) -> None: ...
    def leave_quietly(self, channel: str) -> None: ...
    def abandon_link(self) -> None: ...
    def send_channel(self, channel: str, text: str, req: Request) -> None: ...
    def get_members(self, channel: str, req: Request) -> None: ...
    def query_online(self, peers: list[str], req: Request) -> None: ...
    def watch_presence(self, peers: list[str]) -> None: ...
    def user_attrs_add(self, pairs: list[tuple[str, str]], req: Request | None) -> None: ...
    def user_attrs_delete(self, keys: list[str], req: Request | None) -> None: ...
    def get_user_attrs(self, user: str, keys: list[str] | None, req: Request) -> None: ...
    def channel_attrs_add(
        self, channel: str, pairs: list[tuple[str, str]], notify: bool, req: Request | None
    ) -> None: ...
    def channel_attrs_delete(
        self, channel: str, keys: list[str], notify: bool, req: Request | None
    ) -> None: ...
    def channel_attrs_clear(self, channel: str, notify: bool, req: Request | None) -> None: ...
    def get_channel_attrs(self, channel: str, req: Request) -> None: ...
    def member_count(self, channels: list[str], req: Request) -> None: ...
    def invite(
        self, callee: str, content: str, channel: str, req: Request
    ) -> rtm.LocalInvitation: ...
    def cancel(self, invitation: rtm.LocalInvitation) -> None: ...
    def accept(self, invitation: rtm.RemoteInvitation, response: str, req: Request) -> None: ...
    def refuse(self, invitation: rtm.RemoteInvitation, response: str, req: Request) -> None: ...


class _Common:
    """What both bindings share: channel objects and their pending-request queues."""

    def __init__(self, core: Any, app_id: str, sink: EventSink) -> None:
        self._sink = sink
        self._channels: dict[str, rtm.RtmChannel] = {}
        self._pending: dict[tuple[str, str], deque[Request]] = {}
        #: Makes the handler of one channel (given its RTM channel ID).
        self._channel_handler: Callable[[str], Any] = lambda channel: None
        self.calls: rtm.RtmCallManager
        self.client: rtm.RtmClient = rtm.RtmClient(core)
        self.app_id = app_id

    def _queue(self, channel: str, kind: str) -> deque[Request]:
        return self._pending.setdefault((channel, kind), deque())

    def _take(self, channel: str, kind: str) -> Request | None:
        queue = self._pending.get((channel, kind))
        return queue.popleft() if queue else None

    def release(self) -> None:
        self.client.release()

    def cancel(self, invitation: rtm.LocalInvitation) -> None:
        self.calls.cancelLocalInvitation(invitation)

    def accept(self, invitation: rtm.RemoteInvitation, response: str, req: Request) -> None:
        invitation.setResponse(response)
        self.calls.acceptRemoteInvitation(invitation, self._answer_callback("accept", req))

    def refuse(self, invitation: rtm.RemoteInvitation, response: str, req: Request) -> None:
        invitation.setResponse(response)
        self.calls.refuseRemoteInvitation(invitation, self._answer_callback("refuse", req))

    def _answer_callback(self, kind: str, req: Request) -> rtm.ResultCallback[None] | None:
        """The Java style answers accept/refuse through a ResultCallback; C++ reports a
        failed answer through the call events instead (see ``UNANSWERED``)."""
        return None

    def _leave_and_forget(self, channel: str, callback: rtm.ResultCallback[None] | None) -> None:
        """Leave, and forget the channel object at once: a legacy app may join the same
        channel again before the leave completes, which needs a fresh RTM channel object
        (its handler still receives the leave's result)."""
        obj = self._channels.pop(channel, None) or self._make_channel(channel)
        obj.leave(callback)
        obj.release()

    def _channel(self, channel: str) -> rtm.RtmChannel:
        obj = self._channels.get(channel)
        if obj is None:
            obj = self._channels[channel] = self._make_channel(channel)
        return obj

    def _make_channel(self, channel: str) -> rtm.RtmChannel:
        created = self.client.createChannel(channel, self._channel_handler(channel))
        if created is None:
            raise ValueError(f"RTM refused channel ID {channel!r}")
        return created

    def watch_presence(self, peers: list[str]) -> None:
        """Subscribe to peers' online status (both styles deliver onPeersOnlineStatusChanged)."""
        self.client.subscribePeersOnlineStatus(peers)

    def leave_quietly(self, channel: str) -> None:
        obj = self._channels.pop(channel, None)
        if obj is not None:
            obj.release()

    def abandon_link(self) -> None:
        """Give up a broken link (legacy C3): the next login opens a new connection.

        The requests still open on it will never be answered, so the per-channel queues
        forget them: else the next answer of the same kind (a later leave's, say) would be
        taken for theirs."""
        self.client.abandonLink()
        self._pending.clear()


#: C++ service callbacks answered without a request ID, and what answers them.
_SERVICE_RESULTS = {
    "IRtmServiceEventHandler.onSendMessageResult": "message",
    "IRtmServiceEventHandler.onLoginSuccess": "login",
    "IRtmServiceEventHandler.onLoginFailure": "login",
    "IRtmServiceEventHandler.onLogout": "logout",
}


#: C++ channel callbacks that answer a request, and the queue (or ID) that answers them.
_CHANNEL_RESULTS = {
    "IChannelEventHandler.onJoinSuccess": "join",
    "IChannelEventHandler.onJoinFailure": "join",
    "IChannelEventHandler.onLeave": "leave",
    "IChannelEventHandler.onGetMembers": "members",
    "IChannelEventHandler.onSendMessageResult": "message",
}


class CppBinding(_Common):
    """RTM C++ style (seed 001): event handlers; results correlated by request or message ID."""

    def __init__(
        self,
        core: Any,
        app_id: str,
        sink: EventSink,
        direct: DirectEvents | None = None,
        target: Any = None,
    ) -> None:
        super().__init__(core, app_id, sink)
        self._by_request: dict[int, Request] = {}
        self._by_message: dict[int, Request] = {}
        by_id = {"requestId": self._by_request, "messageId": self._by_message}
        keys = tuple(by_id)
        service_cls = handler_class(
            IRtmServiceEventHandler,
            "IRtmServiceEventHandler",
            routed=answers(IRtmServiceEventHandler, "IRtmServiceEventHandler", _SERVICE_RESULTS),
            by_id=keys,
            direct=direct,
        )
        call_cls = handler_class(IRtmCallEventHandler, "IRtmCallEventHandler", direct=direct)
        channel_cls = handler_class(
            IChannelEventHandler,
            "IChannelEventHandler",
            routed=answers(IChannelEventHandler, "IChannelEventHandler", _CHANNEL_RESULTS),
            channel=True,
            by_id=keys,
            direct=direct,
        )
        self._channel_handler = lambda channel: channel_cls(
            sink, self._channel_event, by_id, target, channel
        )
        self.client.initialize(app_id, service_cls(sink, self._service_event, by_id, target))
        self.calls = self.client.getRtmCallManager(call_cls(sink, None, None, target))
        self._login_req: Request | None = None
        self._logout_req: Request | None = None

    # routing ------------------------------------------------------------------------

    def _service_event(self, handler: Any, name: str, params: dict[str, Any]) -> None:
        req: Request | None = None
        kind = _SERVICE_RESULTS.get(name)
        if kind is None:
            if "requestId" in params:
                req = self._by_request.pop(params["requestId"], None)
        elif kind == "message":
            req = self._by_message.pop(params["messageId"], None)
        elif kind == "login":
            req, self._login_req = self._login_req, None
        else:
            req, self._logout_req = self._logout_req, None
        self._sink(name, params, req, "", "")

    def _channel_event(self, handler: Any, name: str, params: dict[str, Any]) -> None:
        channel = handler.channel_id
        kind = _CHANNEL_RESULTS.get(name)
        req: Request | None = None
        if kind == "message":
            req = self._by_message.pop(params["messageId"], None)
        elif kind is not None:
            req = self._take(channel, kind)
        self._sink(name, params, req, "", channel)

    def _remember(self, rid: rtm.RequestId, req: Request | None) -> None:
        if req is not None:
            self._by_request[rid.value] = req

    # calls --------------------------------------------------------------------------

    def login(self, token: str | None, user: str, req: Request) -> None:
        self._login_req = req
        self.client.login(token, user)

    def logout(self, req: Request) -> None:
        self._logout_req = req
        self.client.logout()

    def send_peer(self, peer: str, text: str, offline: bool, req: Request) -> None:
        client = self.client
        message = client.createMessage(text)
        self._by_message[message.messageId] = req
        client.sendMessageToPeer(peer, message, OPTIONS[offline])

    def join(self, channel: str, req: Request) -> None:
        self._queue(channel, "join").append(req)
        self._channel(channel).join()

    def leave(self, channel: str, req: Request) -> None:
        self._queue(channel, "leave").append(req)
        self._leave_and_forget(channel, None)

    def send_channel(self, channel: str, text: str, req: Request) -> None:
        message = self.client.createMessage(text)
        self._by_message[message.messageId] = req
        (self._channels.get(channel) or self._channel(channel)).sendMessage(message)

    def get_members(self, channel: str, req: Request) -> None:
        self._queue(channel, "members").append(req)
        self._channel(channel).getMembers()

    def query_online(self, peers: list[str], req: Request) -> None:
        rid = rtm.RequestId()
        self.client.queryPeersOnlineStatus(peers, requestId=rid)
        self._remember(rid, req)

    def user_attrs_add(self, pairs: list[tuple[str, str]], req: Request | None) -> None:
        rid = rtm.RequestId()
        self.client.addOrUpdateLocalUserAttributes(
            [rtm.RtmAttribute(k, v) for k, v in pairs], requestId=rid
        )
        self._remember(rid, req)

    def user_attrs_delete(self, keys: list[str], req: Request | None) -> None:
        rid = rtm.RequestId()
        self.client.deleteLocalUserAttributesByKeys(keys, requestId=rid)
        self._remember(rid, req)

    def get_user_attrs(self, user: str, keys: list[str] | None, req: Request) -> None:
        rid = rtm.RequestId()
        if keys is None:
            self.client.getUserAttributes(user, requestId=rid)
        else:
            self.client.getUserAttributesByKeys(user, keys, requestId=rid)
        self._remember(rid, req)

    def channel_attrs_add(
        self, channel: str, pairs: list[tuple[str, str]], notify: bool, req: Request | None
    ) -> None:
        rid = rtm.RequestId()
        self.client.addOrUpdateChannelAttributes(
            channel,
            [rtm.RtmChannelAttribute(k, v) for k, v in pairs],
            rtm.ChannelAttributeOptions(notify),
            requestId=rid,
        )
        self._remember(rid, req)

    def channel_attrs_delete(
        self, channel: str, keys: list[str], notify: bool, req: Request | None
    ) -> None:
        rid = rtm.RequestId()
        self.client.deleteChannelAttributesByKeys(
            channel, keys, rtm.ChannelAttributeOptions(notify), requestId=rid
        )
        self._remember(rid, req)

    def channel_attrs_clear(self, channel: str, notify: bool, req: Request | None) -> None:
        rid = rtm.RequestId()
        self.client.clearChannelAttributes(
            channel, rtm.ChannelAttributeOptions(notify), requestId=rid
        )
        self._remember(rid, req)

    def get_channel_attrs(self, channel: str, req: Request) -> None:
        rid = rtm.RequestId()
        self.client.getChannelAttributes(channel, requestId=rid)
        self._remember(rid, req)

    def member_count(self, channels: list[str], req: Request) -> None:
        rid = rtm.RequestId()
        self.client.getChannelMemberCount(channels, requestId=rid)
        self._remember(rid, req)

    #: Calls whose request no event answers (C++ invitations report through call events).
    UNANSWERED = frozenset({"invite", "accept", "refuse"})

    def invite(self, callee: str, content: str, channel: str, req: Request) -> rtm.LocalInvitation:
        invitation = self.calls.createLocalCallInvitation(callee)
        invitation.setContent(content)
        invitation.setChannelId(channel)
        self.calls.sendLocalInvitation(invitation)
        return invitation


_PEER_TRIGGER = "RtmClient.sendMessageToPeer"


class JavaBinding(_Common):
    """RTM Java style (seed 003): listeners for events, a ResultCallback per call."""

    def __init__(
        self,
        core: Any,
        app_id: str,
        sink: EventSink,
        direct: DirectEvents | None = None,
        target: Any = None,
    ) -> None:
        super().__init__(core, app_id, sink)
        client_cls = handler_class(RtmClientListener, "RtmClientListener", direct=direct)
        call_cls = handler_class(RtmCallEventListener, "RtmCallEventListener", direct=direct)
        channel_cls = handler_class(
            RtmChannelListener, "RtmChannelListener", channel=True, direct=direct
        )
        self._channel_handler = lambda channel: channel_cls(sink, None, None, target, channel)
        self.client.initialize(app_id, client_cls(sink, None, None, target))
        self.calls = self.client.getRtmCallManager()
        self.calls.setEventListener(call_cls(sink, None, None, target))
        self._direct = direct
        self._target = target
        #: The generated ResultCallback class of each trigger (with ``direct``).
        self._results: dict[str, type] = {}
        self._peer_result = self._result_type(_PEER_TRIGGER)

    def _result_type(self, trigger: str) -> type | None:
        if self._direct is None:
            return None
        cls = self._results.get(trigger)
        if cls is None:
            cls = self._results[trigger] = result_class(trigger, self._direct)
        return cls

    def _cb(self, trigger: str, req: Request | None, channel: str = "") -> rtm.ResultCallback[Any]:
        """One call's ResultCallback: a generated entry class when the table is given (its
        rows run in its own frame), else an event for the sink."""
        cls = self._result_type(trigger)
        if cls is None:
            return ResultEvent(self._sink, req, trigger, channel)
        result: rtm.ResultCallback[Any] = cls(self._target, req, channel)
        return result

    def login(self, token: str | None, user: str, req: Request) -> None:
        self.client.login(token, user, self._cb("RtmClient.login", req))

    def logout(self, req: Request) -> None:
        self.client.logout(self._cb("RtmClient.logout", req))

    def send_peer(self, peer: str, text: str, offline: bool, req: Request) -> None:
        client = self.client
        cls = self._peer_result  # _cb, inlined: every peer message passes here
        client.sendMessageToPeer(
            peer,
            client.createMessage(text),
            OPTIONS[offline],
            ResultEvent(self._sink, req, _PEER_TRIGGER, "")
            if cls is None
            else cls(self._target, req, ""),
        )

    def join(self, channel: str, req: Request) -> None:
        self._channel(channel).join(self._cb("RtmChannel.join", req, channel))

    def leave(self, channel: str, req: Request) -> None:
        self._leave_and_forget(channel, self._cb("RtmChannel.leave", req, channel))

    def send_channel(self, channel: str, text: str, req: Request) -> None:
        self._channel(channel).sendMessage(
            self.client.createMessage(text), None, self._cb("RtmChannel.sendMessage", req, channel)
        )

    def get_members(self, channel: str, req: Request) -> None:
        self._channel(channel).getMembers(self._cb("RtmChannel.getMembers", req, channel))

    def query_online(self, peers: list[str], req: Request) -> None:
        self.client.queryPeersOnlineStatus(
            set(peers), self._cb("RtmClient.queryPeersOnlineStatus", req)
        )

    def user_attrs_add(self, pairs: list[tuple[str, str]], req: Request | None) -> None:
        self.client.addOrUpdateLocalUserAttributes(
            [rtm.RtmAttribute(k, v) for k, v in pairs],
            self._cb("RtmClient.addOrUpdateLocalUserAttributes", req),
        )

    def user_attrs_delete(self, keys: list[str], req: Request | None) -> None:
        self.client.deleteLocalUserAttributesByKeys(
            keys, self._cb("RtmClient.deleteLocalUserAttributesByKeys", req)
        )

    def get_user_attrs(self, user: str, keys: list[str] | None, req: Request) -> None:
        if keys is None:
            self.client.getUserAttributes(user, self._cb("RtmClient.getUserAttributes", req))
        else:
            self.client.getUserAttributesByKeys(
                user, keys, self._cb("RtmClient.getUserAttributesByKeys", req)
            )

    def channel_attrs_add(
        self, channel: str, pairs: list[tuple[str, str]], notify: bool, req: Request | None
    ) -> None:
        self.client.addOrUpdateChannelAttributes(
            channel,
            [rtm.RtmChannelAttribute(k, v) for k, v in pairs],
            rtm.ChannelAttributeOptions(notify),
            self._cb("RtmClient.addOrUpdateChannelAttributes", req),
        )

    def channel_attrs_delete(
        self, channel: str, keys: list[str], notify: bool, req: Request | None
    ) -> None:
        self.client.deleteChannelAttributesByKeys(
            channel,
            keys,
            rtm.ChannelAttributeOptions(notify),
            self._cb("RtmClient.deleteChannelAttributesByKeys", req),
        )

    def channel_attrs_clear(self, channel: str, notify: bool, req: Request | None) -> None:
        self.client.clearChannelAttributes(
            channel,
            rtm.ChannelAttributeOptions(notify),
            self._cb("RtmClient.clearChannelAttributes", req),
        )

    def get_channel_attrs(self, channel: str, req: Request) -> None:
        self.client.getChannelAttributes(channel, self._cb("RtmClient.getChannelAttributes", req))

    def member_count(self, channels: list[str], req: Request) -> None:
        self.client.getChannelMemberCount(
            channels, self._cb("RtmClient.getChannelMemberCount", req)
        )

    def _answer_callback(self, kind: str, req: Request) -> rtm.ResultCallback[None] | None:
        trigger = {
            "accept": "RtmCallManager.acceptRemoteInvitation",
            "refuse": "RtmCallManager.refuseRemoteInvitation",
        }[kind]
        return self._cb(trigger, req)

    def invite(self, callee: str, content: str, channel: str, req: Request) -> rtm.LocalInvitation:
        invitation = self.calls.createLocalInvitation(callee)
        invitation.setContent(content)
        invitation.setChannelId(channel)
        self.calls.sendLocalInvitation(
            invitation, self._cb("RtmCallManager.sendLocalInvitation", req)
        )
        return invitation


def make_binding(
    flavour: str,
    core: Any,
    app_id: str,
    sink: EventSink,
    direct: DirectEvents | None = None,
    target: Any = None,
) -> Binding:
    """The flavour's binding; ``direct`` callbacks run their rows on ``target`` (the shim
    instance) in the handlers' entries."""
    factories: dict[str, Callable[[Any, str, EventSink, DirectEvents | None, Any], Binding]] = {
        "cpp": CppBinding,
        "java": JavaBinding,
    }
    try:
        factory = factories[flavour]
    except KeyError:
        raise ValueError(f"unknown RTM flavour {flavour!r}; use 'cpp' or 'java'") from None
    return factory(core, app_id, sink, direct, target)
