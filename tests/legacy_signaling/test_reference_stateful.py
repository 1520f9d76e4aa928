"""Random multi-client programs on the reference model keep the legacy invariants.

Invariants, checked after every step once the world is idle:
* an instance is in at most one channel: ``onChannelJoined`` only arrives when its view has
  no channel, and ``onChannelLeaved`` names the channel it is in;
* every message id sent gets exactly one ``onMessageSendSuccess`` or ``onMessageSendError``;
* views agree with the server: each instance's channel (from its callbacks) is its session's
  channel, and each connected member's member list (user list, joins, leaves) is the
  channel's membership;
* ``getStatus()`` matches the session: 2 connected, 3 reconnecting, 0 or 1 without one.
"""

from __future__ import annotations

from collections import Counter

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from legacy_signaling.callback import TraceEntry
from legacy_signaling.reference.session import Session
from legacy_signaling.reference.testing import Client, client, new_world

# Instances 0 and 3 share an account, so logins kick each other.
ACCOUNTS = ("ann", "ben", "cat", "ann")
CHANNELS = ("x", "y")
PEERS = ("ann", "ben", "cat", "dan")  # "dan" never logs in

instance = st.integers(0, len(ACCOUNTS) - 1)
channel = st.sampled_from(CHANNELS)
peer = st.sampled_from(PEERS)


@attrs.define
class View:
    """What one instance believes, rebuilt from its callbacks."""

    channel: str | None = None
    members: set[str] = attrs.Factory(set)
    results: Counter[str] = attrs.Factory(Counter)

    def absorb(self, entry: TraceEntry) -> None:
        name, args = entry
        if name == "onChannelJoined":
            assert self.channel is None, f"joined {args[0]} while in {self.channel}"
            self.channel, self.members = str(args[0]), set()
        elif name == "onChannelUserList":
            self.members = {str(a) for a in args[0]}  # type: ignore[attr-defined]
        elif name == "onChannelUserJoined":
            self.members.add(str(args[0]))
        elif name == "onChannelUserLeaved":
            self.members.discard(str(args[0]))
        elif name == "onChannelLeaved":
            assert self.channel == args[0], f"left {args[0]} while in {self.channel}"
            self.channel, self.members = None, set()
        elif name in ("onMessageSendSuccess", "onMessageSendError"):
            self.results[str(args[0])] += 1


