"""The gateway node: WebSocket for clients, HTTP health/readiness/metrics on the same port.

What lives here and nowhere else: sockets, per-IP limits, send buffers (a client that cannot
keep up is disconnected, never waited for), heartbeats (websockets' pings), the node's
lifecycle (start, reaping dead nodes' sessions, SIGTERM drain). Framing and sessions belong
to the endpoints (:mod:`rtm.gateway.endpoint`); RTM logic to the sans-I/O service, which runs
on this node's event loop (:mod:`rtm.gateway.scheduler`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from ..limits import Limits, Rate, SlidingWindow
from ..service.backend import Backend
from ..service.core import RtmService, ServiceConfig
from ..service.memory import MemoryBackend
from ..service.webhook import HttpSink, WebhookConfig
from .config import RATES, GatewayConfig
from .endpoint import CloseCode, EndpointSession, HttpRequest, Listener, ProtocolEndpoint
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import Metrics
from .rtm_endpoint import RtmEndpoint, WireLimits
from .scheduler import LoopScheduler, VirtualLoopScheduler

__all__ = ["Gateway"]

log = logging.getLogger("rtm.gateway")

_SHUTDOWN_REASON = "node shutting down: reconnect to another node"


class _WsWire:
    """:class:`~rtm.gateway.endpoint.Wire` over one websockets connection.

    Writes go straight to the socket's buffer (no task per connection, no await); the
    buffer is bounded by ``send_buffer_bytes``, past which the client is a slow consumer.
    """

    __slots__ = (
        "_gateway",
        "_limit",
        "messages_in",
        "messages_out",
        "peer",
        "server_closed",
        "stamps",
        "ws",
    )

    def __init__(self, gateway: Gateway, ws: ServerConnection, peer: str) -> None:
        self._gateway = gateway
        self.ws = ws
        self.peer = peer
        self._limit = gateway.config.send_buffer_bytes
        self.server_closed = False
        #: Messages handled from the client and written to it: with the client's own counts
        #: they tell a test harness (:mod:`rtm.gateway.lockstep`) that nothing is in flight.
        self.messages_in = 0
        self.messages_out = 0
        #: With ``Gateway(send_stamps=...)``: one number per message sent, from a counter
        #: shared by every node of a test harness, so it can put what different clients
        #: received back in the order the nodes sent it.
        self.stamps: list[int] | None = [] if gateway.send_stamps is not None else None

    def send(self, text: str) -> bool:
        ws = self.ws
        if self.server_closed or ws.protocol.state is not State.OPEN:
            return False
        ws.protocol.send_text(text.encode())
        ws.send_data()
        self.messages_out += 1
        stamps, counter = self.stamps, self._gateway.send_stamps
        if stamps is not None and counter is not None:
            stamps.append(next(counter))
        if ws.transport.get_write_buffer_size() > self._limit:
            self.close(CloseCode.SLOW_CONSUMER, "slow consumer: send buffer full")
        return True

    def close(self, code: int, reason: str) -> None:
        if self.server_closed:
            return
        self.server_closed = True
        self._gateway.metrics.inc("rtm_disconnects_total", reason=_REASONS.get(code, str(code)))
        self._gateway._spawn(self.ws.close(code, reason[:120]))


#: Why an HTTP upgrade is refused (``rtm_http_rejected_total``'s label values).
_HTTP_REJECTIONS = ("bad_query", "draining", "ip_connections", "ip_rate")
#: The Redis backend's ``stats`` -> help of its counter ``rtm_redis_<name>_total``.
_REDIS_STATS = {
    "published": "Cross-node envelopes published.",
    "received": "Cross-node envelopes received.",
    "gaps": "Cross-node envelopes detected missing (sequence gaps, net of late ones).",
    "late": "Cross-node envelopes that arrived after a later one (republished).",
    "rerouted": "Peer messages re-routed after their session moved.",
    "kept_offline": "Peer messages kept offline because their node was gone.",
    "retried": "Envelopes published again after a Redis outage.",
    "dropped": "Envelopes or messages dropped (retry buffer full, unknown session).",
    "errors": "Redis commands that failed.",
}

_REASONS = {
    CloseCode.POLICY: "policy",
    CloseCode.RESTART: "shutdown",
    CloseCode.SUPERSEDED: "superseded",
    CloseCode.SLOW_CONSUMER: "slow_consumer",
    CloseCode.BAD_HANDSHAKE: "bad_handshake",
}


class Gateway:
    """One gateway node. ``await start()``, then ``await shutdown()`` (SIGTERM does that in
    ``sig2rtm serve``)."""

    def __init__(
        self,
        config: GatewayConfig,
        backend: Backend | None = None,
        *,
        service_config: ServiceConfig | None = None,
        clock: Callable[[], float] | None = None,
        timer_counter: Iterator[int] | None = None,
        send_stamps: Iterator[int] | None = None,
        listeners: Sequence[Listener] = (),
    ) -> None:
        """``backend`` replaces the one ``config.backend`` names; ``service_config`` the
        service settings derived from ``config``; ``clock`` puts the service on that virtual
        clock (:class:`~rtm.gateway.scheduler.VirtualLoopScheduler`, for test harnesses),
        numbering its timers with ``timer_counter``; ``send_stamps`` numbers every message
        sent to a client (``_WsWire.stamps``); ``listeners`` are extra ports, each with its
        own protocol (the legacy Signaling wire protocol, for instance)."""
        self.config = config
        self._given_backend = backend
        self._service_config = service_config
        self._clock = clock
        self._timer_counter = timer_counter
        self.send_stamps = send_stamps
        self.scheduler: LoopScheduler
        self.metrics = Metrics()
        self.started = time.time()
        self.draining = False
        self.port = config.port
        self.service: RtmService
        self.backend: Backend
        self.endpoints: dict[str, ProtocolEndpoint] = {}
        self._server: Server | None = None
        self.listeners = tuple(listeners)
        #: Listener name -> the port it is bound to (after ``start``).
        self.listener_ports: dict[str, int] = {}
        self._listener_servers: list[Server] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._wires: set[_WsWire] = set()
        self._ip_connections: Counter[str] = Counter()
        self._ip_rates: dict[str, SlidingWindow] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._webhooks: HttpSink | None = None
        #: The business servers' HTTP API (``config.http_port``), once started.
        self.api: Any = None
        self.api_port: int | None = None
        self._declare_metrics()

    # --- lifecycle -----------------------------------------------------------------------

    def _make_backend(self) -> Backend:
        if self._given_backend is not None:
            return self._given_backend
        if self.config.backend == "memory":
            return MemoryBackend()
        from ..service.redis import RedisBackend

        return RedisBackend(
            self.config.backend,
            self.config.node_id,
            heartbeat=self.config.heartbeat,
            node_ttl=self.config.node_ttl,
        )

    async def start(self) -> None:
        config = self.config
        loop = asyncio.get_running_loop()
        scheduler = (
            LoopScheduler(loop)
            if self._clock is None
            else VirtualLoopScheduler(loop, self._clock, self._timer_counter)
        )
        self.scheduler = scheduler
        self.backend = self._make_backend()
        service_config = self._service_config or ServiceConfig(
            limits=Limits(rates=RATES[config.rates]),
            app_certificates=dict(config.app_certificates),
            unreachable_after=config.unreachable_after,
            session_grace=config.session_grace,
            webhook=WebhookConfig(timeout=config.webhook_timeout),
        )
        self.service = RtmService(self.backend, scheduler, service_config, config.node_id)
        # Clients' messages to their business servers are POSTed from this loop.
        self._webhooks = HttpSink.create(loop)
        self.service.webhooks.attach(self._webhooks)
        await self._wait_for_backend()
        start = getattr(self.backend, "start", None)
        if start is not None:
            start(scheduler)
        self._declare_backend_metrics()
        endpoint = RtmEndpoint(
            self.service,
            self.metrics,
            WireLimits(
                max_frame_bytes=config.max_frame_bytes,
                frames=Rate(config.frame_burst, config.frame_burst / config.frames_per_second),
                errors=Rate(config.errors_per_10s, 10.0),
                max_unacked=config.max_unacked,
                heartbeat=config.ping_interval,
            ),
            loop,
        )
        self.endpoints[endpoint.path] = endpoint
        self._server = await serve(
            self._handle,
            config.host,
            config.port,
            process_request=self._process_request,
            compression=None,
            max_size=config.max_message_bytes,
            max_queue=64,
            ping_interval=config.ping_interval,
            ping_timeout=config.ping_timeout,
            close_timeout=2.0,
            server_header="sig2rtm-gateway",
        )
        sockets = list(self._server.sockets)
        if sockets:
            self.port = sockets[0].getsockname()[1]
        for listener in self.listeners:
            await self._start_listener(listener)
        if config.http_port >= 0:
            await self._start_api()
        if hasattr(self.backend, "dead_sessions"):
            self._reaper = loop.create_task(self._reap_forever())
        log.info(
            "gateway listening",
            extra={
                "node": config.node_id,
                "host": config.host,
                "port": self.port,
                "backend": config.backend.split("@")[-1],
                "paths": ",".join(self.endpoints),
            },
        )

    async def _start_listener(self, listener: Listener) -> None:
        endpoint = listener.make_endpoint(self)

        async def handle(ws: ServerConnection) -> None:
            split = urlsplit(ws.request.path if ws.request is not None else "/")
            await self._serve_connection(ws, endpoint, split.query)

        def process(connection: ServerConnection, request: Request) -> Response | None:
            return self._process_listener_request(listener, connection, request)

        config = self.config
        server = await serve(
            handle,
            config.host,
            listener.port,
            process_request=process,
            ssl=listener.ssl,
            compression=None,
            max_size=config.max_message_bytes,
            max_queue=64,
            ping_interval=config.ping_interval,
            ping_timeout=config.ping_timeout,
            close_timeout=2.0,
            server_header="sig2rtm-gateway",
        )
        self._listener_servers.append(server)
        sockets = list(server.sockets)
        self.listener_ports[listener.name] = (
            sockets[0].getsockname()[1] if sockets else listener.port
        )

    async def _start_api(self) -> None:
        """The business servers' HTTP API (FastAPI on uvicorn) on this loop."""
        from ..service.business import BusinessActions
        from .business_http import ApiServer, create_app

        actions = BusinessActions(self.service)
        app = create_app(actions, self.config.server_api_key, lambda: self.scheduler)
        self.api = ApiServer(app, self.config.host, self.config.http_port)
        await self.api.start()
        self.api_port = self.api.port

    async def _wait_for_backend(self) -> None:
        """Wait for a backend with a store of its own (Redis) to answer, retrying with a
        doubling delay (0.1 s up to 5 s) and logging each try, for at most
        ``backend_wait`` seconds; ConnectionError (one line, for ``sig2rtm serve``) after.

        Why: a node that listens without its store can only fail every login; waiting a
        bounded time covers Redis starting beside the gateway, and giving up then lets a
        supervisor see the failure instead of a node that never becomes ready."""
        ping = getattr(self.backend, "ping", None)
        if ping is None:
            return
        loop = asyncio.get_running_loop()
        where = getattr(self.backend, "where", self.config.backend)
        wait = self.config.backend_wait
        deadline = loop.time() + wait
        delay, attempt = 0.1, 0
        while not await loop.run_in_executor(None, ping):
            attempt += 1
            left = deadline - loop.time()
            if left <= 0:
                raise ConnectionError(
                    f"redis at {where} did not answer within {wait:g} s ({attempt} attempts): "
                    "start it, or point --backend at it"
                )
            log.warning(
                "waiting for redis at %s (attempt %d; next in %.1f s, giving up in %.0f s)",
                where,
                attempt,
                min(delay, left),
                left,
                extra={"node": self.config.node_id},
            )
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 2, 5.0)
        if attempt:
            log.info("redis at %s answered after %d attempts", where, attempt + 1)

    async def shutdown(self) -> None:
        """Stop taking connections, tell clients to go elsewhere (close 1012), give their
        sessions ``shutdown_grace`` to resume on another node, then end what is left."""
        if self.draining:
            return
        self.draining = True
        log.info("gateway draining", extra={"node": self.config.node_id})
        if self._server is not None:
            self._server.close(close_connections=False)
        for extra in self._listener_servers:
            extra.close(close_connections=False)
        if self.api is not None:
            await self.api.stop()
        for wire in list(self._wires):
            wire.close(CloseCode.RESTART, _SHUTDOWN_REASON)
        deadline = time.monotonic() + self.config.shutdown_grace
        while time.monotonic() < deadline and (
            self._wires or (getattr(self, "service", None) and self.service.lost_session_count)
        ):
            await asyncio.sleep(0.05)
        if self._reaper is not None:
            self._reaper.cancel()
        service = getattr(self, "service", None)
        if service is not None:
            for endpoint in self.endpoints.values():
                endpoint.end_lost_sessions()
            flush = getattr(self.backend, "flush", None)
            if flush is not None:
                flush()
        if self._server is not None:
            await self._server.wait_closed()
        for extra in self._listener_servers:
            await extra.wait_closed()
        stop = getattr(self.backend, "stop", None)
        if stop is not None:
            stop()
        for task in list(self._tasks):
            task.cancel()
        if self._webhooks is not None:
            await self._webhooks.aclose()
        log.info("gateway stopped", extra={"node": self.config.node_id})

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reap_forever(self) -> None:
        backend: Any = self.backend
        while True:
            await asyncio.sleep(self.config.heartbeat)
            try:
                found = backend.dead_sessions()
                nodes = set()
                for node, app, user, session in found:
                    nodes.add(node)
                    if self.service.expire_session(app, user, session):
                        self.metrics.inc("rtm_reaped_sessions_total")
                        log.info(
                            "ended session of dead node",
                            extra={"dead_node": node, "session": session},
                        )
                for node in nodes:
                    backend.reaped(node)
                backend.flush()
            except Exception:
                log.exception("reaper failed")

    # --- HTTP ----------------------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        route = _HTTP_ROUTES.get(path)
        if route is not None:
            return route(self, connection)
        if path not in self.endpoints:
            return connection.respond(404, "not found\n")
        return self._admit(connection)

    def _process_listener_request(
        self, listener: Listener, connection: ServerConnection, request: Request
    ) -> Response | None:
        """An extra listener: WebSocket upgrades on any path, anything else is plain HTTP
        (the target may be absolute, as a request sent through an HTTP proxy is)."""
        split = urlsplit(request.path)
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return self._admit(connection)
        route = _HTTP_ROUTES.get(split.path)
        if route is not None:
            return route(self, connection)
        local = connection.local_address
        try:
            query = _query(split.query)
        except ValueError as exc:
            return connection.respond(400, f"{exc}\n")
        answer = listener.http(
            HttpRequest(
                split.path,
                query,
                {key.lower(): value for key, value in request.headers.raw_items()},
                str(local[0]) if local else self.config.host,
                int(local[1]) if local else 0,
            )
        )
        if answer is None:
            return connection.respond(404, "not found\n")
        response = connection.respond(answer.status, answer.body)
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = answer.content_type
        for key, value in answer.headers:
            response.headers[key] = value
        return response

    def _admit(self, connection: ServerConnection) -> Response | None:
        """The per-IP and draining checks every WebSocket connection passes."""
        if self.draining:
            self.metrics.inc("rtm_http_rejected_total", reason="draining")
            return connection.respond(503, "node shutting down: connect to another node\n")
        ip = _ip(connection)
        if self._ip_connections[ip] >= self.config.connections_per_ip:
            self.metrics.inc("rtm_http_rejected_total", reason="ip_connections")
            return connection.respond(429, "too many connections from this address\n")
        window = self._ip_rates.get(ip)
        if window is None:
            if len(self._ip_rates) > 100_000:
                self._ip_rates.clear()
            rate = Rate(
                max(1, int(self.config.connects_per_ip_per_second)),
                max(1, int(self.config.connects_per_ip_per_second))
                / self.config.connects_per_ip_per_second,
            )
            window = self._ip_rates[ip] = SlidingWindow(rate)
        if not window.allow(time.monotonic()):
            self.metrics.inc("rtm_http_rejected_total", reason="ip_rate")
            return connection.respond(429, "connecting too often from this address\n")
        return None

    def _healthz(self, connection: ServerConnection) -> Response:
        return connection.respond(200, "ok\n")

    def _readyz(self, connection: ServerConnection) -> Response:
        if self.draining:
            return connection.respond(503, "draining\n")
        healthy = getattr(self.backend, "healthy", True)
        if not healthy:
            return connection.respond(503, "backend unreachable\n")
        return connection.respond(200, "ready\n")

    def _metrics(self, connection: ServerConnection) -> Response:
        response = connection.respond(200, self.metrics.render())
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = METRICS_CONTENT_TYPE
        return response

    def _declare_metrics(self) -> None:
        m = self.metrics
        m.counter("rtm_connections_total", "WebSocket connections accepted.")
        m.counter(
            "rtm_disconnects_total",
            "Connections closed by the gateway, by reason.",
            {"reason": sorted(_REASONS.values())},
        )
        m.counter(
            "rtm_http_rejected_total",
            "Connection attempts refused, by reason.",
            {"reason": _HTTP_REJECTIONS},
        )
        m.counter("rtm_reaped_sessions_total", "Sessions of dead nodes ended here.")
        m.gauge("rtm_open_connections", "Open WebSocket connections.", lambda: len(self._wires))
        m.gauge(
            "rtm_sessions",
            "Service sessions on this node (lost ones included).",
            lambda: self.service.session_count if hasattr(self, "service") else 0,
        )
        m.gauge(
            "rtm_lost_sessions",
            "Sessions whose link broke, waiting for a resume.",
            lambda: self.service.lost_session_count if hasattr(self, "service") else 0,
        )
        m.gauge(
            "rtm_webhooks_in_flight",
            "Clients' messages being POSTed to business servers.",
            lambda: self.service.webhooks.in_flight if hasattr(self, "service") else 0,
        )
        m.gauge(
            "rtm_webhooks_queued",
            "Clients' messages waiting for a free slot to their business server.",
            lambda: self.service.webhooks.queued if hasattr(self, "service") else 0,
        )
        m.gauge(
            "rtm_backend_up",
            "1 if the backend is reachable.",
            lambda: float(bool(getattr(getattr(self, "backend", None), "healthy", True))),
        )

    def _declare_backend_metrics(self) -> None:
        """Counters of a backend that keeps ``stats`` (Redis): only on nodes that have one."""
        stats = getattr(self.backend, "stats", None)
        if not isinstance(stats, Mapping):
            return
        helps = {f"rtm_redis_{name}": text for name, text in _REDIS_STATS.items() if name in stats}
        self.metrics.counters_from(
            lambda: {f"rtm_redis_{name}": float(value) for name, value in stats.items()}, helps
        )

    # --- WebSocket -------------------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        split = urlsplit(ws.request.path if ws.request is not None else "/")
        await self._serve_connection(ws, self.endpoints[split.path], split.query)

    async def _serve_connection(
        self, ws: ServerConnection, endpoint: ProtocolEndpoint, query_text: str
    ) -> None:
        ip = _ip(ws)
        wire = _WsWire(self, ws, ip)
        try:
            query = _query(query_text)
            session: EndpointSession = endpoint.open(wire, query)
        except ValueError as exc:
            self.metrics.inc("rtm_http_rejected_total", reason="bad_query")
            await ws.close(CloseCode.BAD_HANDSHAKE, str(exc)[:120])
            return
        self.metrics.inc("rtm_connections_total")
        self._wires.add(wire)
        self._ip_connections[ip] += 1
        try:
            async for message in ws:
                try:
                    session.receive(message)
                except Exception:
                    log.exception("endpoint failed on a message", extra={"peer": ip})
                wire.messages_in += 1
        except ConnectionClosed:
            pass
        finally:
            self._wires.discard(wire)
            self._ip_connections[ip] -= 1
            if self._ip_connections[ip] <= 0:
                del self._ip_connections[ip]
            received = ws.protocol.close_rcvd
            orderly = (
                not wire.server_closed
                and received is not None
                and received.code in (CloseCode.NORMAL, CloseCode.GOING_AWAY)
            )
            try:
                session.closed(orderly)
            except Exception:
                log.exception("endpoint failed closing a session", extra={"peer": ip})


def _ip(connection: ServerConnection) -> str:
    address = connection.remote_address
    return str(address[0]) if address else "?"


def _query(text: str) -> dict[str, str]:
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False)
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"query parameter {key!r} given twice")
        out[key] = value
    return out


_HTTP_ROUTES = {
    "/healthz": Gateway._healthz,
    "/readyz": Gateway._readyz,
    "/metrics": Gateway._metrics,
}
