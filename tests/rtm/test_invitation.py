"""Invitation state machines (caller's LocalMachine, callee's RemoteMachine) and API errors."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtm.enums import LOCAL_INVITATION_STATE as L
from rtm.enums import REMOTE_INVITATION_STATE as R
from rtm.errors import INVITATION_API_CALL_ERR_CODE as E
from rtm.invitation import (
    LOCAL_TRANSITIONS,
    REMOTE_TRANSITIONS,
    LocalEvent,
    LocalMachine,
    RemoteEvent,
    RemoteMachine,
)
from rtm.machine import IllegalTransition

LE, RE = LocalEvent, RemoteEvent

# Caller: IDLE -> SENT_TO_REMOTE -> RECEIVED_BY_REMOTE -> ACCEPTED / REFUSED / CANCELED / FAILURE
LOCAL_EXPECTED: dict[tuple[L, LocalEvent], L] = {
    (L.LOCAL_INVITATION_STATE_IDLE, LE.SEND): L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE,
    (
        L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE,
        LE.ACKED,
    ): L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE,
}
for _live in (L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE, L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE):
    LOCAL_EXPECTED[(_live, LE.ACCEPTED)] = L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE
    LOCAL_EXPECTED[(_live, LE.REFUSED)] = L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE
    LOCAL_EXPECTED[(_live, LE.CANCEL)] = L.LOCAL_INVITATION_STATE_CANCELED
    LOCAL_EXPECTED[(_live, LE.FAIL)] = L.LOCAL_INVITATION_STATE_FAILURE

# Callee: INVITATION_RECEIVED -> ACCEPT_SENT_TO_LOCAL -> ACCEPTED, or REFUSED / CANCELED / FAILURE
REMOTE_EXPECTED: dict[tuple[R, RemoteEvent], R] = {
    (R.REMOTE_INVITATION_STATE_IDLE, RE.RECEIVE): R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
    (R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED, RE.ACCEPT): (
        R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL
    ),
    (R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED, RE.REFUSE): R.REMOTE_INVITATION_STATE_REFUSED,
    (R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL, RE.ACCEPT_ACKED): (
        R.REMOTE_INVITATION_STATE_ACCEPTED
    ),
}
for _live_r in (
    R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
    R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
):
    REMOTE_EXPECTED[(_live_r, RE.CANCELED)] = R.REMOTE_INVITATION_STATE_CANCELED
    REMOTE_EXPECTED[(_live_r, RE.FAIL)] = R.REMOTE_INVITATION_STATE_FAILURE

LOCAL_ILLEGAL = [pair for pair in itertools.product(L, LE) if pair not in LOCAL_EXPECTED]
REMOTE_ILLEGAL = [pair for pair in itertools.product(R, RE) if pair not in REMOTE_EXPECTED]

_ENDED_L = (
    L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE,
    L.LOCAL_INVITATION_STATE_CANCELED,
    L.LOCAL_INVITATION_STATE_FAILURE,
)
_LIVE_L = (L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE, L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE)

# The app-facing API errors: (state, call) -> INVITATION_API_CALL_ERR (None = allowed).
LOCAL_API: dict[tuple[L, LocalEvent], E | None] = {
    (L.LOCAL_INVITATION_STATE_IDLE, LE.SEND): None,
    (L.LOCAL_INVITATION_STATE_IDLE, LE.CANCEL): E.INVITATION_API_CALL_ERR_NOT_STARTED,
    (
        L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE,
        LE.SEND,
    ): E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    (L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE, LE.CANCEL): (
        E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT
    ),
    **{(s, LE.SEND): E.INVITATION_API_CALL_ERR_ALREADY_SENT for s in _LIVE_L},
    **{(s, LE.CANCEL): None for s in _LIVE_L},
    **{(s, LE.SEND): E.INVITATION_API_CALL_ERR_ALREADY_END for s in _ENDED_L},
    **{(s, LE.CANCEL): E.INVITATION_API_CALL_ERR_ALREADY_END for s in _ENDED_L},
}
REMOTE_API: dict[tuple[R, RemoteEvent], E | None] = {}
for _call in (RE.ACCEPT, RE.REFUSE):
    REMOTE_API[(R.REMOTE_INVITATION_STATE_IDLE, _call)] = E.INVITATION_API_CALL_ERR_NOT_STARTED
    REMOTE_API[(R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED, _call)] = None
    for _s in (R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL, R.REMOTE_INVITATION_STATE_ACCEPTED):
        REMOTE_API[(_s, _call)] = E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT
    for _s in (
        R.REMOTE_INVITATION_STATE_REFUSED,
        R.REMOTE_INVITATION_STATE_CANCELED,
        R.REMOTE_INVITATION_STATE_FAILURE,
    ):
        REMOTE_API[(_s, _call)] = E.INVITATION_API_CALL_ERR_ALREADY_END


def local_in(state: L) -> LocalMachine:
    m = LocalMachine()
    m.state = state
    return m


def remote_in(state: R) -> RemoteMachine:
    m = RemoteMachine()
    m.state = state
    return m


def test_numeric_values() -> None:
    assert [int(s) for s in L] == list(range(7))
    assert [int(s) for s in R] == list(range(7))
    assert int(L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE) == 3
    assert int(R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL) == 2
    assert int(R.REMOTE_INVITATION_STATE_ACCEPTED) == 4
    assert [int(c) for c in E] == list(range(6))


def test_tables_are_the_expected_ones() -> None:
    assert dict(LOCAL_TRANSITIONS) == LOCAL_EXPECTED
    assert dict(REMOTE_TRANSITIONS) == REMOTE_EXPECTED
    assert LocalMachine().state is L.LOCAL_INVITATION_STATE_IDLE
    assert RemoteMachine().state is R.REMOTE_INVITATION_STATE_IDLE


@pytest.mark.parametrize(("pair", "target"), list(LOCAL_EXPECTED.items()), ids=str)
def test_every_allowed_local_transition(pair: tuple[L, LocalEvent], target: L) -> None:
    m = local_in(pair[0])
    assert m.fire(pair[1]) is target


@pytest.mark.parametrize(("pair", "target"), list(REMOTE_EXPECTED.items()), ids=str)
def test_every_allowed_remote_transition(pair: tuple[R, RemoteEvent], target: R) -> None:
    m = remote_in(pair[0])
    assert m.fire(pair[1]) is target


@given(st.sampled_from(LOCAL_ILLEGAL))
def test_illegal_local_pairs_raise_and_change_nothing(pair: tuple[L, LocalEvent]) -> None:
    m = local_in(pair[0])
    with pytest.raises(IllegalTransition):
        m.fire(pair[1])
    assert m.state is pair[0]


@given(st.sampled_from(REMOTE_ILLEGAL))
def test_illegal_remote_pairs_raise_and_change_nothing(pair: tuple[R, RemoteEvent]) -> None:
    m = remote_in(pair[0])
    with pytest.raises(IllegalTransition):
        m.fire(pair[1])
    assert m.state is pair[0]


def test_refusing_after_accepting_is_illegal() -> None:
    m = remote_in(R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL)
    assert not m.can(RE.REFUSE)


@pytest.mark.parametrize(("pair", "error"), list(LOCAL_API.items()), ids=str)
def test_local_api_error_table(pair: tuple[L, LocalEvent], error: E | None) -> None:
    m = local_in(pair[0])
    assert m.api_error(pair[1]) is error
    assert m.state is pair[0]  # asking never changes the state


@pytest.mark.parametrize(("pair", "error"), list(REMOTE_API.items()), ids=str)
def test_remote_api_error_table(pair: tuple[R, RemoteEvent], error: E | None) -> None:
    m = remote_in(pair[0])
    assert m.api_error(pair[1]) is error
    assert m.state is pair[0]


def test_api_tables_cover_every_state() -> None:
    assert {s for s, _ in LOCAL_API} == set(L)
    assert {s for s, _ in REMOTE_API} == set(R)
