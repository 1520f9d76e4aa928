"""Markdown report: for a pull request comment, a wiki page or the README sample."""

from __future__ import annotations

from migration_audit.enrich import Finding
from migration_audit.render.common import (
    ANALYSIS_LABEL,
    api_shim_text,
    hours,
    replacement_text,
    route_sentences,
    shim_text,
)
from migration_audit.report import AuditReport

#: Checklist kinds counted in call sites (the others count files or entries).
SITE_KINDS = frozenset({"difference", "unsupported", "unknown", "confirm"})


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _finding_row(f: Finding) -> str:
    differences = ", ".join(d.title for d in f.differences) or "-"
    flags = []
    if f.ignored:
        flags.append("ignored")
    if f.baseline_state:
        flags.append(f.baseline_state)
    if f.ran is not None:
        flags.append("ran" if f.ran else "not run")
    if f.conditional:
        flags.append("conditional")
    return (
        f"| `{_cell(f.path)}:{f.line}` | {_code(f.spelling)} | "
        f"{_cell(replacement_text(f.replacement))} | {f.status_text} | "
        f"{shim_text(f.shim_covers)} | {f.confidence.value} | {_cell(differences)} | "
        f"{f.effort_minutes} | "
        f"{_cell(', '.join(flags)) or '-'} |"
    )


def render_markdown(report: AuditReport) -> str:
    t = report.totals
    status = dict(t.by_status)
    confidence = dict(t.by_confidence)
    out = [
        "# Legacy Signaling migration audit",
        "",
        f"{t.findings} findings in {sum(1 for f in report.files if f.findings)} files "
        f"({t.files} files scanned, {t.files_parsed} parsed, {t.files_clean} without SDK names). "
        f"Estimated effort to port by hand: {hours(t.effort_minutes)}.",
        "",
        *(f"- {line}" for line in route_sentences(t)),
        "",
        "| mapped | emulated | unsupported | unknown | high | medium | low | ignored |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {status['mapped']} | {status['emulated']} | {status['unsupported']} | "
        f"{status['unknown']} | {confidence['high']} | {confidence['medium']} | "
        f"{confidence['low']} | {t.ignored} |",
        "",
    ]
    if t.stale is not None:
        out += [
            f"Baseline: {t.new} new, {t.unchanged} unchanged, {t.stale} stale entries.",
            "",
        ]
    if report.checklist:
        out += ["## Review checklist", ""]
        for item in report.checklist:
            unit = (
                ("site" if item.kind in SITE_KINDS else "entry")
                if item.count == 1
                else ("sites" if item.kind in SITE_KINDS else "entries")
            )
            apis = f"; {', '.join(item.apis)}" if item.apis else ""
            out.append(
                f"- [ ] **{_cell(item.title)}** ({item.count} {unit}{_cell(apis)}): "
                f"{_cell(item.detail)}"
            )
            if item.emulation:
                out.append(f"  - Shim emulation: {_cell(item.emulation)}")
        out.append("")
    if report.apis:
        out += [
            "## Findings per API",
            "",
            "| legacy API | RTM replacement | status | shim runs it | sites | files | effort |",
            "|---|---|---|---|---:|---:|---:|",
        ]
        for a in report.apis:
            out.append(
                f"| `{a.api}` | {_cell(replacement_text(a.replacement))} | {a.status} | "
                f"{api_shim_text(a)} | {a.count} | {a.files} | {hours(a.effort_minutes)} |"
            )
        out.append("")
    with_findings = [f for f in report.files if f.findings]
    if with_findings:
        out += [
            "## Findings per file",
            "",
            "| file | language | sites | effort |",
            "|---|---|---:|---:|",
        ]
        for f in sorted(with_findings, key=lambda f: (-f.findings, f.path)):
            out.append(
                f"| `{_cell(f.path)}` | {f.language} | {f.findings} | {hours(f.effort_minutes)} |"
            )
        out.append("")
    if report.not_fully_analysed:
        out += ["## Files not fully analysed", ""]
        for f in report.not_fully_analysed:
            reason = f": {_cell(f.reason)}" if f.reason else ""
            out.append(f"- `{_cell(f.path)}` ({ANALYSIS_LABEL[f.analysis]}){reason}")
        out.append("")
    if report.findings:
        out += [
            "## Findings",
            "",
            "| location | legacy | RTM replacement | status | shim | confidence | review | "
            "minutes | flags |",
            "|---|---|---|---|---|---|---|---:|---|",
        ]
        out += [_finding_row(f) for f in report.findings]
        out.append("")
    runtime = report.runtime
    if runtime is not None:
        out += ["## Runtime trace", "", f"{runtime.events} events."]
        if runtime.apis:
            out += ["", "| API | calls | callbacks | found statically |", "|---|---:|---:|---|"]
            out += [
                f"| `{a.api}` | {a.calls} | {a.callbacks} | {'yes' if a.found else 'no'} |"
                for a in runtime.apis
            ]
        if runtime.emulations:
            out += ["", "| emulation | fired |", "|---|---:|"]
            out += [f"| {_cell(e.title or e.key)} | {e.count} |" for e in runtime.emulations]
        if runtime.not_run:
            out += ["", f"Found but not seen at runtime: {', '.join(runtime.not_run)}."]
        if runtime.not_found:
            out += ["", f"Ran but not found by the static scan: {', '.join(runtime.not_found)}."]
        out.append("")
    if report.gaps:
        out += ["## Catalogue gaps", ""]
        out += [f"- {_cell(g)}" for g in report.gaps]
        out.append("")
    return "\n".join(out)
