"""What a mapping-table expression sees: the legacy request and the shim session.

An operation that makes RTM calls creates a :class:`Request` — the legacy method, its
arguments and, optionally, a continuation for emulations that need more than one RTM call
(a legacy ``channelJoin`` is an RTM join, then a member list, then the channel attributes).
:class:`Session` holds the per-instance fields the tables may read (``session.channel``,
``session.self_account`` ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Continuation", "Request", "Session"]

#: Called with (outcome code, RTM event parameters) after the request's rows fired.
Continuation = Callable[[int, dict[str, Any]], None]


@attrs.define(eq=False)
class Request:
    method: str
    args: dict[str, Any]
    then: Continuation | None = None
    #: Rows stay silent for this request (an emulation step the app did not ask for).
    silent: bool = False
    _view: dict[str, Any] | None = attrs.field(default=None, init=False, repr=False)

    def view(self, self_account: str) -> dict[str, Any]:
        """What ``request.*`` means in the tables: the arguments, method and own account."""
        if self._view is None:
            self._view = {**self.args, "method": self.method, "self_account": self_account}
        return self._view


@attrs.define
class Session:
    self_account: str = ""
    uid: int = 0
    channel: str = ""
    handler_channel: str = ""
    previous_state: int = 1
    reconnect_attempt: int = 0
    channel_attrs: dict[str, str] = attrs.field(factory=dict)
