"""Gateway nodes and their clients in lockstep on virtual time: real sockets, same results.

Why: the RTM test suite and the shim's equivalence properties are written against virtual
time (30-second timeouts in microseconds, day-long tokens, grace periods) and a fixed order
of events. :class:`LockstepCore` runs those same tests over real WebSocket connections
through real gateway nodes on 127.0.0.1 (memory backend, or several nodes sharing Redis),
and keeps both properties:

* One clock. Clients run on a :class:`~rtm.scheduler.DeterministicScheduler`; each node's
  service runs on a :class:`~rtm.gateway.scheduler.VirtualLoopScheduler` reading that
  scheduler's time. :meth:`LockstepCore.advance` fires every party's timers in time order.
* One order. What clients hand their transports (frames, closes, simulated drops and
  restores) passes through a gate and is released one item at a time, each once the
  previous one has settled, so the nodes see client actions in the order they were made —
  the order the embedded core's single queue gives them.
* Settled is measured, never slept: each connection's message counts agree on both ends,
  no node has work queued, no client has bytes to write or a connection opening, and with
  Redis a marker envelope published to every node has been handled (pub/sub is ordered per
  subscriber, so everything published before it has been too).

It is a test harness, shipped so that apps can run their own suites against a gateway.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from .. import protocol as p
from ..net import NetworkCore, WsTransport
from ..scheduler import DeterministicScheduler, Scheduler, TimerHandle
from ..service.core import RtmService, ServiceConfig
from ..transport import FrameSink, LinkSink, check_outage
from .config import GatewayConfig
from .rtm_endpoint import RtmEndpoint
from .scheduler import VirtualLoopScheduler
from .server import Gateway

__all__ = ["LockstepCore", "LockstepTimeout", "LockstepTransport"]

T = TypeVar("T")

#: Sender name of the marker envelopes published to find out that Redis delivery settled.
MARKER_SENDER = "lockstep"

_ids = itertools.count(1)


def _node_config(node_id: str, backend: str) -> GatewayConfig:
    """Wire limits a test must never meet by accident: they are tested on their own, in
    real time (``tests/rtm/gateway``); the RTM limits are the service's, on virtual time."""
    return GatewayConfig(
        port=0,
        node_id=node_id,
        backend=backend,
        ping_interval=3600.0,
        ping_timeout=3600.0,
        frames_per_second=1e9,
        frame_burst=10**9,
        errors_per_10s=10**6,
        connections_per_ip=10**6,
        connects_per_ip_per_second=1e9,
        max_unacked=10**6,
        shutdown_grace=0.05,
        log_level="warning",
    )


class LockstepTimeout(AssertionError):
    """The parties did not settle in time: something is stuck (says what was in flight)."""


class _Node:
    """One gateway node on an event loop of its own (a thread of this process)."""

    def __init__(
        self,
        node_id: str,
        backend_url: str,
        prefix: str,
        service_config: ServiceConfig,
        clock: Callable[[], float],
        counter: Iterator[int],
        stamps: Iterator[int],
    ) -> None:
        self.node_id = node_id
        config = _node_config(node_id, backend_url)
        backend = None
        if backend_url != "memory":
            from ..service.redis import RedisBackend

            # Heartbeats run on the virtual clock; a node must never look dead in real time.
            backend = RedisBackend(
                backend_url,
                node_id,
                prefix=prefix,
                heartbeat=1e9,
                node_ttl=86400.0 * 365,
                limits=service_config.limits,
            )
        self.backend = backend
        self.loop = asyncio.new_event_loop()
        self.gateway = Gateway(
            config,
            backend,
            service_config=service_config,
            clock=clock,
            timer_counter=counter,
            send_stamps=stamps,
        )
        self._failed: BaseException | None = None
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(self.loop)
            try:
                self.loop.run_until_complete(self.gateway.start())
            except BaseException as exc:  # reported to the constructing thread
                self._failed = exc
                ready.set()
                return
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=main, name=f"lockstep-{node_id}", daemon=True)
        self.thread.start()
        ready.wait(20)
        if self._failed is not None:
            raise self._failed
        self.url = f"ws://127.0.0.1:{self.gateway.port}"
        #: Every session's wire seen so far (kept after it closes: its stamps still count).
        self.wires: dict[str, Any] = {}

    @property
    def scheduler(self) -> VirtualLoopScheduler:
        scheduler = self.gateway.scheduler
        assert isinstance(scheduler, VirtualLoopScheduler)
        return scheduler

    @property
    def service(self) -> RtmService:
        return self.gateway.service

    def call(self, fn: Callable[[], T], timeout: float = 20.0) -> T:
        """Run ``fn`` on this node's loop (where its service lives); its result."""

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def view(self) -> tuple[dict[str, tuple[int, int]], bool]:
        """(session -> (messages in, messages out), busy); on the loop. Remembers each
        session's wire, whose send stamps order what clients received."""
        endpoint = self.gateway.endpoints[RtmEndpoint.path]
        assert isinstance(endpoint, RtmEndpoint)
        sessions: dict[str, tuple[int, int]] = {}
        busy = self.scheduler.pending > 0
        wires = self.wires
        for sid, session in endpoint.sessions.items():
            wire: Any = session.wire
            sessions[sid] = (wire.messages_in, wire.messages_out)
            wires[sid] = wire
            busy = busy or session.flushing
        return sessions, busy

    def stop(self) -> None:
        if not self.loop.is_running():
            return
        try:
            asyncio.run_coroutine_threadsafe(self.gateway.shutdown(), self.loop).result(20)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


