"""``sig2rtm serve``: run one gateway node until SIGTERM or Ctrl-C.

Settings come from flags, ``SIG2RTM_*`` environment variables and ``--config FILE.toml``
(flags win over the environment, which wins over the file); see
:mod:`rtm.gateway.config` for every name.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

import attrs

from .extras import MissingExtra, require

__all__ = ["configure_parser", "run"]

#: flag -> (type, help); the setting's name is the flag with underscores.
_FLAGS: dict[str, tuple[type, str]] = {
    "host": (str, "address to listen on"),
    "port": (int, "port for WebSocket and HTTP (0 picks a free one)"),
    "backend": (str, "memory (one node) or redis://HOST:PORT/DB (many nodes)"),
    "node-id": (str, "this node's id, unique among nodes sharing a backend"),
    "app-certificates": (str, "APPID:CERTIFICATE[,...]: apps that require tokens"),
    "rates": (str, "RTM call-rate table: linux, mobile or unlimited"),
    "max-frame-bytes": (int, "largest frame accepted (error frame beyond)"),
    "ping-interval": (float, "seconds between heartbeat pings"),
    "ping-timeout": (float, "seconds without a pong before a client counts as dead"),
    "send-buffer-bytes": (int, "bytes queued for one client before it is a slow consumer"),
    "connections-per-ip": (int, "open connections allowed per client address"),
    "session-grace": (float, "seconds a lost session waits for its client to resume"),
    "heartbeat": (float, "Redis: seconds between node heartbeats"),
    "node-ttl": (float, "Redis: seconds of silence after which a node is dead"),
    "backend-wait": (float, "Redis: seconds to wait at start for it to answer"),
    "shutdown-grace": (float, "seconds clients get to resume elsewhere on SIGTERM"),
    "log-level": (str, "debug, info, warning or error"),
    "legacy-port": (int, "also serve the legacy Signaling SDKs (LBS + WebSocket) on this port"),
    "legacy-host": (str, "host the legacy LBS answer names"),
    "legacy-tls-port": (int, "the legacy port over TLS (HTTPS lookup with CORS, WSS)"),
    "legacy-tls-cert": (str, "PEM certificate chain for the legacy TLS port"),
    "legacy-tls-key": (str, "PEM private key for the legacy TLS port"),
    "http-port": (int, "also serve the business servers' HTTP API (SendUnicast, ...) here"),
    "server-api-key": (str, "APPID:KEY[,...]: the bearer key of each app's business servers"),
    "webhook-timeout": (float, "seconds a client's message to its business server may take"),
}


def _default(name: str) -> str:
    """The built-in default of a setting, as ``--help`` shows it."""
    from rtm.gateway.config import GatewayConfig

    if name == "node_id":
        return "random, g + 8 hex digits"
    if name == "legacy_host":
        return "the address the client reached"
    if name == "app_certificates":
        return "none: no app requires tokens"
    if name == "server_api_key":
        return "none: the HTTP API refuses every request"
    field = getattr(attrs.fields(GatewayConfig), name)
    if field.default == "":
        return "none"
    if name in ("legacy_port", "legacy_tls_port", "http_port") and field.default < 0:
        return "off"
    return str(field.default)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Each flag is also read from the environment (--node-id: SIG2RTM_NODE_ID) and from "
        "--config; flags win over the environment, which wins over the file."
    )
    for flag, (kind, help_text) in _FLAGS.items():
        default = _default(flag.replace("-", "_"))
        parser.add_argument(
            f"--{flag}", type=kind, default=None, help=f"{help_text} (default: {default})"
        )
    parser.add_argument("--config", default=None, help="TOML file with settings (default: none)")
    parser.add_argument(
        "--plain-logs", action="store_true", help="human-readable logs (default: JSON lines)"
    )


def run(args: argparse.Namespace) -> int:
    from rtm.gateway.config import ConfigError, load_config
    from rtm.gateway.logs import setup_logging

    flags: dict[str, Any] = {
        flag.replace("-", "_"): getattr(args, flag.replace("-", "_")) for flag in _FLAGS
    }
    if args.plain_logs:
        flags["log_json"] = False
    try:
        config = load_config(flags=flags, file=args.config)
    except ConfigError as exc:
        print(f"sig2rtm serve: {exc}", file=sys.stderr)
        return 2
    if config.backend.startswith("redis://"):
        try:
            require("redis", "a redis:// backend")
        except MissingExtra as exc:
            print(f"sig2rtm serve: {exc}", file=sys.stderr)
            return 2
    setup_logging(config.log_level, config.log_json)
    try:
        asyncio.run(_serve(config))
    except OSError as exc:
        print(f"sig2rtm serve: {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve(config: Any) -> None:
    """Start, serve until SIGTERM/SIGINT, drain. A signal while the node is still starting
    (waiting for Redis) stops it just as cleanly."""
    from rtm.gateway.server import Gateway

    listeners = []
    if config.legacy_port >= 0 or config.legacy_tls_port >= 0:
        from adapters.wire import legacy_listeners

        listeners = legacy_listeners(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    gateway = Gateway(config, listeners=listeners)
    starting = asyncio.ensure_future(gateway.start())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        await gateway.shutdown()
        return
    stopping.cancel()
    starting.result()  # a failed start raises here (OSError: one line in run())
    # One line on stdout once listening, so scripts and tests can wait for it.
    for name, scheme in (("legacy", "http"), ("legacy-tls", "https")):
        if name in gateway.listener_ports:
            port = gateway.listener_ports[name]
            print(f"legacy Signaling on {scheme}://{config.host}:{port}", flush=True)
    if gateway.api_port is not None:
        print(f"business-server API on http://{config.host}:{gateway.api_port}", flush=True)
    print(f"listening on ws://{config.host}:{gateway.port}", flush=True)
    await stop.wait()
    await gateway.shutdown()
