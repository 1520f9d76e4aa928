"""Hypothesis profiles of the equivalence suite.

Registered here, under names of their own, and applied per test with
``settings.get_profile(...)``: loading a profile would change every other test of the
session. ``SIG2RTM_EQUIV_EXAMPLES`` (default 1000) is the number of programs the shim test
runs *per flavour*; the reference-only tests run a fifth of it.

* ``sig2rtm-equivalence``: the shim against the reference. ``derandomize=False`` so every
  CI run explores new programs; a failure prints a ``@reproduce_failure`` blob, and the
  local example database replays it on the next run.
* ``sig2rtm-equivalence-meta``: the harness checked on the reference and its mutants.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES_ENV = "SIG2RTM_EQUIV_EXAMPLES"
EQUIVALENCE_PROFILE = "sig2rtm-equivalence"
META_PROFILE = "sig2rtm-equivalence-meta"


def _examples() -> int:
    text = os.environ.get(EXAMPLES_ENV, "1000")
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{EXAMPLES_ENV} must be a positive integer, got {text!r}")
    return value


EXAMPLES = _examples()


def _register(name: str, max_examples: int) -> None:
    settings.register_profile(
        name,
        max_examples=max_examples,
        deadline=None,
        # CI runs a fixed, reproducible sample (a landing never depends on luck); local runs
        # explore new programs each time, and the example database replays failures.
        derandomize=bool(os.environ.get("CI")),
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


_register(EQUIVALENCE_PROFILE, EXAMPLES)
_register(META_PROFILE, max(EXAMPLES // 5, 1))
