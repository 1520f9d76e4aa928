"""The generic table-driven machine: allowed events move, others raise and change nothing."""

from __future__ import annotations

import enum

import pytest

from rtm.machine import IllegalTransition, Machine


class S(enum.Enum):
    A = "a"
    B = "b"


class E(enum.Enum):
    GO = "go"
    BACK = "back"


TABLE = {(S.A, E.GO): S.B, (S.B, E.BACK): S.A}


def test_fire_follows_the_table_and_returns_the_new_state() -> None:
    m: Machine[S, E] = Machine("demo", TABLE, S.A)
    assert m.can(E.GO) and not m.can(E.BACK)
    assert m.fire(E.GO) is S.B
    assert m.state is S.B
    assert m.fire(E.BACK) is S.A


def test_illegal_event_raises_with_details_and_keeps_state() -> None:
    m: Machine[S, E] = Machine("demo", TABLE, S.A)
    with pytest.raises(IllegalTransition) as info:
        m.fire(E.BACK)
    assert m.state is S.A
    assert info.value.machine == "demo"
    assert info.value.state is S.A and info.value.event is E.BACK
    assert "BACK" in str(info.value) and "A" in str(info.value) and "demo" in str(info.value)
    assert info.value.__cause__ is None  # the KeyError is not leaked as the cause
