"""Small helpers shared by the renderers."""

from __future__ import annotations

from migration_audit.enrich import Finding
from migration_audit.languages import SHIM_ROUTES
from migration_audit.model import Analysis
from migration_audit.report import ApiTotal, RouteTotal, Totals

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


def api_shim_text(total: ApiTotal) -> str:
    """"yes" when every site of the API runs on the shim, "no" when none does, else "k of n"."""
    if total.shim_sites == total.count:
        return "yes"
    if total.shim_sites == 0:
        return "no"
    return f"{total.shim_sites} of {total.count}"


#: Language keys -> names for sentences.
LANGUAGE_NAMES = {
    "java": "Java",
    "kotlin": "Kotlin",
    "objc": "Objective-C",
    "swift": "Swift",
    "c": "C",
    "cpp": "C++",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "tsx": "TSX",
    "python": "Python",
}


def _names(languages: tuple[str, ...]) -> str:
    names = [LANGUAGE_NAMES.get(k, k) for k in languages]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def route_sentence(total: RouteTotal) -> str:
    """What "runs unchanged" means for the languages of one route, never more than is true."""
    who, n, rows = _names(total.languages), total.findings, total.with_rows
    if total.route == "runs":
        return (
            f"{who}: the sig2rtm shim runs {total.shim_covers} of {n} call sites unchanged "
            "(the agorasigsdk drop-in or the native shim)."
        )
    if total.route == "wire":
        return (
            f"{who} (web apps on the original AgoraSig.js): sig2rtm serve --legacy-port runs "
            f"{total.shim_covers} of {n} call sites unchanged through the legacy wire protocol "
            "(checked with the real SDK by hand, not in CI)."
        )
    return (
        f"{who}: {n} call sites to port to an RTM SDK; the tables map {rows} of them to "
        "RTM calls or emulated behaviour."
    )


def route_sentences(totals: Totals) -> list[str]:
    return [route_sentence(r) for r in totals.by_route]


def hours(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h"


def finding_message(finding: Finding) -> str:
    """One sentence per finding, used by SARIF and as a tooltip."""
    target = replacement_text(finding.replacement)
    status = finding.status_text
    covered = (
        "the shim runs it unchanged"
        if finding.shim_covers
        else SHIM_ROUTES.get(finding.route, "the shim cannot run it")
        if finding.route != "runs"
        else "the shim cannot run it"
    )
    message = f"Legacy Signaling {finding.api} -> RTM {target} ({status}; {covered})."
    if finding.differences:
        titles = "; ".join(d.title for d in finding.differences)
        message += f" Review: {titles}."
    if finding.note:
        message += f" {finding.note}"
    return message

