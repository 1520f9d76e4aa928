"""What both bindings share: the RTM client, channel objects and their pending requests.

A legacy app may join a channel again before its leave completes, and C++-style channel
results (join, leave, member lists) answer the oldest request of their kind: so a binding
keeps one RTM channel object per joined channel and a queue of requests per (channel, kind).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import rtm

from .forwarding import EventSink

if TYPE_CHECKING:
    from .context import Request

__all__ = ["BindingBase"]


class BindingBase:
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
