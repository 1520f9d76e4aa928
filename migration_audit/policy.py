"""CI gate: ``--fail-on`` conditions and exit codes.

Exit codes (documented in docs/audit.md):

* ``0`` the audit ran; no ``--fail-on`` condition matched (findings alone never fail a run);
* ``1`` a ``--fail-on`` condition matched;
* ``2`` usage or input error (bad path, unreadable baseline or trace, tables failed to load);
* ``3`` with ``--strict``: some file was not fully analysed (syntax errors, size cap, deadline,
  unreadable) and no ``--fail-on`` condition matched.

A ``--fail-on`` term is ``any``, a status (``mapped``, ``emulated``, ``unsupported``,
``unknown``), a minimum confidence (``high``, ``medium``, ``low``), both joined by a colon
(``unsupported:high`` = unsupported findings of high confidence), or ``stale`` (the baseline
has entries that match nothing). Terms are OR-ed. Ignored findings never count; with a
baseline only ``new`` findings count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from migration_audit.enrich import Finding
from migration_audit.model import Confidence
from migration_audit.report import STATUS_KEYS, AuditReport

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_ERROR = 2
EXIT_INCOMPLETE = 3

_CONFIDENCES = {c.value: c for c in Confidence}


class PolicyError(ValueError):
    """A ``--fail-on`` term is not understood."""


@attrs.frozen
class Condition:
    #: A status value, or None for any status.
    status: str | None
    #: Minimum confidence, or None for any.
    confidence: Confidence | None
    #: The "stale" condition (baseline entries that match nothing).
    stale: bool = False

    def matches(self, finding: Finding) -> bool:
        if self.status is not None and finding.status_text != self.status:
            return False
        return self.confidence is None or finding.confidence.rank >= self.confidence.rank

    def __str__(self) -> str:
        if self.stale:
            return "stale"
        parts = [p for p in (self.status, self.confidence and self.confidence.value) if p]
        return ":".join(parts) or "any"


def parse_term(term: str) -> Condition:
    text = term.strip().lower()
    if text == "any":
        return Condition(None, None)
    if text == "stale":
        return Condition(None, None, stale=True)
    status: str | None = None
    confidence: Confidence | None = None
    for part in text.split(":"):
        if part in STATUS_KEYS and status is None:
            status = part
        elif part in _CONFIDENCES and confidence is None:
            confidence = _CONFIDENCES[part]
        else:
            raise PolicyError(
                f"--fail-on {term!r}: expected any, stale, a status ({', '.join(STATUS_KEYS)}), "
                "a confidence (high, medium, low) or status:confidence"
            )
    return Condition(status, confidence)


def parse_terms(values: Iterable[str]) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    for value in values:
        for term in value.split(","):
            if term.strip():
                conditions.append(parse_term(term))
    return tuple(conditions)


@attrs.frozen
class Verdict:
    code: int
    #: Human-readable reasons for a non-zero code.
    reasons: tuple[str, ...]


def verdict(report: AuditReport, conditions: Sequence[Condition], *, strict: bool) -> Verdict:
    reasons: list[str] = []
    counted = [f for f in report.findings if not f.ignored and f.baseline_state in ("", "new")]
    for condition in conditions:
        if condition.stale:
            if report.stale:
                reasons.append(f"--fail-on stale: {len(report.stale)} stale baseline entries")
            continue
        hits = [f for f in counted if condition.matches(f)]
        if hits:
            reasons.append(f"--fail-on {condition}: {len(hits)} findings")
    if reasons:
        return Verdict(EXIT_FAIL, tuple(reasons))
    if strict and report.not_fully_analysed:
        return Verdict(
            EXIT_INCOMPLETE,
            (f"--strict: {len(report.not_fully_analysed)} files not fully analysed",),
        )
    return Verdict(EXIT_OK, ())
