"""Hypothesis strategies for legacy programs.

``programs()`` draws a world configuration, a short prologue (1-4 instances created, given
a recorder and mostly logged in) and then steps, or short scenarios of steps (two users
meet in a channel, a call and its ending, a login that retries), chosen by weight. A rough
model of what
the program has done so far (who is logged in as whom, who is in which channel, which
invitations were sent) steers the draws toward *legal* sequences — sends from members,
answers to invitations that exist, restores of dropped connections — because random calls
mostly fail early and test little. Each draw also has a small chance of an illegal or
malformed variant (invalid names, bad JSON, wrong state, misuse of types), so error paths
are covered too. The model is only a guide: the worlds decide what really happens.

Importing this module needs Hypothesis (a test dependency).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import attrs
from hypothesis import strategies as st

from legacy_signaling.equivalence import universe as u
from legacy_signaling.equivalence.program import (
    DTMF,
    UNSUPPORTED_CALLS,
    Accept,
    Advance,
    ChannelClearAttr,
    ChannelDelAttr,
    ChannelSetAttr,
    CreateInstance,
    Destroy,
    DropConnection,
    End,
    ForceSendChannel,
    GetAttr,
    GetAttrAll,
    GetStatus,
    GetUserAttr,
    GetUserAttrAll,
    Handler,
    InviteUser,
    InviteUser2,
    Invoke,
    Join,
    Leave,
    Login,
    Login2,
    Logout,
    Misuse,
    PeerBurst,
    Program,
    QueryUserIsIn,
    QueryUserNum,
    QueryUserStatus,
    Refuse,
    RestoreConnection,
    RunUntilIdle,
    SendChannel,
    SendPeer,
    SetAttr,
    SetCallback,
    SetServerAvailable,
    Step,
    Together,
    TokenKind,
    Unsupported,
)
from legacy_signaling.equivalence.world import (
    ALL_CAPABILITIES,
    CALL_RECONNECTING,
    CONNECTION,
    DROP_WITH_CALLS,
    KICK_ENDS_CALLS,
    KICK_WHILE_DROPPED,
    LIST_OUTSIDE,
    LOGOUT_WHILE_DROPPED,
    SERVER_AVAILABILITY,
    WorldConfig,
)
from legacy_signaling.identity import check_channel, check_extra, invite_options
from legacy_signaling.reference.testing import APP_ID

__all__ = ["KIND_WEIGHTS", "programs", "world_configs"]

_T = TypeVar("_T")

#: Model approximations of docs V6 and C3 (the worlds use the exact rules).
DEFAULT_TIMEOUT_S: Final = 20.0
GIVE_UP_S: Final = 30.0
MAX_STEPS: Final = 40
#: Before each step past ``min_steps``, one chance in this many to end the program.
STOP_ODDS: Final = 24
MIN_STEPS: Final = 5


def world_configs() -> st.SearchStrategy[WorldConfig]:
    """Mostly no certificate (any token works); sometimes one, with or without debugging."""
    return st.sampled_from(
        [
            WorldConfig(APP_ID),
            WorldConfig(APP_ID),
            WorldConfig(APP_ID),
            WorldConfig(APP_ID, u.CERTIFICATE, debug_switch=False),
            WorldConfig(APP_ID, u.CERTIFICATE, debug_switch=True),
        ]
    )


# ----------------------------------------------------------------------------- guide model


@attrs.define
class _Client:
    created: bool = False
    alive: bool = False
    account: str | None = None  # believed logged in as
    channel: str | None = None
    dropped_at: float | None = None  # model clock when the connection was dropped

    @property
    def dropped(self) -> bool:
        return self.dropped_at is not None

    @property
    def online(self) -> bool:
        return self.alive and self.account is not None and not self.dropped

    def logged_out(self) -> None:
        self.account = None
        self.channel = None
        self.dropped_at = None


@attrs.define
class _Invite:
    channel: str
    caller: str
    callee: str
    sent_at: float
    accepted: bool = False
    #: Its answer time (``_timeout`` of its extra, 1..30 s, else 20 s: V6), so the model
    #: believes it alive exactly as long as it can ring.
    timeout: float = DEFAULT_TIMEOUT_S


@attrs.define
class _Model:
    """What the program has probably done; steers draws, never decides outcomes."""

    config: WorldConfig
    capabilities: frozenset[str]
    long_advances: bool
    clients: dict[str, _Client] = attrs.Factory(lambda: {c: _Client() for c in u.CLIENTS})
    #: Invitations believed to be alive.
    invites: list[_Invite] = attrs.Factory(list)
    #: Instances with a session that no name reaches any more (a client re-created under
    #: their name): still logged in, maybe with a dropped link, until kicked or given up.
    orphans: list[_Client] = attrs.Factory(list)
    server_down: bool = False
    clock: float = 0.0

    def names(self, want: Callable[[_Client], bool]) -> list[str]:
        return [name for name, c in self.clients.items() if want(c)]

    def holder(self, account: str) -> str | None:
        """The client believed logged in as ``account``."""
        return next((n for n, c in self.clients.items() if c.account == account), None)

    def replace(self, name: str) -> None:
        """``name`` now means a new instance; the old one keeps its session (an orphan)."""
        old = self.clients[name]
        if old.alive and old.account is not None:
            self.orphans.append(old)
        self.clients[name] = _Client(created=True, alive=True)

    def dropped_accounts(self) -> set[str]:
        """Accounts whose session's link is down, on a named instance or an orphan."""
        every = [*self.clients.values(), *self.orphans]
        return {c.account for c in every if c.dropped and c.account is not None}

    def token_works(self, kind: TokenKind) -> bool:
        if self.config.app_certificate is None:
            return True
        return kind is TokenKind.VALID or (kind is TokenKind.NO_NEED and self.config.debug_switch)

    def logged_in(self, name: str, account: str) -> None:
        for other in [*self.clients.values(), *self.orphans]:
            if other.account == account:
                other.logged_out()  # kicked (L6)
                self.forget_calls(account)
        self.orphans = [o for o in self.orphans if o.account is not None]
        client = self.clients[name]
        client.account, client.channel, client.dropped_at = account, None, None

    def logged_out(self, name: str) -> None:
        client = self.clients[name]
        if client.account is not None:
            self.forget_calls(client.account)
        client.logged_out()

    def forget_calls(self, account: str) -> None:
        """A session ended: its calls end (V12)."""
        self.invites = [i for i in self.invites if account not in (i.caller, i.callee)]

    def tick(self, seconds: float) -> None:
        """Time passes: unanswered invitations time out, long drops give up (V3, V6, C3)."""
        self.clock += seconds
        self.invites = [i for i in self.invites if i.accepted or self.clock - i.sent_at < i.timeout]
        for name, client in self.clients.items():
            if client.dropped_at is not None and self.clock - client.dropped_at >= GIVE_UP_S:
                self.logged_out(name)
        for orphan in self.orphans:
            if orphan.dropped_at is not None and self.clock - orphan.dropped_at >= GIVE_UP_S:
                if orphan.account is not None:
                    self.forget_calls(orphan.account)
                orphan.logged_out()
        self.orphans = [o for o in self.orphans if o.account is not None]


