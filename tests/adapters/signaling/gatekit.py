"""An app thread holding an instance's lock, for the gate's tests (``adapters.signaling.gate``)."""

from __future__ import annotations

import threading

from adapters.signaling.gate import InstanceGate

__all__ = ["hold_in_other_thread"]


def hold_in_other_thread(gate: InstanceGate) -> tuple[threading.Event, threading.Thread]:
    """An app thread holding the instance lock until the returned event is set; it lets go
    as an app's call does (``InstanceGate.release``: the backlog is handed over)."""
    held, let_go = threading.Event(), threading.Event()

    def app() -> None:
        gate.lock.acquire()
        held.set()
        let_go.wait(5.0)
        gate.release()

    thread = threading.Thread(target=app)
    thread.start()
    assert held.wait(5.0)
    return let_go, thread
