"""Fixtures for the RTS dialect: engines on a world embedded, through a gateway node, or
(cross-node tests) through two nodes sharing a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.rts.kit import Rts
from tests.rtm.kit import World


@pytest.fixture(params=["embedded", "gateway"])
def rts(request: pytest.FixtureRequest) -> Iterator[Rts]:
    """RTS engines on a world, once embedded and once over a real gateway node."""
    world = World(over=str(request.param))
    kit = Rts(world)
    yield kit
    kit.close()
    world.close()
    assert not world.trace.violations, world.trace.violations


@pytest.fixture(params=["embedded", "gateway", "redis"])
def everywhere(request: pytest.FixtureRequest) -> Iterator[Rts]:
    """As ``rts``, and also across two gateway nodes sharing Redis."""
    over = str(request.param)
    url = request.getfixturevalue("redis_server").url if over == "redis" else None
    world = World(over=over, redis_url=url)
    kit = Rts(world)
    yield kit
    kit.close()
    world.close()
    assert not world.trace.violations, world.trace.violations
