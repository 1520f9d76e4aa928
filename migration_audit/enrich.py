"""Attach what the mapping tables say to each raw finding.

Everything a report shows about a legacy API (its RTM replacement, its status, the behaviour
differences and their explanations, whether the shim covers it) is read here from
:class:`mapping_tables.model.MappingTables`, the same records the shim runs on. The only
numbers this module adds are the effort weights below, which are the audit's own estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from mapping_tables.model import (
    Difference,
    EventRow,
    Flavour,
    MappingTables,
    MethodRow,
    Status,
)
from migration_audit.model import Analysis, Confidence, FindingKind, RawFinding

#: Minutes to port one call site by hand, by table status (OpenRewrite's default is 5 per
#: occurrence for a mechanical change; emulated rows need behaviour work, unsupported ones a
#: redesign). ``None`` is an API the tables have no row for.
BASE_MINUTES: Mapping[Status | None, int] = {
    Status.MAPPED: 5,
    Status.EMULATED: 15,
    Status.UNSUPPORTED: 60,
    None: 30,
}
#: Extra minutes per behaviour difference to review, by the difference's effort level.
DIFFERENCE_MINUTES: Mapping[str, int] = {"low": 5, "medium": 15, "high": 30}

_STATUS_ORDER = {Status.MAPPED: 0, Status.EMULATED: 1, Status.UNSUPPORTED: 2}


@attrs.frozen
class DifferenceNote:
    key: str
    title: str
    explanation: str
    review: str
    emulation: str | None
    effort: str

    @classmethod
    def of(cls, difference: Difference) -> DifferenceNote:
        return cls(
            key=difference.key,
            title=difference.title,
            explanation=difference.explanation,
            review=difference.review,
            emulation=difference.emulation,
            effort=difference.effort,
        )


@attrs.frozen
class TableFacts:
    """What the tables say about one API for one flavour."""

    replacement: tuple[str, ...]
    status: Status | None
    flavour: Flavour | None
    differences: tuple[DifferenceNote, ...]
    note: str


@attrs.frozen
class Finding:
    """A finding as reports show it."""

    path: str
    language: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind: FindingKind
    spelling: str
    api: str
    confidence: Confidence
    evidence: str
    snippet: str
    scope: str
    conditional: bool
    ignored: bool
    analysis: Analysis
    replacement: tuple[str, ...]
    status: Status | None
    flavour: Flavour | None
    differences: tuple[DifferenceNote, ...]
    note: str
    #: The shim runs this call site unchanged today: a mapped or emulated row in a language
    #: whose apps run on the shim (``route`` "runs": Python; "wire": web apps on the original
    #: AgoraSig.js through ``sig2rtm serve --legacy-port``).
    shim_covers: bool
    #: Estimated minutes to port the call site by hand (without the shim).
    effort_minutes: int
    fingerprint: str = ""
    #: "new" | "unchanged" when a baseline was given, else "".
    baseline_state: str = ""
    #: Whether the runtime trace saw this API run: True / False, None without a trace.
    ran: bool | None = None
    #: How the shim can run an app in this language: a key of
    #: :data:`migration_audit.languages.SHIM_ROUTES` ("runs", "wire", "port").
    route: str = "port"

    @property
    def status_text(self) -> str:
        return self.status.value if self.status is not None else "unknown"


def _method_mapping(
    tables: MappingTables, api: str, flavours: Sequence[Flavour]
) -> TableFacts | None:
    for flavour in flavours:
        table = tables.flavours.get(flavour)
        if table is None:
            continue
        rows: list[MethodRow] = [r for r in table.methods if r.legacy == api]
        if rows:
            row = rows[0]
            return TableFacts(
                replacement=row.rtm,
                status=row.status,
                flavour=flavour,
                differences=_notes(tables, row.differences),
                note=row.unsupported_reason or row.note,
            )
    return None


def _event_mapping(
    tables: MappingTables, api: str, flavours: Sequence[Flavour]
) -> TableFacts | None:
    for flavour in flavours:
        table = tables.flavours.get(flavour)
        if table is None:
            continue
        rows: tuple[EventRow, ...] = table.events_for(api)
        if not rows:
            continue
        replacement: list[str] = []
        keys: list[str] = []
        notes: list[str] = []
        for row in rows:
            name = f"{row.trigger} -> {row.rtm}" if row.trigger and row.rtm else row.rtm
            if name and name not in replacement:
                replacement.append(name)
            keys.extend(k for k in row.differences if k not in keys)
            if row.note and row.note not in notes:
                notes.append(row.note)
        status = max((row.status for row in rows), key=lambda s: _STATUS_ORDER[s])
        return TableFacts(
            replacement=tuple(replacement),
            status=status,
            flavour=flavour,
            differences=_notes(tables, keys),
            note="; ".join(notes),
        )
    return None


def _notes(tables: MappingTables, keys: Sequence[str]) -> tuple[DifferenceNote, ...]:
    return tuple(DifferenceNote.of(tables.differences[k]) for k in keys if k in tables.differences)


_UNKNOWN = TableFacts((), None, None, (), "")


def _catalogue_mapping(tables: MappingTables, api: str) -> TableFacts | None:
    """An entry point, SDK type or module that no table row covers: the catalogue's facts."""
    entry = tables.legacy_api.get(api)
    if entry is None or entry.facts is None:
        return None
    facts = entry.facts
    return TableFacts(
        replacement=facts.rtm,
        status=facts.status,
        flavour=None,
        differences=_notes(tables, facts.differences),
        note=facts.note,
    )


