"""The many-node backend: state in Redis, delivery between nodes over per-node pub/sub.

Why this shape (see ``docs/delivery.md`` for the guarantees):

* Presence is a binding user -> session per app; a session id starts with its node id, and a
  node is alive while it refreshes its heartbeat (a score in ``rtm:nodes``). A node killed
  with SIGKILL stops refreshing: after ``node_ttl`` its users read as offline and are left
  out of channel member lists everywhere (no ghosts), and a surviving node's reaper then
  ends them properly (leave events, OFFLINE to watchers) through the service.
* Delivery goes to the node that holds the session, on that node's own channel
  ``rtm:node:<id>`` (not a firehose every node must filter). Frames for one node are
  batched per event-loop turn into one envelope, all envelopes of a turn in one pipeline.
  Each envelope carries the sender's epoch and a per-(sender, receiver) sequence number,
  so a receiver counts the envelopes it never got (a gap) instead of losing them silently.
* Redis pub/sub is at-most-once. What makes acknowledged peer messages survive anyway:
  ``PUBLISH`` answers how many subscribers got it — zero means the node is gone, and the
  peer messages of that envelope are re-routed to the user's current session or kept in
  the user's offline stream; a node receiving a peer message for a session that has just
  ended does the same; envelopes that could not be published (Redis down) are kept and
  published again when Redis is back.
* Route lookups (user -> session) are cached per node and invalidated by a small
  ``rtm:routes`` broadcast on every bind/unbind, so a peer message costs no Redis round
  trip on the sending node.

The service calls this backend synchronously on its core thread; the blocking redis-py
calls happen there. A listener thread reads the node's pub/sub connection and hands
batches to the core thread with ``scheduler.call_soon``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import redis

from .. import codec
from ..limits import Limits
from ..protocol import CallSignalIn, ChannelAttr, PeerMessageIn, ServerFrame
from ..scheduler import Scheduler
from .backend import DeliverySink, OfflineFrame, Receipt, SessionId

__all__ = ["RedisBackend"]

log = logging.getLogger("rtm.redis")


def _worth_logging(attempt: int) -> bool:
    """Log the 1st, 2nd, 4th, 8th ... failure of a run of failures: a Redis outage stays
    visible in the log without one line per retry for as long as it lasts."""
    return attempt > 0 and attempt & (attempt - 1) == 0

#: Longest wait between two attempts of the listener to subscribe again.
_LISTEN_BACKOFF_MAX = 1.0

SEP = "\x1f"  # not allowed in RTM ids, so it can join app/user/session in one string

# KEYS: binding hash, session's sid key, session's node index, routes channel
# ARGV: user, session, "app<SEP>user", prefix, seconds a displaced sid key is kept, node
_BIND = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3] .. string.char(31) .. ARGV[2])
redis.call('PUBLISH', KEYS[4], ARGV[6] .. string.char(31) .. ARGV[3])
if old and old ~= ARGV[2] then
  local node = string.match(old, '^(.*):[^:]*$')
  if node then redis.call('SREM', ARGV[4] .. ':ns:' .. node, ARGV[3] .. string.char(31) .. old) end
  redis.call('EXPIRE', ARGV[4] .. ':sid:' .. old, tonumber(ARGV[5]))
end
return old
"""

# Same KEYS; ARGV: user, session, "app<SEP>user", seconds the sid key is kept, node
_UNBIND = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
  redis.call('SREM', KEYS[3], ARGV[3] .. string.char(31) .. ARGV[2])
  redis.call('PUBLISH', KEYS[4], ARGV[5] .. string.char(31) .. ARGV[3])
  return 1
end
return 0
"""

#: Peer messages a node waits receipts for at most (older ones have been timed out).
_MAX_AWAITING = 100_000

#: How long a session's (app, user) stays known after it ended, to re-route late messages.
SID_KEEP_SECONDS = 600

# KEYS: the slot; ARGV: this node
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_JOIN = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local n = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], n, ARGV[1])
redis.call('ZADD', KEYS[2], n, ARGV[2])
return 1
"""