#: A received message's (session, message number) if it came from a connection, the call
#: that hands it to the client, and its arguments.
_Received = tuple[tuple[str, int] | None, Callable[..., object], tuple[Any, ...]]


class _Inbox:
    """The scheduler a client-side network core hands received frames to: it keeps them,
    tagged (session, message number), for the harness to queue in the nodes' send order.

    Why: frames for different clients arrive on different sockets, in whatever order the
    operating system reports them; the embedded core hands them over in the order the
    service produced them. The nodes stamp every message they send; sorting by stamp gives
    that order back."""

    def __init__(self, real: DeterministicScheduler) -> None:
        self.real = real
        self.lock = real.lock
        self._mutex = threading.Lock()
        self._items: list[_Received] = []

    def time(self) -> float:
        return self.real.time()

    def call_later(self, delay: float, fn: Callable[..., object], *args: Any) -> TimerHandle:
        return self.real.call_later(delay, fn, *args)

    def deliver(self, fn: Callable[..., object], *args: Any) -> None:
        self.real.deliver(fn, *args)

    def call_soon(self, fn: Callable[..., object], *args: Any) -> None:
        owner = getattr(fn, "__self__", None)
        key = None
        if isinstance(owner, WsTransport) and owner.session is not None:
            key = (owner.session, owner.messages_in)  # read on the I/O thread, in step
        with self._mutex:
            self._items.append((key, fn, args))

    def take(self) -> list[_Received]:
        with self._mutex:
            items, self._items = self._items, []
        return items


class LockstepTransport:
    """What a client holds: its actions queue at the harness's gate, in call order.

    Mirrors :class:`~rtm.embedded.InProcTransport`: a frame sent while the link is
    dropped is lost, and drop/restore/close misuse raises at once."""

    def __init__(self, harness: LockstepCore, inner: WsTransport, node: int) -> None:
        self._harness = harness
        self.inner = inner
        self.node = node
        self._closed = False
        self._dropped = False

    @property
    def dropped(self) -> bool:
        return self._dropped

    def listen_link(self, on_link: LinkSink) -> None:
        self.inner.listen_link(on_link)

    def send(self, frame: p.ClientFrame) -> None:
        if self._closed:
            raise ConnectionError("transport is closed")
        if self._dropped:
            return  # lost on the broken link; the client resends after restore
        self._harness._gate.append((self.inner.send, frame))

    def drop(self) -> None:
        """Break the link (a network outage) until :meth:`restore`."""
        check_outage("drop", closed=self._closed, dropped=self._dropped)
        self._dropped = True
        self._harness._gate.append((self.inner.drop, None))

    def restore(self) -> None:
        check_outage("restore", closed=self._closed, dropped=self._dropped)
        self._dropped = False
        self._harness._gate.append((self.inner.restore, None))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._harness._gate.append((self.inner.close, None))


