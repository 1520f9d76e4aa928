"""The RTM service: server-side logic as a sans-I/O core over a :class:`Backend`.

The service never touches sockets or threads. A transport opens a session with a *link*
(a callable taking server frames), hands it every client frame with :meth:`receive`, and
closes it with :meth:`close_session`. Each request is answered with exactly one
:class:`~rtm.protocol.Result` carrying the RTM error code of that request's enum; every
check happens before any state changes, so a rejected request changes nothing. Handlers are
found in a table keyed by frame type, not in an if-chain.

Timers (token expiry, member-count pushes, attribute expiry of empty channels) go through
the scheduler, so virtual time drives them in tests.
"""

from __future__ import annotations

import functools
import itertools
import logging
import random
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from .. import protocol as p
from ..enums import CONNECTION_CHANGE_REASON, PEER_ONLINE_STATE, SERVER_MESSAGE_ERR
from ..errors import (
    ATTRIBUTE_OPERATION_ERR,
    CHANNEL_MESSAGE_ERR_CODE,
    GET_CHANNEL_MEMBER_COUNT_ERR_CODE,
    GET_MEMBERS_ERR,
    JOIN_CHANNEL_ERR,
    LEAVE_CHANNEL_ERR,
    LOGIN_ERR_CODE,
    PEER_MESSAGE_ERR_CODE,
    PEER_SUBSCRIPTION_STATUS_ERR,
    QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR,
    QUERY_PEERS_ONLINE_STATUS_ERR,
    RENEW_TOKEN_ERR_CODE,
)
from ..limits import Limits, Rate, SlidingWindow
from ..scheduler import Scheduler, TimerHandle
from ..tokens import ExpiredToken, InvalidToken, TokenVerifier, VerifiedToken
from ..transport import ChannelEnd, MessageRunner, MessageTargets
from ..validation import check_app_id, check_id, check_ids, utf8_len
from .backend import Backend, SessionId
from .server_messages import ServerMessages
from .webhook import WebhookConfig

__all__ = ["Link", "RtmService", "ServiceConfig"]

log = logging.getLogger("rtm.service")
#: Why a request failed when the caller can only see a code (INFO): a backend outage,
#: a login refused while the backend is down.
reasons = logging.getLogger("sig2rtm.rtm.service")

Link = Callable[[p.ServerFrame], None]
NOT_LOGGED_IN = 102
F = TypeVar("F")


@attrs.frozen
class ServiceConfig:
    """How the service behaves: RTM limits, and which apps require tokens."""

    limits: Limits = attrs.field(factory=Limits)
    #: App ID -> App Certificate. Apps not listed accept any token (a bare App ID).
    app_certificates: Mapping[str, str] = attrs.field(factory=dict)
    #: Seed for the random choice of 512 members when a channel has more.
    seed: int | None = None
    #: A session whose link broke (``lose_session``) shows as UNREACHABLE after this long...
    unreachable_after: float = 6.0
    #: ...and is ended (OFFLINE, channels left) after this long unless its user logs in again.
    session_grace: float = 30.0
    #: Frames kept for a lost session; past this its grace ends early.
    held_frames: int = 1024
    #: Messages to business servers (``SendServer``): timeout, slots, queue, rate.
    webhook: WebhookConfig = attrs.field(factory=WebhookConfig)

    def verifier(self, app_id: str) -> TokenVerifier:
        return TokenVerifier(app_id, self.app_certificates.get(app_id))


#: A frame held for a lost session, with when it was held (ms, the service's clock).
_Held = tuple[int, p.ServerFrame]


@attrs.define
class _Session:
    id: SessionId
    link: Link
    app: str = ""
    user: str = ""
    windows: dict[str, SlidingWindow] = attrs.field(factory=dict)
    token_timers: list[TimerHandle] = attrs.field(factory=list)
    #: The session this one may resume (its predecessor on a broken link), if any.
    resume_of: SessionId | None = None
    #: Set by ``lose_session``: the link is gone, frames are held for a resume.
    lost: bool = False
    lost_user: str = ""
    #: (when it was held, in ms of the service's clock; the frame), in arrival order.
    held: list[_Held] = attrs.field(factory=list)
    lost_timers: list[TimerHandle] = attrs.field(factory=list)
    unreachable_announced: bool = False
    #: The front-end checked IDs and sizes already (``RtmService.open_session``).
    trusted: bool = False
    #: The session's "messages" rate window, kept at hand for the message paths.
    message_window: SlidingWindow | None = None
    #: The in-process client's channel objects, while ``link`` is its own frame sink
    #: (``route_channels``): channel messages go to them directly, callbacks in one batch
    #: queued to ``runner``.
    channels: Mapping[str, ChannelEnd] | None = None
    runner: MessageRunner | None = None

    @property
    def logged_in(self) -> bool:
        return bool(self.user)


