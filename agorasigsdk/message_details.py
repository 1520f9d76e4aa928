"""``agorasigsdk.message_details``: the fields of a legacy message line.

A line is ``msg-v2 <src> <dst> <flag> <type> <time> <content>`` (split on the first six
spaces); sig2rtm's legacy wire front end produces the same lines (``adapters.wire.lines``).
"""

from __future__ import annotations

__all__ = ["MessageDetails"]


class MessageDetails:
    """``msg_src``, ``msg_dst``, ``msg_flag``, ``msg_type``, ``msg_time``, ``msg_content``."""

    def __init__(self, msg_str: str) -> None:
        fields = msg_str.split(" ", 6)
        if len(fields) != 7:
            raise ValueError(f"not a message line (7 space-separated fields): {msg_str[:60]!r}")
        _, self.msg_src, self.msg_dst, self.msg_flag, self.msg_type, self.msg_time = fields[:6]
        self.msg_content = fields[6]
