"""The legacy call state machine (adapters/signaling/calls.py) against docs/legacy-semantics.md V.

The expected transitions are written here from the V rows, independently of the code:
every (state, event) pair not listed must be refused and change nothing.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.signaling.calls import (
    TRANSITIONS,
    Call,
    CallEvent,
    CallRegistry,
    CallState,
    IllegalTransition,
)

S, E = CallState, CallEvent

OUTGOING = (S.OUT_SENT, S.OUT_RINGING, S.OUT_ACCEPTED)
INCOMING = (S.IN_RINGING, S.IN_ACCEPTED)
RECEIVED = (S.OUT_RINGING, S.OUT_ACCEPTED, S.IN_RINGING, S.IN_ACCEPTED)

EXPECTED: dict[tuple[CallState, CallEvent], CallState] = {
    # V1: the callee's SDK acknowledges; the caller's call rings (answer countdown, V6).
    (S.OUT_SENT, E.PEER_RECEIVED): S.OUT_RINGING,
    # V7: accepted (RTM may report the acceptance before the acknowledgement).
    (S.OUT_SENT, E.PEER_ACCEPTED): S.OUT_ACCEPTED,
    (S.OUT_RINGING, E.PEER_ACCEPTED): S.OUT_ACCEPTED,
    (S.IN_RINGING, E.ACCEPT): S.IN_ACCEPTED,
    # V8: refused; gone.
    (S.OUT_SENT, E.PEER_REFUSED): S.ENDED,
    (S.OUT_RINGING, E.PEER_REFUSED): S.ENDED,
    (S.IN_RINGING, E.REFUSE): S.ENDED,
    # V3: not received within 20 s.  V6: received, not answered in time: the caller is
    # told it failed, the callee that its ringing call is gone (each side keeps the time).
    (S.OUT_SENT, E.OFFLINE_TIMEOUT): S.ENDED,
    (S.OUT_RINGING, E.ANSWER_TIMEOUT): S.ENDED,
    (S.IN_RINGING, E.ANSWER_TIMEOUT): S.ENDED,
}
for state in (*OUTGOING, *INCOMING):
    # V9 either side may end at any time; the peer's end; RTM failure; V12 own session ends.
    for event in (E.END, E.PEER_ENDED, E.FAILED, E.SESSION_ENDED):
        EXPECTED[(state, event)] = S.ENDED
for state in RECEIVED:
    # V12: a peer that vanished ends calls it knew of; V10: DTMF within a received call.
    EXPECTED[(state, E.PEER_GONE)] = S.ENDED
    EXPECTED[(state, E.DTMF)] = state

ILLEGAL = sorted(
    (pair for pair in itertools.product(S, E) if pair not in EXPECTED),
    key=lambda pair: (pair[0].value, pair[1].value),
)


def test_the_table_is_exactly_the_documented_one() -> None:
    assert dict(TRANSITIONS) == EXPECTED


def call_in(state: CallState) -> Call:
    registry = CallRegistry()
    call = registry.open("ch", "peer", "", outgoing=state in OUTGOING)
    call.machine.state = state
    return call


ALLOWED = sorted(EXPECTED, key=lambda pair: (pair[0].value, pair[1].value))


@pytest.mark.parametrize(("state", "event"), ALLOWED)
def test_each_allowed_transition(state: CallState, event: CallEvent) -> None:
    call = call_in(state)
    assert call.fire(event) is EXPECTED[(state, event)]


@pytest.mark.parametrize(("state", "event"), ILLEGAL)
def test_each_illegal_transition_changes_nothing(state: CallState, event: CallEvent) -> None:
    call = call_in(state)
    with pytest.raises(IllegalTransition):
        call.fire(event)
    assert call.state is state
    assert not call.can(event)


def test_roles_only_the_callee_answers_only_a_ringing_call_times_out() -> None:
    """V7/V8 answer a received call; V6 ends a ringing one on both sides."""
    caller, callee = call_in(S.OUT_RINGING), call_in(S.IN_RINGING)
    assert not caller.can(E.ACCEPT) and not caller.can(E.REFUSE)
    assert callee.can(E.ACCEPT) and callee.can(E.REFUSE)
    assert callee.can(E.ANSWER_TIMEOUT) and not call_in(S.IN_ACCEPTED).can(E.ANSWER_TIMEOUT)
    assert not call_in(S.OUT_SENT).can(E.DTMF)  # V10: not before the callee has it
    assert not call_in(S.IN_ACCEPTED).can(E.ACCEPT)  # V11: accepting twice is no such call


def test_ending_stops_the_timers() -> None:
    class Timer:
        cancelled = False

        def cancel(self) -> None:
            self.cancelled = True

    call = call_in(S.OUT_SENT)
    timer = Timer()
    call.timers.append(timer)
    call.fire(E.PEER_RECEIVED)
    assert not timer.cancelled
    call.fire(E.END)
    assert timer.cancelled and call.timers == []


def test_registry_one_call_per_channel_and_peer_in_creation_order() -> None:
    registry = CallRegistry()
    a = registry.open("ch", "bob", "", outgoing=True)
    b = registry.open("ch", "carol", "", outgoing=False)
    with pytest.raises(ValueError, match="exists already"):
        registry.open("ch", "bob", "", outgoing=False)  # V5: the caller checks first
    assert registry.get("ch", "bob") is a and list(registry) == [a, b]
    assert registry.end(a, E.PEER_ENDED) is True
    assert registry.get("ch", "bob") is None and not registry.is_live(a)
    assert registry.end(a, E.PEER_ENDED) is False  # already gone: nothing changes
    assert registry.end(b, E.OFFLINE_TIMEOUT) is False  # not allowed for a callee
    assert registry.get("ch", "carol") is b and b.state is S.IN_RINGING


def test_clear_ends_every_call_reporting_the_state_it_was_in() -> None:
    registry = CallRegistry()
    a = registry.open("ch", "bob", "", outgoing=True)
    b = registry.open("ch2", "bob", "", outgoing=False)
    b.fire(E.ACCEPT)
    assert registry.clear() == [(a, S.OUT_SENT), (b, S.IN_ACCEPTED)]
    assert a.state is S.ENDED and b.state is S.ENDED and len(registry) == 0


@given(st.lists(st.sampled_from(list(E)), max_size=30), st.booleans())
def test_any_sequence_moves_only_along_the_table(events: list[CallEvent], out: bool) -> None:
    registry = CallRegistry()
    call = registry.open("ch", "peer", "", outgoing=out)
    for event in events:
        before = call.state
        if (before, event) in EXPECTED:
            assert call.fire(event) is EXPECTED[(before, event)]
        else:
            with pytest.raises(IllegalTransition):
                call.fire(event)
            assert call.state is before
    assert (call.state in OUTGOING) == (out and call.state is not S.ENDED)
