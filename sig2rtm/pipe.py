"""Output that survives its reader going away (``sig2rtm demo | head -2``).

Why: the demo prints from the legacy callback threads as well as from the main thread. A
closed pipe there would surface as a logged traceback per callback; this wrapper notes the
first ``BrokenPipeError``, drops the rest of the output, and lets the command end with the
usual broken-pipe exit (see :mod:`sig2rtm.cli`).
"""

from __future__ import annotations

import threading
from typing import TextIO

__all__ = ["GuardedOut"]


class GuardedOut:
    """A text stream that stops writing, quietly, once its reader has gone."""

    def __init__(self, target: TextIO) -> None:
        self._target = target
        self._lock = threading.Lock()
        self.broken = False

    def write(self, text: str) -> int:
        with self._lock:
            if not self.broken:
                try:
                    self._target.write(text)
                except BrokenPipeError:
                    self.broken = True
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if not self.broken:
                try:
                    self._target.flush()
                except BrokenPipeError:
                    self.broken = True

    def raise_if_broken(self) -> None:
        """End the command the way a closed stdout ends it (the CLI exits quietly)."""
        self.flush()
        if self.broken:
            raise BrokenPipeError("the reader closed the output")