# ----------------------------------------------------------------------------- draw helpers


def _chance(draw: st.DrawFn, percent: int) -> bool:
    """True ``percent`` times in 100; shrinks to False (the ordinary branch)."""
    return draw(st.integers(0, 99)) >= 100 - percent


def _pick(draw: st.DrawFn, values: Sequence[_T]) -> _T:
    return draw(st.sampled_from(values))


def _valid_or(draw: st.DrawFn, valid: Sequence[str], invalid: Sequence[str], bad: int) -> str:
    return _pick(draw, invalid) if _chance(draw, bad) else _pick(draw, valid)


def _actor(draw: st.DrawFn, m: _Model) -> str:
    """Mostly a client that is online; else one that exists; else any name."""
    online = m.names(lambda c: c.online)
    if online and not _chance(draw, 10):
        return _pick(draw, online)
    created = m.names(lambda c: c.created)
    return _pick(draw, created or list(u.CLIENTS))


def _peer(draw: st.DrawFn, m: _Model, me: str) -> str:
    """An account to talk to: mostly another online user; sometimes offline or invalid."""
    mine = m.clients[me].account
    others = [c.account for c in m.clients.values() if c.online and c.account != mine]
    roll = draw(st.integers(0, 99))
    if others and roll < 70:
        return _pick(draw, [a for a in others if a is not None])
    if roll < 85:
        return _pick(draw, [*u.STRANGERS, *u.ACCOUNTS])
    if roll < 92 and mine is not None:
        return mine
    return _pick(draw, u.INVALID_ACCOUNTS)


def _channel(draw: st.DrawFn, m: _Model, me: str) -> str:
    """Mostly the actor's channel, else any channel; sometimes an invalid name."""
    current = m.clients[me].channel
    if current is not None and _chance(draw, 75):
        return current
    return _valid_or(draw, u.CHANNELS, u.INVALID_CHANNELS, 8)


def _text(draw: st.DrawFn) -> str:
    return _pick(draw, u.LONG_TEXTS) if _chance(draw, 5) else _pick(draw, u.TEXTS)


def _attr(draw: st.DrawFn) -> str:
    return _valid_or(draw, u.ATTR_NAMES, u.INVALID_ATTR_NAMES, 6)


def _value(draw: st.DrawFn) -> str:
    return _valid_or(draw, u.ATTR_VALUES, u.INVALID_ATTR_VALUES, 4)


