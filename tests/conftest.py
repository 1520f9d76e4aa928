"""Suite-wide settings: Hypothesis profiles.

``dev`` (the default) keeps property tests quick on a laptop; ``ci`` is derandomized so a
CI failure reproduces, and prints the reproduction blob. Select with HYPOTHESIS_PROFILE, or
CI=1 picks ``ci``. Individual tests may still set their own ``max_examples``.
"""

from __future__ import annotations

import os

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