class RtmService:
    """One node of the RTM service. Many nodes may share one backend."""

    def __init__(
        self,
        backend: Backend,
        scheduler: Scheduler,
        config: ServiceConfig | None = None,
        node_id: str = "n0",
    ) -> None:
        self.backend = backend
        self.scheduler = scheduler
        self.config = config or ServiceConfig()
        self.limits = self.config.limits
        self.node_id = node_id
        self._sessions: dict[SessionId, _Session] = {}
        self._ids = itertools.count(1)
        # "<node>:<incarnation>.<n>": a node restarted under the same id must not reuse the
        # ids of its predecessor's sessions (other nodes may still route to them).
        inc = backend.incarnation
        self._id_prefix = f"{node_id}:{inc}." if inc else f"{node_id}:"
        self._count_timers: dict[tuple[str, str], TimerHandle] = {}
        self._attr_timers: dict[tuple[str, str], TimerHandle] = {}
        self._random = random.Random(self.config.seed)
        #: Clients' messages to their business server; the host attaches the HTTP client.
        self.webhooks = ServerMessages(scheduler, self._answer, self.config.webhook)
        #: What the backend raises when its store is out of reach (Redis down).
        self._outage_errors: tuple[type[Exception], ...] = getattr(
            backend, "unavailable_errors", ()
        )
        backend.attach(self._deliver_local)
        # A backend that hands many sessions of this node one frame at once (the memory
        # backend's fan-out) may take a sink for that too: one call per frame, not per session.
        attach_many = getattr(backend, "attach_many", None)
        if attach_many is not None:
            attach_many(self._deliver_local_many)
        #: The backend hands every peer message over at once (``deliver_peer`` is always
        #: True: ``MemoryBackend.peer_at_once``), so no receipt is made per message.
        self._peer_at_once: bool = getattr(backend, "peer_at_once", False)
        #: One lookup for a channel's members (``MemoryBackend.sessions_of``), if offered.
        self._backend_sessions_of: Callable[[str, list[str]], list[SessionId]] | None = getattr(
            backend, "sessions_of", None
        )

    # --- transport-facing API ------------------------------------------------------

    def open_session(
        self, link: Link, resume_of: SessionId | None = None, *, trusted: bool = False
    ) -> SessionId:
        """A new session; ``resume_of`` names the session whose broken link this one
        replaces, so that a login of the same user resumes it instead of kicking it.

        ``trusted``: the front-end on this session (an ``RtmClient`` in this process) has
        checked each message's peer ID and size itself, so the message paths do not check
        them again. Never set it for a session fed from the network.
        """
        session_id = f"{self._id_prefix}{next(self._ids)}"
        self._sessions[session_id] = _Session(
            session_id, link, resume_of=resume_of, trusted=trusted
        )
        return session_id

    def relink(self, session_id: SessionId, link: Link) -> None:
        """Send the session's frames to ``link`` from now on (a transport whose link broke
        or closed re-points it); a session already lost keeps holding its frames."""
        session = self._sessions.get(session_id)
        if session is not None and not session.lost:
            session.link = link
            session.channels = session.runner = None  # messages follow the link from now on

    def route_channels(
        self, session_id: SessionId, channels: Mapping[str, ChannelEnd], runner: MessageRunner
    ) -> None:
        """Hand the session's channel messages to ``channels[channel_id]`` instead of its
        link, until the link is re-pointed or lost; the targets they collect are queued as
        one user callback, ``runner(frame, targets)``, per message and run of sessions.

        Only for a trusted session whose link is the client's own frame sink in this process
        (``rtm.embedded``): it must do what the client would do with the frame itself (the
        membership check stays the channel's). Why: a fan-out then costs a lookup and a call
        per member, not a frame dispatch, a message object and a queued callback each."""
        session = self._sessions.get(session_id)
        if session is None or session.lost or not session.trusted:
            raise ValueError(f"session {session_id} cannot take a direct channel route")
        session.channels = channels
        session.runner = runner

    def lose_session(self, session_id: SessionId, unsent: Iterable[p.ServerFrame] = ()) -> None:
        """The link broke (unlike :meth:`close_session`, not an orderly close).

        Why a grace period: networks drop; RTM keeps the user for a while, so a client that
        reconnects carries on as if nothing happened. Frames for the session (``unsent``
        first: what the transport had not delivered) are held; the user shows as UNREACHABLE
        after ``unreachable_after`` and is ended after ``session_grace`` (held peer messages
        go to the offline store) unless a login of the same user resumes the session.
        """
        session = self._sessions.get(session_id)
        if session is None or session.lost:
            return
        if not session.logged_in:
            self.close_session(session_id)
            return
        session.lost = True
        session.lost_user = session.user
        session.link = functools.partial(self._hold, session)
        session.channels = session.runner = None
        for frame in unsent:
            self._hold(session, frame)
        config, later = self.config, self.scheduler.call_later
        session.lost_timers = [
            later(config.unreachable_after, self._lost_unreachable, session_id),
            later(config.session_grace, self._lost_expired, session_id),
        ]

    def expire_session(self, app: str, user: str, session_id: SessionId) -> bool:
        """End a session of another node that died; False if the user moved on meanwhile.

        Called by whoever detects the dead node (the gateway's reaper); the unbind is a
        compare-and-delete, so a user who already logged in again elsewhere is left alone.
        """
        self.backend.drop_subscriptions(app, session_id)
        if not self.backend.unbind_user(app, user, session_id):
            return False
        self._end_session(_Session(session_id, _discard, app, user), unbind=False)
        self._presence_changed(app, user, PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)
        return True

    def close_session(self, session_id: SessionId) -> None:
        """The connection is gone: the user, if any, goes offline at once. With the backend
        out of reach the session still ends here; its shared state (presence, channel
        membership) is left for the backend's own expiry (the node's heartbeat lapses and
        another node reaps its sessions), and the reason is logged."""
        session = self._sessions.pop(session_id, None)
        if session is None:
            return
        held: list[_Held] = []
        if session.lost:
            # A lost session closed for good (its client gave the link up): what it held
            # for the user is kept (offline store) or goes where the user is, as at expiry.
            for timer in session.lost_timers:
                timer.cancel()
            held, session.held = session.held, []
        if session.logged_in:
            try:
                self._end_session(session, unbind=True)
            except self._outage_errors as exc:
                reasons.info(
                    "session of %r ended without updating the unreachable backend: %s",
                    session.user,
                    exc,
                )
        if held:
            self._rehome(session.app, session.lost_user, session_id, held, everything=False)

    def receive(self, session_id: SessionId, frame: p.ClientFrame) -> None:
        session = self._sessions.get(session_id)
        if session is None:
            log.warning("frame for unknown session %s dropped: %r", session_id, frame)
            return
        handler = _HANDLERS.get(type(frame))
        if handler is None:
            session.link(p.Result(getattr(frame, "req", 0), 1, f"unknown frame {type(frame)}"))
            return
        if handler.needs_login and not session.user:  # not logged in
            session.link(p.Result(frame.req, NOT_LOGGED_IN, "not logged in"))
            return
        try:
            handler.fn(self, session, frame)
        except self._outage_errors as exc:
            reasons.info("%s failed, the backend is unreachable: %s", type(frame).__name__, exc)
            session.link(p.Result(frame.req, 1, f"service unavailable: backend unreachable: {exc}"))
        except Exception:
            log.exception("service failed on %r", frame)
            session.link(p.Result(frame.req, 1, "internal error"))

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    def logged_in(self, session_id: SessionId) -> bool:
        """Whether the session has a logged-in user (a link lost without one has nothing to
        resume: it is as good as closed)."""
        session = self._sessions.get(session_id)
        return session is not None and session.logged_in

    @property
    def lost_session_count(self) -> int:
        return sum(1 for session in self._sessions.values() if session.lost)

    # --- lost sessions ---------------------------------------------------------------

    def _hold(self, session: _Session, frame: p.ServerFrame) -> None:
        if isinstance(frame, p.CallSignalIn) and frame.kind == "cancel":
            # An invitation canceled before the callee got it is withdrawn, as from the
            # offline store: the callee, back, hears of neither.
            for index, (_, held) in enumerate(session.held):
                if (
                    isinstance(held, p.CallSignalIn)
                    and held.kind == "invite"
                    and held.call_id == frame.call_id
                ):
                    del session.held[index]
                    return
        if (
            isinstance(frame, p.Kicked)
            and frame.reason == CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN
        ):
            # The user logged in elsewhere while this link was down: the peer messages and
            # invitations held here are the user's, and go to that login now (after its
            # result), not when this link returns or expires (nothing acknowledged waits on
            # a dead link; an invitation rings where the user is, V3).
            moved = [entry for entry in session.held if _addressed(entry[1])]
            if moved:
                session.held = [entry for entry in session.held if not _addressed(entry[1])]
                rehome = functools.partial(
                    self._rehome, session.app, session.lost_user, session.id, moved,
                    everything=False,
                )  # fmt: skip
                self.scheduler.call_soon(rehome)
        session.held.append((self._now_ms(), frame))
        if len(session.held) == self.config.held_frames:
            self.scheduler.call_soon(self._lost_expired, session.id)

    def _lost_unreachable(self, session_id: SessionId) -> None:
        session = self._sessions.get(session_id)
        if session is None or not session.logged_in:
            return
        if self.backend.session_of(session.app, session.user) == session_id:
            session.unreachable_announced = True
            self._presence_changed(
                session.app, session.user, PEER_ONLINE_STATE.PEER_ONLINE_STATE_UNREACHABLE
            )

    def _lost_expired(self, session_id: SessionId) -> None:
        session = self._sessions.pop(session_id, None)
        if session is None:
            return
        for timer in session.lost_timers:
            timer.cancel()
        app, user = session.app, session.lost_user
        held, session.held = session.held, []
        if session.logged_in:
            if self.backend.session_of(app, user) == session_id:
                self._end_session(session, unbind=True)
            else:  # resumed elsewhere, the hand-over signal still on its way: keep the user
                self._reset_session(session)
        self._rehome(app, user, session_id, held, everything=False)

    def _rehome(
        self, app: str, user: str, old: SessionId, held: list[_Held], *, everything: bool
    ) -> None:
        """Pass held frames on: all of them to the session that resumed ``old``
        (``everything``), else only what was addressed to the user (peer messages and
        invitations), to the user's current session if any, else to the offline store, so
        that no acknowledged peer message is dropped and an invitation rings where the user
        is (legacy V3)."""
        target = self.backend.session_of(app, user)
        if target == old:
            target = None
        if everything and target is not None:
            self._hand_over(target, held)
            return
        for _, frame in held:
            if target is not None and (everything or _addressed(frame)):
                self.backend.deliver(target, frame)
            elif target is None and isinstance(frame, p.CallSignalIn) and frame.kind == "invite":
                self.backend.push_offline(
                    app,
                    user,
                    frame,
                    self.limits.offline_messages_per_user,
                    self.scheduler.time() + self.limits.invitation_ack_timeout,
                )
            elif target is None and isinstance(frame, p.PeerMessageIn):
                self.backend.push_offline(
                    app,
                    user,
                    frame if frame.offline else attrs.evolve(frame, offline=True),
                    self.limits.offline_messages_per_user,
                    self.scheduler.time() + self.limits.offline_message_ttl,
                )

    def _hand_over(self, target: SessionId, held: list[_Held]) -> None:
        """Everything a lost session held, to the session that resumed it: channel and
        presence events first, then what was addressed to the user (peer messages,
        invitations), each group in arrival order (RTM orders neither against the other, and
        legacy apps got their mailbox after the held events). Each run of events held at
        one time follows a ``HandOver`` mark with that time, and a mark without one ends the
        events, so the client can put events of its own in time order among them."""
        deliver = self.backend.deliver
        mark: int | None = None
        for at, frame in held:
            if not _addressed(frame):
                if at != mark:
                    mark = at
                    deliver(target, p.HandOver(at))
                deliver(target, frame)
        deliver(target, p.HandOver(None))
        for _, frame in held:
            if _addressed(frame):
                deliver(target, frame)

    def _supersede(self, session: _Session) -> None:
        """A login of the same user resumed this session: hand its frames over, vanish."""
        self._sessions.pop(session.id, None)
        for timer in session.lost_timers:
            timer.cancel()
        app, user = session.app, session.user or session.lost_user
        held, session.held = session.held, []
        announced = session.unreachable_announced
        self._reset_session(session)
        self._rehome(app, user, session.id, held, everything=True)
        if announced:
            self._presence_changed(app, user, PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE)
        if not session.lost:  # a half-open link: tell it (the transport closes it)
            session.link(
                p.Kicked(int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_INTERRUPTED))
            )

    # --- helpers -------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self.scheduler.time() * 1000)

    def _allow(self, session: _Session, rate_name: str, key: str = "") -> bool:
        window_key = f"{rate_name}:{key}" if key else rate_name
        window = session.windows.get(window_key)
        if window is None:
            window = session.windows[window_key] = SlidingWindow(
                getattr(self.limits.rates, rate_name)
            )
        return window.allow(self.scheduler.time())

    def _message_window(self, session: _Session) -> SlidingWindow:
        """The session's "messages" window, shared by peer and channel messages (as
        ``_allow`` keys it), kept on the session for the message paths."""
        window = session.windows.get("messages")
        if window is None:
            window = session.windows["messages"] = SlidingWindow(self.limits.rates.messages)
        session.message_window = window
        return window

    def _deliver_local(self, session_id: SessionId, frame: p.ServerFrame) -> None:
        session = self._sessions.get(session_id)
        if session is None:
            return
        if isinstance(frame, p.Kicked):
            if frame.reason == CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_INTERRUPTED:
                self._supersede(session)
                return
            # The session was displaced (maybe by a login on another node): forget its user
            # here, where its node-local state lives, before telling the client.
            self._reset_session(session)
        session.link(frame)

    def _deliver_local_many(self, session_ids: Iterable[SessionId], frame: p.ServerFrame) -> None:
        """:meth:`_deliver_local` for many sessions of this node, without a call per session
        unless the frame is a kick (which changes the session)."""
        if isinstance(frame, p.Kicked):
            for session_id in session_ids:
                self._deliver_local(session_id, frame)
            return
        get = self._sessions.get
        if type(frame) is not p.ChannelMessageIn:
            for session_id in session_ids:
                session = get(session_id)
                if session is not None:
                    session.link(frame)
            return
        # A channel message: sessions with a direct route collect their targets into one
        # batch, queued before any frame goes another way (or to another runner), so the
        # callbacks keep the order of the sessions.
        channel_id = frame.channel_id
        batch = MessageTargets()
        runner: MessageRunner | None = None
        deliver = self.scheduler.deliver
        for session_id in session_ids:
            session = get(session_id)
            if session is None:
                continue
            channels = session.channels
            if channels is None or session.runner is not runner:
                if (batch or batch.payloads) and runner is not None:
                    deliver(runner, frame, batch)
                    batch = MessageTargets()
                runner = session.runner
                if channels is None:
                    session.link(frame)
                    continue
            channel = channels.get(channel_id)
            if channel is not None:
                channel.collect_message(frame, batch)
        if (batch or batch.payloads) and runner is not None:
            deliver(runner, frame, batch)

    def _sessions_of(self, app: str, users: list[str]) -> list[SessionId]:
        if self._backend_sessions_of is not None:
            return self._backend_sessions_of(app, users)
        session_of = self.backend.session_of
        out = []
        for user in users:
            sid = session_of(app, user)
            if sid is not None:
                out.append(sid)
        return out

    def _presence_changed(self, app: str, user: str, state: PEER_ONLINE_STATE) -> None:
        watchers = self.backend.watchers(app, user)
        if watchers:
            self.backend.deliver_many(watchers, p.PresenceIn(((user, int(state)),)))

    # --- session lifecycle ---------------------------------------------------------

    def _reset_session(self, session: _Session) -> None:
        for timer in session.token_timers:
            timer.cancel()
        session.token_timers.clear()
        if session.logged_in:
            self.backend.drop_subscriptions(session.app, session.id)
        session.user = ""

    def _end_session(self, session: _Session, *, unbind: bool) -> None:
        """The user of ``session`` leaves: channels, subscriptions, attributes, presence."""
        app, user = session.app, session.user
        for channel in self.backend.channels_of(app, user):
            self._remove_member(app, channel, user)
        self.backend.replace_user_attrs(app, user, {})
        self._reset_session(session)
        if unbind and self.backend.unbind_user(app, user, session.id):
            self._presence_changed(app, user, PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)

    def _schedule_token_timers(self, session: _Session, verified: VerifiedToken | None) -> None:
        for timer in session.token_timers:
            timer.cancel()
        session.token_timers.clear()
        if verified is None or verified.expires_at is None:
            return
        now = self.scheduler.time()
        left = verified.expires_at - now
        lead = self.limits.token_will_expire_lead
        if left > lead:
            session.token_timers.append(
                self.scheduler.call_later(left - lead, self._token_will_expire, session.id, lead)
            )
        session.token_timers.append(
            self.scheduler.call_later(max(0.0, left), self._token_expired, session.id)
        )

    def _token_will_expire(self, session_id: SessionId, lead: float) -> None:
        session = self._sessions.get(session_id)
        if session is not None and session.logged_in:
            session.link(p.TokenWillExpire(lead))

    def _token_expired(self, session_id: SessionId) -> None:
        session = self._sessions.get(session_id)
        if session is None or not session.logged_in:
            return
        self._end_session(session, unbind=True)
        session.link(p.Kicked(int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_TOKEN_EXPIRED)))

    # --- login / logout / tokens ---------------------------------------------------

    def _login(self, s: _Session, f: p.Login) -> None:
        E = LOGIN_ERR_CODE
        if s.logged_in:
            return s.link(p.Result(f.req, E.LOGIN_ERR_ALREADY_LOGIN, "already logged in"))
        if not self._allow(s, "login"):
            return s.link(p.Result(f.req, E.LOGIN_ERR_TOO_OFTEN, "login too often"))
        if not getattr(self.backend, "healthy", True):
            why = "service unavailable: its backend is unreachable; try again later"
            reasons.info("login of %r refused: %s", f.user_id, why)
            return s.link(p.Result(f.req, E.LOGIN_ERR_REJECTED, why))
        reason = check_app_id(f.app_id, self.limits.app_id_chars)
        if reason:
            return s.link(p.Result(f.req, E.LOGIN_ERR_INVALID_APP_ID, reason))
        reason = check_id(f.user_id, "userId", self.limits.id_bytes)
        if reason:
            return s.link(p.Result(f.req, E.LOGIN_ERR_INVALID_ARGUMENT, reason))
        try:
            verified = self.config.verifier(f.app_id).verify(
                f.token, f.user_id, self.scheduler.time()
            )
        except ExpiredToken as exc:
            return s.link(p.Result(f.req, E.LOGIN_ERR_TOKEN_EXPIRED, str(exc)))
        except InvalidToken as exc:
            return s.link(p.Result(f.req, E.LOGIN_ERR_INVALID_TOKEN, str(exc)))
        app, user = f.app_id, f.user_id
        if s.resume_of is not None:
            current = self.backend.session_of(app, user)
            if current is not None and current != s.resume_of:
                return self._displaced(s, f.req)
        s.app, s.user = app, user
        previous = self.backend.bind_user(app, user, s.id)
        resuming = s.resume_of is not None
        resumed = previous is not None and previous == s.resume_of
        # A connection resumes at most once, with its first login: a later login on it (after
        # a logout) is a fresh one, also as another user (it would be "displaced" else).
        s.resume_of = None
        if previous is not None and not resumed:
            for channel in self.backend.channels_of(app, user):
                self._remove_member(app, channel, user)
            self.backend.deliver(
                previous,
                p.Kicked(int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN)),
            )
        if not resumed:
            self.backend.replace_user_attrs(app, user, {})
        self._schedule_token_timers(s, verified)
        s.link(p.Result(f.req, E.LOGIN_ERR_OK))
        if resumed and previous is not None:
            # The same client after a broken link: channels and attributes stay; the old
            # session hands its held frames over (INTERRUPTED is the hand-over signal),
            # after the login's result, so the client is connected again when they arrive.
            self.backend.deliver(
                previous,
                p.Kicked(int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_INTERRUPTED)),
            )
        elif resuming:  # the session to resume ended meanwhile: an empty hand-over
            s.link(p.HandOver(None))
        for message in self.backend.pop_offline(app, user, self.scheduler.time()):
            s.link(message)
        if previous is None:
            self._presence_changed(app, user, PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE)

    def _displaced(self, s: _Session, req: int) -> None:
        """A client back from a broken link whose user logged in elsewhere meanwhile: it
        is the one displaced (REMOTE_LOGIN), not the later login. Its lost session, kicked
        already, ends; its held peer messages go to the user's current session."""
        s.link(p.Kicked(int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN)))
        s.link(p.Result(req, LOGIN_ERR_CODE.LOGIN_ERR_REJECTED, "logged in elsewhere"))
        old = s.resume_of
        s.resume_of = None
        if old is not None and old in self._sessions:
            self._lost_expired(old)

    def _logout(self, s: _Session, f: p.Logout) -> None:
        self._end_session(s, unbind=True)
        s.link(p.Result(f.req, 0))

    def _renew_token(self, s: _Session, f: p.RenewToken) -> None:
        E = RENEW_TOKEN_ERR_CODE
        if not self._allow(s, "renew_token"):
            return s.link(p.Result(f.req, E.RENEW_TOKEN_ERR_TOO_OFTEN, "renewToken too often"))
        try:
            verified = self.config.verifier(s.app).verify(f.token, s.user, self.scheduler.time())
        except ExpiredToken as exc:
            return s.link(p.Result(f.req, E.RENEW_TOKEN_ERR_TOKEN_EXPIRED, str(exc)))
        except InvalidToken as exc:
            return s.link(p.Result(f.req, E.RENEW_TOKEN_ERR_INVALID_TOKEN, str(exc)))
        self._schedule_token_timers(s, verified)
        s.link(p.Result(f.req, E.RENEW_TOKEN_ERR_OK, f.token))

    # --- peer messages and presence ------------------------------------------------

    def _send_peer(self, s: _Session, f: p.SendPeer) -> None:
        E = PEER_MESSAGE_ERR_CODE
        now = self.scheduler.time()
        window = s.message_window or self._message_window(s)
        if not window.allow(now):
            return s.link(p.Result(f.req, E.PEER_MESSAGE_ERR_TOO_OFTEN, "messages too often"))
        if not s.trusted:
            reason = check_id(f.peer_id, "peerId", self.limits.id_bytes)
            if reason:
                return s.link(p.Result(f.req, E.PEER_MESSAGE_ERR_INVALID_USERID, reason))
            if _payload_size(f.payload) > self.limits.message_bytes:
                return s.link(
                    p.Result(f.req, E.PEER_MESSAGE_ERR_INVALID_MESSAGE, "message too large")
                )
        message = p.PeerMessageIn(s.user, f.payload, int(now * 1000))
        target = self.backend.session_of(s.app, f.peer_id)
        if target is not None:
            if self._peer_at_once:  # no receipt to make: it would never be called
                self.backend.deliver(target, message)
                return s.link(p.Result(f.req, E.PEER_MESSAGE_ERR_OK))
            receipt = _PeerReceipt(s, f.req)
            if self.backend.deliver_peer(target, message, receipt.received):
                return s.link(p.Result(f.req, E.PEER_MESSAGE_ERR_OK))
            # On another node: OK once that node confirms, SENT_TIMEOUT if it never does.
            receipt.timer = self.scheduler.call_later(
                self.limits.peer_message_timeout, receipt.timed_out
            )
            return None
        if f.offline:
            self.backend.push_offline(
                s.app,
                f.peer_id,
                attrs.evolve(message, offline=True),
                self.limits.offline_messages_per_user,
                self.scheduler.time() + self.limits.offline_message_ttl,
            )
            return s.link(p.Result(f.req, E.PEER_MESSAGE_ERR_CACHED_BY_SERVER))
        s.link(p.Result(f.req, E.PEER_MESSAGE_ERR_PEER_UNREACHABLE, "peer offline"))

    def _send_server(self, s: _Session, f: p.SendServer) -> None:
        window = s.windows.get("server_messages")
        if window is None:
            rate = Rate(self.config.webhook.per_client_rate, 1.0)
            window = s.windows["server_messages"] = SlidingWindow(rate)
        if not window.allow(self.scheduler.time()):
            why = "messages to the business server too often"
            return s.link(p.Result(f.req, SERVER_MESSAGE_ERR.TOO_OFTEN, why))
        self.webhooks.submit(s.id, s.app, s.user, f)

    def _answer(self, session_id: SessionId, frame: p.Result) -> None:
        """A late answer (a webhook's result): to the session, if it still exists."""
        session = self._sessions.get(session_id)
        if session is not None:
            session.link(frame)

    def _online_states(self, app: str, peers: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        online = int(PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE)
        offline = int(PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)
        session_of = self.backend.session_of
        return tuple((peer, online if session_of(app, peer) else offline) for peer in peers)

    def _query_online(self, s: _Session, f: p.QueryOnline) -> None:
        E = QUERY_PEERS_ONLINE_STATUS_ERR
        if not self._allow(s, "query_online"):
            return s.link(p.Result(f.req, E.QUERY_PEERS_ONLINE_STATUS_ERR_TOO_OFTEN, "too often"))
        reason = check_ids(f.peer_ids, "peerIds", self.limits.query_online_ids)
        if reason:
            return s.link(p.Result(f.req, E.QUERY_PEERS_ONLINE_STATUS_ERR_INVALID_ARGUMENT, reason))
        peers = tuple(dict.fromkeys(f.peer_ids))
        s.link(p.Result(f.req, 0, self._online_states(s.app, peers)))

    def _subscribe(self, s: _Session, f: p.Subscribe) -> None:
        E = PEER_SUBSCRIPTION_STATUS_ERR
        if not self._allow(s, "subscription"):
            return s.link(p.Result(f.req, E.PEER_SUBSCRIPTION_STATUS_ERR_TOO_OFTEN, "too often"))
        # No count limit here: too many peers is OVERFLOW (below), not a bad argument.
        reason = check_ids(f.peer_ids, "peerIds", sys.maxsize)
        if reason:
            return s.link(p.Result(f.req, E.PEER_SUBSCRIPTION_STATUS_ERR_INVALID_ARGUMENT, reason))
        current = self.backend.subscriptions(s.app, s.id)
        new = tuple(peer for peer in dict.fromkeys(f.peer_ids) if peer not in current)
        if len(current) + len(new) > self.limits.subscribed_peers:
            return s.link(
                p.Result(f.req, E.PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW, "too many subscriptions")
            )
        self.backend.subscribe(s.app, s.id, new)
        s.link(p.Result(f.req, 0))
        if new:
            s.link(p.PresenceIn(self._online_states(s.app, new)))

    def _unsubscribe(self, s: _Session, f: p.Unsubscribe) -> None:
        E = PEER_SUBSCRIPTION_STATUS_ERR
        if not self._allow(s, "subscription"):
            return s.link(p.Result(f.req, E.PEER_SUBSCRIPTION_STATUS_ERR_TOO_OFTEN, "too often"))
        reason = check_ids(f.peer_ids, "peerIds", self.limits.subscribed_peers)
        if reason:
            return s.link(p.Result(f.req, E.PEER_SUBSCRIPTION_STATUS_ERR_INVALID_ARGUMENT, reason))
        self.backend.unsubscribe(s.app, s.id, f.peer_ids)
        s.link(p.Result(f.req, 0))

    def _query_subscribed(self, s: _Session, f: p.QuerySubscribed) -> None:
        E = QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR
        if not self._allow(s, "subscription"):
            return s.link(
                p.Result(f.req, E.QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR_TOO_OFTEN, "too often")
            )
        s.link(p.Result(f.req, 0, tuple(sorted(self.backend.subscriptions(s.app, s.id)))))

    # --- attributes ----------------------------------------------------------------

    def _check_attrs(self, pairs: tuple[tuple[str, str], ...]) -> tuple[int, str] | None:
        E = ATTRIBUTE_OPERATION_ERR
        limits = self.limits
        for key, value in pairs:
            if not isinstance(key, str) or not key or not key.isprintable() or " " in key:
                return E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, f"invalid attribute key {key!r}"
            if utf8_len(key) > limits.attr_key_bytes:
                return E.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW, f"attribute key {key!r} too long"
            if not isinstance(value, str) or not value:
                return E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, f"empty value for {key!r}"
            if utf8_len(value) > limits.attr_value_bytes:
                return E.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW, f"value of {key!r} too large"
        return None

    def _check_keys(self, keys: tuple[str, ...]) -> tuple[int, str] | None:
        for key in keys:
            if not isinstance(key, str) or not key:
                return ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, "bad key"
        return None

    def _user_attrs(self, s: _Session, f: p.UserAttrs) -> None:
        E = ATTRIBUTE_OPERATION_ERR
        if not self._allow(s, "user_attr_write"):
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN, "too often"))
        problem = self._check_attrs(f.attrs) or self._check_keys(f.keys)
        if problem:
            return s.link(p.Result(f.req, problem[0], problem[1]))
        current = self.backend.user_attrs(s.app, s.user)
        updated = _apply_attr_op(f.op, current, dict(f.attrs), f.keys)
        if updated is None:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, "bad op"))
        total = sum(utf8_len(k) + utf8_len(v) for k, v in updated.items())
        if (
            len(updated) > self.limits.user_attrs_count
            or total > self.limits.user_attrs_total_bytes
        ):
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW, "too large"))
        self.backend.replace_user_attrs(s.app, s.user, updated)
        s.link(p.Result(f.req, 0))

    def _get_user_attrs(self, s: _Session, f: p.GetUserAttrs) -> None:
        E = ATTRIBUTE_OPERATION_ERR
        if not self._allow(s, "user_attr_read"):
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN, "too often"))
        reason = check_id(f.user_id, "userId", self.limits.id_bytes)
        if reason:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, reason))
        problem = self._check_keys(f.keys or ())
        if problem:
            return s.link(p.Result(f.req, problem[0], problem[1]))
        if self.backend.session_of(s.app, f.user_id) is None:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_USER_NOT_FOUND, "offline"))
        current = self.backend.user_attrs(s.app, f.user_id)
        if f.keys is not None:
            current = {k: current[k] for k in dict.fromkeys(f.keys) if k in current}
        s.link(p.Result(f.req, 0, (f.user_id, tuple(current.items()))))

    def _channel_attrs(self, s: _Session, f: p.ChannelAttrs) -> None:
        E = ATTRIBUTE_OPERATION_ERR
        if not self._allow(s, "channel_attr_write"):
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN, "too often"))
        reason = check_id(f.channel_id, "channelId", self.limits.id_bytes)
        if reason:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, reason))
        problem = self._check_attrs(f.attrs) or self._check_keys(f.keys)
        if problem:
            return s.link(p.Result(f.req, problem[0], problem[1]))
        current = self.backend.channel_attrs(s.app, f.channel_id)
        now = self._now_ms()
        stamped = {k: p.ChannelAttr(k, v, s.user, now) for k, v in f.attrs}
        updated = _apply_attr_op(f.op, current, stamped, f.keys)
        if updated is None:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, "bad op"))
        total = sum(utf8_len(a.key) + utf8_len(a.value) for a in updated.values())
        limits = self.limits
        if len(updated) > limits.channel_attrs_count or total > limits.channel_attrs_total_bytes:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW, "too large"))
        self.backend.replace_channel_attrs(s.app, f.channel_id, updated)
        s.link(p.Result(f.req, 0))
        if f.notify:
            members = self.backend.members(s.app, f.channel_id)
            frame = p.AttributesUpdatedIn(f.channel_id, tuple(updated.values()))
            self.backend.deliver_many(self._sessions_of(s.app, members), frame)
        if updated and self.backend.member_count(s.app, f.channel_id) == 0:
            self._schedule_attr_expiry(s.app, f.channel_id)

    def _get_channel_attrs(self, s: _Session, f: p.GetChannelAttrs) -> None:
        E = ATTRIBUTE_OPERATION_ERR
        if not self._allow(s, "channel_attr_read"):
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN, "too often"))
        reason = check_id(f.channel_id, "channelId", self.limits.id_bytes)
        if reason:
            return s.link(p.Result(f.req, E.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT, reason))
        problem = self._check_keys(f.keys or ())
        if problem:
            return s.link(p.Result(f.req, problem[0], problem[1]))
        current = self.backend.channel_attrs(s.app, f.channel_id)
        if f.keys is not None:
            current = {k: current[k] for k in dict.fromkeys(f.keys) if k in current}
        s.link(p.Result(f.req, 0, tuple(current.values())))

    def _schedule_attr_expiry(self, app: str, channel: str) -> None:
        key = (app, channel)
        if key in self._attr_timers:
            return
        self._attr_timers[key] = self.scheduler.call_later(
            self.limits.empty_channel_attrs_ttl, self._expire_attrs, app, channel
        )

    def _expire_attrs(self, app: str, channel: str) -> None:
        self._attr_timers.pop((app, channel), None)
        if self.backend.member_count(app, channel) == 0:
            self.backend.replace_channel_attrs(app, channel, {})

    # --- channels ------------------------------------------------------------------

    def _join(self, s: _Session, f: p.Join) -> None:
        E = JOIN_CHANNEL_ERR
        reason = check_id(f.channel_id, "channelId", self.limits.id_bytes)
        if reason:
            return s.link(p.Result(f.req, E.JOIN_CHANNEL_ERR_INVALID_ARGUMENT, reason))
        if not self._allow(s, "join"):
            return s.link(p.Result(f.req, E.JOIN_CHANNEL_ERR_TOO_OFTEN, "join too often"))
        if not self._allow(s, "join_same_channel", f.channel_id):
            return s.link(
                p.Result(f.req, E.JOIN_CHANNEL_ERR_JOIN_SAME_CHANNEL_TOO_OFTEN, "same channel")
            )
        app, channel = s.app, f.channel_id
        joined = self.backend.channels_of(app, s.user)
        if channel in joined:
            return s.link(p.Result(f.req, E.JOIN_CHANNEL_ERR_ALREADY_JOINED, "already joined"))
        if len(joined) >= self.limits.channels_per_client:
            return s.link(p.Result(f.req, E.JOIN_CHANNEL_ERR_EXCEED_LIMIT, "too many channels"))
        others = self.backend.members(app, channel)
        self.backend.join(app, channel, s.user)
        timer = self._attr_timers.pop((app, channel), None)
        if timer is not None:
            timer.cancel()
        s.link(p.Result(f.req, 0))
        if len(others) + 1 <= self.limits.member_events_max:
            self.backend.deliver_many(
                self._sessions_of(app, others), p.MemberJoinedIn(channel, s.user)
            )
        s.link(p.MemberCountIn(channel, len(others) + 1))
        self._schedule_count(app, channel)

    def _remove_member(self, app: str, channel: str, user: str) -> None:
        if not self.backend.leave(app, channel, user):
            return
        remaining = self.backend.members(app, channel)
        if len(remaining) + 1 <= self.limits.member_events_max:
            self.backend.deliver_many(
                self._sessions_of(app, remaining), p.MemberLeftIn(channel, user)
            )
        if remaining:
            self._schedule_count(app, channel)
        elif self.backend.channel_attrs(app, channel):
            self._schedule_attr_expiry(app, channel)

    def _leave(self, s: _Session, f: p.Leave) -> None:
        if f.channel_id not in self.backend.channels_of(s.app, s.user):
            return s.link(
                p.Result(f.req, LEAVE_CHANNEL_ERR.LEAVE_CHANNEL_ERR_NOT_IN_CHANNEL, "not joined")
            )
        self._remove_member(s.app, f.channel_id, s.user)
        s.link(p.Result(f.req, 0))

    def _schedule_count(self, app: str, channel: str) -> None:
        key = (app, channel)
        if key in self._count_timers:
            return
        count = self.backend.member_count(app, channel)
        limits = self.limits
        interval = (
            limits.member_count_interval
            if count <= limits.member_events_max
            else limits.member_count_interval_large
        )
        # Several nodes may see joins to one channel: one of them pushes the count.
        if not self.backend.claim(app, f"count:{channel}", interval * 4):
            return
        self._count_timers[key] = self.scheduler.call_later(
            interval, self._push_count, app, channel
        )

    def _push_count(self, app: str, channel: str) -> None:
        self._count_timers.pop((app, channel), None)
        self.backend.release(app, f"count:{channel}")
        members = self.backend.members(app, channel)
        if members:
            self.backend.deliver_many(
                self._sessions_of(app, members), p.MemberCountIn(channel, len(members))
            )

    def _send_channel(self, s: _Session, f: p.SendChannel) -> None:
        E = CHANNEL_MESSAGE_ERR_CODE
        now = self.scheduler.time()
        window = s.message_window or self._message_window(s)
        if not window.allow(now):
            return s.link(p.Result(f.req, E.CHANNEL_MESSAGE_ERR_TOO_OFTEN, "messages too often"))
        if not s.trusted and _payload_size(f.payload) > self.limits.message_bytes:
            return s.link(p.Result(f.req, E.CHANNEL_MESSAGE_ERR_INVALID_MESSAGE, "too large"))
        members = self.backend.members(s.app, f.channel_id)
        if s.user not in members:
            return s.link(p.Result(f.req, E.CHANNEL_MESSAGE_ERR_NOT_IN_CHANNEL, "not joined"))
        s.link(p.Result(f.req, 0))
        frame = p.ChannelMessageIn(f.channel_id, s.user, f.payload, int(now * 1000))
        members.remove(s.user)  # not echoed to the sender
        self.backend.deliver_many(self._sessions_of(s.app, members), frame)

    def _get_members(self, s: _Session, f: p.GetMembers) -> None:
        E = GET_MEMBERS_ERR
        if not self._allow(s, "get_members"):
            return s.link(p.Result(f.req, E.GET_MEMBERS_ERR_TOO_OFTEN, "too often"))
        members = self.backend.members(s.app, f.channel_id)
        if s.user not in members:
            return s.link(p.Result(f.req, E.GET_MEMBERS_ERR_NOT_IN_CHANNEL, "not joined"))
        cap = self.limits.members_returned
        if len(members) > cap:
            members = self._random.sample(members, cap)
        s.link(p.Result(f.req, 0, tuple(members)))

    def _member_count(self, s: _Session, f: p.MemberCount) -> None:
        E = GET_CHANNEL_MEMBER_COUNT_ERR_CODE
        if isinstance(f.channel_ids, tuple) and len(f.channel_ids) > self.limits.member_count_ids:
            return s.link(
                p.Result(f.req, E.GET_CHANNEL_MEMBER_COUNT_ERR_EXCEED_LIMIT, "too many channels")
            )
        reason = check_ids(f.channel_ids, "channelIds", self.limits.member_count_ids)
        if reason:
            return s.link(p.Result(f.req, E.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT, reason))
        if not self._allow(s, "member_count"):
            return s.link(p.Result(f.req, E.GET_CHANNEL_MEMBER_COUNT_ERR_TOO_OFTEN, "too often"))
        count = self.backend.member_count
        s.link(p.Result(f.req, 0, tuple((ch, count(s.app, ch)) for ch in f.channel_ids)))

    # --- invitations ---------------------------------------------------------------

    def _call_signal(self, s: _Session, f: p.CallSignal) -> None:
        """Relay an invitation signal; code 0 delivered, 1 callee offline, 3 stored."""
        reason = check_id(f.peer_id, "calleeId", self.limits.id_bytes)
        if reason:
            return s.link(p.Result(f.req, 2, reason))
        target = self.backend.session_of(s.app, f.peer_id)
        signal = p.CallSignalIn(f.kind, s.user, f.call_id, f.content, f.channel_id)
        if target is None:
            if f.kind == "invite":
                # Kept with the callee's offline messages, delivered at its next login
                # while the invitation lives (code 3: stored, no need to resend).
                self.backend.push_offline(
                    s.app,
                    f.peer_id,
                    signal,
                    self.limits.offline_messages_per_user,
                    self.scheduler.time() + self.limits.invitation_ack_timeout,
                )
                return s.link(p.Result(f.req, 3, "peer offline; invitation kept"))
            if f.kind == "cancel":
                self.backend.withdraw_offline(s.app, f.peer_id, f.call_id)
            return s.link(p.Result(f.req, 1, "peer offline"))
        self.backend.deliver(target, signal)
        s.link(p.Result(f.req, 0))


