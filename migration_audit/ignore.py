"""Inline suppression: ``sig2rtm-audit: ignore`` and ``sig2rtm-audit: ignore[api, ...]``.

The directive lives in a comment (never in a string). A trailing comment covers its own line;
a comment alone on its line also covers the next line, so it can sit above the call. Without a
list it suppresses every finding on the covered lines; with one, only the named APIs
(canonical legacy names such as ``messageInstantSend``). Directives that suppress nothing are
reported as unused so they do not outlive the code they were written for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from migration_audit.model import IgnoreDirective, RawFinding

DIRECTIVE = re.compile(r"sig2rtm-audit:\s*ignore\b(?:\[([^\]]*)\])?")


def parse_directive_text(comment: str) -> tuple[str, ...] | None:
    """The API list of a directive in a comment's text; None when there is no directive."""
    match = DIRECTIVE.search(comment)
    if match is None:
        return None
    listed = match.group(1)
    if listed is None:
        return ()
    return tuple(sorted({part.strip() for part in listed.split(",") if part.strip()}))


def parse_directives(comments: Iterable[Any], source: bytes) -> list[IgnoreDirective]:
    directives: list[IgnoreDirective] = []
    for node in comments:
        raw: bytes = node.text
        apis = parse_directive_text(raw.decode("utf-8", "replace"))
        if apis is None:
            continue
        start_row = node.start_point[0]
        end_row = node.end_point[0]
        line_start = source.rfind(b"\n", 0, node.start_byte) + 1
        alone = not source[line_start : node.start_byte].strip()
        covers = list(range(start_row + 1, end_row + 2))
        if alone:
            covers.append(end_row + 2)
        directives.append(
            IgnoreDirective(line=start_row + 1, covers=tuple(covers), apis=apis, used=False)
        )
    return directives


def apply_ignores(
    findings: list[RawFinding], directives: list[IgnoreDirective]
) -> tuple[list[RawFinding], list[IgnoreDirective]]:
    """Mark suppressed findings (they stay in the result, flagged) and used directives."""
    if not directives:
        return findings, []
    used = [False] * len(directives)
    out: list[RawFinding] = []
    for finding in findings:
        ignored = False
        for i, directive in enumerate(directives):
            if finding.line in directive.covers and (
                not directive.apis or finding.api in directive.apis
            ):
                used[i] = True
                ignored = True
        out.append(attrs.evolve(finding, ignored=True) if ignored else finding)
    marked = [attrs.evolve(d, used=u) for d, u in zip(directives, used, strict=True)]
    return out, marked
