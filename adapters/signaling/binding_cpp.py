"""RTM C++ style (seed 001): event handlers; results correlated by request or message ID."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rtm
from rtm.handlers import IChannelEventHandler, IRtmCallEventHandler, IRtmServiceEventHandler

from .binding_base import BindingBase
from .entries import DirectEvents
from .forwarding import OPTIONS, EventSink, answers, handler_class

if TYPE_CHECKING:
    from .context import Request

__all__ = ["CppBinding"]


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


class CppBinding(BindingBase):
    """RTM C++ style (seed 001): event handlers; results correlated by request or message ID."""

    def __init__(
        self,
        core: Any,
        app_id: str,
        sink: EventSink,
        direct: DirectEvents,
        target: Any,
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
