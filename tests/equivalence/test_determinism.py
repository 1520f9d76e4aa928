"""The oracle must be a function of the program: two runs, identical traces."""

from __future__ import annotations

from hypothesis import given, settings

from legacy_signaling.equivalence import Program, compare, execute, reference_world
from tests.equivalence.conftest import META_PROFILE
from tests.equivalence.strategies import programs


@settings(settings.get_profile(META_PROFILE))
@given(programs())
def test_the_reference_gives_the_same_traces_twice(program: Program) -> None:
    first = execute(reference_world(program.config), program)
    second = execute(reference_world(program.config), program)
    assert compare(first, second) is None
    assert first == second  # origins too
    assert first.unexpected == ()  # the oracle raises only what the API documents
