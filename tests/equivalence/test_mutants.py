"""The harness catches a wrong world: each mutant is reported exactly where it differs.

For every random program, ``compare`` must find a divergence if and only if the
reference's traces contain an entry the mutant alters, on exactly those instances, at the
first such entry, and name the step that produced it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings

from legacy_signaling.callback import TraceEntry
from legacy_signaling.codes import ECODE
from legacy_signaling.equivalence import Program, compare, execute, reference_world
from tests.equivalence.conftest import META_PROFILE
from tests.equivalence.mutants import (
    DropChannelMessages,
    MutatedReferenceWorld,
    MutationFactory,
    SwapJoinedAndUserList,
    TimeoutAsOffline,
)
from tests.equivalence.strategies import programs

#: Mutant -> which reference entries it changes.
MUTANTS: dict[str, tuple[MutationFactory, Callable[[TraceEntry], bool]]] = {
    "drop-channel-messages": (
        DropChannelMessages,
        lambda e: e[0] == "onMessageChannelReceive",
    ),
    "swap-joined-and-user-list": (SwapJoinedAndUserList, lambda e: e[0] == "onChannelJoined"),
    "timeout-as-offline": (
        TimeoutAsOffline,
        lambda e: e[0] == "onInviteFailed" and e[1][3] == ECODE.INVITE_E_TIMEOUT,
    ),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
@settings(settings.get_profile(META_PROFILE))
@given(program=programs())
def test_compare_reports_exactly_what_a_mutant_changes(mutant: str, program: Program) -> None:
    mutation, altered = MUTANTS[mutant]
    expected = execute(reference_world(program.config), program)
    actual = execute(program.config.build(MutatedReferenceWorld, mutation=mutation), program)
    hits = {
        client: next(i for i, entry in enumerate(trace) if altered(entry))
        for client, trace in expected.traces.items()
        if any(altered(entry) for entry in trace)
    }
    divergence = compare(expected, actual)
    if not hits:
        assert divergence is None
        return
    assert divergence is not None
    assert {d.client: d.index for d in divergence.instances} == hits
    steps = {client: expected.origins[client][i] for client, i in hits.items()}
    assert {d.client: d.step for d in divergence.instances} == steps
    assert divergence.first_step == min(steps.values())
    for d in divergence.instances:
        assert d.expected is not None
        assert altered(d.expected)
