"""Keeping a script alive while callbacks arrive, without Twisted.

1.0.2 apps end with ``reactor.run()``: the SDK ran on Twisted, and the reactor both kept
the process alive and called the callbacks. Here the native provider calls the callbacks
from its own thread, so the main thread only has to wait. ``run_forever()`` waits until
``stop()`` (from any thread, typically a callback) or Ctrl-C. Apps that keep
``reactor.run()`` / ``reactor.stop()`` still work where Twisted is installed; see
docs/object-flavour.md.

``pump`` is for deterministic providers (the reference model, a deterministic scheduler):
it is called before each wait to deliver what is queued.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["run_forever", "stop"]

_stopped = threading.Event()


def stop() -> None:
    """Make the running (or the next) ``run_forever`` return."""
    _stopped.set()


def run_forever(pump: Callable[[], object] | None = None, poll_interval: float = 0.05) -> None:
    """Block until :func:`stop` is called; each call consumes one ``stop()``."""
    if poll_interval <= 0:
        raise ValueError(f"poll_interval must be positive, got {poll_interval}")
    try:
        while True:
            if pump is not None:
                pump()
            if _stopped.wait(poll_interval):
                return
    finally:
        _stopped.clear()
