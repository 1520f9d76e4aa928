"""The audit report: findings plus totals per API, per file and overall, and a checklist.

Built once from the enriched findings and the per-file results; every renderer (terminal,
JSON, Markdown, SARIF, HTML) reads this one record, so the formats cannot disagree.
Ignored findings (inline ``sig2rtm-audit: ignore``) are kept in :attr:`AuditReport.findings`
with ``ignored=True`` but count in no total.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import attrs

from mapping_tables.model import Status
from migration_audit.baseline import BaselineEntry
from migration_audit.enrich import Finding
from migration_audit.model import Analysis, Confidence, FileResult
from migration_audit.runtime import RuntimeSummary

STATUS_KEYS = ("mapped", "emulated", "unsupported", "unknown")
CONFIDENCE_KEYS = ("high", "medium", "low")


@attrs.frozen
class FileSummary:
    path: str
    language: str
    analysis: Analysis
    reason: str
    findings: int
    effort_minutes: int
    error_lines: tuple[int, ...] = ()


@attrs.frozen
class ApiTotal:
    api: str
    status: str
    replacement: tuple[str, ...]
    #: Every site of this API runs unchanged on the shim (see Finding.shim_covers).
    shim_covers: bool
    count: int
    files: int
    by_confidence: tuple[tuple[str, int], ...]
    effort_minutes: int
    differences: tuple[str, ...]
    #: How many of its sites run unchanged on the shim.
    shim_sites: int = 0


@attrs.frozen
class RouteTotal:
    """Findings of the languages that share one shim route (``SHIM_ROUTES``)."""

    route: str
    #: Language keys with findings on this route, sorted.
    languages: tuple[str, ...]
    findings: int
    #: Findings whose row is mapped or emulated (the shim runs them where the route allows).
    with_rows: int
    shim_covers: int


@attrs.frozen
class ChecklistItem:
    #: "difference" (a behaviour change to review), "unsupported" (no RTM equivalent),
    #: "unknown" (no table row), "confirm" (low-confidence matches), "coverage" (files not
    #: fully analysed), "stale" (baseline entries), "ignore" (unused ignore comments).
    kind: str
    key: str
    title: str
    detail: str
    count: int
    apis: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    emulation: str | None = None


@attrs.frozen
class Totals:
    files: int
    files_clean: int
    files_parsed: int
    files_partial: int
    files_fallback: int
    files_failed: int
    findings: int
    ignored: int
    by_status: tuple[tuple[str, int], ...]
    by_confidence: tuple[tuple[str, int], ...]
    shim_covers: int
    effort_minutes: int
    by_route: tuple[RouteTotal, ...] = ()
    new: int | None = None
    unchanged: int | None = None
    stale: int | None = None


@attrs.frozen
class UnusedIgnore:
    path: str
    line: int


@attrs.frozen
class AuditReport:
    tool: str
    version: str
    root: str
    findings: tuple[Finding, ...]
    files: tuple[FileSummary, ...]
    apis: tuple[ApiTotal, ...]
    totals: Totals
    checklist: tuple[ChecklistItem, ...]
    unused_ignores: tuple[UnusedIgnore, ...]
    stale: tuple[BaselineEntry, ...]
    runtime: RuntimeSummary | None
    #: Problems with the catalogue the audit noticed (spelling conflicts, APIs without rows).
    gaps: tuple[str, ...]
    seconds: float = 0.0

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings that count: not suppressed by an ignore comment."""
        return tuple(f for f in self.findings if not f.ignored)

    @property
    def not_fully_analysed(self) -> tuple[FileSummary, ...]:
        return tuple(
            f
            for f in self.files
            if f.analysis in (Analysis.PARTIAL, Analysis.FALLBACK, Analysis.FAILED)
        )


def _counts(values: Sequence[str], keys: Sequence[str]) -> tuple[tuple[str, int], ...]:
    counter = Counter(values)
    return tuple((k, counter.get(k, 0)) for k in keys)


def _api_totals(active: Sequence[Finding]) -> tuple[ApiTotal, ...]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in active:
        grouped[finding.api].append(finding)
    totals = []
    for api, items in grouped.items():
        first = items[0]
        keys: list[str] = []
        for item in items:
            keys.extend(d.key for d in item.differences if d.key not in keys)
        totals.append(
            ApiTotal(
                api=api,
                status=first.status_text,
                replacement=first.replacement,
                shim_covers=all(i.shim_covers for i in items),
                shim_sites=sum(1 for i in items if i.shim_covers),
                count=len(items),
                files=len({i.path for i in items}),
                by_confidence=_counts([i.confidence.value for i in items], CONFIDENCE_KEYS),
                effort_minutes=sum(i.effort_minutes for i in items),
                differences=tuple(keys),
            )
        )
    return tuple(sorted(totals, key=lambda t: (-t.count, t.api)))


#: Route display order: what runs today first.
ROUTE_ORDER = ("runs", "wire", "port")


def _route_totals(active: Sequence[Finding]) -> tuple[RouteTotal, ...]:
    out = []
    for route in ROUTE_ORDER:
        items = [f for f in active if f.route == route]
        if not items:
            continue
        out.append(
            RouteTotal(
                route=route,
                languages=tuple(sorted({f.language for f in items})),
                findings=len(items),
                with_rows=sum(
                    1 for f in items if f.status in (Status.MAPPED, Status.EMULATED)
                ),
                shim_covers=sum(1 for f in items if f.shim_covers),
            )
        )
    return tuple(out)


