"""Fixtures for the RTM core tests: a deterministic world, and both API styles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rtm.kit import World


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    yield w
    w.check()


@pytest.fixture(params=["cpp", "java"])
def style(request: pytest.FixtureRequest) -> str:
    """Run the test once with C++ event handlers and once with Java listeners/callbacks."""
    return str(request.param)