_LEAVE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
"""


def _discard(session: SessionId, frame: ServerFrame) -> None:
    """Sink used before a node attaches."""


def node_of(session: SessionId) -> str:
    return session.rpartition(":")[0]


#: One frame for some sessions of a node; a peer message also carries its receipt id.
_Item = tuple[list[SessionId], ServerFrame, int | None]


@attrs.define
class _Envelope:
    node: str
    text: str
    items: list[_Item]
    #: Publishes nobody received while the node still looked alive (listener reconnecting).
    unheard: int = 0


class RedisBackend:
    """:class:`~rtm.service.backend.Backend` on Redis, for gateway nodes sharing state."""

    #: What a call raises when Redis cannot be reached: the service fails the request with
    #: a reason instead of treating it as a bug.
    unavailable_errors: tuple[type[Exception], ...] = (redis.RedisError,)

    def __init__(
        self,
        url: str,
        node_id: str,
        *,
        prefix: str = "rtm",
        heartbeat: float = 1.0,
        node_ttl: float = 10.0,
        limits: Limits | None = None,
        max_retry_envelopes: int = 10_000,
        route_cache_size: int = 100_000,
    ) -> None:
        if ":" in node_id or not node_id:
            raise ValueError(f"node_id {node_id!r} must be non-empty and contain no ':'")
        self.url = url
        self.node_id = node_id
        self.prefix = prefix
        self.heartbeat = heartbeat
        self.node_ttl = node_ttl
        self.limits = limits or Limits()
        # Any: redis-py's stubs type replies as bytes | str whatever decode_responses says;
        # with decode_responses=True every reply here is str.
        self._r: Any = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=1.0
        )
        self._bind = self._r.register_script(_BIND)
        self._unbind = self._r.register_script(_UNBIND)
        self._join = self._r.register_script(_JOIN)
        self._leave = self._r.register_script(_LEAVE)
        self._release = self._r.register_script(_RELEASE)
        self._sink: DeliverySink = _discard
        self._sched: Scheduler | None = None
        self._epoch = uuid.uuid4().hex[:12]
        #: This process among the processes that ever ran as ``node_id``: the service puts it
        #: in session ids (``<node>:<incarnation>.<n>``), so a node restarted under the same
        #: id never takes over its predecessor's sessions, routes or receipts.
        self.incarnation = self._epoch
        self._channel = f"{prefix}:node:{node_id}"
        self._routes_channel = f"{prefix}:routes"
        # core-thread state
        self._routes: dict[tuple[str, str], SessionId | None] = {}
        self._route_cache_size = route_cache_size
        self._dead: frozenset[str] = frozenset()
        #: Sessions of this process bound to a user: peer messages for any other session
        #: of this node id (ended, or a predecessor's) are re-routed, never dropped.
        self._local: dict[SessionId, tuple[str, str]] = {}
        self._recent: OrderedDict[SessionId, tuple[str, str]] = OrderedDict()
        self._outbox: dict[str, list[_Item]] = {}
        #: Receipts this node owes other nodes for peer messages it handed over, as
        #: [sender epoch, receipt id].
        self._owed: dict[str, list[list[Any]]] = {}
        #: Receipts this node waits for (bounded: the service times the message out).
        self._awaiting: OrderedDict[int, Receipt] = OrderedDict()
        self._receipt_ids = itertools.count(1)
        self._flush_scheduled = False
        self._retry: list[_Envelope] = []
        self._max_retry = max_retry_envelopes
        self._seq: dict[str, int] = {}
        self._expect: dict[tuple[str, str], int] = {}
        self._healthy_since: float | None = None
        self._failures = 0  # consecutive failed heartbeats
        self._reap_checked_own = False
        # listener thread
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        self._timer: Any = None
        #: Counters for metrics (read by the gateway).
        self.stats: dict[str, int] = dict.fromkeys(
            (
                "published",
                "received",
                "gaps",
                "late",
                "rerouted",
                "kept_offline",
                "retried",
                "dropped",
                "errors",
            ),
            0,
        )

    # --- keys -------------------------------------------------------------------------

    def _k(self, kind: str, app: str, name: str = "") -> str:
        # App IDs have a fixed length (32), so "<app>:<name>" cannot be ambiguous.
        return f"{self.prefix}:{kind}:{app}:{name}" if name else f"{self.prefix}:{kind}:{app}"

    # --- lifecycle --------------------------------------------------------------------

    def attach(self, sink: DeliverySink) -> None:
        self._sink = sink

    def start(self, scheduler: Scheduler) -> None:
        """Begin heartbeats (on the core thread) and listening (on a thread of its own)."""
        if self._sched is not None:
            raise RuntimeError("backend already started")
        self._sched = scheduler
        self._beat_once()
        self._listener = threading.Thread(
            target=self._listen, name=f"rtm-redis-{self.node_id}", daemon=True
        )
        self._listener.start()
        self._timer = scheduler.call_later(self.heartbeat, self._beat)

    def stop(self, *, deregister: bool = True) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.cancel()
        if self._listener is not None:
            self._listener.join(timeout=3.0)
        if deregister:
            with contextlib.suppress(redis.RedisError):
                self._r.zrem(f"{self.prefix}:nodes", self.node_id)
        self._r.close()

    @property
    def healthy(self) -> bool:
        return self._healthy_since is not None

    def ping(self) -> bool:
        try:
            return bool(self._r.ping())
        except redis.RedisError:
            return False

    # --- heartbeats and dead nodes ----------------------------------------------------

    def _beat(self) -> None:
        self._beat_once()
        if not self._stop.is_set() and self._sched is not None:
            self._timer = self._sched.call_later(self.heartbeat, self._beat)

    def _beat_once(self) -> None:
        now = time.time()
        try:
            pipe = self._r.pipeline(transaction=False)
            pipe.zadd(f"{self.prefix}:nodes", {self.node_id: now})
            pipe.zrangebyscore(f"{self.prefix}:nodes", "-inf", f"({now - self.node_ttl}")
            _, dead = pipe.execute()
        except redis.RedisError as exc:
            self._failed(exc)
            self._failures += 1
            if _worth_logging(self._failures):
                log.warning(
                    "waiting for redis at %s (%d failed heartbeats): %s; logins are refused "
                    "until it answers",
                    self.where,
                    self._failures,
                    exc,
                    extra={"node": self.node_id},
                )
            return
        if self._healthy_since is None:
            self._healthy_since = now
            self._failures = 0
            log.info("redis reachable", extra={"node": self.node_id})
        self._dead = frozenset(dead) - {self.node_id}
        if self._retry:
            self._publish_retries()

    def _failed(self, exc: Exception) -> None:
        self.stats["errors"] += 1
        if self._healthy_since is not None:
            log.warning("redis unreachable: %s", exc, extra={"node": self.node_id})
            self._failures = 0
        self._healthy_since = None

    @property
    def where(self) -> str:
        """Redis's address without credentials, for messages."""
        return self.url.split("@")[-1]

    def dead_sessions(self) -> list[tuple[str, str, str, SessionId]]:
        """Sessions of nodes that stopped heartbeating, claimed for this node to end:
        (node, app, user, session). Empty unless this node has itself been healthy for a
        whole ``node_ttl`` (after a Redis outage every node looks silent for a moment).
        Also, once, sessions a previous process with this node id left behind."""
        if self._healthy_since is None or time.time() - self._healthy_since < self.node_ttl:
            return []
        nodes = set(self._dead)
        if not self._reap_checked_own:
            self._reap_checked_own = True
            nodes.add(self.node_id)
        out = []
        try:
            for node in sorted(nodes):
                if node != self.node_id and not self._r.set(
                    f"{self.prefix}:reap:{node}", self.node_id, nx=True, ex=60
                ):
                    continue
                for item in self._r.smembers(f"{self.prefix}:ns:{node}"):
                    app, user, session = item.split(SEP)
                    if node == self.node_id and session in self._local:
                        continue  # this process's (a predecessor's ids never equal these)
                    out.append((node, app, user, session))
        except redis.RedisError as exc:
            self._failed(exc)
        return out

    def reaped(self, node: str) -> None:
        """All sessions of ``node`` were ended: forget the node."""
        if node == self.node_id:
            return
        try:
            pipe = self._r.pipeline(transaction=False)
            pipe.delete(f"{self.prefix}:ns:{node}")
            pipe.zrem(f"{self.prefix}:nodes", node)
            pipe.execute()
        except redis.RedisError as exc:
            self._failed(exc)
        self._dead = self._dead - {node}

    def _now(self) -> float:
        """The service's time (a virtual clock in tests): offline expiries are read with it."""
        return self._sched.time() if self._sched is not None else time.time()

    def heard(self, sender: str, epoch: str) -> int:
        """The sequence number of the last envelope handled from ``sender``'s ``epoch``
        (0 if none): a harness that publishes a marker envelope to this node's channel
        knows, once it is heard, that everything published before it was handled."""
        return self._expect.get((sender, epoch), 1) - 1

    def _alive(self, session: SessionId) -> bool:
        return node_of(session) not in self._dead

    # --- sessions and presence ----------------------------------------------------------

    def _session_keys(self, app: str, session: SessionId) -> list[str]:
        return [
            self._k("s", app),
            f"{self.prefix}:sid:{session}",
            f"{self.prefix}:ns:{node_of(session)}",
            self._routes_channel,
        ]

    def bind_user(self, app: str, user: str, session: SessionId) -> SessionId | None:
        previous: SessionId | None = self._bind(
            keys=self._session_keys(app, session),
            args=[
                user,
                session,
                f"{app}{SEP}{user}",
                self.prefix,
                SID_KEEP_SECONDS,
                self.node_id,
            ],
        )
        self._routes[(app, user)] = session
        if node_of(session) == self.node_id:
            self._local[session] = (app, user)
            # A session logged in again (after a kick or a logout) is live, not "recently
            # ended": its peer messages are its own, not to be re-routed.
            self._recent.pop(session, None)
        if previous is not None and previous != session:
            self._forget_local(previous)
        return previous if previous != session else None

    def _forget_local(self, session: SessionId) -> None:
        where = self._local.pop(session, None)
        if where is not None:
            self._recent[session] = where
            while len(self._recent) > 10_000:
                self._recent.popitem(last=False)

    def unbind_user(self, app: str, user: str, session: SessionId) -> bool:
        done = self._unbind(
            keys=self._session_keys(app, session),
            args=[user, session, f"{app}{SEP}{user}", SID_KEEP_SECONDS, self.node_id],
        )
        if done:
            self._routes[(app, user)] = None
            self._forget_local(session)
        return bool(done)

    def _route(self, app: str, user: str) -> SessionId | None:
        key = (app, user)
        routes = self._routes
        if key in routes:
            return routes[key]
        session: SessionId | None = self._r.hget(self._k("s", app), user)
        if len(routes) >= self._route_cache_size:
            routes.clear()
        routes[key] = session
        return session

    def session_of(self, app: str, user: str) -> SessionId | None:
        session = self._route(app, user)
        if session is None or node_of(session) in self._dead:
            return None
        return session

    def _sessions_of(self, app: str, users: list[str]) -> dict[str, SessionId | None]:
        """Routes of many users, fetching the uncached ones in one round trip."""
        routes = self._routes
        missing = [u for u in users if (app, u) not in routes]
        if missing:
            if len(routes) + len(missing) >= self._route_cache_size:
                routes.clear()
            for user, session in zip(
                missing, self._r.hmget(self._k("s", app), missing), strict=True
            ):
                routes[(app, user)] = session
        return {u: routes[(app, u)] for u in users}

    # --- delivery ----------------------------------------------------------------------

    def deliver(self, session: SessionId, frame: ServerFrame) -> None:
        node = node_of(session)
        if node == self.node_id:
            if session not in self._local and isinstance(frame, PeerMessageIn):
                self._reroute(session, frame)
            else:
                self._sink(session, frame)
            return
        self._queue(node, [session], frame)

    def deliver_peer(self, session: SessionId, frame: PeerMessageIn, receipt: Receipt) -> bool:
        node = node_of(session)
        if node == self.node_id:
            if session in self._local:
                self._sink(session, frame)
                return True
            # Not ours (ended, or a predecessor's under this node id): True once re-routed
            # or kept; if neither was possible no receipt comes and the sender times out.
            return self._reroute(session, frame)
        rid = next(self._receipt_ids)
        awaiting = self._awaiting
        awaiting[rid] = receipt
        if len(awaiting) > _MAX_AWAITING:
            awaiting.popitem(last=False)
        self._queue(node, [session], frame, rid)
        return False

    def _receipt(self, rid: int) -> None:
        receipt = self._awaiting.pop(rid, None)
        if receipt is not None:
            receipt()

    def _owe(self, node: str, epoch: str, rid: int) -> None:
        """A receipt for ``node``'s process ``epoch``: a successor under the same node id
        numbers its peer messages afresh and must not take it for one of its own."""
        self._owed.setdefault(node, []).append([epoch, rid])
        self._schedule_flush()

    def deliver_many(self, sessions: Iterable[SessionId], frame: ServerFrame) -> None:
        remote: dict[str, list[SessionId]] = {}
        me, sink = self.node_id, self._sink
        for session in sessions:
            node = session.rpartition(":")[0]
            if node == me:
                sink(session, frame)
            else:
                remote.setdefault(node, []).append(session)
        for node, group in remote.items():
            self._queue(node, group, frame)

    def _queue(
        self, node: str, sessions: list[SessionId], frame: ServerFrame, rid: int | None = None
    ) -> None:
        self._outbox.setdefault(node, []).append((sessions, frame, rid))
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_scheduled and self._sched is not None:
            self._flush_scheduled = True
            self._sched.call_soon(self._flush)

    def flush(self) -> None:
        """Publish everything queued now (normally done once per core-thread turn)."""
        self._flush()

    def _flush(self) -> None:
        self._flush_scheduled = False
        outbox, self._outbox = self._outbox, {}
        owed, self._owed = self._owed, {}
        envelopes = []
        for node in outbox.keys() | owed.keys():
            items = outbox.get(node, [])
            seq = self._seq.get(node, 0) + 1
            self._seq[node] = seq
            body: dict[str, Any] = {
                "f": self.node_id,
                "e": self._epoch,
                "s": seq,
                "i": [
                    [sessions, codec.to_obj(frame)] if rid is None
                    else [sessions, codec.to_obj(frame), rid]
                    for sessions, frame, rid in items
                ],
            }  # fmt: skip
            if node in owed:
                body["r"] = owed[node]
            # ASCII: a lone surrogate (refused at the edge, but should one come another way)
            # must not make the publish fail and lose the whole envelope.
            text = json.dumps(body, separators=(",", ":"))
            envelopes.append(_Envelope(node, text, items))
        if envelopes:
            self._publish(envelopes)

    def _publish(self, envelopes: list[_Envelope]) -> None:
        try:
            pipe = self._r.pipeline(transaction=False)
            for envelope in envelopes:
                pipe.publish(f"{self.prefix}:node:{envelope.node}", envelope.text)
            counts = pipe.execute()
        except redis.RedisError as exc:
            self._failed(exc)
            self._keep_for_retry(envelopes)
            return
        self.stats["published"] += len(envelopes)
        patience = self.node_ttl / self.heartbeat + 2
        for envelope, count in zip(envelopes, counts, strict=True):
            if count:
                continue
            # Nobody listens on that node's channel. A node that still heartbeats is only
            # reconnecting its listener: publish again later. A dead one never will: its
            # peer messages go to their users' current sessions or offline stores.
            envelope.unheard += 1
            if envelope.node not in self._dead and envelope.unheard <= patience:
                self._keep_for_retry([envelope])
                continue
            for sessions, frame, rid in envelope.items:
                if isinstance(frame, PeerMessageIn):
                    handled = True
                    for session in sessions:
                        handled = self._reroute(session, frame) and handled
                    if rid is not None and handled:
                        self._receipt(rid)  # re-routed or kept: as good as handed over

    def _keep_for_retry(self, envelopes: list[_Envelope]) -> None:
        self._retry.extend(envelopes)
        overflow = len(self._retry) - self._max_retry
        if overflow > 0:
            del self._retry[:overflow]
            self.stats["dropped"] += overflow
            log.error("redis down too long: %d cross-node envelopes dropped", overflow)

    def _publish_retries(self) -> None:
        retry, self._retry = self._retry, []
        self.stats["retried"] += len(retry)
        self._publish(retry)

    def _reroute(self, session: SessionId, frame: PeerMessageIn) -> bool:
        """A peer message for a session that is gone: to the user's current session, else
        into the user's offline stream (delivered at the next login). False if neither was
        possible (the session is unknown, or Redis failed): the message is dropped, and
        counted, and whoever waits for its receipt gets none (the sender times out)."""
        try:
            where = self._local.get(session) or self._recent.get(session)
            if where is None:
                raw = self._r.get(f"{self.prefix}:sid:{session}")
                if raw is None:
                    log.warning("peer message for unknown session %s dropped", session)
                    self.stats["dropped"] += 1
                    return False
                app, user = raw.split(SEP)
            else:
                app, user = where
            current = self._r.hget(self._k("s", app), user)
            if current is not None and current != session and self._alive(current):
                self.stats["rerouted"] += 1
                self.deliver(current, frame)
                return True
            self.stats["kept_offline"] += 1
            self.push_offline(
                app,
                user,
                frame if frame.offline else attrs.evolve(frame, offline=True),
                self.limits.offline_messages_per_user,
                self._now() + self.limits.offline_message_ttl,
            )
        except redis.RedisError as exc:
            self._failed(exc)
            self.stats["dropped"] += 1
            return False
        return True

    # --- receiving (listener thread -> core thread) -------------------------------------

    def _listen(self) -> None:
        backoff = 0.05
        failures = 0
        while not self._stop.is_set():
            pubsub = self._r.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self._channel, self._routes_channel)
                if self._sched is not None:  # invalidations may have been missed
                    self._sched.call_soon(self._routes.clear)
                backoff = 0.05
                if failures:
                    log.info("redis listener: subscribed again after %d failures", failures)
                failures = 0
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.2)
                    if message is None:
                        continue
                    batch = [message]
                    while len(batch) < 512:
                        more = pubsub.get_message(timeout=0.0)
                        if more is None:
                            break
                        batch.append(more)
                    if self._sched is not None:
                        self._sched.call_soon(self._on_messages, batch)
            except (redis.RedisError, OSError, ValueError) as exc:
                if not self._stop.is_set():
                    failures += 1
                    if _worth_logging(failures):
                        log.warning(
                            "redis listener: %s (failure %d; retrying every %.1f s at most)",
                            exc,
                            failures,
                            _LISTEN_BACKOFF_MAX,
                        )
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, _LISTEN_BACKOFF_MAX)
            finally:
                with contextlib.suppress(Exception):  # closing a broken connection
                    pubsub.close()

    def _on_messages(self, batch: list[dict[str, Any]]) -> None:
        for message in batch:
            data = message.get("data")
            if not isinstance(data, str):
                continue
            if message.get("channel") == self._routes_channel:
                origin, _, rest = data.partition(SEP)
                if origin != self.node_id:
                    app, _, user = rest.partition(SEP)
                    self._routes.pop((app, user), None)
                continue
            try:
                self._on_envelope(json.loads(data))
            except (ValueError, KeyError, TypeError, codec.DecodeError) as exc:
                log.error("bad envelope on %s: %s", self._channel, exc)

    def _on_envelope(self, envelope: dict[str, Any]) -> None:
        self.stats["received"] += 1
        key = (envelope["f"], envelope["e"])
        seq = envelope["s"]
        expected = self._expect.get(key)
        if expected is not None and seq > expected:
            self.stats["gaps"] += seq - expected
            log.warning(
                "delivery gap: %d envelope(s) from node %s never arrived",
                seq - expected,
                envelope["f"],
            )
        if expected is not None and seq < expected:
            # A late envelope (published again after an outage): not lost after all.
            self.stats["gaps"] = max(0, self.stats["gaps"] - 1)
            self.stats["late"] += 1
        else:
            self._expect[key] = seq + 1
        sink, local = self._sink, self._local
        for item in envelope["i"]:
            sessions, obj = item[0], item[1]
            frame = codec.from_obj(obj, client=False)
            handled = True
            for session in sessions:
                if session in local or not isinstance(frame, PeerMessageIn):
                    sink(session, frame)
                elif not self._reroute(session, frame):
                    handled = False
            if len(item) > 2 and handled:
                self._owe(envelope["f"], envelope["e"], int(item[2]))
        epoch = self._epoch
        for receipt_epoch, rid in envelope.get("r", ()):
            if receipt_epoch == epoch:
                self._receipt(int(rid))

    # --- presence subscriptions ---------------------------------------------------------

    def subscribe(self, app: str, session: SessionId, peers: Iterable[str]) -> None:
        peers = list(peers)
        if not peers:
            return
        pipe = self._r.pipeline(transaction=False)
        pipe.sadd(self._k("sub", app, session), *peers)
        for peer in peers:
            pipe.sadd(self._k("w", app, peer), session)
        pipe.execute()

    def unsubscribe(self, app: str, session: SessionId, peers: Iterable[str]) -> None:
        peers = list(peers)
        if not peers:
            return
        pipe = self._r.pipeline(transaction=False)
        pipe.srem(self._k("sub", app, session), *peers)
        for peer in peers:
            pipe.srem(self._k("w", app, peer), session)
        pipe.execute()

    def subscriptions(self, app: str, session: SessionId) -> frozenset[str]:
        return frozenset(self._r.smembers(self._k("sub", app, session)))

    def watchers(self, app: str, user: str) -> list[SessionId]:
        return [s for s in self._r.smembers(self._k("w", app, user)) if self._alive(s)]

    def drop_subscriptions(self, app: str, session: SessionId) -> None:
        peers = self._r.smembers(self._k("sub", app, session))
        pipe = self._r.pipeline(transaction=False)
        for peer in peers:
            pipe.srem(self._k("w", app, peer), session)
        pipe.delete(self._k("sub", app, session))
        pipe.execute()

    # --- channels ----------------------------------------------------------------------

    def join(self, app: str, channel: str, user: str) -> bool:
        return bool(
            self._join(
                keys=[self._k("ch", app, channel), self._k("uch", app, user), f"{self.prefix}:seq"],
                args=[user, channel],
            )
        )

    def leave(self, app: str, channel: str, user: str) -> bool:
        return bool(
            self._leave(
                keys=[self._k("ch", app, channel), self._k("uch", app, user)], args=[user, channel]
            )
        )

    def members(self, app: str, channel: str) -> list[str]:
        """Members in join order, leaving out users with no live session (ghosts of a dead
        node, until the reaper removes them for good)."""
        users: list[str] = self._r.zrange(self._k("ch", app, channel), 0, -1)
        if not users:
            return []
        routes = self._sessions_of(app, users)
        dead = self._dead
        return [u for u in users if (s := routes[u]) is not None and node_of(s) not in dead]

    def member_count(self, app: str, channel: str) -> int:
        return len(self.members(app, channel))

    def channels_of(self, app: str, user: str) -> list[str]:
        return list(self._r.zrange(self._k("uch", app, user), 0, -1))

    # --- attributes ----------------------------------------------------------------------

    def user_attrs(self, app: str, user: str) -> dict[str, str]:
        return dict(self._r.hgetall(self._k("ua", app, user)))

    def replace_user_attrs(self, app: str, user: str, attrs: Mapping[str, str]) -> None:
        key = self._k("ua", app, user)
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(key)
        if attrs:
            pipe.hset(key, mapping=dict(attrs))
        pipe.execute()

    def channel_attrs(self, app: str, channel: str) -> dict[str, ChannelAttr]:
        raw = self._r.hgetall(self._k("ca", app, channel))
        out = {}
        for key, text in raw.items():
            value, user, ts = json.loads(text)
            out[key] = ChannelAttr(key, value, user, ts)
        return out

    def replace_channel_attrs(
        self, app: str, channel: str, attrs: Mapping[str, ChannelAttr]
    ) -> None:
        key = self._k("ca", app, channel)
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(key)
        if attrs:
            pipe.hset(
                key,
                mapping={
                    k: json.dumps([a.value, a.last_update_user_id, a.last_update_ts])
                    for k, a in attrs.items()
                },
            )
        pipe.execute()

    # --- throttled jobs ----------------------------------------------------------------

    def claim(self, app: str, name: str, seconds: float) -> bool:
        ms = max(1, int(seconds * 1000))
        return bool(self._r.set(self._k("slot", app, name), self.node_id, nx=True, px=ms))

    def release(self, app: str, name: str) -> None:
        self._release(keys=[self._k("slot", app, name)], args=[self.node_id])

    # --- offline peer messages (Redis streams) -------------------------------------------

    def push_offline(
        self, app: str, user: str, message: OfflineFrame, max_items: int, expires_at: float
    ) -> None:
        self._r.xadd(
            self._k("off", app, user),
            {"e": repr(expires_at), "m": codec.encode(message)},
            maxlen=max_items,
            approximate=False,
        )

    def withdraw_offline(self, app: str, user: str, call_id: str) -> bool:
        key = self._k("off", app, user)
        doomed = []
        for entry_id, fields in self._r.xrange(key):
            frame = codec.decode_server(fields["m"])[0]
            if isinstance(frame, CallSignalIn) and frame.call_id == call_id:
                doomed.append(entry_id)
        if doomed:
            self._r.xdel(key, *doomed)
        return bool(doomed)

    def pop_offline(self, app: str, user: str, now: float) -> list[OfflineFrame]:
        key = self._k("off", app, user)
        pipe = self._r.pipeline(transaction=True)
        pipe.xrange(key)
        pipe.delete(key)
        entries, _ = pipe.execute()
        out = []
        for _id, fields in entries:
            if float(fields["e"]) > now:
                frame = codec.decode_server(fields["m"])[0]
                if isinstance(frame, PeerMessageIn | CallSignalIn):
                    out.append(frame)
        return out
