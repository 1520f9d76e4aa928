"""Proof of equivalence: run the same random legacy programs on two worlds, compare traces.

* ``world``: the ``LegacyWorld`` protocol both worlds implement, optional capabilities,
  ``WorldConfig``.
* ``program``: steps as frozen records, ``Program``.
* ``runner``: ``execute`` / ``run`` (sequential-program model, per-instance traces).
* ``diff``: ``compare`` -> ``Divergence`` with a readable rendering.
* ``harness``: ``assert_equivalent`` (pytest), ``replay`` (debugging), ``reference_world``.
* the Hypothesis ``programs()`` strategy lives with the tests (``tests/equivalence/strategies.py``):
  the runtime package does not import Hypothesis.

See docs/equivalence.md.
"""

from legacy_signaling.equivalence.coverage import Coverage
from legacy_signaling.equivalence.diff import Divergence, InstanceDivergence, compare
from legacy_signaling.equivalence.harness import (
    WorldPair,
    assert_equivalent,
    reference_world,
    replay,
)
from legacy_signaling.equivalence.program import Program, Step
from legacy_signaling.equivalence.runner import (
    ProgramError,
    Recording,
    StepCrashedError,
    execute,
    run,
)
from legacy_signaling.equivalence.world import (
    ALL_CAPABILITIES,
    CONNECTION,
    SERVER_AVAILABILITY,
    LegacyWorld,
    MissingCapabilityError,
    WorldConfig,
    capabilities_of,
)

__all__ = [
    "ALL_CAPABILITIES",
    "CONNECTION",
    "SERVER_AVAILABILITY",
    "Coverage",
    "Divergence",
    "InstanceDivergence",
    "LegacyWorld",
    "MissingCapabilityError",
    "Program",
    "ProgramError",
    "Recording",
    "Step",
    "StepCrashedError",
    "WorldConfig",
    "WorldPair",
    "assert_equivalent",
    "capabilities_of",
    "compare",
    "execute",
    "reference_world",
    "replay",
    "run",
]
