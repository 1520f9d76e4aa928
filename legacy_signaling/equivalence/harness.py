"""Test-facing helpers: ``assert_equivalent`` for pytest, ``replay`` for a person debugging.

``make_worlds(config)`` returns the two worlds to compare, reference first; for the shim::

    def make_worlds(config):
        return (reference_world(config),
                config.build(ShimWorld, flavour="cpp", mode="legacy"))
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from legacy_signaling.callback import TraceEntry
from legacy_signaling.equivalence.diff import compare, format_entry
from legacy_signaling.equivalence.program import Program, Step, describe
from legacy_signaling.equivalence.runner import Recording, StepCrashedError, execute
from legacy_signaling.equivalence.world import LegacyWorld, WorldConfig
from legacy_signaling.reference import ReferenceWorld

__all__ = ["WorldPair", "assert_equivalent", "reference_world", "replay"]

WorldPair = Callable[[WorldConfig], tuple[LegacyWorld, LegacyWorld]]


def reference_world(config: WorldConfig) -> ReferenceWorld:
    """The reference model configured as ``config`` says."""
    return config.build(ReferenceWorld)


def _unexpected_report(label: str, recording: Recording) -> str:
    return "\n".join(
        f"{label} step {u.step} {u.client}.{u.method}: {u.error}\n{u.traceback}"
        for u in recording.unexpected
    )


def _run(label: str, world: LegacyWorld, program: Program) -> Recording:
    try:
        return execute(world, program)
    except StepCrashedError as crash:
        raise AssertionError(
            f"{label}: {crash}: {crash.__cause__!r}\nprogram:\n{program.listing()}"
        ) from crash


def assert_equivalent(
    program: Program,
    make_worlds: WorldPair,
    *,
    labels: tuple[str, str] = ("reference", "shim"),
) -> None:
    """Fail unless ``program`` gives every instance the same trace on both worlds.

    The first world is the oracle: an undocumented exception out of one of its API calls
    is reported as a failure of the oracle, not hidden in a comparison.
    """
    expected_world, actual_world = make_worlds(program.config)
    try:
        expected = _run(labels[0], expected_world, program)
        if expected.unexpected:
            raise AssertionError(
                f"the {labels[0]} raised undocumented exceptions:\n"
                f"{_unexpected_report(labels[0], expected)}\nprogram:\n{program.listing()}"
            )
        actual = _run(labels[1], actual_world, program)
    finally:
        for world in (expected_world, actual_world):
            close = getattr(world, "close", None)  # worlds on gateways hold sockets
            if callable(close):
                close()
    divergence = compare(expected, actual, labels=labels)
    if divergence is None:
        return
    parts = [divergence.render(program)]
    if actual.unexpected:
        parts.append(f"undocumented exceptions:\n{_unexpected_report(labels[1], actual)}")
    parts.append(f"program:\n{program.listing()}")
    raise AssertionError("\n".join(parts))


def replay(program: Program, world: LegacyWorld, *, file: TextIO | None = None) -> Recording:
    """Run ``program`` on ``world``, printing each step and the callbacks it produced.

    For a person chasing a divergence: run it once per world and read the two side by side.
    """
    out = file if file is not None else sys.stdout
    print(repr(program.config), file=out)
    width = len(str(max(len(program.steps) - 1, 0)))

    def show(index: int, step: Step, new: Mapping[str, Sequence[TraceEntry]]) -> None:
        print(f"[{index:>{width}}] {describe(step)}", file=out)
        for client, entries in new.items():
            for entry in entries:
                print(f"{'':>{width}}    {client} <- {format_entry(entry)}", file=out)

    return execute(world, program, observer=show)
