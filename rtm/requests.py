"""The request core of one client, shared by its front-ends (channels, the call manager).

An :class:`~rtm.client.RtmClient` talks to the service through one session; its channels
and its call manager are front-ends on the same session, the way websockets' sans-I/O
``Protocol`` is shared by its front-ends. What they share is here, behind a small public
interface, so none of them reaches into another's internals:

* one lock (the scheduler's) and one way of delivering user callbacks;
* one numbering of requests and one table of answers awaited (:meth:`request`);
* one way of reporting an outcome to a Java ``ResultCallback`` (:meth:`report`);
* the client's gate (initialized and logged in?) and its connection state;
* the channel objects of the client, by ID.

The client owns the core and does the sending (its ``send`` handles reconnection: requests
made while the link is down wait and are sent again).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import protocol as p
from .connection import ConnectionMachine
from .errors import ErrorInfo
from .handlers import ResultCallback
from .limits import Limits
from .objects import RtmMessage
from .scheduler import Scheduler
from .validation import utf8_len

if TYPE_CHECKING:
    from .channel import RtmChannel

__all__ = ["NOT_INITIALIZED", "NOT_LOGGED_IN", "OnResult", "RequestCore", "describe"]

log = logging.getLogger("rtm.client")

NOT_INITIALIZED = 101
NOT_LOGGED_IN = 102

#: Called with the code and the value of a request's answer.
OnResult = Callable[[int, Any], None]


class RequestCore:
    """What one client's front-ends share; see the module's docstring."""

    __slots__ = (
        "channels",
        "connection",
        "deliver",
        "gate",
        "limits",
        "lock",
        "pending",
        "reqs",
        "scheduler",
        "send",
    )

    def __init__(
        self,
        scheduler: Scheduler,
        limits: Limits,
        connection: ConnectionMachine,
        send: Callable[[p.ClientFrame], None],
        gate: Callable[[], int],
    ) -> None:
        self.scheduler = scheduler
        self.lock: threading.RLock = scheduler.lock
        self.deliver = scheduler.deliver
        self.limits = limits
        self.connection = connection
        #: Send a request frame (its answer, if awaited, was registered in ``pending``).
        self.send = send
        #: 0 when the client is initialized and logged in, else 101 / 102.
        self.gate = gate
        self.reqs = itertools.count(1)
        self.pending: dict[int, OnResult] = {}
        self.channels: dict[str, RtmChannel] = {}

    @property
    def logged_in(self) -> bool:
        return self.connection.logged_in

    def next_req(self) -> int:
        return next(self.reqs)

    def request(self, make: Callable[[int], p.ClientFrame], on_result: OnResult) -> int:
        """Number a request, await its answer with ``on_result``, send it; its number."""
        req = next(self.reqs)
        self.pending[req] = on_result
        self.send(make(req))
        return req

    def tell(self, make: Callable[[int], p.ClientFrame]) -> None:
        """Send a request whose answer nobody waits for (a quiet leave on release)."""
        self.send(make(next(self.reqs)))

    def report(
        self, callback: ResultCallback[Any] | None, code: int, value: Any, text: str = ""
    ) -> None:
        """Report an outcome to a Java ``ResultCallback`` (nothing if there is none)."""
        if callback is None:
            return
        method = getattr(callback, "onSuccess" if code == 0 else "onFailure", None)
        if method is None:
            # Never raise here: this may run on the core thread, inside another request.
            log.error("result dropped: callback %r is not a ResultCallback", callback)
            return
        if code == 0:
            self.deliver(method, value)
        else:
            self.deliver(method, ErrorInfo(code, text or describe(code)))

    def message_payload(self, message: object) -> p.Payload | str:
        """What to send for ``message``, or why it cannot be sent (type, size).

        The size is counted in UTF-8 bytes only when the text could be too large (a UTF-8
        character takes at most 4 bytes): most messages are checked without encoding.
        """
        if not isinstance(message, RtmMessage):
            return "message must be an RtmMessage from createMessage()"
        payload = message.payload()
        limit = self.limits.message_bytes
        if 4 * len(payload.text) + len(payload.raw) <= limit:
            return payload
        size = utf8_len(payload.text) + len(payload.raw)
        if size > limit:
            return f"message is {size} bytes; at most {limit} allowed"
        return payload

    def joined_count(self) -> int:
        """Channels joined or being joined (the client's channel limit counts these)."""
        return sum(1 for channel in self.channels.values() if channel.counts_as_joined)

    def forget_channel(self, channel: RtmChannel) -> None:
        if self.channels.get(channel.getId()) is channel:
            del self.channels[channel.getId()]


#: Codes every RTM error enum shares (101, 102), described once.
_SHARED_DESCRIPTIONS = {
    NOT_INITIALIZED: "not initialized: initialize() / createInstance() first (or it was released)",
    NOT_LOGGED_IN: "not logged in",
}


def describe(code: int) -> str:
    return _SHARED_DESCRIPTIONS.get(code, f"RTM error {code}")
