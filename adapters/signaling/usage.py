"""The runtime usage trace: which legacy calls and callbacks an app used, and which
emulations fired, as JSON lines for migration audits (``sig2rtm audit --runtime``).

Enable it with ``SIG2RTM_USAGE_TRACE=/path/to/trace.jsonl`` in the environment, or in code
with :func:`enable`. One object per line: ``{"ts", "kind": "call" | "callback" |
"emulation", "name", "flavour", "emulation"}``; for emulations, ``name`` is the legacy
callback the emulating row produced and ``emulation`` the row's difference keys joined by
",".
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import TextIO

__all__ = ["ENV", "UsageTrace", "enable"]

ENV = "SIG2RTM_USAGE_TRACE"

_global: UsageTrace | None = None


class UsageTrace:
    def __init__(self, stream: TextIO, *, owns: bool = False) -> None:
        self._stream = stream
        self._owns = owns
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str) -> UsageTrace:
        return cls(open(path, "a", encoding="utf-8"), owns=True)

    @classmethod
    def from_environment(cls) -> UsageTrace | None:
        global _global
        if _global is None:
            path = os.environ.get(ENV)
            if path:
                _global = cls.open(path)
        return _global

    def record(
        self, kind: str, name: str, differences: tuple[str, ...] = (), *, flavour: str = "native"
    ) -> None:
        entry = {
            "ts": round(time.time(), 6),
            "kind": kind if not differences else "emulation",
            "name": name,
            "flavour": flavour,
            "emulation": ",".join(differences) if differences else None,
        }
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()

    def close(self) -> None:
        if self._owns:
            self._stream.close()


def enable(path: str) -> UsageTrace:
    """Record usage of every shim world created from now on to ``path``."""
    global _global
    _global = UsageTrace.open(path)
    return _global