def _checklist(
    active: Sequence[Finding],
    files: Sequence[FileSummary],
    unused: Sequence[UnusedIgnore],
    stale: Sequence[BaselineEntry],
) -> tuple[ChecklistItem, ...]:
    items: list[ChecklistItem] = []
    by_difference: dict[str, list[Finding]] = defaultdict(list)
    notes = {}
    for finding in active:
        for note in finding.differences:
            by_difference[note.key].append(finding)
            notes[note.key] = note
    for key in sorted(by_difference, key=lambda k: (-len(by_difference[k]), k)):
        note = notes[key]
        sites = by_difference[key]
        items.append(
            ChecklistItem(
                kind="difference",
                key=key,
                title=note.title,
                detail=f"{note.explanation} Review: {note.review}",
                count=len(sites),
                apis=tuple(sorted({f.api for f in sites})),
                files=tuple(sorted({f.path for f in sites})),
                emulation=note.emulation,
            )
        )
    for status, kind, title in (
        (Status.UNSUPPORTED, "unsupported", "No RTM equivalent: {api}"),
        (None, "unknown", "No mapping-table row: {api}"),
    ):
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in active:
            if finding.status is status:
                grouped[finding.api].append(finding)
        for api in sorted(grouped):
            sites = grouped[api]
            detail = sites[0].note or (
                "The shim cannot run this; the app must change."
                if status is Status.UNSUPPORTED
                else "The tables have no row for this API; report it to the table maintainers."
            )
            items.append(
                ChecklistItem(
                    kind=kind,
                    key=api,
                    title=title.format(api=api),
                    detail=detail,
                    count=len(sites),
                    apis=(api,),
                    files=tuple(sorted({f.path for f in sites})),
                )
            )
    low = [f for f in active if f.confidence is Confidence.LOW]
    if low:
        items.append(
            ChecklistItem(
                kind="confirm",
                key="low-confidence",
                title="Confirm low-confidence matches",
                detail="Generic names whose receiver could not be traced to the SDK: "
                "confirm each is the legacy SDK, or mark it with `sig2rtm-audit: ignore`.",
                count=len(low),
                apis=tuple(sorted({f.api for f in low})),
                files=tuple(sorted({f.path for f in low})),
            )
        )
    partial = [
        f for f in files if f.analysis in (Analysis.PARTIAL, Analysis.FALLBACK, Analysis.FAILED)
    ]
    if partial:
        items.append(
            ChecklistItem(
                kind="coverage",
                key="not-fully-analysed",
                title="Check files that were not fully analysed",
                detail="Syntax errors, the size cap or the deadline kept these files from a "
                "full analysis; their findings may be incomplete.",
                count=len(partial),
                files=tuple(f.path for f in partial),
            )
        )
    if stale:
        items.append(
            ChecklistItem(
                kind="stale",
                key="stale-baseline",
                title="Remove stale baseline entries",
                detail="These baselined call sites no longer exist; refresh the baseline.",
                count=len(stale),
                files=tuple(sorted({e.path for e in stale})),
            )
        )
    if unused:
        items.append(
            ChecklistItem(
                kind="ignore",
                key="unused-ignore",
                title="Remove unused ignore comments",
                detail="These `sig2rtm-audit: ignore` comments suppress nothing.",
                count=len(unused),
                files=tuple(sorted({u.path for u in unused})),
            )
        )
    return tuple(items)


def build_report(
    *,
    tool: str,
    version: str,
    root: str,
    results: Sequence[FileResult],
    findings: Sequence[Finding],
    stale: Sequence[BaselineEntry] = (),
    baseline_used: bool = False,
    runtime: RuntimeSummary | None = None,
    gaps: Sequence[str] = (),
    seconds: float = 0.0,
) -> AuditReport:
    ordered = tuple(sorted(findings, key=lambda f: (f.path, f.line, f.column, f.api)))
    active = [f for f in ordered if not f.ignored]
    per_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in active:
        per_file[finding.path].append(finding)
    files = tuple(
        sorted(
            (
                FileSummary(
                    path=r.relpath,
                    language=r.language,
                    analysis=r.analysis,
                    reason=r.reason,
                    findings=len(per_file.get(r.relpath, ())),
                    effort_minutes=sum(f.effort_minutes for f in per_file.get(r.relpath, ())),
                    error_lines=r.error_lines,
                )
                for r in results
            ),
            key=lambda s: s.path,
        )
    )
    unused = tuple(
        UnusedIgnore(r.relpath, d.line) for r in results for d in r.ignores if not d.used
    )
    analysis_counts = Counter(r.analysis for r in results)
    totals = Totals(
        files=len(results),
        files_clean=analysis_counts[Analysis.CLEAN],
        files_parsed=analysis_counts[Analysis.FULL] + analysis_counts[Analysis.PARTIAL],
        files_partial=analysis_counts[Analysis.PARTIAL],
        files_fallback=analysis_counts[Analysis.FALLBACK],
        files_failed=analysis_counts[Analysis.FAILED],
        findings=len(active),
        ignored=len(ordered) - len(active),
        by_status=_counts([f.status_text for f in active], STATUS_KEYS),
        by_confidence=_counts([f.confidence.value for f in active], CONFIDENCE_KEYS),
        shim_covers=sum(1 for f in active if f.shim_covers),
        effort_minutes=sum(f.effort_minutes for f in active),
        by_route=_route_totals(active),
        new=sum(1 for f in active if f.baseline_state == "new") if baseline_used else None,
        unchanged=(
            sum(1 for f in active if f.baseline_state == "unchanged") if baseline_used else None
        ),
        stale=len(stale) if baseline_used else None,
    )
    return AuditReport(
        tool=tool,
        version=version,
        root=root,
        findings=ordered,
        files=files,
        apis=_api_totals(active),
        totals=totals,
        checklist=_checklist(active, files, unused, stale),
        unused_ignores=unused,
        stale=tuple(stale),
        runtime=runtime,
        gaps=tuple(gaps),
        seconds=seconds,
    )
