"""Compare two runs of one program: the first entry where each instance's traces differ.

Traces are compared per instance and in full (names and every argument, with ``==``):
the legacy contract is what each app instance observes, in order. Order *between*
instances is not compared: within one step two instances' callbacks have no observable
relative order for an app, and the sequential-program model already pins every entry to
its step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import attrs

from legacy_signaling.callback import TraceEntry
from legacy_signaling.equivalence.program import Program, compact_repr, describe
from legacy_signaling.equivalence.runner import Recording

__all__ = ["Divergence", "InstanceDivergence", "Traces", "compare", "format_entry"]

Traces = Mapping[str, Sequence[TraceEntry]]

#: Entries both sides agree on, shown before a difference.
CONTEXT: Final = 3
_MAX_ARG_CHARS: Final = 60


def _short(value: object) -> str:
    text = compact_repr(value)
    if len(text) <= _MAX_ARG_CHARS:
        return text
    return f"{text[: _MAX_ARG_CHARS - 20]}…<{len(text)} chars>"


def format_entry(entry: TraceEntry | None) -> str:
    """``onChannelJoined('lobby')``; long arguments are cut; None is "(end of trace)"."""
    if entry is None:
        return "(end of trace)"
    name, args = entry
    return f"{name}({', '.join(_short(a) for a in args)})"


@attrs.frozen
class InstanceDivergence:
    """Where one instance's traces part: ``index`` is the first entry that differs."""

    client: str
    index: int
    expected: TraceEntry | None  # None: the expected trace ends here
    actual: TraceEntry | None  # None: the actual trace ends here
    #: The program step that produced the differing entry (the earlier side's), if known.
    step: int | None
    context: tuple[TraceEntry, ...]
    expected_rest: int  # entries from ``index`` on
    actual_rest: int


@attrs.frozen
class Divergence:
    """Every instance whose traces differ, earliest step first."""

    instances: tuple[InstanceDivergence, ...]
    labels: tuple[str, str] = ("reference", "shim")

    @property
    def first_step(self) -> int | None:
        steps = [d.step for d in self.instances if d.step is not None]
        return min(steps) if steps else None

    def render(self, program: Program | None = None) -> str:
        """A readable diff; with ``program``, each step index is shown with its step."""
        exp, act = self.labels
        width = max(len(exp), len(act))

        def step_text(index: int | None) -> str:
            if index is None:
                return "step unknown"
            if program is not None and 0 <= index < len(program.steps):
                return f"step {index} {describe(program.steps[index])}"
            return f"step {index}"

        lines = [
            f"{len(self.instances)} instance(s) diverge between {exp} and {act}; "
            f"first at {step_text(self.first_step)}"
        ]
        for d in self.instances:
            lines.append(f"{d.client}: entry {d.index}, {step_text(d.step)}")
            start = d.index - len(d.context)
            lines += [
                f"    {'':{width}}   [{start + k}] {format_entry(e)}"
                for k, e in enumerate(d.context)
            ]
            lines.append(f"  - {exp:{width}}   [{d.index}] {format_entry(d.expected)}")
            lines.append(f"  + {act:{width}}   [{d.index}] {format_entry(d.actual)}")
            lines.append(
                f"    ({exp} has {d.expected_rest} entries from here, {act} {d.actual_rest})"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _split(run: Recording | Traces) -> tuple[Traces, Mapping[str, Sequence[int]] | None]:
    if isinstance(run, Recording):
        return run.traces, run.origins
    return run, None


def _origin(origins: Mapping[str, Sequence[int]] | None, client: str, index: int) -> int | None:
    if origins is None:
        return None
    steps = origins.get(client, ())
    return steps[index] if index < len(steps) else None


def compare(
    expected: Recording | Traces,
    actual: Recording | Traces,
    *,
    labels: tuple[str, str] = ("reference", "shim"),
) -> Divergence | None:
    """None when every instance has identical traces in both runs, else the divergence.

    An instance missing from one side counts as an empty trace there. Step indexes are
    known when the arguments are :class:`~legacy_signaling.equivalence.runner.Recording`.
    """
    exp_traces, exp_origins = _split(expected)
    act_traces, act_origins = _split(actual)
    clients = list(dict.fromkeys([*exp_traces, *act_traces]))
    found: list[InstanceDivergence] = []
    for client in clients:
        exp = list(exp_traces.get(client, ()))
        act = list(act_traces.get(client, ()))
        if exp == act:
            continue
        index = next(
            (i for i, (e, a) in enumerate(zip(exp, act, strict=False)) if e != a),
            min(len(exp), len(act)),
        )
        origins = [
            o
            for o in (_origin(exp_origins, client, index), _origin(act_origins, client, index))
            if o is not None
        ]
        found.append(
            InstanceDivergence(
                client=client,
                index=index,
                expected=exp[index] if index < len(exp) else None,
                actual=act[index] if index < len(act) else None,
                step=min(origins) if origins else None,
                context=tuple(exp[max(index - CONTEXT, 0) : index]),
                expected_rest=len(exp) - index,
                actual_rest=len(act) - index,
            )
        )
    if not found:
        return None
    order = {client: k for k, client in enumerate(clients)}
    found.sort(key=lambda d: (d.step if d.step is not None else -1, order[d.client]))
    return Divergence(tuple(found), labels)
