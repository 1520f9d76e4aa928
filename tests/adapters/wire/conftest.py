"""Fixtures for the legacy wire tests: the real SDK's virtualenv and gateway nodes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.wire.kit import LegacyNode, build_legacy_sdk


@pytest.fixture(scope="session")
def legacy_sdk_python(request: pytest.FixtureRequest) -> Path:
    """An interpreter with the real ``agora-signaling-sdk==1.0.2`` (built once, cached in
    pytest's cache; ``SIG2RTM_LEGACY_SDK_PYTHON`` may name a ready one)."""
    given = os.environ.get("SIG2RTM_LEGACY_SDK_PYTHON")
    if given:
        return Path(given)
    return build_legacy_sdk(Path(request.config.cache.mkdir("legacy-sdk-1.0.2")))


@pytest.fixture
def node() -> Iterator[LegacyNode]:
    n = LegacyNode()
    yield n
    n.close()
