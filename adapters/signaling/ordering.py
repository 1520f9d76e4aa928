"""Callbacks in the order of the calls that caused them, even across a network (legacy D1).

Some legacy callbacks are the facade's own decision, made at call time: a send over the
legacy quota is refused, a message to oneself is looped back. They must not overtake the
outcomes of calls the app made before them. On the embedded core that order comes free:
the core's single queue answers requests before the facade's queued callback runs. Over a
gateway an outcome takes a round trip, so the facade's callback waits here until every
request made before it has been answered.

:class:`InFlight` numbers the requests an instance hands its binding, and holds the
facade's callbacks behind the ones still open; :class:`TrackedBinding` is the binding
with that numbering done on the way through.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from .context import Request

__all__ = ["InFlight", "TrackedBinding"]

#: A held callback: run when released.
Release = Callable[[], None]

#: Binding calls after which no outstanding request will ever be answered.
_ENDS_ANSWERS = frozenset({"abandon_link", "release"})


class InFlight:
    """Open requests (by identity, with their issue number) and callbacks held behind them."""

    def __init__(self) -> None:
        self._seq = 0
        #: id(request) -> issue number, in issue order (public: the shim's event path
        #: forgets an answered request inline while nothing is held).
        self.open_requests: dict[int, int] = {}
        self._held: deque[tuple[int, Release]] = deque()
        #: Nothing is held: an answer releases nothing (read on every outcome).
        self.idle = True

    @property
    def busy(self) -> bool:
        """Requests are open: a callback made now must wait for them."""
        return bool(self.open_requests)

    def opened(self, request: Request) -> None:
        self._seq += 1
        self.open_requests[id(request)] = self._seq

    def hold(self, release: Release) -> None:
        """Run ``release`` once every request opened so far has been answered."""
        self._held.append((self._seq, release))
        self.idle = False

    def answered(self, request: Request) -> list[Release]:
        """``request`` has its outcome; the held callbacks now free to run, in order."""
        self.open_requests.pop(id(request), None)
        return self._ready() if self._held else []

    def forget(self, request: Request) -> None:
        """``request`` has its outcome and nothing is held (``idle``): the cheap answer."""
        self.open_requests.pop(id(request), None)

    def abandon(self) -> list[Release]:
        """No open request will be answered any more (the link was given up): all held."""
        self.open_requests.clear()
        return self._ready()

    def _ready(self) -> list[Release]:
        if not self._held:
            return []
        # Requests open in issue order and a dict keeps insertion order: the first is oldest.
        oldest = next(iter(self.open_requests.values()), None)
        out: list[Release] = []
        held = self._held
        while held and (oldest is None or held[0][0] < oldest):
            out.append(held.popleft()[1])
        self.idle = not held
        return out


class TrackedBinding:
    """A binding whose calls open their :class:`Request` in an :class:`InFlight` first.

    With an ``outbox`` (the instance gate's, :mod:`.gate`), a call opens its request at
    once — in the order of the app's calls, under the instance lock — and leaves the binding
    call itself in the outbox, made when the legacy method lets go of the lock.
    """

    _OWN = frozenset({"_binding", "_inflight", "_on_abandon", "_outbox"})

    def __init__(
        self,
        binding: Any,
        inflight: InFlight,
        on_abandon: Callable[[], None],
        outbox: deque[tuple[Callable[..., Any], tuple[Any, ...]]] | None = None,
    ) -> None:
        self._binding = binding
        self._inflight = inflight
        self._on_abandon = on_abandon
        self._outbox = outbox

    def __setattr__(self, name: str, value: Any) -> None:
        # Attributes belong to the binding (a tool may wrap ``binding.client``, say).
        if name in TrackedBinding._OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self._binding, name, value)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._binding, name)
        if not callable(attribute):
            return attribute
        inflight = self._inflight
        ends = name in _ENDS_ANSWERS
        if name in getattr(self._binding, "UNANSWERED", ()):
            return attribute  # no event will ever answer its request: nothing to wait for

        if ends:

            def call(*args: Any) -> Any:
                result = attribute(*args)
                self._on_abandon()
                return result

        elif self._outbox is not None:
            open_requests, outbox = inflight.open_requests, self._outbox

            def call(*args: Any) -> Any:
                last = args[-1]
                if last.__class__ is Request:
                    inflight._seq += 1
                    open_requests[id(last)] = inflight._seq
                outbox.append((attribute, args))

        else:
            open_requests = inflight.open_requests

            # A binding call takes its request, if any, as its last argument;
            # InFlight.opened, inlined (this is every request's path).
            def call(*args: Any) -> Any:
                if args:
                    last = args[-1]
                    if last.__class__ is Request:
                        inflight._seq += 1
                        open_requests[id(last)] = inflight._seq
                return attribute(*args)

        self.__dict__[name] = call  # a binding's methods do not change: wrap each once
        return call
