"""Fixtures the adapters' tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import adapters.signaling as shim
import rtm


@pytest.fixture
def deterministic_default() -> Iterator[rtm.EmbeddedCore]:
    """A deterministic core installed as the process-wide default, with the legacy
    factories' worlds (made on that core) forgotten again afterwards."""
    core = rtm.EmbeddedCore.deterministic()
    rtm.set_default_core(core)
    saved = dict(shim._worlds)
    shim._worlds.clear()
    try:
        yield core
    finally:
        shim._worlds.clear()
        shim._worlds.update(saved)
        rtm.set_default_core(None)
