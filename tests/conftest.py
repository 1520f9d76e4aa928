"""Suite-wide settings: Hypothesis profiles.

``dev`` (the default) keeps property tests quick on a laptop; ``ci`` is derandomized so a
CI failure reproduces, and prints the reproduction blob. Select with HYPOTHESIS_PROFILE, or
CI=1 picks ``ci``. Individual tests may still set their own ``max_examples``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

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
