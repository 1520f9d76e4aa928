"""``agorasigsdk.server_address``: an access point ``(ip, port)`` as 1.0.2 named it."""

from __future__ import annotations

__all__ = ["ServerAddress"]


class ServerAddress:
    """One access point of an LBS answer: ``ip`` and ``port``."""

    def __init__(self, ip: str, port: int) -> None:
        self.ip = ip
        self.port = port

    def __repr__(self) -> str:
        return f"ServerAddress({self.ip!r}, {self.port!r})"