def _token_mapping(tables: MappingTables, key: str) -> TableFacts | None:
    """A string token has no row; the difference that describes it gives its facts.

    It is emulated when the difference names a shim emulation, unsupported otherwise.
    """
    difference = tables.differences.get(key)
    if difference is None:
        return None
    return TableFacts(
        replacement=(),
        status=Status.EMULATED if difference.emulation else Status.UNSUPPORTED,
        flavour=None,
        differences=(DifferenceNote.of(difference),),
        note="",
    )


def mapping_for(
    tables: MappingTables,
    api: str,
    kind: FindingKind,
    flavours: Sequence[Flavour],
    token_differences: Mapping[str, str] | None = None,
) -> TableFacts:
    """The table facts for an API; callbacks read event rows, everything else method rows.

    When the preferred kind has no row the other kind is tried; a token without a row is
    described by its difference (see :func:`_token_mapping`); with nothing at all the status
    is unknown unless the catalogue describes the name (entry points, SDK types, modules).
    """
    if kind is FindingKind.TOKEN and token_differences and api in token_differences:
        found = _token_mapping(tables, token_differences[api])
        if found is not None:
            return found
    lookups = (
        (_event_mapping, _method_mapping)
        if kind is FindingKind.CALLBACK
        else (_method_mapping, _event_mapping)
    )
    for lookup in lookups:
        found = lookup(tables, api, flavours)
        if found is not None:
            return found
    return _catalogue_mapping(tables, api) or _UNKNOWN


def effort(mapping: TableFacts) -> int:
    return BASE_MINUTES[mapping.status] + sum(
        DIFFERENCE_MINUTES.get(d.effort, 0) for d in mapping.differences
    )


def enrich(
    raw: RawFinding,
    path: str,
    language: str,
    analysis: Analysis,
    tables: MappingTables,
    flavours: Sequence[Flavour],
    token_differences: Mapping[str, str] | None = None,
    route: str = "port",
) -> Finding:
    mapping = mapping_for(tables, raw.api, raw.kind, flavours, token_differences)
    return Finding(
        path=path,
        language=language,
        line=raw.line,
        column=raw.column,
        end_line=raw.end_line,
        end_column=raw.end_column,
        kind=raw.kind,
        spelling=raw.spelling,
        api=raw.api,
        confidence=raw.confidence,
        evidence=raw.evidence,
        snippet=raw.snippet,
        scope=raw.scope,
        conditional=raw.conditional,
        ignored=raw.ignored,
        analysis=analysis,
        replacement=mapping.replacement,
        status=mapping.status,
        flavour=mapping.flavour,
        differences=mapping.differences,
        note=mapping.note,
        shim_covers=route in ("runs", "wire")
        and mapping.status in (Status.MAPPED, Status.EMULATED),
        effort_minutes=effort(mapping),
        route=route,
    )
