"""Fixtures for the legacy wire tests: a gateway node with ``--legacy-port``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.wire.kit import LegacyNode


@pytest.fixture
def node() -> Iterator[LegacyNode]:
    n = LegacyNode()
    yield n
    n.close()