def _token(draw: st.DrawFn, m: _Model) -> TokenKind:
    if _chance(draw, 80):
        working = [k for k in TokenKind if m.token_works(k)]
        return _pick(draw, working)
    return _pick(draw, list(TokenKind))


def _account_for(draw: st.DrawFn, name: str) -> str:
    own = u.ACCOUNTS[u.CLIENTS.index(name) % len(u.ACCOUNTS)]
    roll = draw(st.integers(0, 99))
    if roll < 75:
        return own
    if roll < 94:
        return _pick(draw, u.ACCOUNTS)
    return _pick(draw, u.INVALID_ACCOUNTS)


# ----------------------------------------------------------------------------- step builders
# Each builder draws one step and updates the model with its likely effect.

#: A builder returns one step, or a short scenario of steps that only mean something together.
Builder = Callable[[st.DrawFn, _Model], Step | list[Step]]


def _create(draw: st.DrawFn, m: _Model) -> Step:
    free = m.names(lambda c: not c.alive)
    name = _pick(draw, free or list(u.CLIENTS))
    singleton = _chance(draw, 15)
    valid = not _chance(draw, 4)
    if valid:
        m.replace(name)
    return CreateInstance(name, singleton=singleton, valid_app_id=valid)


def _set_callback(draw: st.DrawFn, m: _Model) -> Step:
    return SetCallback(_actor(draw, m), _pick(draw, list(Handler)))


