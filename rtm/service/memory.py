"""The one-process backend: plain dictionaries, used by the embedded core."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping

from ..protocol import CallSignalIn, ChannelAttr, PeerMessageIn, ServerFrame
from .backend import DeliverySink, ManySink, OfflineFrame, Receipt, SessionId

__all__ = ["MemoryBackend"]


def _drop(session: SessionId, frame: ServerFrame) -> None:
    """Sink used before a node attaches: frames for unknown sessions are dropped."""


class MemoryBackend:
    #: One process holds everything: a restart starts from nothing, nothing to tell apart.
    incarnation = ""
    #: Every session is in this process: ``deliver_peer`` hands a message over at once and
    #: never calls its receipt (the service then makes none).
    peer_at_once = True

    def __init__(self) -> None:
        self._sink: DeliverySink = _drop
        self._sink_many: ManySink | None = None
        self._sessions: dict[tuple[str, str], SessionId] = {}
        self._subs: dict[tuple[str, SessionId], set[str]] = defaultdict(set)
        self._watchers: dict[tuple[str, str], dict[SessionId, None]] = defaultdict(dict)
        # dict keeps join order; values unused
        self._channels: dict[tuple[str, str], dict[str, None]] = {}
        self._user_channels: dict[tuple[str, str], dict[str, None]] = {}
        self._user_attrs: dict[tuple[str, str], dict[str, str]] = {}
        self._channel_attrs: dict[tuple[str, str], dict[str, ChannelAttr]] = {}
        self._offline: dict[tuple[str, str], deque[tuple[float, OfflineFrame]]] = {}

    def attach(self, sink: DeliverySink) -> None:
        self._sink = sink
        self._sink_many = None

    def attach_many(self, sink_many: ManySink) -> None:
        """Hand a frame for many sessions to ``sink_many`` in one call (the fan-out)."""
        self._sink_many = sink_many

    def bind_user(self, app: str, user: str, session: SessionId) -> SessionId | None:
        key = (app, user)
        previous = self._sessions.get(key)
        self._sessions[key] = session
        return previous if previous != session else None

    def unbind_user(self, app: str, user: str, session: SessionId) -> bool:
        key = (app, user)
        if self._sessions.get(key) == session:
            del self._sessions[key]
            return True
        return False

    def session_of(self, app: str, user: str) -> SessionId | None:
        return self._sessions.get((app, user))

    def sessions_of(self, app: str, users: list[str]) -> list[SessionId]:
        """The sessions of those of ``users`` who have one, in order: one call for a
        channel's members (the fan-out), not one per member."""
        get = self._sessions.get
        return [s for user in users if (s := get((app, user))) is not None]

    def deliver(self, session: SessionId, frame: ServerFrame) -> None:
        self._sink(session, frame)

    def deliver_peer(self, session: SessionId, frame: PeerMessageIn, receipt: Receipt) -> bool:
        self._sink(session, frame)
        return True

    def deliver_many(self, sessions: Iterable[SessionId], frame: ServerFrame) -> None:
        if self._sink_many is not None:
            self._sink_many(sessions, frame)
            return
        sink = self._sink
        for session in sessions:
            sink(session, frame)

    def subscribe(self, app: str, session: SessionId, peers: Iterable[str]) -> None:
        subs = self._subs[(app, session)]
        for peer in peers:
            subs.add(peer)
            self._watchers[(app, peer)][session] = None

    def unsubscribe(self, app: str, session: SessionId, peers: Iterable[str]) -> None:
        subs = self._subs.get((app, session))
        for peer in peers:
            if subs is not None:
                subs.discard(peer)
            watchers = self._watchers.get((app, peer))
            if watchers is not None:
                watchers.pop(session, None)
                if not watchers:
                    del self._watchers[(app, peer)]

    def subscriptions(self, app: str, session: SessionId) -> frozenset[str]:
        return frozenset(self._subs.get((app, session), ()))

    def watchers(self, app: str, user: str) -> list[SessionId]:
        return list(self._watchers.get((app, user), ()))

    def drop_subscriptions(self, app: str, session: SessionId) -> None:
        peers = self._subs.pop((app, session), set())
        self.unsubscribe(app, session, peers)

    def join(self, app: str, channel: str, user: str) -> bool:
        members = self._channels.setdefault((app, channel), {})
        if user in members:
            return False
        members[user] = None
        self._user_channels.setdefault((app, user), {})[channel] = None
        return True

    def leave(self, app: str, channel: str, user: str) -> bool:
        members = self._channels.get((app, channel))
        if members is None or user not in members:
            return False
        del members[user]
        if not members:
            del self._channels[(app, channel)]
        joined = self._user_channels[(app, user)]
        del joined[channel]
        if not joined:
            del self._user_channels[(app, user)]
        return True

    def members(self, app: str, channel: str) -> list[str]:
        return list(self._channels.get((app, channel), ()))

    def member_count(self, app: str, channel: str) -> int:
        return len(self._channels.get((app, channel), ()))

    def claim(self, app: str, name: str, seconds: float) -> bool:
        return True  # one node: the service's own timers already dedup

    def release(self, app: str, name: str) -> None:
        pass

    def channels_of(self, app: str, user: str) -> list[str]:
        return list(self._user_channels.get((app, user), ()))

    def user_attrs(self, app: str, user: str) -> dict[str, str]:
        return dict(self._user_attrs.get((app, user), {}))

    def replace_user_attrs(self, app: str, user: str, attrs: Mapping[str, str]) -> None:
        if attrs:
            self._user_attrs[(app, user)] = dict(attrs)
        else:
            self._user_attrs.pop((app, user), None)

    def channel_attrs(self, app: str, channel: str) -> dict[str, ChannelAttr]:
        return dict(self._channel_attrs.get((app, channel), {}))

    def replace_channel_attrs(
        self, app: str, channel: str, attrs: Mapping[str, ChannelAttr]
    ) -> None:
        if attrs:
            self._channel_attrs[(app, channel)] = dict(attrs)
        else:
            self._channel_attrs.pop((app, channel), None)

    def push_offline(
        self, app: str, user: str, message: OfflineFrame, max_items: int, expires_at: float
    ) -> None:
        box = self._offline.setdefault((app, user), deque())
        box.append((expires_at, message))
        while len(box) > max_items:
            box.popleft()

    def withdraw_offline(self, app: str, user: str, call_id: str) -> bool:
        box = self._offline.get((app, user))
        if not box:
            return False
        kept = deque(
            item
            for item in box
            if not (isinstance(item[1], CallSignalIn) and item[1].call_id == call_id)
        )
        self._offline[(app, user)] = kept
        return len(kept) != len(box)

    def pop_offline(self, app: str, user: str, now: float) -> list[OfflineFrame]:
        box = self._offline.pop((app, user), None)
        if not box:
            return []
        return [message for expires_at, message in box if expires_at > now]
