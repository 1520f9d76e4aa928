"""``agorasigsdk.web2_lbs``: the LBS lookup helpers of 1.0.2.

They work as in 1.0.2: ``query_lbs`` asks ``http://lbs.sig.agora.io/getaddr`` (or ``url``)
over plain HTTP, honouring ``HTTP_PROXY`` — so pointed at ``sig2rtm serve --legacy-port``
it gets that node's answer; the others format what it returned. Only the ``web2`` servers
they lead to are gone (see :mod:`agorasigsdk.rpc`).
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.request
from typing import Any

from agorasigsdk.server_address import ServerAddress

__all__ = [
    "CFG_LBS_N_RETRY",
    "ServerAddress",
    "format_websocket_url",
    "get_web2_addresses",
    "get_web2_url",
    "query_lbs",
]

log = logging.getLogger("agorasigsdk")

#: Tries of ``query_lbs`` before it gives up (1.0.2's value).
CFG_LBS_N_RETRY = 5
_LBS = "http://lbs.sig.agora.io"


def query_lbs(appid: str, url: str = "") -> Any:
    """The LBS answer for ``appid`` (a dict), or None after ``CFG_LBS_N_RETRY`` tries."""
    target = f"{url or _LBS}/getaddr?vid={appid}"
    for _ in range(CFG_LBS_N_RETRY):
        try:
            with urllib.request.urlopen(target, timeout=10) as response:
                if response.status == 200:
                    return json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("LBS lookup %s failed: %s", target, exc)
        time.sleep(1)
    return None


def format_websocket_url(ip: str, port: int) -> str:
    """The access point's URL as the legacy SDK wrote it (dots of ``ip`` become dashes)."""
    return f"ws://{ip.replace('.', '-')}-sig-web.agora.io:{port}/"


def get_web2_addresses(lbs_access_points: Any) -> list[ServerAddress] | None:
    """The ``web2`` entries of an LBS answer as ``ServerAddress`` objects (None if none)."""
    if not lbs_access_points:
        return None
    return [ServerAddress(ip, port) for ip, port in lbs_access_points["web2"]]


def get_web2_url(servers: Any) -> tuple[str | None, ServerAddress | None]:
    """A random server of ``servers`` and its URL, or ``(None, None)``."""
    if not servers:
        return (None, None)
    server: ServerAddress = random.choice(list(servers))
    return (format_websocket_url(server.ip, server.port), server)
