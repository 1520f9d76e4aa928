"""The legacy wire protocol as a gateway listener: the LBS lookup and the WebSocket endpoint.

``legacy_listeners(config)`` is what ``sig2rtm serve --legacy-port`` (and
``--legacy-tls-port``) adds to the gateway. The
endpoint hosts one :class:`~adapters.signaling.ShimWorld` per app ID on the node's own
service (in process, on the node's event loop: no extra hop), and one
:class:`~adapters.wire.session.LegacyWireSession` per connection.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Mapping
from typing import Any

from adapters.signaling import ShimAgoraAPI, ShimWorld
from rtm.embedded import InProcTransport
from rtm.gateway.config import GatewayConfig
from rtm.gateway.endpoint import HttpAnswer, HttpRequest, Listener, Wire
from rtm.gateway.metrics import Metrics
from rtm.limits import Rate, SlidingWindow
from rtm.scheduler import Scheduler
from rtm.service.core import RtmService
from rtm.transport import FrameSink

from .frames import FRAME_COMMANDS, FRAME_ERROR_CODES
from .session import LegacyWireSession

__all__ = ["LBS_PATH", "LegacyEndpoint", "NodeCore", "lbs_answer", "legacy_listeners"]

#: The lookup path of the legacy load balancer (``lbs.sig.agora.io/getaddr?vid=…``).
LBS_PATH = "/getaddr"
#: App IDs one node hosts legacy worlds for (each holds the mapping tables' state).
MAX_APPS = 10_000


class NodeCore:
    """A :class:`rtm.transport.Core` on the node's own service: shim instances connect in
    process, on the node's loop, as gateway clients would over a socket."""

    def __init__(self, service: RtmService, scheduler: Scheduler) -> None:
        self.service = service
        self.scheduler = scheduler

    def connect(self, on_frame: FrameSink) -> InProcTransport:
        return InProcTransport(self.service, self.scheduler, on_frame)


class LegacyEndpoint:
    """Every path of the legacy port: one legacy client per connection."""

    path = "/"

    def __init__(
        self,
        core: NodeCore,
        metrics: Metrics,
        *,
        max_frame_bytes: int,
        frames: Rate,
        errors: Rate,
        app_certificates: Mapping[str, str] | None = None,
    ) -> None:
        self.core = core
        self.metrics = metrics
        self.max_frame_bytes = max_frame_bytes
        self._frames = frames
        self._errors = errors
        self._certificates = dict(app_certificates or {})
        self._worlds: dict[str, ShimWorld] = {}
        self.sessions: set[LegacyWireSession] = set()
        for name, text in (
            ("rtm_legacy_connections_total", "Legacy wire connections opened."),
            ("rtm_legacy_frames_sent_total", "Legacy wire frames sent."),
            ("rtm_legacy_lbs_requests_total", "Legacy LBS lookups answered."),
        ):
            metrics.counter(name, text)
        # Labelled counters: every series exists from the start, at 0.
        metrics.counter(
            "rtm_legacy_logins_total",
            "Legacy wire logins, by result.",
            {"result": ("ok", "failed")},
        )
        metrics.counter(
            "rtm_legacy_frames_received_total",
            "Legacy wire frames received, by command.",
            {"cmd": FRAME_COMMANDS},
        )
        metrics.counter(
            "rtm_legacy_frame_errors_total",
            "Legacy wire frames refused, by code.",
            {"code": FRAME_ERROR_CODES},
        )
        metrics.gauge(
            "rtm_legacy_sessions", "Open legacy wire connections.", lambda: len(self.sessions)
        )

    def frame_window(self) -> SlidingWindow:
        return SlidingWindow(self._frames)

    def error_window(self) -> SlidingWindow:
        return SlidingWindow(self._errors)

    def instance(self, app_id: str) -> ShimAgoraAPI:
        """A new legacy instance of ``app_id`` on this node (ValueError: too many apps)."""
        world = self._worlds.get(app_id)
        if world is None:
            if len(self._worlds) >= MAX_APPS:
                raise ValueError("this node hosts too many app IDs")
            certificate = self._certificates.get(app_id)
            world = self._worlds[app_id] = ShimWorld(
                app_id, certificate, core=self.core, rtm_certificate=certificate
            )
        return world.createAgoraSDKInstance(app_id)

    def open(self, wire: Wire, query: Mapping[str, str]) -> LegacyWireSession:
        session = LegacyWireSession(self, wire)
        self.sessions.add(session)
        self.metrics.inc("rtm_legacy_connections_total")
        return session

    def forget(self, session: LegacyWireSession) -> None:
        self.sessions.discard(session)

    def end_lost_sessions(self) -> None:
        """Legacy sessions never resume: each ended with its connection."""


def lbs_answer(request: HttpRequest, host: str, port: int) -> HttpAnswer | None:
    """``GET /getaddr?vid=<app id>`` -> ``{"web": [[host, port]], "web2": []}``.

    CORS-open (the Web SDK asks from any page); ``host`` empty means the address the client
    reached this node on. Anything else on the legacy port is not found (None).
    """
    if request.path != LBS_PATH:
        return None
    cors = (("Access-Control-Allow-Origin", "*"),)
    if not request.query.get("vid"):
        return HttpAnswer(400, "text/plain; charset=utf-8", "vid (the app ID) is required\n", cors)
    body = json.dumps({"web": [[host or request.local_host, port]], "web2": []})
    return HttpAnswer(200, "application/json", body, cors)


def legacy_listeners(config: GatewayConfig) -> list[Listener]:
    """The gateway listeners for ``--legacy-port`` and ``--legacy-tls-port``: LBS lookup and
    legacy WebSocket, plain and over TLS, sharing one endpoint (one set of sessions).

    Over TLS the lookup answers ``port - 1``, because the Web SDK 1.3.0 connects to the
    answered port + 1 (always ``wss://<ip-dashed>-sig-web.agora.io:<port + 1>/``).
    """
    shared: list[LegacyEndpoint] = []

    def make_endpoint(gateway: Any) -> LegacyEndpoint:
        if not shared:
            shared.append(
                LegacyEndpoint(
                    NodeCore(gateway.service, gateway.scheduler),
                    gateway.metrics,
                    max_frame_bytes=config.max_frame_bytes,
                    frames=Rate(config.frame_burst, config.frame_burst / config.frames_per_second),
                    errors=Rate(config.errors_per_10s, 10.0),
                    app_certificates=config.app_certificates,
                )
            )
        return shared[0]

    def http(offset: int) -> Callable[[HttpRequest], HttpAnswer | None]:
        def answer(request: HttpRequest) -> HttpAnswer | None:
            found = lbs_answer(request, config.legacy_host, request.local_port + offset)
            if found is not None and shared:
                shared[0].metrics.inc("rtm_legacy_lbs_requests_total")
            return found

        return answer

    listeners = []
    if config.legacy_port >= 0:
        listeners.append(Listener("legacy", config.legacy_port, make_endpoint, http(0)))
    if config.legacy_tls_port >= 0:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(config.legacy_tls_cert, config.legacy_tls_key)
        listeners.append(
            Listener("legacy-tls", config.legacy_tls_port, make_endpoint, http(-1), context)
        )
    return listeners