def _destroy(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    m.logged_out(name)
    m.clients[name].alive = False
    return Destroy(name, alias=_chance(draw, 20))


def _get_status(draw: st.DrawFn, m: _Model) -> Step:
    return GetStatus(_actor(draw, m))


def _login_target(draw: st.DrawFn, m: _Model) -> str:
    idle = m.names(lambda c: c.alive and c.account is None)
    if idle and _chance(draw, 85):
        return _pick(draw, idle)
    return _actor(draw, m)


def _note_login(m: _Model, name: str, account: str, token: TokenKind, right: bool) -> None:
    client = m.clients[name]
    if client.account is not None or not client.alive:
        return  # already logged in (L2) or destroyed (D8): nothing changes
    if right and account in u.ACCOUNTS and m.token_works(token) and not m.server_down:
        m.logged_in(name, account)


def _kick_safe(m: _Model, name: str, account: str) -> str:
    """Avoid kicks a world cannot reproduce: of a session that has calls (without
    KICK_ENDS_CALLS) or of a dropped session (without KICK_WHILE_DROPPED)."""
    busy = set()
    if KICK_ENDS_CALLS not in m.capabilities:
        busy |= {a for i in m.invites for a in (i.caller, i.callee)}
    if KICK_WHILE_DROPPED not in m.capabilities:
        busy |= m.dropped_accounts()
    if account not in busy:
        return account
    # The account may be logged in on an instance the model no longer names (a client
    # re-created under the same name), so any account with a call is avoided.
    elsewhere = {c.account for n, c in m.clients.items() if n != name and c.account is not None}
    free = [a for a in u.ACCOUNTS if a not in busy and a not in elsewhere]
    return free[0] if free else u.INVALID_ACCOUNTS[0]


def _login(draw: st.DrawFn, m: _Model) -> Step:
    if not m.names(lambda c: c.alive and c.account is None) and _chance(draw, 60):
        return _logout(draw, m)  # everyone is logged in: make room for a later login
    name = _login_target(draw, m)
    account = _kick_safe(m, name, _account_for(draw, name))
    token = _token(draw, m)
    right = not _chance(draw, 8)
    _note_login(m, name, account, token, right)
    return Login(name, account, token, right_app=right)


_RETRIES: Final = ((30, 3), (0, 0), (4, 1), (10, 5), (3, 9), (-1, 3), (5, -1))


def _login2(draw: st.DrawFn, m: _Model) -> Step:
    name = _login_target(draw, m)
    account = _kick_safe(m, name, _account_for(draw, name))
    token = _token(draw, m)
    retry_time, retry_count = _pick(draw, _RETRIES)
    right = not _chance(draw, 8)
    if retry_time >= 0 and retry_count >= 0:
        _note_login(m, name, account, token, right)
    return Login2(name, account, token, retry_time, retry_count, right_app=right)


def _logout(draw: st.DrawFn, m: _Model) -> Step:
    # Sometimes any instance: logging out while logged out (L8) or retrying (L9).
    alive = m.names(lambda c: c.alive)
    name = _pick(draw, alive) if alive and _chance(draw, 25) else _actor(draw, m)
    if LOGOUT_WHILE_DROPPED not in m.capabilities and m.clients[name].dropped:
        return GetStatus(name)  # this world's server hears of it only after its grace
    m.logged_out(name)
    return Logout(name)


def _join(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    client = m.clients[name]
    others = [c.channel for c in m.clients.values() if c.channel is not None]
    if others and _chance(draw, 60):
        channel = _pick(draw, others)  # meet someone
    else:
        channel = _valid_or(draw, u.CHANNELS, u.INVALID_CHANNELS, 8)
    if client.online and channel in u.CHANNELS:
        client.channel = channel
    return Join(name, channel)


def _leave(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    channel = _channel(draw, m, name)
    if m.clients[name].channel == channel:
        m.clients[name].channel = None
    return Leave(name, channel)


def _query_num(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    return QueryUserNum(name, _channel(draw, m, name))


def _query_is_in(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    channel = _channel(draw, m, name)
    members = [c.account for c in m.clients.values() if c.channel == channel and c.account]
    if members and _chance(draw, 60):
        return QueryUserIsIn(name, channel, _pick(draw, members))
    return QueryUserIsIn(name, channel, _peer(draw, m, name))


def _query_status(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    return QueryUserStatus(name, _peer(draw, m, name))


def _send_peer(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    options = _pick(draw, u.SEND_OPTIONS) if _chance(draw, 15) else None
    return SendPeer(
        name, _peer(draw, m, name), _text(draw), _pick(draw, u.MSG_IDS), options=options
    )


def _peer_burst(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    return PeerBurst(name, _peer(draw, m, name), _pick(draw, (2, 59, 61)))


def _member(draw: st.DrawFn, m: _Model) -> str:
    """Mostly a client that is in a channel (sends and attribute changes reach someone)."""
    members = m.names(lambda c: c.online and c.channel is not None)
    if members and _chance(draw, 80):
        return _pick(draw, members)
    return _actor(draw, m)


def _send_channel(draw: st.DrawFn, m: _Model) -> Step:
    name = _member(draw, m)
    extra = _pick(draw, u.SEND_OPTIONS) if _chance(draw, 15) else None
    return SendChannel(
        name, _channel(draw, m, name), _text(draw), _pick(draw, u.MSG_IDS), extra=extra
    )


def _join_then(draw: st.DrawFn, m: _Model) -> Step:
    """channelJoin and the calls the app makes right after it, before any callback.

    A channel attribute change only ends a burst: a call right after one is the declared
    difference ``channel_attr_report_order`` (pinned by tests/adapters/signaling)."""
    join = _join(draw, m)
    assert isinstance(join, Join)
    name = join.client
    steps: list[Step] = [join]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.integers(0, 5))
        channel = _channel(draw, m, name)
        if kind == 0:
            steps.append(SendChannel(name, channel, _text(draw), _pick(draw, u.MSG_IDS)))
        elif kind == 1:
            steps.append(Leave(name, channel))
            if m.clients[name].channel == channel:
                m.clients[name].channel = None
        elif kind == 2:
            other = _valid_or(draw, u.CHANNELS, u.INVALID_CHANNELS, 8)
            steps.append(Join(name, other))
            if m.clients[name].online and other in u.CHANNELS:
                m.clients[name].channel = other
        elif kind == 3:
            steps.append(ChannelSetAttr(name, channel, _attr(draw), _value(draw)))
            break
        elif kind == 4:
            steps.append(SendPeer(name, _peer(draw, m, name), _text(draw), _pick(draw, u.MSG_IDS)))
        else:
            steps.append(GetAttrAll(name))
    return Together(tuple(steps))


def _force_send(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    channel = _valid_or(draw, u.CHANNELS, u.INVALID_CHANNELS, 8)
    return ForceSendChannel(name, channel, _text(draw), _pick(draw, u.MSG_IDS))


def _set_attr(draw: st.DrawFn, m: _Model) -> Step:
    return SetAttr(_actor(draw, m), _attr(draw), _value(draw))


def _get_attr(draw: st.DrawFn, m: _Model) -> Step:
    return GetAttr(_actor(draw, m), _attr(draw))


def _get_attr_all(draw: st.DrawFn, m: _Model) -> Step:
    return GetAttrAll(_actor(draw, m))


def _get_user_attr(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    return GetUserAttr(name, _peer(draw, m, name), _attr(draw))


def _get_user_attr_all(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    return GetUserAttrAll(name, _peer(draw, m, name))


def _channel_set_attr(draw: st.DrawFn, m: _Model) -> Step:
    name = _member(draw, m)
    return ChannelSetAttr(name, _channel(draw, m, name), _attr(draw), _value(draw))


def _channel_del_attr(draw: st.DrawFn, m: _Model) -> Step:
    name = _member(draw, m)
    return ChannelDelAttr(name, _channel(draw, m, name), _attr(draw))


def _channel_clear_attr(draw: st.DrawFn, m: _Model) -> Step:
    name = _member(draw, m)
    return ChannelClearAttr(name, _channel(draw, m, name))


#: Request fields of each ``invoke`` function (R1-R9), by kind of value.
_INVOKE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "user_query_user_status": ("account",),
    "user_set_attr": ("name", "value"),
    "user_get_attr": ("account", "name"),
    "user_get_attr_all": ("account",),
    "channel_query_num": ("channel",),
    "channel_query_user_isin": ("channel", "account"),
    "channel_query_userlist": ("channel",),
    "channel_query_userlist_all": ("channel", "num?"),
    "channel_set_attr": ("channel", "name", "value"),
    "channel_del_attr": ("channel", "name"),
    "channel_clear_attr": ("channel",),
}
#: Channel-query functions name their channel "name"; attribute functions "channel".
_CHANNEL_KEY: Final = {
    "channel_query_num",
    "channel_query_user_isin",
    "channel_query_userlist",
    "channel_query_userlist_all",
}


_USERLIST = frozenset({"channel_query_userlist", "channel_query_userlist_all"})


def _invoke_req(draw: st.DrawFn, m: _Model, me: str, function: str) -> str:
    roll = draw(st.integers(0, 99))
    if roll < 8:
        return _pick(draw, ("not json", "[1]", '"text"', ""))
    req: dict[str, object] = {}
    for field in _INVOKE_FIELDS[function]:
        if field == "num?":
            if _chance(draw, 60):
                req["num"] = _pick(draw, (0, 1, 2, 50, -1, "2"))
        elif field == "channel":
            key = "name" if function in _CHANNEL_KEY else "channel"
            req[key] = _channel(draw, m, me)
        elif field == "account":
            req["account"] = _peer(draw, m, me)
        elif field == "name":
            req["name"] = _attr(draw)
        else:
            req["value"] = _value(draw)
    if roll < 15 and req:
        req.pop(_pick(draw, sorted(req)))  # a missing field (R10)
    elif roll < 18 and req:
        req[_pick(draw, sorted(req))] = 7  # a field of the wrong type
    return json.dumps(req, ensure_ascii=_chance(draw, 50))


def _invoke(draw: st.DrawFn, m: _Model) -> Step:
    name = _actor(draw, m)
    call_id = _pick(draw, ("call-1", "call-2", ""))
    if _chance(draw, 6):
        return Invoke(name, _pick(draw, u.UNKNOWN_FUNCTIONS), "{}", call_id)
    function = _pick(draw, u.INVOKE_FUNCTIONS)
    if function in _USERLIST and LIST_OUTSIDE not in m.capabilities:
        channel = m.clients[name].channel
        if channel is None:
            function = "channel_query_num"
        else:
            req_list: dict[str, object] = {"name": channel}
            full_list = function if _chance(draw, 30) else f"io.agora.signal.{function}"
            return Invoke(name, full_list, json.dumps(req_list), call_id)
    req = _invoke_req(draw, m, name, function)
    full = function if _chance(draw, 30) else f"io.agora.signal.{function}"
    return Invoke(name, full, req, call_id)


def _invite_parts(draw: st.DrawFn, m: _Model) -> tuple[str, str, str]:
    name = _actor(draw, m)
    caller = m.clients[name].account
    mine = [i for i in m.invites if caller in (i.caller, i.callee)]
    if mine and _chance(draw, 15):
        again = _pick(draw, mine)  # a call that exists already (V5)
        return name, again.channel, again.callee if again.caller == caller else again.caller
    channel = _valid_or(draw, u.CHANNELS, u.INVALID_CHANNELS, 5)
    return name, channel, _peer(draw, m, name)


def _note_invite(m: _Model, name: str, channel: str, callee: str, extra: str) -> None:
    caller = m.clients[name].account
    if (
        caller is None
        or not m.clients[name].online
        or callee == caller
        or check_channel(channel) is not None  # reserved names are fine for calls
        or check_extra(extra) is not None
        or any(i.channel == channel and {i.caller, i.callee} == {caller, callee} for i in m.invites)
    ):
        return
    m.invites.append(_Invite(channel, caller, callee, m.clock, timeout=invite_options(extra)[1]))


def _invite(draw: st.DrawFn, m: _Model) -> Step:
    name, channel, callee = _invite_parts(draw, m)
    _note_invite(m, name, channel, callee, "")
    return InviteUser(name, channel, callee)


def _invite2(draw: st.DrawFn, m: _Model) -> Step:
    name, channel, callee = _invite_parts(draw, m)
    extra = _pick(draw, u.INVITE_EXTRAS)
    # A dropped session may live on an instance the model no longer names (an orphan).
    if CALL_RECONNECTING not in m.capabilities and callee in m.dropped_accounts():
        extra = ""  # "peer online?" for a reconnecting callee: not asked of such worlds
    _note_invite(m, name, channel, callee, extra)
    return InviteUser2(name, channel, callee, extra)


CallSide = tuple[str, str, str]  # (actor, channel, peer account)


def _call_side(
    draw: st.DrawFn, m: _Model, *, callee_only: bool, ringing: bool
) -> tuple[CallSide, _Invite | None] | None:
    """An invitation believed alive, seen from one of its sides; or random parts.

    None when no invitation is alive: the caller then invites instead, so answers mostly
    meet calls that exist (random parts would almost always be "no such call").
    """
    candidates: list[tuple[CallSide, _Invite]] = []
    for invite in m.invites:
        if ringing and invite.accepted:
            continue
        at_callee = m.holder(invite.callee)
        if at_callee is not None:
            candidates.append(((at_callee, invite.channel, invite.caller), invite))
        at_caller = m.holder(invite.caller)
        if at_caller is not None and not callee_only:
            candidates.append(((at_caller, invite.channel, invite.callee), invite))
    if candidates and not _chance(draw, 10):
        return _pick(draw, candidates)
    if not candidates and _chance(draw, 50):
        return None
    name = _actor(draw, m)
    return (name, _channel(draw, m, name), _peer(draw, m, name)), None


def _accept(draw: st.DrawFn, m: _Model) -> Step:
    found = _call_side(draw, m, callee_only=True, ringing=True)
    if found is None:
        return _invite2(draw, m)
    side, invite = found
    extra = _valid_or(draw, u.ANSWER_EXTRAS, u.BAD_ANSWER_EXTRAS, 6)
    if invite is not None and check_extra(extra) is None:
        invite.accepted = True  # a bad extra is refused with onError (V11): nothing changes
    return Accept(*side, extra)


def _refuse(draw: st.DrawFn, m: _Model) -> Step:
    found = _call_side(draw, m, callee_only=True, ringing=True)
    if found is None:
        return _invite2(draw, m)
    side, invite = found
    extra = _valid_or(draw, u.ANSWER_EXTRAS, u.BAD_ANSWER_EXTRAS, 6)
    if invite is not None and check_extra(extra) is None:
        m.invites.remove(invite)  # a bad extra is refused with onError (V11): the call stays
    return Refuse(*side, extra)


def _end(draw: st.DrawFn, m: _Model) -> Step:
    found = _call_side(draw, m, callee_only=False, ringing=False)
    if found is None:
        return _invite2(draw, m)
    side, invite = found
    if invite is not None:
        m.invites.remove(invite)
    return End(*side)


def _dtmf(draw: st.DrawFn, m: _Model) -> Step:
    found = _call_side(draw, m, callee_only=False, ringing=False)
    if found is None:
        return _invite2(draw, m)
    side, _ = found
    return DTMF(*side, _valid_or(draw, u.DTMF_DIGITS, u.INVALID_DTMF_DIGITS, 10))


def _advance(draw: st.DrawFn, m: _Model) -> Step:
    if m.long_advances and _chance(draw, 12):
        seconds = _pick(draw, u.LONG_ADVANCES)
    else:
        seconds = _pick(draw, u.ADVANCES)
    m.tick(seconds)
    return Advance(seconds)


def _run_until_idle(draw: st.DrawFn, m: _Model) -> Step:
    return RunUntilIdle()


def _unsupported(draw: st.DrawFn, m: _Model) -> Step:
    return Unsupported(_actor(draw, m), _pick(draw, sorted(UNSUPPORTED_CALLS)))


def _misuse(draw: st.DrawFn, m: _Model) -> Step:
    method, args = _pick(draw, u.MISUSES)
    return Misuse(_actor(draw, m), method, args)


def _network(draw: st.DrawFn, m: _Model) -> Step | list[Step]:
    """Restore a dropped connection if there is one, else drop one (C1, C2).

    A drop is sometimes followed at once by time around the 30 s give-up (C3). One time in
    ten the other control on any instance: a ``ValueError`` both worlds must raise alike.
    """
    dropped = m.names(lambda c: c.alive and c.dropped)
    wrong = _chance(draw, 15)
    if dropped and not wrong:
        name = _pick(draw, dropped)
        m.clients[name].dropped_at = None
        return RestoreConnection(name)
    name = _actor(draw, m)
    if wrong and _chance(draw, 50):
        return RestoreConnection(name)
    account = m.clients[name].account
    if DROP_WITH_CALLS not in m.capabilities and any(
        account in (i.caller, i.callee) for i in m.invites
    ):
        return GetStatus(name)  # this world cannot drop a session that has calls
    if m.clients[name].online:
        m.clients[name].dropped_at = m.clock
    steps: list[Step] = [DropConnection(name)]
    if _chance(draw, 30):
        steps.append(GetStatus(name))
    if _chance(draw, 50 if m.clients[name].channel is not None else 25):
        seconds = _pick(draw, (10.0, 29.5, 30.0, 31.0))
        m.tick(seconds)
        steps.append(Advance(seconds))
    return steps


def _login_retry(draw: st.DrawFn, m: _Model) -> list[Step]:
    """Server down, a login that retries (status 1), then time, a logout or the server back.

    L9 (cancel, 203) and L11 (retries, 201) need this order; independent draws rarely
    produce it.
    """
    steps: list[Step] = []
    idle = m.names(lambda c: c.alive and c.account is None)
    if idle:
        name = _pick(draw, idle)
    else:
        name = _actor(draw, m)
        steps.append(Logout(name))
        m.logged_out(name)
    steps.append(SetServerAvailable(False))
    account = _kick_safe(m, name, _account_for(draw, name))
    token = _token(draw, m)
    if _chance(draw, 40):
        retry_time, retry_count = _pick(draw, ((4, 1), (10, 5), (30, 3), (0, 0)))
        steps.append(Login2(name, account, token, retry_time, retry_count))
    else:
        steps.append(Login(name, account, token))
    steps.append(GetStatus(name))
    ending = draw(st.integers(0, 2))
    if ending == 0:
        steps.append(Logout(name))
    elif ending == 1:
        steps.append(Advance(_pick(draw, (2.0, 4.0, 6.0, 8.0))))
    steps.append(SetServerAvailable(True))
    m.server_down = False
    if _chance(draw, 50):
        steps.append(Advance(_pick(draw, (2.0, 4.0, 30.0))))
        steps.append(GetStatus(name))
        if ending != 0:
            _note_login(m, name, account, token, True)  # a retry may have got through
    return steps


def _two_online(draw: st.DrawFn, m: _Model) -> tuple[str, str] | None:
    """Two online clients logged in as different accounts, or None."""
    online = m.names(lambda c: c.online)
    if len(online) < 2:
        return None
    first = _pick(draw, online)
    others = [n for n in online if m.clients[n].account != m.clients[first].account]
    return (first, _pick(draw, others)) if others else None


def _meet(draw: st.DrawFn, m: _Model) -> Step | list[Step]:
    """Two users in one channel, then one thing that the other member observes (CH, M, A)."""
    pair = _two_online(draw, m)
    if pair is None:
        return _join(draw, m)
    a, b = pair
    channel = _pick(draw, u.CHANNELS)
    steps: list[Step] = [Join(n, channel) for n in (a, b) if m.clients[n].channel != channel]
    for n in (a, b):
        m.clients[n].channel = channel
    account_b = m.clients[b].account or ""
    then = draw(st.integers(0, 5))
    if then == 0:
        steps.append(SendChannel(a, channel, _pick(draw, u.TEXTS), _pick(draw, u.MSG_IDS)))
    elif then == 1:
        steps.append(Leave(b, channel))
        m.clients[b].channel = None
    elif then == 2:
        steps.append(ChannelSetAttr(a, channel, _pick(draw, u.ATTR_NAMES), "red"))
    elif then == 3:
        steps.append(QueryUserIsIn(a, channel, account_b))
    elif then == 4:
        steps.append(Logout(b))
        m.logged_out(b)
    return steps


_CALL_EXTRAS: Final = ("", '{"_timeout":5}', '{"k":"v"}', '{"_require_peer_online":1}')


def _call(draw: st.DrawFn, m: _Model) -> Step | list[Step]:
    """An invitation between two online users and how it ends (V1, V6-V10)."""
    pair = _two_online(draw, m)
    if pair is None:
        return _invite2(draw, m)
    a, b = pair
    caller, callee = m.clients[a].account or "", m.clients[b].account or ""
    channel = _pick(draw, u.CHANNELS)
    extra = _pick(draw, _CALL_EXTRAS)
    timeout = invite_options(extra)[1]
    steps: list[Step] = [InviteUser2(a, channel, callee, extra)]
    ending = draw(st.integers(0, 4))
    if ending == 0:
        steps.append(Accept(b, channel, caller, _pick(draw, u.ANSWER_EXTRAS)))
        if _chance(draw, 50):
            steps.append(DTMF(_pick(draw, (a, b)), channel, _pick(draw, (callee, caller)), "1#"))
        who = _pick(draw, (a, b))
        steps.append(End(who, channel, callee if who == a else caller))
    elif ending == 1:
        steps.append(Refuse(b, channel, caller, _pick(draw, u.ANSWER_EXTRAS)))
    elif ending == 2:
        # Left to its timers: it rings on (believed alive) until the default timeout, and
        # the model's clock moves with the program's (a missed invite here once let a later
        # step kick a ringing callee, which shims without KICK_ENDS_CALLS cannot match).
        seconds = _pick(draw, (4.5, 5.0, 19.5, 20.0, 25.0))
        m.invites.append(_Invite(channel, caller, callee, m.clock, timeout=timeout))
        m.tick(seconds)
        steps.append(Advance(seconds))
    elif ending == 3:
        steps.append(End(a, channel, callee))
    else:
        m.invites.append(_Invite(channel, caller, callee, m.clock, timeout=timeout))  # ringing
    return steps


def _server(draw: st.DrawFn, m: _Model) -> Step:
    available = m.server_down if not _chance(draw, 20) else not m.server_down
    m.server_down = not available
    return SetServerAvailable(available)


#: (builder, weight, capability needed). Simple steps first: shrinking moves toward them.
KIND_WEIGHTS: Final[tuple[tuple[Builder, int, str | None], ...]] = (
    (_get_status, 3, None),
    (_run_until_idle, 1, None),
    (_advance, 8, None),
    (_create, 2, None),
    (_set_callback, 2, None),
    (_destroy, 1, None),
    (_login, 8, None),
    (_login2, 3, None),
    (_logout, 3, None),
    (_join, 9, None),
    (_join_then, 3, None),
    (_leave, 3, None),
    (_query_num, 2, None),
    (_query_is_in, 3, None),
    (_query_status, 2, None),
    (_send_peer, 7, None),
    (_send_channel, 7, None),
    (_force_send, 2, None),
    (_peer_burst, 1, None),
    (_set_attr, 2, None),
    (_get_attr, 2, None),
    (_get_attr_all, 1, None),
    (_get_user_attr, 2, None),
    (_get_user_attr_all, 1, None),
    (_channel_set_attr, 5, None),
    (_channel_del_attr, 2, None),
    (_channel_clear_attr, 2, None),
    (_invoke, 6, None),
    (_meet, 5, None),
    (_call, 5, None),
    (_invite, 3, None),
    (_invite2, 6, None),
    (_accept, 5, None),
    (_refuse, 3, None),
    (_end, 4, None),
    (_dtmf, 4, None),
    (_unsupported, 2, None),
    (_misuse, 1, None),
    (_network, 5, CONNECTION),
    (_server, 1, SERVER_AVAILABILITY),
    (_login_retry, 2, SERVER_AVAILABILITY),
)


def _prologue(draw: st.DrawFn, m: _Model) -> list[Step]:
    """Instances with recorders, mostly logged in: programs start multi-client."""
    count = _pick(draw, (2, 3, 4, 1))
    steps: list[Step] = []
    for name in u.CLIENTS[:count]:
        singleton = name == u.CLIENTS[0] and _chance(draw, 20)
        steps.append(CreateInstance(name, singleton=singleton))
        m.clients[name] = _Client(created=True, alive=True)
        steps.append(SetCallback(name))
        if _chance(draw, 90):
            account = _account_for(draw, name)
            token = _token(draw, m)
            _note_login(m, name, account, token, True)
            steps.append(Login(name, account, token))
    return steps


@st.composite
def _programs(
    draw: st.DrawFn,
    capabilities: frozenset[str],
    min_steps: int,
    max_steps: int,
    long_advances: bool,
) -> Program:
    config = draw(world_configs())
    model = _Model(config, capabilities, long_advances)
    kinds = [(b, w) for b, w, cap in KIND_WEIGHTS if cap is None or cap in capabilities]
    total = sum(w for _, w in kinds)
    steps = _prologue(draw, model)[:max_steps]
    # One "stop here?" draw before each step, as st.lists does, rather than a length drawn
    # up front: the shrinker can then delete any step's span of choices, not only the last.
    while len(steps) < max_steps:
        if len(steps) >= min_steps and draw(st.integers(0, STOP_ODDS - 1)) == 0:
            break
        roll = draw(st.integers(0, total - 1))
        for builder, weight in kinds:
            if roll < weight:
                made = builder(draw, model)
                steps += made if isinstance(made, list) else [made]
                break
            roll -= weight
    return Program(config, tuple(steps[:max_steps]))


def programs(
    *,
    capabilities: frozenset[str] = ALL_CAPABILITIES,
    min_steps: int = MIN_STEPS,
    max_steps: int = MAX_STEPS,
    long_advances: bool = True,
) -> st.SearchStrategy[Program]:
    """Random multi-client legacy programs of ``min_steps``..``max_steps`` steps.

    ``capabilities``: the optional world controls steps may use (pass
    ``capabilities_of(world)`` for a world that lacks some). ``long_advances``: allow
    single jumps of 30 s to one day (the attribute and offline-message TTLs).
    """
    if not 1 <= min_steps <= max_steps:
        raise ValueError(f"need 1 <= min_steps <= max_steps, got {min_steps}, {max_steps}")
    unknown = capabilities - ALL_CAPABILITIES
    if unknown:
        raise ValueError(f"unknown capabilities {sorted(unknown)}")
    return _programs(capabilities, min_steps, max_steps, long_advances)
