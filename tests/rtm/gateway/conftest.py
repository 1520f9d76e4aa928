"""Fixtures for the gateway tests: a live memory-backed node on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rtm.netkit import GatewayThread


@pytest.fixture
def gateway() -> Iterator[GatewayThread]:
    g = GatewayThread(node_id="g1")
    yield g
    g.stop()
