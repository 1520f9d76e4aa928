"""The legacy reconnect emulation (docs/legacy-semantics.md C1-C3).

While the link is down the legacy SDK retried every 2 s, reporting ``onReconnecting(n)``
each time, and gave up after 30 s with a network logout. RTM reports one RECONNECTING and
keeps trying itself; this module gives the app the legacy rhythm on the shim's scheduler,
and holds the pushes shim timers make while the link is down (a push cannot reach a dropped
link), to be delivered after ``onReconnected`` (C2).

The legacy server held every push in one list, so after ``onReconnected`` they came in the
order they were made. The shim's held pushes and the ones the RTM core held come apart: the
core hands its own over after the re-login, marking the time each run of them was held
(``rtm.protocol.HandOver``); each mark releases the shim's pushes made up to that time, and
the last mark (no time: the core's held events are over) the rest, before the mailbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from legacy_signaling.codes import RECONNECT_GIVE_UP_S, RETRY_INTERVAL_S

__all__ = ["Held", "ReconnectEmulation"]

#: A legacy callback made while the link was down: (name, plain arguments).
Held = tuple[str, tuple[object, ...]]


class ReconnectEmulation:
    def __init__(
        self,
        call_later: Callable[..., Any],
        tick: Callable[[int], None],
        give_up: Callable[[], None],
    ) -> None:
        self._call_later = call_later
        self._tick = tick
        self._give_up = give_up
        self._timers: list[Any] = []
        #: (when it was made, in ms like the core's marks; the callback), in order.
        self._held: list[tuple[int, Held]] = []
        #: The link is down and the legacy retries are running (read on every call).
        self.active = False
        #: The link is back and held pushes wait for their place among the core's.
        self.handing_over = False

    @property
    def holding(self) -> bool:
        """A push made now must wait: the link is down, or pushes held meanwhile still
        wait for their turn (a later one must not overtake them)."""
        return self.active or self.handing_over

    def start(self) -> None:
        """C1: the link is down. The retry ticks every 2 s, the give-up at 30 s (C3)."""
        self.cancel()
        later = self._call_later
        self._timers = [
            later(RETRY_INTERVAL_S * n, self._tick, n + 1)
            for n in range(1, int(RECONNECT_GIVE_UP_S / RETRY_INTERVAL_S))
        ]
        self._timers.append(later(RECONNECT_GIVE_UP_S, self._expire))
        self.active = True

    def _expire(self) -> None:
        self.cancel()
        self.discard()
        self._give_up()

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers = []
        self.active = False

    def discard(self) -> None:
        """The session ended while the link was down (given up, or kicked): the server
        dropped what it held for it (C3, L6), so nothing held is delivered."""
        self._held.clear()
        self.handing_over = False

    def hold(self, entry: Held, now: float) -> None:
        """Hold ``entry``, made at ``now`` (seconds of the shim's clock)."""
        self._held.append((int(now * 1000), entry))

    def reconnected(self) -> None:
        """The link is back (CONNECTED): the core's hand-over follows; what was held here
        waits for its marks (nothing held: nothing waits)."""
        self.handing_over = bool(self._held)

    def release(self, until: int | None) -> list[Held]:
        """At a hand-over mark: the held pushes made at or before ``until`` (ms), in order;
        None (the core's held events are over): all of them, and holding ends."""
        held = self._held
        if until is None:
            self._held = []
            self.handing_over = False
            return [entry for _, entry in held]
        count = 0
        while count < len(held) and held[count][0] <= until:
            count += 1
        if not count:
            return []
        self._held = held[count:]
        return [entry for _, entry in held[:count]]