class LegacyPrograms(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = new_world()
        self.clients: list[Client] = [
            client(self.world, account, login=False) for account in ACCOUNTS
        ]
        self.views = [View() for _ in ACCOUNTS]
        self.sent: list[set[str]] = [set() for _ in ACCOUNTS]
        self.next_id = 0

    # ------------------------------------------------------------------ helpers

    def _settle(self) -> None:
        self.world.run_until_idle()
        for each, view in zip(self.clients, self.views, strict=True):
            for entry in each.take():
                view.absorb(entry)

    def _session(self, i: int) -> Session | None:
        api = self.clients[i].api
        return next((s for s in self.world.server.sessions.values() if s.endpoint is api), None)

    def _connected(self, data: st.DataObject) -> int:
        """Mostly an instance that can act, so programs do more than fail."""
        ready = [i for i in range(len(ACCOUNTS)) if (s := self._session(i)) and s.connected]
        pick_ready: int = data.draw(st.integers(0, 9), label="pick ready")
        if ready and pick_ready:
            return data.draw(st.sampled_from(ready), label="instance")
        return data.draw(instance, label="instance")

    def _msg_id(self, i: int) -> str:
        self.next_id += 1
        msg_id = f"m{self.next_id}"
        self.sent[i].add(msg_id)
        return msg_id

    # ------------------------------------------------------------------ rules

    @initialize()
    def first_logins(self) -> None:
        for each in self.clients[:3]:
            each.login()
        self._settle()

    @rule(i=instance)
    def login(self, i: int) -> None:
        self.clients[i].login()
        self._settle()

    @rule(i=instance)
    def logout(self, i: int) -> None:
        self.clients[i].api.logout()
        self._settle()

    @rule(data=st.data(), ch=channel)
    def join(self, data: st.DataObject, ch: str) -> None:
        self.clients[self._connected(data)].api.channelJoin(ch)
        self._settle()

    @rule(data=st.data(), ch=channel)
    def leave(self, data: st.DataObject, ch: str) -> None:
        self.clients[self._connected(data)].api.channelLeave(ch)
        self._settle()

    @rule(data=st.data(), to=peer)
    def send_peer(self, data: st.DataObject, to: str) -> None:
        i = self._connected(data)
        self.clients[i].api.messageInstantSend(to, 0, "p", self._msg_id(i))
        self._settle()

    @rule(data=st.data(), ch=channel, force=st.booleans())
    def send_channel(self, data: st.DataObject, ch: str, force: bool) -> None:
        i = self._connected(data)
        api = self.clients[i].api
        send = api.messageChannelSendForce if force else api.messageChannelSend
        send(ch, "c", self._msg_id(i))
        self._settle()

    @rule(i=instance)
    def send_with_allocated_id(self, i: int) -> None:
        before = sum(self.views[i].results.values())
        self.clients[i].api.messageInstantSend("ben", 0, "auto", "")
        self._settle()
        assert sum(self.views[i].results.values()) == before + 1

    @rule(data=st.data(), ch=channel, value=st.sampled_from(["", "1", "2"]))
    def set_channel_attr(self, data: st.DataObject, ch: str, value: str) -> None:
        self.clients[self._connected(data)].api.channelSetAttr(ch, "k", value)
        self._settle()

    @rule(data=st.data(), ch=channel, to=peer, online=st.booleans())
    def invite(self, data: st.DataObject, ch: str, to: str, online: bool) -> None:
        extra = '{"_require_peer_online":1}' if online else ""
        self.clients[self._connected(data)].api.channelInviteUser2(ch, to, extra)
        self._settle()

    @rule(
        data=st.data(),
        ch=channel,
        other=peer,
        action=st.sampled_from(["accept", "refuse", "end", "dtmf"]),
    )
    def answer(self, data: st.DataObject, ch: str, other: str, action: str) -> None:
        api = self.clients[self._connected(data)].api
        if action == "accept":
            api.channelInviteAccept(ch, other, 0, "")
        elif action == "refuse":
            api.channelInviteRefuse(ch, other, 0, "")
        elif action == "end":
            api.channelInviteEnd(ch, other, 0)
        else:
            api.channelInviteDTMF(ch, other, "1#")
        self._settle()

    @rule(seconds=st.sampled_from([0.5, 2.0, 10.0, 25.0, 130.0]))
    def time_passes(self, seconds: float) -> None:
        self.world.advance(seconds)
        self._settle()

    @rule(data=st.data(), ch=channel)
    def gather(self, data: st.DataObject, ch: str) -> None:
        """Several instances join one channel, so member events are common."""
        for i in data.draw(st.permutations(range(len(ACCOUNTS))), label="order"):
            session = self._session(i)
            if session is not None and session.connected and session.channel != ch:
                self.clients[i].api.channelJoin(ch)
        self._settle()

    @rule(i=instance)
    def network(self, i: int) -> None:
        """Drop a connected instance or restore a reconnecting one."""
        session = self._session(i)
        api = self.clients[i].api
        if session is not None and session.connected:
            self.world.drop_connection(api)
        elif session is not None or api.kicked_away is not None:
            self.world.restore_connection(api)  # kicked while away: it hears it now (L6)
        self._settle()

    @rule(available=st.booleans())
    def server(self, available: bool) -> None:
        self.world.server_available = available

    # ------------------------------------------------------------------ invariants

    @invariant()
    def one_result_per_message(self) -> None:
        for sent, view in zip(self.sent, self.views, strict=True):
            for msg_id in sent:
                assert view.results[msg_id] == 1, (msg_id, view.results[msg_id])
            assert all(n == 1 for n in view.results.values())

    @invariant()
    def views_match_the_server(self) -> None:
        server = self.world.server
        for i, view in enumerate(self.views):
            session = self._session(i)
            away = self.clients[i].api.kicked_away
            if away is not None:  # kicked while its link was down: it does not know yet
                assert session is None and view.channel == away[0]
                continue
            assert view.channel == (session.channel if session is not None else None)
            if session is None or not session.connected or session.channel is None:
                continue
            members = {m.account for m in server.members(session.channel)}
            assert view.members == members, (ACCOUNTS[i], view.members, members)

    @invariant()
    def status_matches_the_session(self) -> None:
        for i, each in enumerate(self.clients):
            session = self._session(i)
            status = each.api.getStatus()
            if each.api.kicked_away is not None:
                assert session is None and status == 3, "still reconnecting, unaware (L6)"
            elif session is None:
                assert status in (0, 1)
            else:
                assert status == (2 if session.connected else 3)


TestLegacyPrograms = LegacyPrograms.TestCase
TestLegacyPrograms.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
