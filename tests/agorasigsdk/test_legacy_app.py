"""A 1.0.2-style app (fixtures/legacy_app.py) runs unmodified on agorasigsdk.

The app imports Twisted's reactor, as 1.0.2 apps did. Twisted is not a dependency, so the
test puts a stand-in ``twisted.internet.reactor`` in ``sys.modules`` whose ``run()`` lets
the native provider deliver everything (the real reactor would block while the provider's
thread delivers) and whose ``stop()`` records that the app finished. The app's own code is
not touched.
"""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path

import pytest

from legacy_signaling.objects.testing import NativeBackend

APP = Path(__file__).parent / "fixtures" / "legacy_app.py"

#: What each party prints, in order (interleaving across parties may vary by provider).
EXPECTED = {
    "main": ["connecting", "done"],
    "alice": [
        "login ok, state=2",
        "joined lobby",
        "members alice",
        "bob joined",
        "channel bob: hello everyone",
        "p2p from bob: psst, call me",
        "inviting bob to room-42",
        "ringing bob",
        "accepted answer=yes",
        "bob online=1 err=''",
        "attr topic=call in progress (update)",
        "call ended by me",
        "bob left",
        "left lobby by_user=False",
        "logout 101 user=True",
    ],
    "bob": [
        "login ok, state=2",
        "joined lobby",
        "members alice,bob",
        "channel bob: hello everyone",
        "p2p sent",
        'invited by alice to room-42 extra={"kind": "voice"}',
        "attr topic=call in progress (update)",
        "call ended by alice",
        "left lobby by_user=True",
        "logout 101 user=True",
    ],
}


class StandInReactor:
    """``reactor.run()`` delivers callbacks until the app is idle; ``stop()`` ends it."""

    def __init__(self, backend: NativeBackend) -> None:
        self._backend = backend
        self.stopped = False

    def run(self) -> None:
        self._backend.settle()
        if not self.stopped:
            raise AssertionError("the legacy app went idle without calling reactor.stop()")

    def stop(self) -> None:
        self.stopped = True


def test_legacy_app_runs_unmodified(
    native_factory: NativeBackend,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reactor = StandInReactor(native_factory)
    internet = types.ModuleType("twisted.internet")
    internet.reactor = reactor  # type: ignore[attr-defined]
    twisted = types.ModuleType("twisted")
    twisted.internet = internet  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "twisted", twisted)
    monkeypatch.setitem(sys.modules, "twisted.internet", internet)
    source = APP.read_text(encoding="utf-8")
    assert "from twisted.internet import reactor" in source

    runpy.run_path(str(APP), run_name="__main__")

    assert reactor.stopped
    printed: dict[str, list[str]] = {}
    for line in capsys.readouterr().out.splitlines():
        party, _, text = line.partition("| ")
        printed.setdefault(party, []).append(text)
    assert printed == EXPECTED
