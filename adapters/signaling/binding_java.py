"""RTM Java style (seed 003): listeners for events, a ResultCallback per call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rtm
from rtm.handlers import RtmCallEventListener, RtmChannelListener, RtmClientListener

from .binding_base import BindingBase
from .entries import DirectEvents
from .forwarding import OPTIONS, EventSink, handler_class, result_class

if TYPE_CHECKING:
    from .context import Request

__all__ = ["JavaBinding"]


_PEER_TRIGGER = "RtmClient.sendMessageToPeer"


class JavaBinding(BindingBase):
    """RTM Java style (seed 003): listeners for events, a ResultCallback per call."""

    def __init__(
        self,
        core: Any,
        app_id: str,
        sink: EventSink,
        direct: DirectEvents,
        target: Any,
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
        #: The generated ResultCallback class of each trigger.
        self._results: dict[str, type] = {}
        self._peer_result = self._result_type(_PEER_TRIGGER)

    def _result_type(self, trigger: str) -> type:
        cls = self._results.get(trigger)
        if cls is None:
            cls = self._results[trigger] = result_class(trigger, self._direct)
        return cls

    def _cb(self, trigger: str, req: Request | None, channel: str = "") -> rtm.ResultCallback[Any]:
        """One call's ResultCallback (its rows run in its own frame)."""
        result: rtm.ResultCallback[Any] = self._result_type(trigger)(self._target, req, channel)
        return result

    def login(self, token: str | None, user: str, req: Request) -> None:
        self.client.login(token, user, self._cb("RtmClient.login", req))

    def logout(self, req: Request) -> None:
        self.client.logout(self._cb("RtmClient.logout", req))

    def send_peer(self, peer: str, text: str, offline: bool, req: Request) -> None:
        client = self.client
        client.sendMessageToPeer(
            peer,
            client.createMessage(text),
            OPTIONS[offline],
            self._peer_result(self._target, req, ""),  # _cb, inlined: every peer message
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
