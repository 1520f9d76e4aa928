"""Many clients on the embedded core against a simple model (Hypothesis stateful test).

Three users each have two client objects (one C++-style, one Java-style): logging in with
the second one is the remote-login kick. The model knows who is online, who is in which
channel, attributes, subscriptions, token expiry times and empty-channel attribute timers;
it predicts which messages each client must receive. After every rule the world runs to
quiescence and the invariants compare what the clients *reported through callbacks* with
the model:

* connection state and the last ``onConnectionStateChanged`` (state, reason);
* no loss and per-sender order of peer and channel messages while both sides are online
  (the received sequence equals the model's, exactly);
* each member's view of a channel, built from ``getMembers`` plus ``onMemberJoined`` /
  ``onMemberLeft``, equals the model's member set;
* the last pushed online state of each subscribed peer equals the model's;
* attribute reads and ``onAttributesUpdated`` carry the model's attributes;
* invitation states are valid, consistent between caller and callee, end within their
  timeouts, and each ended invitation got exactly one final callback;
* every API call's ResultCallback fired exactly once; no callback ran inside an API call.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from rtm import (
    CONNECTION_STATE,
    INVITATION_API_CALL_ERR_CODE,
    LOCAL_INVITATION_STATE,
    REMOTE_INVITATION_STATE,
    ChannelAttributeOptions,
    Limits,
    LocalInvitation,
    Rate,
    Rates,
    RemoteInvitation,
    RtmAttribute,
    RtmChannelAttribute,
    RtmMessage,
    SendMessageOptions,
    ServiceConfig,
    build_rtm_token,
)
from rtm.membership import MemberState
from tests.rtm.kit import APP, CERT, Event, Peer, Results, World

S = CONNECTION_STATE
L = LOCAL_INVITATION_STATE
RS = REMOTE_INVITATION_STATE
DISC, CONN, ABORTED = (
    S.CONNECTION_STATE_DISCONNECTED,
    S.CONNECTION_STATE_CONNECTED,
    S.CONNECTION_STATE_ABORTED,
)
USERS = ("u0", "u1", "u2")
CHANNELS = ("ch0", "ch1")
CLIENTS = tuple(f"{u}#{slot}" for u in USERS for slot in (0, 1))
KEYS = ("a", "b", "c")
BIG = Rate(10**9, 1.0)
CONFIG = ServiceConfig(
    limits=Limits(rates=Rates(*(BIG for _ in attrs.fields(Rates)))),
    app_certificates={APP: CERT},
)
# Durations chosen so that timers rarely coincide; ties are still ordered like the scheduler.
ADVANCES = (0.7, 3.3, 5.1, 31.1, 61.3, 125.7)
TOKEN_TTLS = (45.5, 500.25)
ATTR_TTL = CONFIG.limits.empty_channel_attrs_ttl
LEAD = CONFIG.limits.token_will_expire_lead
TOKEN_LIFETIME = 24 * 3600

LIVE_LOCAL = (L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE, L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE)
LIVE_REMOTE = (
    RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
    RS.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
)
LOCAL_FINAL = {
    L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE: "onLocalInvitationAccepted",
    L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE: "onLocalInvitationRefused",
    L.LOCAL_INVITATION_STATE_CANCELED: "onLocalInvitationCanceled",
    L.LOCAL_INVITATION_STATE_FAILURE: "onLocalInvitationFailure",
}
REMOTE_FINAL = {
    RS.REMOTE_INVITATION_STATE_ACCEPTED: "onRemoteInvitationAccepted",
    RS.REMOTE_INVITATION_STATE_REFUSED: "onRemoteInvitationRefused",
    RS.REMOTE_INVITATION_STATE_CANCELED: "onRemoteInvitationCanceled",
    RS.REMOTE_INVITATION_STATE_FAILURE: "onRemoteInvitationFailure",
}
# (caller state, callee state or None) pairs that may hold once everything has run.
CONSISTENT: dict[L, set[RS | None]] = {
    L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE: {None},
    L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE: {
        RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
        RS.REMOTE_INVITATION_STATE_FAILURE,  # the callee logged out (silently ends it)
    },
    L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE: {RS.REMOTE_INVITATION_STATE_ACCEPTED},
    L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE: {RS.REMOTE_INVITATION_STATE_REFUSED},
    L.LOCAL_INVITATION_STATE_CANCELED: {
        None,
        RS.REMOTE_INVITATION_STATE_CANCELED,
        RS.REMOTE_INVITATION_STATE_FAILURE,
    },
    L.LOCAL_INVITATION_STATE_FAILURE: {
        None,
        RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
        RS.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
        RS.REMOTE_INVITATION_STATE_REFUSED,
        RS.REMOTE_INVITATION_STATE_FAILURE,
    },
}
#: Long enough for any invitation to have ended on both sides (30 s + 60 s + 5 s, rounded up).
INVITATION_HORIZON = 100.0


def user_of(client: str) -> str:
    return client.split("#", maxsplit=1)[0]


@attrs.define
class Sent:
    """An invitation the test sent."""

    invitation: LocalInvitation
    caller: str
    callee: str
    at: float


@attrs.define
class Received:
    remote: RemoteInvitation
    client: str
    epoch: int


@attrs.define
class Model:
    now: float
    conn: dict[str, S] = attrs.field(factory=lambda: dict.fromkeys(CLIENTS, DISC))
    last_change: dict[str, tuple[int, int] | None] = attrs.field(
        factory=lambda: dict.fromkeys(CLIENTS)
    )
    epoch: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(CLIENTS, 0))
    active: dict[str, str | None] = attrs.field(factory=lambda: dict.fromkeys(USERS))
    joined: dict[str, list[str]] = attrs.field(factory=lambda: {c: [] for c in CLIENTS})
    members: dict[str, set[str]] = attrs.field(factory=lambda: {ch: set() for ch in CHANNELS})
    user_attrs: dict[str, dict[str, str]] = attrs.field(factory=lambda: {u: {} for u in USERS})
    channel_attrs: dict[str, dict[str, str]] = attrs.field(
        factory=lambda: {ch: {} for ch in CHANNELS}
    )
    subs: dict[str, set[str]] = attrs.field(factory=lambda: {c: set() for c in CLIENTS})
    offline_box: dict[str, list[tuple[str, str]]] = attrs.field(
        factory=lambda: {u: [] for u in USERS}
    )
    peer_expected: dict[str, list[tuple[str, str, bool]]] = attrs.field(
        factory=lambda: {c: [] for c in CLIENTS}
    )
    channel_expected: dict[tuple[str, str], list[tuple[str, str]]] = attrs.field(
        factory=lambda: {(c, ch): [] for c in CLIENTS for ch in CHANNELS}
    )
    update_expected: dict[tuple[str, str], dict[str, str]] = attrs.field(factory=dict)
    will_expire: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(CLIENTS, 0))
    expired: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(CLIENTS, 0))
    #: Model timers: (due, seq) -> (kind, key); kinds: will, exp (client), attr (channel).
    timers: dict[tuple[float, int], tuple[str, str]] = attrs.field(factory=dict)
    seq: int = 0

    # --- timers ------------------------------------------------------------------------
    def schedule(self, delay: float, kind: str, key: str) -> None:
        self.seq += 1
        self.timers[(self.now + max(0.0, delay), self.seq)] = (kind, key)

    def cancel(self, kind: str, key: str) -> None:
        for slot, what in list(self.timers.items()):
            if what == (kind, key):
                del self.timers[slot]

    def has_timer(self, kind: str, key: str) -> bool:
        return (kind, key) in self.timers.values()

    def advance(self, seconds: float) -> None:
        deadline = self.now + seconds
        while self.timers:
            slot = min(self.timers)
            if slot[0] > deadline:
                break
            kind, key = self.timers.pop(slot)
            self.now = max(self.now, slot[0])
            self.fire(kind, key)
        self.now = deadline

    def fire(self, kind: str, key: str) -> None:
        if kind == "will":
            if self.conn[key] is CONN:
                self.will_expire[key] += 1
        elif kind == "exp":
            if self.conn[key] is CONN:
                self.expired[key] += 1
                self.end_session(key, ABORTED, 9, unbind=True)
        elif kind == "attr" and not self.members[key]:
            self.channel_attrs[key] = {}

    # --- sessions ----------------------------------------------------------------------
    def online(self, user: str) -> bool:
        return self.active[user] is not None

    def remove_member(self, channel: str, user: str) -> None:
        self.members[channel].discard(user)
        if (
            not self.members[channel]
            and self.channel_attrs[channel]
            and not self.has_timer("attr", channel)
        ):
            self.schedule(ATTR_TTL, "attr", channel)

    def end_session(self, client: str, state: S, reason: int, *, unbind: bool) -> None:
        user = user_of(client)
        for channel in self.joined[client]:
            self.remove_member(channel, user)
        self.joined[client] = []
        self.subs[client] = set()
        self.cancel("will", client)
        self.cancel("exp", client)
        if unbind and self.active[user] == client:
            self.active[user] = None
            self.user_attrs[user] = {}
        self.conn[client] = state
        self.last_change[client] = (int(state), reason)

    def login(self, client: str, expires_at: int) -> None:
        user = user_of(client)
        previous = self.active[user]
        if previous is not None:  # remote-login kick
            for channel in self.joined[previous]:
                self.remove_member(channel, user)
            self.joined[previous] = []
            self.subs[previous] = set()
            self.cancel("will", previous)
            self.cancel("exp", previous)
            self.conn[previous] = ABORTED
            self.last_change[previous] = (5, 8)
        self.active[user] = client
        self.user_attrs[user] = {}
        self.conn[client] = CONN
        self.last_change[client] = (3, 2)
        self.epoch[client] += 1
        self.schedule_token(client, expires_at)
        for sender, text in self.offline_box[user]:
            self.peer_expected[client].append((sender, text, True))
        self.offline_box[user] = []

    def schedule_token(self, client: str, expires_at: int) -> None:
        self.cancel("will", client)
        self.cancel("exp", client)
        left = expires_at - self.now
        if left > LEAD:
            self.schedule(left - LEAD, "will", client)
        self.schedule(left, "exp", client)


class Views:
    """What each client learned from its callbacks, folded incrementally from the trace."""

    def __init__(self) -> None:
        self.cursor = 0
        self.changes: dict[str, list[tuple[int, int]]] = {c: [] for c in CLIENTS}
        self.peer: dict[str, list[tuple[str, str, bool]]] = {c: [] for c in CLIENTS}
        self.channel: dict[tuple[str, str], list[tuple[str, str]]] = {
            (c, ch): [] for c in CLIENTS for ch in CHANNELS
        }
        self.members: dict[tuple[str, str], set[str]] = {}
        self.presence: dict[str, dict[str, int]] = {c: {} for c in CLIENTS}
        self.updates: dict[tuple[str, str], dict[str, str]] = {}
        self.will: dict[str, int] = dict.fromkeys(CLIENTS, 0)
        self.expired: dict[str, int] = dict.fromkeys(CLIENTS, 0)
        self.outcomes: dict[str, int] = {}
        self.remotes: dict[str, Received] = {}
        self.call_events: list[Event] = []

    def fold(self, events: list[Event], model: Model) -> None:
        for event in events[self.cursor :]:
            self._one(event, model)
        self.cursor = len(events)

    def _one(self, e: Event, model: Model) -> None:
        who, name, args = e.who, e.name, e.args
        if who.startswith("cb|"):
            self.outcomes[who] = self.outcomes.get(who, 0) + 1
            if who.startswith("cb|members|") and name == "onSuccess":
                _, _, client, channel = who.split("|")[:4]
                self.members[(client, channel)] = {m.userId for m in args[0]}
            return
        if who.endswith("/calls"):
            self.call_events.append(e)
            if name == "onRemoteInvitationReceived":
                client = who.split("/")[0]
                remote: RemoteInvitation = args[0]
                assert remote._call_id not in self.remotes, "an invitation arrived twice"
                self.remotes[remote._call_id] = Received(remote, client, model.epoch[client])
            return
        if "/" in who:
            client, channel = who.split("/")
            java = client.endswith("#1") != (USERS.index(user_of(client)) % 2 == 1)
            if name == "onMessageReceived":
                message, sender = (args[0], args[1].userId) if java else (args[1], args[0])
                self.channel[(client, channel)].append((sender, message.text))
            elif name == "onMemberJoined":
                self.members.setdefault((client, channel), set()).add(args[0].userId)
            elif name == "onMemberLeft":
                self.members.setdefault((client, channel), set()).discard(args[0].userId)
            elif name == "onAttributesUpdated":
                self.updates[(client, channel)] = {a.key: a.value for a in args[0]}
            return
        client = who
        if name == "onConnectionStateChanged":
            self.changes[client].append((args[0], args[1]))
        elif name == "onMessageReceivedFromPeer":
            self.peer[client].append((args[0], args[1].text, args[1].isOfflineMessage()))
        elif name == "onMessageReceived":
            self.peer[client].append((args[1], args[0].text, args[0].isOfflineMessage()))
        elif name == "onPeersOnlineStatusChanged":
            if isinstance(args[0], dict):
                self.presence[client].update(args[0])
            else:
                for status in args[0]:
                    self.presence[client][status.peerId] = int(status.onlineState)
        elif name == "onTokenPrivilegeWillExpire":
            self.will[client] += 1
        elif name == "onTokenExpired":
            self.expired[client] += 1


def style_of(client: str) -> str:
    user, slot = client.split("#")
    return "cpp" if (USERS.index(user) + int(slot)) % 2 == 0 else "java"


class RtmModelMachine(RuleBasedStateMachine):
    sent = Bundle("sent")

    def __init__(self) -> None:
        super().__init__()
        self.world = self.make_world()
        self.peers: dict[str, Peer] = {c: self.world.peer(c, style_of(c)) for c in CLIENTS}
        for peer in self.peers.values():
            self.world.call_manager_handler(peer)
            for channel in CHANNELS:
                peer.channel(channel)
        self.model = Model(self.world.now)
        self.views = Views()
        self.calls: list[Sent] = []
        self.seq = 0
        self.callbacks: list[str] = []

    def make_world(self) -> World:
        """Embedded here; the gateway variants below override it."""
        return World(CONFIG)

    def teardown(self) -> None:
        self.world.close()

    # --- helpers -----------------------------------------------------------------------
    def cb(self, *parts: str) -> Results:
        self.seq += 1
        who = "|".join(("cb", *parts, str(self.seq)))
        self.callbacks.append(who)
        return Results(self.world.trace, who)

    def run(self) -> None:
        self.world.run()
        self.views.fold(self.world.trace.events, self.model)

    def client(self, name: str) -> Any:
        return self.peers[name].client

    def token(self, client: str, ttl: float) -> tuple[str, int]:
        now = self.world.now
        expires_at = int(now + ttl)
        token = build_rtm_token(APP, CERT, user_of(client), expires_at, salt=1, now=now)
        return token, min(expires_at, int(now) + TOKEN_LIFETIME)

    def clients_in(self, *states: S) -> list[str]:
        return [c for c in CLIENTS if self.model.conn[c] in states]

    # --- rules: sessions --------------------------------------------------------------------
    @initialize(ttl=st.sampled_from(TOKEN_TTLS))
    def start(self, ttl: float) -> None:
        self.login_client("u0#0", ttl)
        self.login_client("u1#0", TOKEN_TTLS[1])

    def login_client(self, client: str, ttl: float) -> None:
        token, expires_at = self.token(client, ttl)
        cb = self.cb("login", client)
        assert self.world.api(lambda: self.client(client).login(token, user_of(client), cb)) == 0
        self.model.login(client, expires_at)
        self.run()
        assert cb.code == 0, cb.outcome()

    @precondition(lambda self: bool(self.clients_in(DISC)))
    @rule(data=st.data(), ttl=st.sampled_from(TOKEN_TTLS), watch=st.booleans())
    def login(self, data: st.DataObject, ttl: float, watch: bool) -> None:
        """Log in; if the other client of that user is online, this is the remote-login kick.
        With ``watch``, the client then subscribes to everyone's online state."""
        client = data.draw(st.sampled_from(self.clients_in(DISC)), label="client")
        self.login_client(client, ttl)
        if watch:
            cb = self.cb("watch", client)
            assert (
                self.world.api(lambda: self.client(client).subscribePeersOnlineStatus(USERS, cb))
                == 0
            )
            self.model.subs[client] |= set(USERS)
            self.run()
            assert cb.code == 0

    @precondition(lambda self: bool(self.clients_in(CONN, ABORTED)))
    @rule(data=st.data())
    def login_again_is_refused(self, data: st.DataObject) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN, ABORTED)), label="client")
        before = self.model.conn[client]
        cb = self.cb("relogin", client)
        assert self.world.api(lambda: self.client(client).login(None, user_of(client), cb)) == 8
        self.run()
        assert cb.error().errorCode == 8
        assert self.peers[client].state is before

    @precondition(lambda self: bool(self.clients_in(CONN, ABORTED)))
    @rule(data=st.data())
    def logout(self, data: st.DataObject) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN, ABORTED)), label="client")
        cb = self.cb("logout", client)
        assert self.world.api(lambda: self.client(client).logout(cb)) == 0
        was_connected = self.model.conn[client] is CONN
        self.model.end_session(client, DISC, 6, unbind=was_connected)
        self.run()
        assert cb.code == 0

    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(data=st.data(), ttl=st.sampled_from(TOKEN_TTLS))
    def renew_token(self, data: st.DataObject, ttl: float) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        token, expires_at = self.token(client, ttl)
        cb = self.cb("renew", client)
        assert self.world.api(lambda: self.client(client).renewToken(token, cb)) == 0
        self.model.schedule_token(client, expires_at)
        self.run()
        assert cb.code == 0

    @rule()
    def wait_long(self) -> None:
        """Long enough for empty-channel attributes (120 s) and any invitation to end."""
        self.advance(ADVANCES[-1])

    @rule(seconds=st.sampled_from(ADVANCES))
    def advance(self, seconds: float) -> None:
        self.world.advance(seconds)
        self.model.advance(seconds)
        self.views.fold(self.world.trace.events, self.model)
        assert self.world.now == self.model.now

    # --- rules: messages --------------------------------------------------------------------
    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(data=st.data(), to=st.sampled_from(USERS), offline=st.booleans())
    def send_peer(self, data: st.DataObject, to: str, offline: bool) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        sender = user_of(client)
        self.seq += 1
        text = f"p{self.seq}"
        options = SendMessageOptions(enableOfflineMessaging=offline)
        cb = self.cb("peer", client)
        message = RtmMessage(text)
        assert (
            self.world.api(lambda: self.client(client).sendMessageToPeer(to, message, options, cb))
            == 0
        )
        target = self.model.active[to]
        if target is not None:
            expected = 0
            self.model.peer_expected[target].append((sender, text, False))
        elif offline:
            expected = 4
            box = self.model.offline_box[to]
            box.append((sender, text))
            del box[: max(0, len(box) - 200)]
        else:
            expected = 3
        self.run()
        assert cb.code == expected

    @precondition(lambda self: any(self.model.joined[c] for c in self.clients_in(CONN)))
    @rule(data=st.data())
    def send_channel(self, data: st.DataObject) -> None:
        pairs = [(c, ch) for c in self.clients_in(CONN) for ch in self.model.joined[c]]
        client, channel = data.draw(st.sampled_from(pairs), label="client, channel")
        sender = user_of(client)
        self.seq += 1
        text = f"c{self.seq}"
        cb = self.cb("chan", client)
        channel_obj = self.peers[client].channel(channel)
        assert self.world.api(lambda: channel_obj.sendMessage(RtmMessage(text), None, cb)) == 0
        for user in self.model.members[channel] - {sender}:
            other = self.model.active[user]
            assert other is not None
            self.model.channel_expected[(other, channel)].append((sender, text))
        self.run()
        assert cb.code == 0

    # --- rules: channels -------------------------------------------------------------------
    @precondition(
        lambda self: any(
            ch not in self.model.joined[c] for c in self.clients_in(CONN) for ch in CHANNELS
        )
    )
    @rule(data=st.data())
    def join(self, data: st.DataObject) -> None:
        pairs = [
            (c, ch)
            for c in self.clients_in(CONN)
            for ch in CHANNELS
            if ch not in self.model.joined[c]
        ]
        client, channel = data.draw(st.sampled_from(pairs), label="client, channel")
        channel_obj = self.peers[client].channel(channel)
        cb = self.cb("join", client)
        assert self.world.api(lambda: channel_obj.join(cb)) == 0
        self.model.joined[client].append(channel)
        self.model.members[channel].add(user_of(client))
        self.model.cancel("attr", channel)
        self.run()
        assert cb.code == 0
        members = self.cb("members", client, channel)
        assert self.world.api(lambda: channel_obj.getMembers(members)) == 0
        self.run()
        assert members.code == 0

    @precondition(lambda self: any(self.model.joined[c] for c in self.clients_in(CONN)))
    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        pairs = [(c, ch) for c in self.clients_in(CONN) for ch in self.model.joined[c]]
        client, channel = data.draw(st.sampled_from(pairs), label="client, channel")
        cb = self.cb("leave", client)
        assert self.world.api(lambda: self.peers[client].channel(channel).leave(cb)) == 0
        self.model.joined[client].remove(channel)
        self.model.remove_member(channel, user_of(client))
        self.run()
        assert cb.code == 0

    # --- rules: attributes ----------------------------------------------------------------
    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(
        data=st.data(),
        op=st.sampled_from(["set", "add", "delete", "clear", "invalid"]),
        keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True),
    )
    def write_user_attrs(self, data: st.DataObject, op: str, keys: list[str]) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        user = user_of(client)
        self.seq += 1
        given = [RtmAttribute(k, f"v{self.seq}") for k in keys]
        c = self.client(client)
        cb = self.cb("uattr", client)
        current = self.model.user_attrs[user]
        calls = {
            "set": (lambda: c.setLocalUserAttributes(given, cb), {a.key: a.value for a in given}),
            "add": (
                lambda: c.addOrUpdateLocalUserAttributes(given, cb),
                {**current, **{a.key: a.value for a in given}},
            ),
            "delete": (
                lambda: c.deleteLocalUserAttributesByKeys(keys, cb),
                {k: v for k, v in current.items() if k not in keys},
            ),
            "clear": (lambda: c.clearLocalUserAttributes(cb), {}),
            "invalid": (
                lambda: c.addOrUpdateLocalUserAttributes([RtmAttribute(keys[0], "")], cb),
                current,
            ),
        }
        call, after = calls[op]
        assert self.world.api(call) == 0
        self.model.user_attrs[user] = dict(after)
        self.run()
        assert cb.code == (3 if op == "invalid" else 0)

    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(data=st.data(), whose=st.sampled_from(USERS))
    def read_user_attrs(self, data: st.DataObject, whose: str) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        cb = self.cb("uget", client)
        assert self.world.api(lambda: self.client(client).getUserAttributes(whose, cb)) == 0
        self.run()
        if self.model.online(whose):
            assert {a.key: a.value for a in cb.value()} == self.model.user_attrs[whose]
        else:
            assert cb.error().errorCode == 6  # USER_NOT_FOUND

    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(
        data=st.data(),
        channel=st.sampled_from(CHANNELS),
        op=st.sampled_from(["set", "add", "delete", "clear"]),
        keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True),
        notify=st.booleans(),
    )
    def write_channel_attrs(
        self, data: st.DataObject, channel: str, op: str, keys: list[str], notify: bool
    ) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        self.seq += 1
        given = [RtmChannelAttribute(k, f"w{self.seq}") for k in keys]
        options = ChannelAttributeOptions(enableNotificationToChannelMembers=notify)
        c = self.client(client)
        cb = self.cb("cattr", client)
        current = self.model.channel_attrs[channel]
        calls = {
            "set": (
                lambda: c.setChannelAttributes(channel, given, options, cb),
                {a.key: a.value for a in given},
            ),
            "add": (
                lambda: c.addOrUpdateChannelAttributes(channel, given, options, cb),
                {**current, **{a.key: a.value for a in given}},
            ),
            "delete": (
                lambda: c.deleteChannelAttributesByKeys(channel, keys, options, cb),
                {k: v for k, v in current.items() if k not in keys},
            ),
            "clear": (lambda: c.clearChannelAttributes(channel, options, cb), {}),
        }
        call, after = calls[op]
        assert self.world.api(call) == 0
        model = self.model
        model.channel_attrs[channel] = dict(after)
        if notify:
            for user in model.members[channel]:
                member_client = model.active[user]
                assert member_client is not None
                model.update_expected[(member_client, channel)] = dict(after)
        if after and not model.members[channel] and not model.has_timer("attr", channel):
            model.schedule(ATTR_TTL, "attr", channel)
        self.run()
        assert cb.code == 0

    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(data=st.data(), channel=st.sampled_from(CHANNELS))
    def read_channel_attrs(self, data: st.DataObject, channel: str) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        cb = self.cb("cget", client)
        assert self.world.api(lambda: self.client(client).getChannelAttributes(channel, cb)) == 0
        self.run()
        assert {a.key: a.value for a in cb.value()} == self.model.channel_attrs[channel]

    # --- rules: presence -------------------------------------------------------------------
    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(
        data=st.data(),
        peers=st.lists(st.sampled_from(USERS), min_size=1, max_size=3, unique=True),
        subscribe=st.booleans(),
    )
    def change_subscription(self, data: st.DataObject, peers: list[str], subscribe: bool) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        c = self.client(client)
        cb = self.cb("sub", client)
        call = c.subscribePeersOnlineStatus if subscribe else c.unsubscribePeersOnlineStatus
        assert self.world.api(lambda: call(peers, cb)) == 0
        if subscribe:
            self.model.subs[client] |= set(peers)
        else:
            self.model.subs[client] -= set(peers)
        self.run()
        assert cb.code == 0
        query = self.cb("subs", client)
        assert self.world.api(lambda: c.queryPeersBySubscriptionOption(0, query)) == 0
        self.run()
        assert query.value() == self.model.subs[client]

    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(data=st.data())
    def query_online(self, data: st.DataObject) -> None:
        client = data.draw(st.sampled_from(self.clients_in(CONN)), label="client")
        cb = self.cb("query", client)
        assert self.world.api(lambda: self.client(client).queryPeersOnlineStatus(USERS, cb)) == 0
        self.run()
        assert cb.value() == {u: self.model.online(u) for u in USERS}

    # --- rules: invitations -----------------------------------------------------------------
    @precondition(lambda self: bool(self.clients_in(CONN)))
    @rule(target=sent, data=st.data(), callee=st.sampled_from(USERS))
    def invite(self, data: st.DataObject, callee: str) -> Sent:
        candidates = [c for c in self.clients_in(CONN) if user_of(c) != callee]
        client = data.draw(st.sampled_from(candidates or self.clients_in(CONN)), label="caller")
        manager = self.client(client).getRtmCallManager()
        invitation = manager.createLocalInvitation(callee)
        invitation.setContent(f"call{self.seq}")
        cb = self.cb("invite", client)
        assert self.world.api(lambda: manager.sendLocalInvitation(invitation, cb)) == 0
        sent = Sent(invitation, client, callee, self.world.now)
        self.calls.append(sent)
        self.run()
        assert cb.code == 0
        return sent

    def answerable(self) -> list[Received]:
        return [
            r
            for r in self.views.remotes.values()
            if r.remote.state is RS.REMOTE_INVITATION_STATE_INVITATION_RECEIVED
            and self.model.conn[r.client] is CONN
            and self.model.epoch[r.client] == r.epoch
        ]

    @precondition(lambda self: bool(self.answerable()))
    @rule(data=st.data(), accept=st.booleans())
    def answer(self, data: st.DataObject, accept: bool) -> None:
        received = data.draw(st.sampled_from(self.answerable()), label="remote")
        manager = self.client(received.client).getRtmCallManager()
        received.remote.setResponse("yes" if accept else "no")
        cb = self.cb("answer", received.client)
        call = manager.acceptRemoteInvitation if accept else manager.refuseRemoteInvitation
        assert self.world.api(lambda: call(received.remote, cb)) == 0
        self.run()
        assert cb.code == 0

    @rule(sent=consumes(sent))
    def cancel_or_misuse(self, sent: Sent) -> None:
        """Cancel a live invitation, or check the API error for one that has ended."""
        invitation = sent.invitation
        manager = self.client(sent.caller).getRtmCallManager()
        state = invitation.state
        cb = self.cb("cancel", sent.caller)
        code = self.world.api(lambda: manager.cancelLocalInvitation(invitation, cb))
        E = INVITATION_API_CALL_ERR_CODE
        if state in LIVE_LOCAL:
            assert code == 0
            assert invitation.state is L.LOCAL_INVITATION_STATE_CANCELED
        else:
            expected = (
                E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT
                if state is L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE
                else E.INVITATION_API_CALL_ERR_ALREADY_END
            )
            assert code == -expected
            assert invitation.state is state
        self.run()
        assert cb.code == -code

    # --- invariants ---------------------------------------------------------------------------
    @invariant()
    def connection_states_match(self) -> None:
        for client in CLIENTS:
            assert self.peers[client].state is self.model.conn[client], client
            expected = self.model.last_change[client]
            changes = self.views.changes[client]
            assert (changes[-1] if changes else None) == expected, (client, changes)
            assert self.views.will[client] == self.model.will_expire[client], client
            assert self.views.expired[client] == self.model.expired[client], client

    @invariant()
    def messages_are_neither_lost_nor_reordered(self) -> None:
        for client in CLIENTS:
            assert self.views.peer[client] == self.model.peer_expected[client], client
            for channel in CHANNELS:
                key = (client, channel)
                assert self.views.channel[key] == self.model.channel_expected[key], key

    @invariant()
    def membership_views_match(self) -> None:
        model = self.model
        for channel in CHANNELS:
            holders = {
                u for u, c in model.active.items() if c is not None and channel in model.joined[c]
            }
            assert holders == model.members[channel]
            for client in self.clients_in(CONN):
                if channel in model.joined[client]:
                    assert self.views.members.get((client, channel)) == model.members[channel], (
                        client,
                        channel,
                    )
            for client in CLIENTS:
                joined = self.peers[client].channel(channel).state is MemberState.JOINED
                assert joined == (channel in model.joined[client]), (client, channel)

    @invariant()
    def presence_matches(self) -> None:
        for client in self.clients_in(CONN):
            pushed = self.views.presence[client]
            for peer in self.model.subs[client]:
                assert pushed.get(peer) == (0 if self.model.online(peer) else 2), (client, peer)

    @invariant()
    def attributes_read_back_as_modelled(self) -> None:
        readers = self.clients_in(CONN)
        if not readers:
            return
        client = self.client(readers[0])
        reads: dict[tuple[str, str], Results] = {}
        for channel in CHANNELS:
            cb = reads[("channel", channel)] = self.cb("inv-cget", readers[0])
            assert self.world.api(partial(client.getChannelAttributes, channel, cb)) == 0
        for user in USERS:
            cb = reads[("user", user)] = self.cb("inv-uget", readers[0])
            assert self.world.api(partial(client.getUserAttributes, user, cb)) == 0
        self.run()
        for (kind, name), cb in reads.items():
            if kind == "channel":
                assert {a.key: a.value for a in cb.value()} == self.model.channel_attrs[name]
            elif self.model.online(name):
                assert {a.key: a.value for a in cb.value()} == self.model.user_attrs[name]
            else:
                assert cb.error().errorCode == 6

    @invariant()
    def attribute_notifications_match(self) -> None:
        for key, expected in self.model.update_expected.items():
            assert self.views.updates.get(key) == expected, key

    @invariant()
    def invitations_are_valid_and_consistent(self) -> None:
        final_local: dict[int, list[str]] = {}
        final_remote: dict[int, list[str]] = {}
        for event in self.views.call_events:
            if event.name in LOCAL_FINAL.values():
                final_local.setdefault(id(event.args[0]), []).append(event.name)
            elif event.name in REMOTE_FINAL.values():
                final_remote.setdefault(id(event.args[0]), []).append(event.name)
        for sent in self.calls:
            local = sent.invitation
            received = self.views.remotes.get(local._call_id)
            remote = received.remote if received else None
            remote_state = remote.state if remote else None
            assert remote_state in CONSISTENT[local.state], (local, remote)
            if received is not None:
                assert user_of(received.client) == sent.callee
                assert remote is not None and remote.callerId == user_of(sent.caller)
            finals = final_local.get(id(local), [])
            if local.state in LOCAL_FINAL:
                assert finals == [LOCAL_FINAL[local.state]], (local, finals)
            else:
                assert finals == []
            if remote is not None:
                rfinals = final_remote.get(id(remote), [])
                if remote.state is RS.REMOTE_INVITATION_STATE_FAILURE:
                    assert rfinals in ([], ["onRemoteInvitationFailure"])
                elif remote.state in REMOTE_FINAL:
                    assert rfinals == [REMOTE_FINAL[remote.state]], (remote, rfinals)
                else:
                    assert rfinals == []
            if self.world.now - sent.at > INVITATION_HORIZON:
                assert local.state not in LIVE_LOCAL, local
                assert remote_state not in LIVE_REMOTE, remote

    @invariant()
    def every_call_reported_exactly_once(self) -> None:
        for who in self.callbacks:
            assert self.views.outcomes.get(who) == 1, who
        self.world.check()


RtmModelMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None
)
TestRtmModel = RtmModelMachine.TestCase


#: Examples per gateway variant: each builds real gateway nodes, so fewer than embedded.
NETWORK_EXAMPLES = 20


@pytest.mark.parametrize("over", ["gateway", "redis"])
def test_rtm_model_over_gateways(over: str, request: pytest.FixtureRequest) -> None:
    """The same machine with its clients behind one gateway node, or spread over two
    nodes sharing Redis (lockstep, virtual time): the model must not be able to tell."""
    url = request.getfixturevalue("redis_server").url if over == "redis" else None

    class OverGateways(RtmModelMachine):
        def make_world(self) -> World:
            return World(CONFIG, over=over, redis_url=url)

    run_state_machine_as_test(
        OverGateways,
        settings=settings(max_examples=NETWORK_EXAMPLES, stateful_step_count=30, deadline=None),
    )
