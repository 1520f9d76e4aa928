"""The runtime usage trace: which legacy calls and callbacks an app used, and which
emulations fired, as JSON lines for migration audits (``sig2rtm audit --runtime``).

Enable it with ``SIG2RTM_USAGE_TRACE=/path/to/trace.jsonl`` in the environment, or in code
with :func:`enable`. One object per line: ``{"ts", "kind": "call" | "callback" |
"emulation", "name", "flavour", "rtm_flavour", "emulation"}``; for emulations, ``name`` is
the legacy callback the emulating row produced and ``emulation`` one of the row's difference
keys (a row with several writes one line per key, so each line names a key the mapping
tables define).

``flavour`` is the legacy facade that served the call, as ``sig2rtm audit --runtime`` reads
it (:mod:`migration_audit.runtime`): ``native`` for the shim's ``IAgoraAPI`` (the object and
Python facades run on it, so their calls arrive here as native ones). ``rtm_flavour`` is the
RTM result style the shim used underneath (``cpp`` or ``java``); it changes nothing the app
sees, so it is kept apart.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import TextIO

__all__ = ["ENV", "UsageTrace", "enable"]

ENV = "SIG2RTM_USAGE_TRACE"
#: The legacy facade the shim serves (see the module docstring).
NATIVE = "native"

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
        self,
        kind: str,
        name: str,
        differences: tuple[str, ...] = (),
        *,
        flavour: str = NATIVE,
        rtm_flavour: str | None = None,
    ) -> None:
        ts = round(time.time(), 6)
        lines = "".join(
            json.dumps(
                {
                    "ts": ts,
                    "kind": kind if key is None else "emulation",
                    "name": name,
                    "flavour": flavour,
                    "rtm_flavour": rtm_flavour,
                    "emulation": key,
                },
                separators=(",", ":"),
            )
            + "\n"
            for key in (differences or (None,))
        )
        with self._lock:
            self._stream.write(lines)
            self._stream.flush()

    def close(self) -> None:
        if self._owns:
            self._stream.close()


def enable(path: str) -> UsageTrace:
    """Record usage of every shim world created from now on to ``path``."""
    global _global
    _global = UsageTrace.open(path)
    return _global