class LockstepCore:
    """A :class:`~rtm.transport.Core` whose clients reach ``nodes`` real gateway nodes
    (connections spread round-robin), all on one virtual clock.

    ``backend`` is ``memory`` (one node) or a ``redis://`` URL; each harness uses key
    prefix of its own there, so harnesses never see each other's state. Drive it like an
    embedded core on a deterministic scheduler: :meth:`run_until_idle`, :meth:`advance`.
    """

    def __init__(
        self,
        config: ServiceConfig | None = None,
        *,
        nodes: int = 1,
        backend: str = "memory",
        timeout: float = 20.0,
    ) -> None:
        if nodes < 1:
            raise ValueError("nodes must be at least 1")
        if backend == "memory" and nodes != 1:
            raise ValueError("several nodes need a shared backend: pass backend='redis://...'")
        if backend != "memory" and not backend.startswith("redis://"):
            raise ValueError(f"backend {backend!r} must be memory or redis://HOST:PORT/DB")
        #: One numbering for every party's timers: equal-time timers fire in creation order.
        self._timer_numbers = itertools.count()
        self._send_stamps = itertools.count(1)
        self._sched = DeterministicScheduler(counter=self._timer_numbers)
        #: The clients' scheduler (virtual time); nodes read its clock.
        self.scheduler: Scheduler = self._sched
        self.timeout = timeout
        self.config = config if config is not None else ServiceConfig()
        run = f"ls{os.getpid()}x{next(_ids)}"
        self._prefix = f"rtm-{run}"
        self._epoch = run
        self._marker = 0
        self._redis: Any = None
        self._gate: deque[tuple[Callable[..., None], Any]] = deque()
        self._transports: list[LockstepTransport] = []
        self._next = 0
        self.nodes: list[_Node] = []
        self._cores: list[NetworkCore] = []
        try:
            for i in range(nodes):
                self.nodes.append(
                    _Node(
                        f"{run}n{i}",
                        backend,
                        self._prefix,
                        self.config,
                        self._sched.time,
                        self._timer_numbers,
                        self._send_stamps,
                    )
                )
            self._inboxes = [_Inbox(self._sched) for _ in self.nodes]
            self._cores = [
                NetworkCore(node.url, scheduler=inbox, ping_interval=3600.0,
                            ping_timeout=3600.0, max_backoff=0.05)
                for node, inbox in zip(self.nodes, self._inboxes, strict=True)
            ]  # fmt: skip
            if backend != "memory":
                import redis

                self._redis = redis.Redis.from_url(backend)
        except BaseException:
            self.close()
            raise

    # --- the Core protocol ---------------------------------------------------------------

    def connect(self, on_frame: FrameSink) -> LockstepTransport:
        node = self._next % len(self._cores)
        self._next += 1
        transport = LockstepTransport(self, self._cores[node].connect(on_frame), node)
        self._transports.append(transport)
        return transport

    # --- driving it ----------------------------------------------------------------------

    def time(self) -> float:
        return self._sched.time()

    def run_until_idle(self) -> int:
        """Run clients' work and callbacks and release gated actions one by one, each
        settled before the next, until nothing is left anywhere; returns client steps."""
        steps = 0
        while True:
            steps += self._sched.run_until_idle()
            self._settle()
            self._hand_over()
            if self._sched.queued:
                continue
            if not self._gate:
                return steps
            action, argument = self._gate.popleft()
            with self._sched.lock:
                if argument is None:
                    action()
                else:
                    action(argument)

    def advance(self, seconds: float) -> None:
        """Move the shared virtual clock forward, firing every party's due timers one at a
        time in (due time, creation) order, and settling after each."""
        if seconds < 0:
            raise ValueError("cannot move time backwards")
        sched = self._sched
        deadline = sched.time() + seconds
        self.run_until_idle()
        while True:
            candidates: list[tuple[tuple[float, int], _Node | None]] = []
            mine = sched.next_timer()
            if mine is not None:
                candidates.append((mine, None))
            for node in self.nodes:
                theirs = node.call(node.scheduler.next_timer)
                if theirs is not None:
                    candidates.append((theirs, node))
            due = [c for c in candidates if c[0][0] <= deadline]
            if not due:
                break
            (when, _), owner = min(due, key=lambda c: c[0])
            sched.jump(max(when, sched.time()))
            if owner is None:
                sched.fire_next()
            else:
                owner.call(owner.scheduler.fire_next)
            self.run_until_idle()
        sched.jump(deadline)

    def on_service(self, fn: Callable[[RtmService], T], node: int = 0) -> T:
        """Run ``fn(service)`` on node ``node``'s loop: how a test reaches into a service
        (extra raw sessions, say) without racing it. Call :meth:`run_until_idle` after."""
        target = self.nodes[node]
        return target.call(lambda: fn(target.service))

    # --- settling --------------------------------------------------------------------------

    def _hand_over(self) -> None:
        """Queue what clients received in the order the nodes sent it (link changes,
        which carry no stamp, first, in the order they happened)."""
        unstamped: list[tuple[Callable[..., object], tuple[Any, ...]]] = []
        stamped: list[tuple[int, Callable[..., object], tuple[Any, ...]]] = []
        for inbox, node in zip(self._inboxes, self.nodes, strict=True):
            for key, fn, args in inbox.take():
                stamp = None
                if key is not None:
                    wire = node.wires.get(key[0])
                    stamps = getattr(wire, "stamps", None)
                    if stamps is not None and 0 < key[1] <= len(stamps):
                        stamp = stamps[key[1] - 1]
                if stamp is None:
                    unstamped.append((fn, args))
                else:
                    stamped.append((stamp, fn, args))
        stamped.sort(key=lambda item: item[0])
        call_soon = self._sched.call_soon
        for fn, args in unstamped:
            call_soon(fn, *args)
        for _, fn, args in stamped:
            call_soon(fn, *args)

    def _client_view(self, node: int) -> tuple[dict[str, tuple[int, int]], bool]:
        core = self._cores[node]
        mine = [t.inner for t in self._transports if t.node == node]

        async def view() -> tuple[dict[str, tuple[int, int]], bool]:
            sessions: dict[str, tuple[int, int]] = {}
            busy = False
            for transport in mine:
                sid, out, received, transport_busy = transport.link_view()
                busy = busy or transport_busy
                if sid is not None:
                    sessions[sid] = (out, received)
            return sessions, busy

        return asyncio.run_coroutine_threadsafe(view(), core.loop).result(self.timeout)

    def _views(self) -> tuple[Any, ...]:
        nodes = [node.call(node.view) for node in self.nodes]
        clients = [self._client_view(i) for i in range(len(self._cores))]
        return tuple(nodes), tuple(clients)

    @staticmethod
    def _quiet(views: tuple[Any, ...]) -> bool:
        nodes, clients = views
        if any(busy for _, busy in nodes) or any(busy for _, busy in clients):
            return False
        server: dict[str, tuple[int, int]] = {}
        for sessions, _ in nodes:
            server.update(sessions)
        client: dict[str, tuple[int, int]] = {}
        for sessions, _ in clients:
            client.update(sessions)
        return server == client

    def _settle(self) -> None:
        deadline = time.monotonic() + self.timeout
        pause = 0.0
        while True:
            views = self._views()
            if self._quiet(views):
                if self._redis is None:
                    return
                self._barrier(deadline)
                if self._views() == views:
                    return
                continue
            if time.monotonic() > deadline:
                raise LockstepTimeout(f"not settled after {self.timeout}s: {views!r}")
            time.sleep(pause)
            pause = min(0.002, pause + 0.0002)

    def _barrier(self, deadline: float) -> None:
        """Publish a marker envelope to every node and wait until each has handled it."""
        self._marker += 1
        marker = self._marker
        text = json.dumps({"f": MARKER_SENDER, "e": self._epoch, "s": marker, "i": []})
        pipe = self._redis.pipeline(transaction=False)
        for node in self.nodes:
            pipe.publish(f"{self._prefix}:node:{node.node_id}", text)
        pipe.execute()
        for node in self.nodes:
            backend: Any = node.backend

            def heard(backend: Any = backend) -> int:
                return int(backend.heard(MARKER_SENDER, self._epoch))

            while node.call(heard) < marker:
                if time.monotonic() > deadline:
                    raise LockstepTimeout(f"node {node.node_id} never heard marker {marker}")
                time.sleep(0.0002)

    # --- the end ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the clients' connections, then the nodes."""
        self._gate.clear()
        for core in self._cores:
            core.close()
        self._cores = []
        for node in self.nodes:
            node.stop()
        self.nodes = []
        if self._redis is not None:
            self._redis.close()
            self._redis = None
