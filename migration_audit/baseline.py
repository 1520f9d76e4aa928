"""Line-independent fingerprints and the baseline file.

A fingerprint hashes what identifies a call site without its position: the file path, the
API, the finding kind, the enclosing scope (class / method), the source line with all
whitespace removed, and the occurrence number among identical sites in the same file. Moving
code up or down, re-indenting it or adding lines elsewhere keeps the fingerprint; changing
the call itself, renaming its enclosing method or moving it to another file makes it new.

The baseline file is JSON::

    {"tool": "sig2rtm-audit", "version": 1,
     "entries": [{"fingerprint": "...", "path": "...", "api": "...", "snippet": "..."}]}

With ``--baseline`` every finding is marked ``new`` or ``unchanged``; baseline entries that
match nothing any more are reported as stale (the code was migrated or removed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from migration_audit.enrich import Finding

TOOL = "sig2rtm-audit"
VERSION = 1
_SPACE = re.compile(r"\s+")


class BaselineError(ValueError):
    """The baseline file cannot be read or is not a baseline."""


@attrs.frozen
class BaselineEntry:
    fingerprint: str
    path: str
    api: str
    snippet: str


@attrs.frozen
class BaselineResult:
    findings: tuple[Finding, ...]
    #: Entries of the baseline that no current finding matches.
    stale: tuple[BaselineEntry, ...]
    new: int
    unchanged: int


def fingerprint_all(findings: Sequence[Finding]) -> list[Finding]:
    """Give every finding its fingerprint (order of the input is kept)."""
    counts: dict[tuple[str, ...], int] = {}
    prints: dict[int, str] = {}
    order = sorted(range(len(findings)), key=lambda i: _position(findings[i]))
    for i in order:
        finding = findings[i]
        key = (
            finding.path,
            finding.api,
            finding.kind.value,
            finding.scope,
            _SPACE.sub("", finding.snippet),
        )
        occurrence = counts.get(key, 0)
        counts[key] = occurrence + 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode()).hexdigest()
        prints[i] = digest[:32]
    return [attrs.evolve(f, fingerprint=prints[i]) for i, f in enumerate(findings)]


def _position(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.path, finding.line, finding.column, finding.api)


def entries_of(findings: Iterable[Finding]) -> list[BaselineEntry]:
    return [
        BaselineEntry(f.fingerprint, f.path, f.api, f.snippet)
        for f in findings
        if f.fingerprint and not f.ignored
    ]


def dump(findings: Iterable[Finding]) -> str:
    entries = sorted(entries_of(findings), key=lambda e: (e.path, e.api, e.fingerprint))
    document = {
        "tool": TOOL,
        "version": VERSION,
        "entries": [attrs.asdict(e) for e in entries],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write(path: Path, findings: Iterable[Finding]) -> None:
    path.write_text(dump(findings), "utf-8")


def parse(text: str, source: str) -> list[BaselineEntry]:
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{source}: not JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("tool") != TOOL:
        raise BaselineError(f'{source}: not a {TOOL} baseline (missing "tool": "{TOOL}")')
    if document.get("version") != VERSION:
        raise BaselineError(f"{source}: unsupported baseline version {document.get('version')!r}")
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f'{source}: "entries" must be a list')
    entries: list[BaselineEntry] = []
    for number, raw in enumerate(raw_entries, 1):
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(k), str) for k in ("fingerprint", "path", "api", "snippet")
        ):
            raise BaselineError(
                f"{source}: entry {number} needs string fields fingerprint, path, api, snippet"
            )
        entries.append(BaselineEntry(raw["fingerprint"], raw["path"], raw["api"], raw["snippet"]))
    return entries


def load(path: Path) -> list[BaselineEntry]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline ({exc.strerror})") from exc
    return parse(text, str(path))


def compare(findings: Sequence[Finding], entries: Sequence[BaselineEntry]) -> BaselineResult:
    known = {e.fingerprint for e in entries}
    matched: set[str] = set()
    out: list[Finding] = []
    new = unchanged = 0
    for finding in findings:
        if finding.fingerprint in known:
            matched.add(finding.fingerprint)
            out.append(attrs.evolve(finding, baseline_state="unchanged"))
            if not finding.ignored:
                unchanged += 1
        else:
            out.append(attrs.evolve(finding, baseline_state="new"))
            if not finding.ignored:
                new += 1
    stale = tuple(e for e in entries if e.fingerprint not in matched)
    return BaselineResult(tuple(out), stale, new, unchanged)
