"""Fixtures for the network tests: a private redis-server and the three stacks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rtm.netkit import RedisServer, Stack


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.close()


@pytest.fixture(params=["embedded", "gateway", "redis"])
def stack(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[Stack]:
    """The same RTM flows embedded, through one gateway, and across two Redis nodes."""
    s = Stack(str(request.param), redis_server)
    yield s
    s.close()
