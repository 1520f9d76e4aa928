"""Gateway configuration: defaults < TOML file < environment (``SIG2RTM_*``) < flags.

Every setting has one name used everywhere: the TOML key, the environment variable
``SIG2RTM_<NAME>`` (upper case) and the flag ``--<name>`` (dashes). A bad value names the
source it came from, so a typo in a deployment file is found at start, not at the first
connection.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..limits import LINUX_RATES, MOBILE_RATES, Rate, Rates

__all__ = ["ENV_PREFIX", "RATES", "ConfigError", "GatewayConfig", "load_config"]

ENV_PREFIX = "SIG2RTM_"

_BIG = Rate(10**9, 1.0)
#: Named rate tables: RTM's Linux and mobile call limits, or none (benchmarks).
RATES: Mapping[str, Rates] = {
    "linux": LINUX_RATES,
    "mobile": MOBILE_RATES,
    "unlimited": Rates(**{f.name: _BIG for f in attrs.fields(Rates)}),
}


class ConfigError(ValueError):
    """A setting with a bad value; the message names the setting and where it came from."""


def _node_id() -> str:
    return "g" + uuid.uuid4().hex[:8]


@attrs.frozen
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 9000
    #: ``memory`` or ``redis://HOST:PORT/DB``.
    backend: str = "memory"
    #: Unique per node sharing a backend (no ``:``); random by default.
    node_id: str = attrs.field(factory=_node_id)
    #: App ID -> App Certificate; those apps require tokens at login.
    app_certificates: Mapping[str, str] = attrs.field(factory=dict)
    #: RTM call-rate table: linux | mobile | unlimited.
    rates: str = "linux"
    max_frame_bytes: int = 256 * 1024
    #: Largest WebSocket message accepted at all (bigger ones close the connection, 1009).
    max_message_bytes: int = 1024 * 1024
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    #: Bytes waiting to be written to one client before it counts as a slow consumer.
    send_buffer_bytes: int = 1024 * 1024
    max_unacked: int = 8192
    frames_per_second: float = 1000.0
    frame_burst: int = 1000
    errors_per_10s: int = 20
    connections_per_ip: int = 2000
    connects_per_ip_per_second: float = 200.0
    unreachable_after: float = 6.0
    session_grace: float = 30.0
    #: Redis backend: node heartbeat period, and silence after which a node counts as dead.
    heartbeat: float = 1.0
    node_ttl: float = 10.0
    #: Redis backend: seconds to wait at start for Redis to answer before giving up.
    backend_wait: float = 30.0
    #: On SIGTERM, how long resumed sessions may take to move before the node exits.
    shutdown_grace: float = 2.0
    log_level: str = "info"
    log_json: bool = True
    #: The legacy Signaling wire protocol (LBS lookup and WebSocket) on this port; -1: off,
    #: 0: a free port.
    legacy_port: int = -1
    #: The host the LBS answer sends legacy clients to; empty: the address they reached.
    legacy_host: str = ""
    #: The same over TLS (lookup with CORS, WSS) on this port; -1: off. Its lookup answers
    #: ``port - 1``: the Web SDK 1.3.0 connects to the answered port + 1.
    legacy_tls_port: int = -1
    #: PEM certificate chain and private key for ``legacy_tls_port``.
    legacy_tls_cert: str = ""
    legacy_tls_key: str = ""
    #: Seconds a client's message to its business server may take (webhook), then 17.
    webhook_timeout: float = 5.0
    #: The business servers' HTTP API (SendUnicast, ...) on this port; -1: off, 0: free port.
    http_port: int = -1
    #: App ID -> the key its business servers send as ``Authorization: Bearer KEY``.
    server_api_key: Mapping[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        problems = []
        if ":" in self.node_id or not self.node_id or not self.node_id.isprintable():
            problems.append(f"node_id {self.node_id!r} must be printable, non-empty, no ':'")
        if not (self.backend == "memory" or self.backend.startswith("redis://")):
            problems.append(f"backend {self.backend!r} must be memory or redis://HOST:PORT/DB")
        if self.rates not in RATES:
            problems.append(f"rates {self.rates!r} must be one of {', '.join(RATES)}")
        if not 0 <= self.port < 65536:
            problems.append(f"port {self.port} out of range")
        if not -1 <= self.legacy_port < 65536:
            problems.append(f"legacy_port {self.legacy_port} out of range (-1 turns it off)")
        if not -1 <= self.http_port < 65536:
            problems.append(f"http_port {self.http_port} out of range (-1 turns it off)")
        if self.webhook_timeout <= 0:
            problems.append("webhook_timeout must be positive")
        if not -1 <= self.legacy_tls_port < 65536:
            problems.append(f"legacy_tls_port {self.legacy_tls_port} out of range")
        if self.legacy_tls_port >= 0 and not (self.legacy_tls_cert and self.legacy_tls_key):
            problems.append("legacy_tls_port needs legacy_tls_cert and legacy_tls_key")
        if self.max_frame_bytes > self.max_message_bytes:
            problems.append("max_frame_bytes must not exceed max_message_bytes")
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            problems.append(f"log_level {self.log_level!r} unknown")
        for name in ("ping_interval", "ping_timeout", "heartbeat", "node_ttl", "session_grace"):
            if getattr(self, name) <= 0:
                problems.append(f"{name} must be positive")
        if self.backend_wait < 0:
            problems.append("backend_wait must not be negative")
        if problems:
            raise ConfigError("; ".join(problems))


def _parse_certs(text: str, what: str = "CERTIFICATE") -> dict[str, str]:
    """``APPID:CERT[,APPID:CERT...]`` (or ``APPID:KEY...``)."""
    out = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        app, sep, cert = item.partition(":")
        if not sep or not app or not cert:
            raise ValueError(f"{item!r} is not APPID:{what}")
        out[app] = cert
    return out


#: Settings that map app IDs to a secret, and what the secret is called.
_APP_MAPS = {"app_certificates": "CERTIFICATE", "server_api_key": "KEY"}


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not a boolean")


_PARSERS: dict[type, Callable[[str], Any]] = {int: int, float: float, str: str, bool: _parse_bool}


def _field_types() -> dict[str, type]:
    """Each setting's type, read from its default (all defaults are plain values)."""
    hints: dict[str, type] = {"app_certificates": dict, "server_api_key": dict, "node_id": str}
    for field in attrs.fields(GatewayConfig):
        if field.name not in hints:
            hints[field.name] = type(field.default)
    return hints


def _coerce(name: str, value: Any, source: str) -> Any:
    kind = _field_types().get(name)
    if kind is None:
        raise ConfigError(f"{source}: unknown setting {name!r}")
    try:
        if name in _APP_MAPS:
            what = _APP_MAPS[name]
            if isinstance(value, str):
                return _parse_certs(value, what)
            if isinstance(value, Mapping) and all(
                isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
            ):
                return dict(value)
            raise ValueError(f"expected a table of APPID = {what} strings")
        if isinstance(value, str):
            return _PARSERS[kind](value)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if type(value) is not kind:
            raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{source}: {name}: {exc}") from None


def load_config(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    file: str | Path | None = None,
) -> GatewayConfig:
    """Merge the sources; ``flags`` holds only settings given on the command line."""
    values: dict[str, Any] = {}
    if file is not None:
        path = Path(file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config file {path}: {exc}") from None
        for name, value in data.items():
            values[name] = _coerce(name, value, f"config file {path}")
    environ = os.environ if env is None else env
    for name in _field_types():
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _coerce(name, raw, f"environment {ENV_PREFIX}{name.upper()}")
    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, f"flag --{name.replace('_', '-')}")
    return GatewayConfig(**values)
