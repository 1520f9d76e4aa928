"""Fixtures for the network tests: the three stacks (``redis_server`` is suite-wide)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rtm.netkit import RedisServer, Stack


@pytest.fixture(params=["embedded", "gateway", "redis"])
def stack(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[Stack]:
    """The same RTM flows embedded, through one gateway, and across two Redis nodes."""
    s = Stack(str(request.param), redis_server)
    yield s
    s.close()
