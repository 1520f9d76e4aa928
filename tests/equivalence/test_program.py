"""Programs are values: printed as Python that rebuilds them, with long strings compacted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from legacy_signaling.equivalence import WorldConfig
from legacy_signaling.equivalence import program as program_module
from legacy_signaling.equivalence.program import (
    Advance,
    CreateInstance,
    DropConnection,
    InviteUser2,
    Join,
    Misuse,
    Program,
    SendChannel,
    SetServerAvailable,
    Together,
    Unsupported,
    compact_repr,
    describe,
)
from legacy_signaling.reference.testing import APP_ID
from tests.equivalence.conftest import META_PROFILE
from tests.equivalence.strategies import programs


@settings(settings.get_profile(META_PROFILE))
@given(programs())
def test_repr_rebuilds_the_program(program: Program) -> None:
    rebuilt = eval(repr(program), dict(vars(program_module)))
    assert rebuilt == program


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("short", "'short'"),
        ("x" * 8193, "'x' * 8193"),
        ('{"big":"' + "x" * 20 + '"}', "'{\"big\":\"' + 'x' * 20 + '\"}'"),
        ("ab" * 20, repr("ab" * 20)),
        (("a", "b" * 16), "('a', 'b' * 16)"),
        (("c" * 17,), "('c' * 17,)"),
        (None, "None"),
    ],
)
def test_compact_repr(value: object, text: str) -> None:
    assert compact_repr(value) == text
    assert eval(text) == value


def test_describe_and_listing() -> None:
    step = InviteUser2("c0", "lobby", "bob", '{"p":"' + "y" * 30 + '"}')
    assert describe(step) == (
        "InviteUser2(client='c0', channel='lobby', account='bob', "
        "extra='{\"p\":\"' + 'y' * 30 + '\"}')"
    )
    program = Program(WorldConfig(APP_ID), (CreateInstance("c0"), Advance(0.5)))
    assert program.listing().splitlines()[1:] == [
        "  [0] CreateInstance(client='c0', singleton=False, valid_app_id=True)",
        "  [1] Advance(seconds=0.5)",
    ]


def test_program_properties() -> None:
    program = Program(
        WorldConfig(APP_ID),
        (
            CreateInstance("c1"),
            SetServerAvailable(False),
            Misuse("c0", "ping", ()),
            CreateInstance("c1"),
        ),
    )
    assert program.clients == ("c1", "c0")
    assert program.capabilities == {"server_available"}


def test_unsupported_only_names_listed_methods() -> None:
    assert Unsupported("c0", "ping").method == "ping"
    with pytest.raises(ValueError, match="login"):
        Unsupported("c0", "login")


def test_together_applies_its_calls_as_one_step() -> None:
    burst = Together((Join("c0", "lobby"), SendChannel("c0", "lobby", "hi"), DropConnection("c1")))
    program = Program(WorldConfig(APP_ID), (CreateInstance("c2"), burst))
    assert program.clients == ("c2", "c0", "c1"), "clients inside a burst count"
    assert program.capabilities == {"connection"}, "so do the controls they need"
    assert describe(burst).startswith("Together((Join(client='c0', channel='lobby'), ")
    assert eval(repr(program), dict(vars(program_module))) == program
    with pytest.raises(ValueError, match="one or more steps"):
        Together(())
    with pytest.raises(ValueError, match="none of them Together"):
        Together((burst,))
