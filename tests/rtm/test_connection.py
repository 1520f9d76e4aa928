"""Connection state machine: RTM's CONNECTION_STATE moved by CONNECTION_CHANGE_REASON."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtm.connection import TRANSITIONS, ConnectionMachine
from rtm.enums import CONNECTION_CHANGE_REASON as R
from rtm.enums import CONNECTION_STATE as S
from rtm.machine import IllegalTransition

# Written from the reference note's checklist (§3.2, §3.3, §5.3, §7), independently of the code.
EXPECTED: dict[tuple[S, R], S] = {
    (S.CONNECTION_STATE_DISCONNECTED, R.CONNECTION_CHANGE_REASON_LOGIN): (
        S.CONNECTION_STATE_CONNECTING
    ),
    (S.CONNECTION_STATE_CONNECTING, R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS): (
        S.CONNECTION_STATE_CONNECTED
    ),
    (S.CONNECTION_STATE_CONNECTING, R.CONNECTION_CHANGE_REASON_LOGIN_FAILURE): (
        S.CONNECTION_STATE_DISCONNECTED
    ),
    (S.CONNECTION_STATE_CONNECTING, R.CONNECTION_CHANGE_REASON_LOGIN_TIMEOUT): (
        S.CONNECTION_STATE_DISCONNECTED
    ),
    (S.CONNECTION_STATE_CONNECTING, R.CONNECTION_CHANGE_REASON_LOGOUT): (
        S.CONNECTION_STATE_DISCONNECTED
    ),
    (S.CONNECTION_STATE_CONNECTED, R.CONNECTION_CHANGE_REASON_INTERRUPTED): (
        S.CONNECTION_STATE_RECONNECTING
    ),
    (S.CONNECTION_STATE_RECONNECTING, R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS): (
        S.CONNECTION_STATE_CONNECTED
    ),
    (S.CONNECTION_STATE_ABORTED, R.CONNECTION_CHANGE_REASON_LOGOUT): (
        S.CONNECTION_STATE_DISCONNECTED
    ),
}
for live in (S.CONNECTION_STATE_CONNECTED, S.CONNECTION_STATE_RECONNECTING):
    EXPECTED[(live, R.CONNECTION_CHANGE_REASON_LOGOUT)] = S.CONNECTION_STATE_DISCONNECTED
    for abort in (
        R.CONNECTION_CHANGE_REASON_REMOTE_LOGIN,
        R.CONNECTION_CHANGE_REASON_BANNED_BY_SERVER,
        R.CONNECTION_CHANGE_REASON_TOKEN_EXPIRED,
    ):
        EXPECTED[(live, abort)] = S.CONNECTION_STATE_ABORTED

ILLEGAL = sorted(
    (pair for pair in itertools.product(S, R) if pair not in EXPECTED),
    key=lambda pair: (pair[0].value, pair[1].value),
)


def machine_in(state: S) -> ConnectionMachine:
    m = ConnectionMachine()
    m.state = state
    return m


def test_numeric_values_are_rtms() -> None:
    assert [(s.name, s.value) for s in S] == [
        ("CONNECTION_STATE_DISCONNECTED", 1),
        ("CONNECTION_STATE_CONNECTING", 2),
        ("CONNECTION_STATE_CONNECTED", 3),
        ("CONNECTION_STATE_RECONNECTING", 4),
        ("CONNECTION_STATE_ABORTED", 5),
    ]
    assert [r.value for r in R] == list(range(1, 10))
    assert int(R.CONNECTION_CHANGE_REASON_REMOTE_LOGIN) == 8
    assert int(R.CONNECTION_CHANGE_REASON_TOKEN_EXPIRED) == 9


def test_table_is_exactly_the_documented_one() -> None:
    assert dict(TRANSITIONS) == EXPECTED


def test_initial_state_is_disconnected() -> None:
    m = ConnectionMachine()
    assert m.state is S.CONNECTION_STATE_DISCONNECTED
    assert not m.connected and not m.logged_in


@pytest.mark.parametrize(("pair", "target"), list(EXPECTED.items()), ids=str)
def test_every_allowed_transition(pair: tuple[S, R], target: S) -> None:
    state, reason = pair
    m = machine_in(state)
    assert m.can(reason)
    assert m.fire(reason) is target
    assert m.state is target


@given(st.sampled_from(ILLEGAL))
def test_every_illegal_pair_raises_and_changes_nothing(pair: tuple[S, R]) -> None:
    state, reason = pair
    m = machine_in(state)
    assert not m.can(reason)
    with pytest.raises(IllegalTransition) as info:
        m.fire(reason)
    assert m.state is state
    assert (info.value.state, info.value.event) == (state, reason)


def test_illegal_pairs_cover_the_rest_of_the_product() -> None:
    # every (state, reason) pair is either allowed (above) or illegal (hypothesis above)
    assert len(ILLEGAL) + len(EXPECTED) == len(S) * len(R)
    assert len(ILLEGAL) > 20


def test_aborted_only_leaves_by_logout() -> None:
    m = machine_in(S.CONNECTION_STATE_ABORTED)
    for reason in R:
        if reason is not R.CONNECTION_CHANGE_REASON_LOGOUT:
            assert not m.can(reason), reason


@pytest.mark.parametrize(
    ("state", "connected", "logged_in"),
    [
        (S.CONNECTION_STATE_DISCONNECTED, False, False),
        (S.CONNECTION_STATE_CONNECTING, False, False),
        (S.CONNECTION_STATE_CONNECTED, True, True),
        (S.CONNECTION_STATE_RECONNECTING, False, True),
        (S.CONNECTION_STATE_ABORTED, False, False),
    ],
)
def test_connected_and_logged_in_views(state: S, connected: bool, logged_in: bool) -> None:
    m = machine_in(state)
    assert (m.connected, m.logged_in) == (connected, logged_in)


@given(st.lists(st.sampled_from(list(R)), max_size=30))
def test_random_event_sequences_only_visit_table_states(events: list[R]) -> None:
    m = ConnectionMachine()
    for reason in events:
        before = m.state
        if (before, reason) in EXPECTED:
            assert m.fire(reason) is EXPECTED[(before, reason)]
        else:
            with pytest.raises(IllegalTransition):
                m.fire(reason)
            assert m.state is before
