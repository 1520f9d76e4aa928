"""Legacy message lines and the versioned per-user mailbox.

A *message line* is ``msg-v2 <src> <dst> <flag> <type> <time ms> <content>``: the clients
split it on the first six spaces, so every field but the content must be free of spaces
(:func:`field` makes sure). Peer messages and call signals go through the mailbox — the
server announces a new version with ``notify ["msg", ver]`` and the client fetches with
``user_getmsg {ver_clear}``; channel events go straight out as ``notify channel2``.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping

import attrs

__all__ = [
    "CALL_EVENTS",
    "CHANNEL_EVENTS",
    "Mailbox",
    "MessageLine",
    "call_content",
    "channel_content",
    "field",
    "message_line",
    "parse_line",
]

#: Channel event types and the JSON keys each carries (every one has channel/account/uid:
#: the Python SDK reads those three before it looks at the type).
CHANNEL_EVENTS: Mapping[str, tuple[str, ...]] = {
    "channel_msg": ("channel", "account", "uid", "msg"),
    "channel_user_join": ("channel", "account", "uid"),
    "channel_user_leave": ("channel", "account", "uid"),
    "channel_attr_update": ("channel", "account", "uid", "name", "value", "type"),
}

#: Mailed call signals: the type on the line, and the JSON ``{channel, peer, extra, peeruid}``.
CALL_EVENTS = (
    "voip_invite",
    "voip_invite_ack",
    "voip_invite_accept",
    "voip_invite_refuse",
    "voip_invite_failed",
    "voip_invite_bye",
    "voip_invite_msg",
)


def field(text: str) -> str:
    """A line field: a space would shift the clients' split, so it becomes ``_``. Accounts
    have no spaces; a channel name may, and clients read it from the JSON content anyway."""
    return text.replace(" ", "_")


def message_line(src: str, dst: str, flag: str, kind: str, time_ms: int, content: str) -> str:
    return f"msg-v2 {field(src)} {field(dst)} {field(flag)} {field(kind)} {int(time_ms)} {content}"


@attrs.frozen
class MessageLine:
    src: str
    dst: str
    flag: str
    kind: str
    time: str
    content: str


def parse_line(line: str) -> MessageLine:
    """The inverse of :func:`message_line` (for tests and protocol clients)."""
    parts = line.split(" ", 6)
    if len(parts) != 7 or parts[0] != "msg-v2":
        raise ValueError(f"not a msg-v2 line: {line[:60]!r}")
    _, src, dst, flag, kind, time, content = parts
    return MessageLine(src, dst, flag, kind, time, content)


def call_content(channel: str, peer: str, extra: str, peeruid: int) -> str:
    return json.dumps(
        {"channel": channel, "peer": peer, "extra": extra, "peeruid": peeruid},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def channel_content(**values: object) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


class Mailbox:
    """One connection's mailbox: lines numbered 1, 2, …; a fetch with ``ver_clear = v``
    acknowledges (and drops) every line up to ``v`` and returns the next ``max``.

    Bounded: past ``capacity`` unacknowledged lines the oldest are dropped and counted in
    :attr:`dropped` (a client that never polls must not grow the server without limit).
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self.version = 0
        self.dropped = 0
        self._lines: deque[tuple[int, str]] = deque()

    def add(self, line: str) -> int:
        self.version += 1
        self._lines.append((self.version, line))
        if len(self._lines) > self.capacity:
            self._lines.popleft()
            self.dropped += 1
        return self.version

    def fetch(self, ver_clear: int, limit: int) -> tuple[int, list[tuple[int, str]]]:
        """``(ver_clear, [(ver, line), …])``: the acknowledged version (never more than what
        exists) and the lines after it, oldest first."""
        ver_clear = max(0, min(ver_clear, self.version))
        lines = self._lines
        while lines and lines[0][0] <= ver_clear:
            lines.popleft()
        out: list[tuple[int, str]] = []
        for item in lines:
            if len(out) >= limit:
                break
            out.append(item)
        if out and out[0][0] > ver_clear + 1:
            ver_clear = out[0][0] - 1  # lines dropped over capacity: skip the gap
        return ver_clear, out
