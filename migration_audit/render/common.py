"""Small helpers shared by the renderers."""

from __future__ import annotations

from migration_audit.enrich import Finding
from migration_audit.model import Analysis

#: Display order of analysis states for the "not fully analysed" list.
ANALYSIS_LABEL = {
    Analysis.PARTIAL: "partially analysed",
    Analysis.FALLBACK: "text search only",
    Analysis.FAILED: "not analysed",
    Analysis.FULL: "analysed",
    Analysis.CLEAN: "no SDK names",
}


def replacement_text(replacement: tuple[str, ...]) -> str:
    return " + ".join(replacement) if replacement else "(none)"


def shim_text(covers: bool) -> str:
    return "yes" if covers else "no"


def hours(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h"


def finding_message(finding: Finding) -> str:
    """One sentence per finding, used by SARIF and as a tooltip."""
    target = replacement_text(finding.replacement)
    status = finding.status_text
    covered = "the shim runs it unchanged" if finding.shim_covers else "the shim cannot run it"
    message = f"Legacy Signaling {finding.api} -> RTM {target} ({status}; {covered})."
    if finding.differences:
        titles = "; ".join(d.title for d in finding.differences)
        message += f" Review: {titles}."
    if finding.note:
        message += f" {finding.note}"
    return message

