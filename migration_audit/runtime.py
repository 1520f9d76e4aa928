"""Read the shim's runtime usage trace and merge it with the static findings.

The shim can record, one JSON object per line, every legacy call it served, every legacy
callback it delivered and every emulation that fired::

    {"ts": 1700000000.25, "kind": "call", "name": "messageInstantSend",
     "flavour": "native", "rtm_flavour": "cpp", "emulation": null}
    {"ts": 1700000000.31, "kind": "emulation", "name": "onMessageSendSuccess",
     "flavour": "native", "rtm_flavour": "cpp", "emulation": "peer_ack_timing"}

This is exactly what :mod:`adapters.signaling.usage` writes under ``SIG2RTM_USAGE_TRACE``.
``kind`` is ``call``, ``callback`` or ``emulation``; ``flavour`` is ``native``, ``object`` or
``python``; ``rtm_flavour`` (optional) is ``cpp`` or ``java``, the RTM result style the
shim used, which the merge does not need; ``name`` is the legacy name as the app used it
(canonical or a platform spelling such as ``msg_instant_send``); ``emulation`` is a
difference key of the mapping tables or null.
Blank lines are skipped. Any other malformed line is an error naming the line.

The merge answers three questions: which statically found APIs actually ran, which ran but
were not found (dynamic calls, reflection, generated code: the static scan missed them), and
which emulations fired and how often.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from mapping_tables.model import MappingTables
from migration_audit.enrich import Finding

KINDS = frozenset({"call", "callback", "emulation"})
FLAVOURS = frozenset({"native", "object", "python"})
RTM_FLAVOURS = frozenset({"cpp", "java"})


class TraceError(ValueError):
    """The trace file is unreadable or a line is malformed."""


@attrs.frozen
class TraceEvent:
    ts: float
    kind: str
    name: str
    flavour: str
    emulation: str | None


@attrs.frozen
class ApiRun:
    api: str
    calls: int
    callbacks: int
    found: bool


@attrs.frozen
class EmulationRun:
    key: str
    title: str
    count: int


@attrs.frozen
class RuntimeSummary:
    events: int
    apis: tuple[ApiRun, ...]
    emulations: tuple[EmulationRun, ...]
    #: APIs found statically that the trace never saw.
    not_run: tuple[str, ...]
    #: APIs the trace saw that the static scan did not find.
    not_found: tuple[str, ...]
    #: Names in the trace that the catalogue does not know.
    unknown_names: tuple[str, ...]
    #: Emulation keys in the trace that the tables do not define.
    unknown_emulations: tuple[str, ...]


def parse_line(line: str, number: int, source: str) -> TraceEvent | None:
    if not line.strip():
        return None
    where = f"{source}:{number}"
    try:
        raw: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceError(f"{where}: not a JSON object ({exc.msg})") from exc
    if not isinstance(raw, dict):
        raise TraceError(f"{where}: expected a JSON object")
    ts = raw.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or not math.isfinite(ts):
        raise TraceError(f'{where}: "ts" must be a number')
    kind = raw.get("kind")
    if kind not in KINDS:
        raise TraceError(f'{where}: "kind" must be one of {sorted(KINDS)}, got {kind!r}')
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise TraceError(f'{where}: "name" must be a non-empty string')
    flavour = raw.get("flavour")
    if flavour not in FLAVOURS:
        raise TraceError(f'{where}: "flavour" must be one of {sorted(FLAVOURS)}, got {flavour!r}')
    rtm_flavour = raw.get("rtm_flavour")
    if rtm_flavour is not None and rtm_flavour not in RTM_FLAVOURS:
        raise TraceError(
            f'{where}: "rtm_flavour" must be one of {sorted(RTM_FLAVOURS)} or null, '
            f"got {rtm_flavour!r}"
        )
    emulation = raw.get("emulation")
    if emulation is not None and (not isinstance(emulation, str) or not emulation):
        raise TraceError(f'{where}: "emulation" must be a difference key or null')
    if kind == "emulation" and emulation is None:
        raise TraceError(f'{where}: an "emulation" event needs its "emulation" key')
    return TraceEvent(float(ts), kind, name, flavour, emulation)


def parse(lines: Iterable[str], source: str) -> list[TraceEvent]:
    events: list[TraceEvent] = []
    for number, line in enumerate(lines, 1):
        event = parse_line(line, number, source)
        if event is not None:
            events.append(event)
    return events


def load(path: Path) -> list[TraceEvent]:
    try:
        with path.open("r", encoding="utf-8") as handle:
            return parse(handle, str(path))
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise TraceError(f"{path}: not UTF-8 text") from exc


def canonical_names(tables: MappingTables) -> Mapping[str, str]:
    """Every spelling of every catalogue API -> its canonical name."""
    names: dict[str, str] = {}
    for api in tables.legacy_api.values():
        names.setdefault(api.name, api.name)
        for spelling in api.spellings:
            names.setdefault(spelling.name.split(":", 1)[0], api.name)
            names.setdefault(spelling.name, api.name)
    return names


def summarise(
    events: Sequence[TraceEvent], findings: Sequence[Finding], tables: MappingTables
) -> RuntimeSummary:
    names = canonical_names(tables)
    calls: Counter[str] = Counter()
    callbacks: Counter[str] = Counter()
    emulations: Counter[str] = Counter()
    unknown: set[str] = set()
    for event in events:
        api = names.get(event.name)
        if api is None:
            unknown.add(event.name)
            api = event.name
        if event.kind == "call":
            calls[api] += 1
        elif event.kind == "callback":
            callbacks[api] += 1
        if event.emulation is not None:
            emulations[event.emulation] += 1
    found = {f.api for f in findings if not f.ignored}
    ran = set(calls) | set(callbacks)
    apis = tuple(ApiRun(api, calls[api], callbacks[api], api in found) for api in sorted(ran))
    emulation_runs = tuple(
        EmulationRun(
            key,
            tables.differences[key].title if key in tables.differences else "",
            count,
        )
        for key, count in sorted(emulations.items())
    )
    return RuntimeSummary(
        events=len(events),
        apis=apis,
        emulations=emulation_runs,
        not_run=tuple(sorted(found - ran)),
        not_found=tuple(sorted(ran - found - unknown)),
        unknown_names=tuple(sorted(unknown)),
        unknown_emulations=tuple(sorted(k for k in emulations if k not in tables.differences)),
    )


def mark(findings: Sequence[Finding], summary: RuntimeSummary) -> list[Finding]:
    ran = {a.api for a in summary.apis}
    return [attrs.evolve(f, ran=f.api in ran) for f in findings]
