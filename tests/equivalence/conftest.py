"""Hypothesis profiles of the equivalence suite.

Registered here, under names of their own, and applied per test with
``settings.get_profile(...)``: loading a profile would change every other test of the
session. ``SIG2RTM_EQUIV_EXAMPLES`` (default 1000) is the number of programs the shim test
runs *per flavour*; the reference-only tests run a fifth of it.

* ``sig2rtm-equivalence``: the shim against the reference. ``derandomize=False`` so every
  CI run explores new programs; a failure prints a ``@reproduce_failure`` blob, and the
  local example database replays it on the next run.
* ``sig2rtm-equivalence-meta``: the harness checked on the reference and its mutants.
* ``sig2rtm-equivalence-network``: the shim over real gateway nodes; each program starts
  its own nodes, so ``SIG2RTM_EQUIV_NETWORK_EXAMPLES`` (default 60) programs per flavour
  and stack.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES_ENV = "SIG2RTM_EQUIV_EXAMPLES"
NETWORK_EXAMPLES_ENV = "SIG2RTM_EQUIV_NETWORK_EXAMPLES"
EQUIVALENCE_PROFILE = "sig2rtm-equivalence"
META_PROFILE = "sig2rtm-equivalence-meta"
NETWORK_PROFILE = "sig2rtm-equivalence-network"


def _examples(env: str = EXAMPLES_ENV, default: str = "1000") -> int:
    text = os.environ.get(env, default)
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{env} must be a positive integer, got {text!r}")
    return value


EXAMPLES = _examples()
NETWORK_EXAMPLES = _examples(NETWORK_EXAMPLES_ENV, "60")


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
_register(NETWORK_PROFILE, NETWORK_EXAMPLES)
