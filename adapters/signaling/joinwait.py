"""Calls made before a join's result wait for it and replay in order (legacy D1, CH).

The legacy model joined at the call: a send made right after ``channelJoin`` was in the
channel. RTM joins asynchronously, so in legacy mode the shim holds every call made while a
join is on its way and replays them, in the order made, once the join has its result
(arguments are still checked at the call; only the work waits).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

__all__ = ["JoinWait"]

log = logging.getLogger("sig2rtm.shim")


class JoinWait:
    def __init__(self, call_soon: Callable[[Callable[[], None]], object]) -> None:
        self._call_soon = call_soon
        self._pending = False
        self._waiting: deque[Callable[[], None]] = deque()
        self._replaying = False
        #: Set when the instance is destroyed: nothing more replays.
        self.closed = False
        #: A call made now must wait: a join is on its way, or calls that waited for one are
        #: still to be replayed. Kept up to date on every change (every call reads it).
        self.busy = False

    def _update(self) -> None:
        self.busy = (self._pending or bool(self._waiting)) and not self._replaying

    def defer(self, call: Callable[[], None]) -> bool:
        """True if ``call`` must wait (and now does): a join is on its way, or calls that
        waited for one are still to be replayed (they go first, in the order made)."""
        if not self.busy:
            return False
        self._waiting.append(call)
        return True

    def started(self) -> None:
        """A join was sent: calls wait for its result."""
        self._pending = True
        self._update()

    def settled(self) -> None:
        """The join has its result (or never will): replay what waited, after this event."""
        self._pending = False
        self._update()
        if self._waiting:
            self._call_soon(self._replay)

    def _replay(self) -> None:
        while self._waiting and not self._pending and not self.closed:
            call = self._waiting.popleft()
            self._replaying = True
            self._update()
            try:
                call()
            except Exception:  # arguments were checked at the call: this is a shim bug
                log.exception("a call made before the join result failed on replay")
            finally:
                self._replaying = False
                self._update()
