"""Suite-wide settings: Hypothesis profiles.

``dev`` (the default) keeps property tests quick on a laptop; ``ci`` is derandomized so a
CI failure reproduces, and prints the reproduction blob. Select with HYPOTHESIS_PROFILE, or
CI=1 picks ``ci``. Individual tests may still set their own ``max_examples``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[object]:
    """A private ``redis-server`` on a free port for the whole run (started on first use;
    fails, never skips, if redis-server is not installed: ``scripts/test`` installs it)."""
    from tests.rtm.netkit import RedisServer

    server = RedisServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def legacy_sdk_python(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """An interpreter with the real ``agora-signaling-sdk==1.0.2`` (built once, cached in
    pytest's cache; ``SIG2RTM_LEGACY_SDK_PYTHON`` may name a ready one)."""
    given = os.environ.get("SIG2RTM_LEGACY_SDK_PYTHON")
    if given:
        return Path(given)
    from tests.adapters.wire.kit import build_legacy_sdk

    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    where = cache.mkdir("legacy-sdk-1.0.2") if cache is not None else None
    return build_legacy_sdk(Path(where or tmp_path_factory.mktemp("legacy-sdk-1.0.2")))