def _addressed(frame: p.ServerFrame) -> bool:
    """Frames addressed to the user, rather than events of a channel or of presence."""
    return isinstance(frame, p.PeerMessageIn | p.CallSignalIn)


def _discard(frame: p.ServerFrame) -> None:
    """The link of a session whose node died: there is nobody to tell."""


def _payload_size(payload: p.Payload) -> int:
    return utf8_len(payload.text) + len(payload.raw)


def _apply_attr_op(
    op: str, current: dict[str, F], given: dict[str, F], keys: tuple[str, ...]
) -> dict[str, F] | None:
    """The attribute map after a set / add / delete / clear write (None: unknown op)."""
    if op == "set":
        return dict(given)
    if op == "add":
        return {**current, **given}
    if op == "delete":
        return {k: v for k, v in current.items() if k not in keys}
    if op == "clear":
        return {}
    return None


@attrs.define(slots=True)
class _PeerReceipt:
    """A peer message on its way to another node: answered when that node confirms it."""

    session: _Session
    req: int
    timer: TimerHandle | None = None
    answered: bool = False

    def received(self) -> None:
        if not self.answered:
            self.answered = True
            if self.timer is not None:
                self.timer.cancel()
            self.session.link(p.Result(self.req, PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_OK))

    def timed_out(self) -> None:
        if not self.answered:
            self.answered = True
            self.session.link(
                p.Result(
                    self.req,
                    PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_SENT_TIMEOUT,
                    "the peer's node did not confirm the message in time",
                )
            )


