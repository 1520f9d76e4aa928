"""An instance's lock, and the events that do not wait for it on the callback thread.

A legacy instance's state is changed by the app's calls (any thread, holding the instance
lock for the whole call, RTM request included) and by its events and shim work, which run
on the scheduler's single callback thread. Were an event to *block* on the lock while an app
thread holds it, the callback thread would sleep, every other instance's events behind it
would wait, and each such wait costs the process a hand-over of the GIL and a context switch
on each side — measured, a few percent of contended events doubled the CPU a message costs
(``benchmarks/README.md``).

So the callback thread never blocks here: an event that finds the lock taken is appended to
the instance's **backlog**, and so is every later event of that instance while the backlog
is not empty (an instance's events keep their order). Whoever lets go of the lock next sees
the backlog and hands a **drain** to the callback thread, which runs the backlog in order
under the lock. Events of other instances are not held up.

The other half: an app thread holds the lock for its call's work on the shim's state, not
while it waits inside the RTM client for the core. A hot operation (a peer or channel
message) leaves its RTM request in the gate's **outbox** (``ShimAgoraAPI.after_lock``, its
request opened at once) and the generated method makes it as soon as it has let go of the
lock, before it returns — so the request still goes out in the call, after everything the
operation did, and the lock is held for a few microseconds instead of the whole round into
the core.

Only an app thread holds the lock while the callback thread wants it, so on the
deterministic scheduler (one thread) nothing is ever deferred and traces are unchanged.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from rtm.scheduler import log_callback_failure

__all__ = ["InstanceGate"]

#: A piece of instance work: a function and its arguments.
Work = tuple[Callable[..., Any], tuple[Any, ...]]


class InstanceGate:
    """The instance lock (``lock``, re-entrant) with its backlog of deferred events.

    App-side code takes ``lock`` and lets go with :meth:`release` (or, inline, releases
    ``lock`` and calls :meth:`released` when ``backlog`` is not empty). Callback-thread code
    runs through :meth:`run`, or inlines its test: ``if gate.backlog and not gate.draining``
    or ``not gate.lock.acquire(False)`` -> :meth:`defer`.
    """

    __slots__ = ("_deliver", "backlog", "draining", "lock", "outbox")

    def __init__(self, deliver: Callable[..., None]) -> None:
        #: Queues a callable on the callback thread (``Scheduler.deliver``).
        self._deliver = deliver
        self.lock = threading.RLock()
        self.backlog: deque[Work] = deque()
        #: True while the backlog runs (its events must not be deferred behind themselves).
        self.draining = False
        #: Requests to make once the lock is let go: appended under the lock (an operation's
        #: last step), made by :meth:`flush` after the release, before the call returns.
        self.outbox: deque[Work] = deque()

    # ------------------------------------------------------------ callback thread

    def run(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` under the lock now, or after the events deferred before it."""
        if (self.backlog and not self.draining) or not self.lock.acquire(False):
            self.defer(fn, args)
            return
        try:
            fn(*args)
        finally:
            self.lock.release()

    def defer(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Append one event to the backlog; run the backlog now if the lock is free."""
        self.backlog.append((fn, args))
        # The holder may have let go between the caller's test and the append above (and
        # seen no backlog): then nobody else will drain, so try once more, here.
        if self.lock.acquire(False):
            try:
                self._drain_locked()
            finally:
                self.lock.release()

    def drain(self) -> None:
        """The backlog's turn on the callback thread (if the lock is taken again, the next
        release hands over another)."""
        if self.backlog and self.lock.acquire(False):
            try:
                self._drain_locked()
            finally:
                self.lock.release()

    def _drain_locked(self) -> None:
        if self.draining:
            return  # a drain further up this thread's stack is running the backlog
        self.draining = True
        try:
            backlog = self.backlog
            while backlog:
                fn, args = backlog.popleft()
                try:
                    fn(*args)
                except Exception:
                    log_callback_failure(fn)
        finally:
            self.draining = False

    # ------------------------------------------------------------ app threads

    def release(self) -> None:
        """Let go of the lock; hand the backlog (if any) to the callback thread."""
        self.lock.release()
        if self.backlog:
            self._deliver(self.drain)

    def released(self) -> None:
        """Called after an inline ``lock.release()`` found a backlog."""
        self._deliver(self.drain)

    def flush(self) -> None:
        """Make the requests left in the outbox, in order (called after the release). If one
        raises, the rest are still made, then the exception goes to the app's call."""
        outbox = self.outbox
        while outbox:
            try:
                fn, args = outbox.popleft()
            except IndexError:  # another app thread made the last one
                return
            try:
                fn(*args)
            except BaseException:
                self.flush()
                raise
