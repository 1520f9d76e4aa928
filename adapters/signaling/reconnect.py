"""The legacy reconnect emulation (docs/legacy-semantics.md C1-C3).

While the link is down the legacy SDK retried every 2 s, reporting ``onReconnecting(n)``
each time, and gave up after 30 s with a network logout. RTM reports one RECONNECTING and
keeps trying itself; this module gives the app the legacy rhythm on the shim's scheduler,
and holds the pushes shim timers make while the link is down (a push cannot reach a dropped
link), to be delivered after ``onReconnected`` (C2).
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
        self._held: list[Held] = []
        #: The link is down and the legacy retries are running (read on every call).
        self.active = False

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
        self._held.clear()
        self._give_up()

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers = []
        self.active = False

    def hold(self, entry: Held) -> None:
        self._held.append(entry)

    def release(self) -> list[Held]:
        """The link is back: what was held, in order (and nothing is held any more)."""
        held, self._held = self._held, []
        return held
