"""Fixtures for the RTM core tests: a world on virtual time — embedded, through a gateway
node, or through two nodes sharing Redis — and both API styles."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from rtm import ServiceConfig
from tests.rtm.kit import OVER, World

MakeWorld = Callable[..., World]


@pytest.fixture(params=OVER)
def over(request: pytest.FixtureRequest) -> str:
    """Run the test once per place the core can be: embedded, gateway, redis."""
    return str(request.param)


@pytest.fixture
def make_world(over: str, request: pytest.FixtureRequest) -> Iterator[MakeWorld]:
    """Build worlds (with a config of their own) over ``over``; closed after the test."""
    worlds: list[World] = []

    def make(config: ServiceConfig | None = None) -> World:
        url = request.getfixturevalue("redis_server").url if over == "redis" else None
        world = World(config, over=over, redis_url=url)
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.close()


@pytest.fixture
def world(make_world: MakeWorld) -> Iterator[World]:
    w = make_world()
    yield w
    w.check()


@pytest.fixture(params=["cpp", "java"])
def style(request: pytest.FixtureRequest) -> str:
    """Run the test once with C++ event handlers and once with Java listeners/callbacks."""
    return str(request.param)