@attrs.frozen
class _Handler:
    fn: Callable[[RtmService, _Session, Any], None]
    needs_login: bool = True


_HANDLERS: dict[type, _Handler] = {
    p.Login: _Handler(RtmService._login, needs_login=False),
    p.Logout: _Handler(RtmService._logout),
    p.RenewToken: _Handler(RtmService._renew_token),
    p.SendPeer: _Handler(RtmService._send_peer),
    p.SendServer: _Handler(RtmService._send_server),
    p.QueryOnline: _Handler(RtmService._query_online),
    p.Subscribe: _Handler(RtmService._subscribe),
    p.Unsubscribe: _Handler(RtmService._unsubscribe),
    p.QuerySubscribed: _Handler(RtmService._query_subscribed),
    p.UserAttrs: _Handler(RtmService._user_attrs),
    p.GetUserAttrs: _Handler(RtmService._get_user_attrs),
    p.Join: _Handler(RtmService._join),
    p.Leave: _Handler(RtmService._leave),
    p.SendChannel: _Handler(RtmService._send_channel),
    p.GetMembers: _Handler(RtmService._get_members),
    p.ChannelAttrs: _Handler(RtmService._channel_attrs),
    p.GetChannelAttrs: _Handler(RtmService._get_channel_attrs),
    p.MemberCount: _Handler(RtmService._member_count),
    p.CallSignal: _Handler(RtmService._call_signal),
}
