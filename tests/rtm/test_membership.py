"""Channel membership state machine."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtm.machine import IllegalTransition
from rtm.membership import TRANSITIONS, MemberEvent, MembershipMachine, MemberState

E, S = MemberEvent, MemberState

EXPECTED: dict[tuple[MemberState, MemberEvent], MemberState] = {
    (S.IDLE, E.JOIN): S.JOINING,
    (S.JOINING, E.JOIN_OK): S.JOINED,
    (S.JOINING, E.JOIN_FAILED): S.IDLE,
    (S.JOINING, E.DROPPED): S.IDLE,
    (S.JOINED, E.LEAVE): S.LEAVING,
    (S.JOINED, E.DROPPED): S.IDLE,
    (S.LEAVING, E.LEAVE_DONE): S.IDLE,
    (S.LEAVING, E.DROPPED): S.IDLE,
}
ILLEGAL = [pair for pair in itertools.product(S, E) if pair not in EXPECTED]


def machine_in(state: MemberState) -> MembershipMachine:
    m = MembershipMachine()
    m.state = state
    return m


def test_table_is_the_expected_one() -> None:
    assert dict(TRANSITIONS) == EXPECTED
    assert MembershipMachine().state is S.IDLE


@pytest.mark.parametrize(("pair", "target"), list(EXPECTED.items()), ids=str)
def test_every_allowed_transition(
    pair: tuple[MemberState, MemberEvent], target: MemberState
) -> None:
    m = machine_in(pair[0])
    assert m.fire(pair[1]) is target
    assert m.state is target


@given(st.sampled_from(ILLEGAL))
def test_every_illegal_pair_raises_and_changes_nothing(
    pair: tuple[MemberState, MemberEvent],
) -> None:
    state, event = pair
    m = machine_in(state)
    with pytest.raises(IllegalTransition):
        m.fire(event)
    assert m.state is state


def test_no_double_join_or_leave() -> None:
    m = MembershipMachine()
    m.fire(E.JOIN)
    assert not m.can(E.JOIN)  # joining: a second join is illegal (ALREADY_JOINED)
    m.fire(E.JOIN_OK)
    assert not m.can(E.JOIN)
    m.fire(E.LEAVE)
    assert not m.can(E.LEAVE)
    m.fire(E.LEAVE_DONE)
    assert m.state is S.IDLE and m.can(E.JOIN)
