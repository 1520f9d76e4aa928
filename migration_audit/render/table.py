"""Terminal report (rich tables). Long finding lists are cut; the other formats show all."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape as esc
from rich.table import Table

from migration_audit.render.common import (
    ANALYSIS_LABEL,
    api_shim_text,
    hours,
    replacement_text,
    route_sentences,
)
from migration_audit.report import AuditReport

MAX_FINDING_ROWS = 100
MAX_FILE_ROWS = 30
STATUS_STYLE = {
    "mapped": "green",
    "emulated": "yellow",
    "unsupported": "bold red",
    "unknown": "magenta",
}


def render_table(report: AuditReport, *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, color_system="auto" if color else None
    )
    write_table(report, console)
    return buffer.getvalue()


def write_table(report: AuditReport, console: Console) -> None:
    t = report.totals
    status = dict(t.by_status)
    confidence = dict(t.by_confidence)
    console.print("[bold]Legacy Signaling migration audit[/bold]")
    console.print(
        f"{t.findings} findings in {sum(1 for f in report.files if f.findings)} files; "
        f"{t.files} files scanned, {t.files_parsed} parsed, {t.files_clean} without SDK names, "
        f"{len(report.not_fully_analysed)} not fully analysed."
    )
    console.print(
        f"Status: mapped {status['mapped']}, emulated {status['emulated']}, "
        f"unsupported {status['unsupported']}, unknown {status['unknown']}. "
        f"Confidence: high {confidence['high']}, medium {confidence['medium']}, "
        f"low {confidence['low']}. Ignored {t.ignored}."
    )
    for line in route_sentences(t):
        console.print(line, markup=False)
    console.print(f"Porting by hand: about {hours(t.effort_minutes)}.")
    if t.stale is not None:
        console.print(f"Baseline: {t.new} new, {t.unchanged} unchanged, {t.stale} stale.")
    if report.apis:
        table = Table(title="Per API", title_justify="left")
        for name, justify in (
            ("legacy API", "left"),
            ("RTM replacement", "left"),
            ("status", "left"),
            ("shim", "left"),
            ("sites", "right"),
            ("files", "right"),
            ("effort", "right"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for a in report.apis:
            table.add_row(
                esc(a.api),
                esc(replacement_text(a.replacement)),
                f"[{STATUS_STYLE.get(a.status, '')}]{a.status}[/]",
                api_shim_text(a),
                str(a.count),
                str(a.files),
                hours(a.effort_minutes),
            )
        console.print(table)
    files = sorted((f for f in report.files if f.findings), key=lambda f: (-f.findings, f.path))
    if files:
        table = Table(title="Per file", title_justify="left")
        table.add_column("file")
        table.add_column("language")
        table.add_column("sites", justify="right")
        table.add_column("effort", justify="right")
        for f in files[:MAX_FILE_ROWS]:
            table.add_row(esc(f.path), f.language, str(f.findings), hours(f.effort_minutes))
        console.print(table)
        if len(files) > MAX_FILE_ROWS:
            console.print(f"... {len(files) - MAX_FILE_ROWS} more files (see --format markdown)")
    if report.findings:
        table = Table(title="Findings", title_justify="left")
        # file:line stays whole (never wrapped or cut); the other columns give way.
        table.add_column("location", no_wrap=True, overflow="ignore")
        for name in ("legacy", "RTM replacement", "status", "conf.", "review"):
            table.add_column(name)
        for finding in report.findings[:MAX_FINDING_ROWS]:
            review = "; ".join(d.title for d in finding.differences) or "-"
            location = f"{finding.path}:{finding.line}" + (
                " (ignored)" if finding.ignored else ""
            )
            table.add_row(
                esc(location),
                esc(finding.spelling),
                esc(replacement_text(finding.replacement)),
                f"[{STATUS_STYLE.get(finding.status_text, '')}]{finding.status_text}[/]",
                finding.confidence.value,
                esc(review),
            )
        console.print(table)
        if len(report.findings) > MAX_FINDING_ROWS:
            console.print(
                f"... {len(report.findings) - MAX_FINDING_ROWS} more findings "
                "(see --format json, markdown, sarif or html)"
            )
    if report.checklist:
        console.print("[bold]Review checklist[/bold]")
        for item in report.checklist:
            console.print(f"[ ] {item.title} ({item.count}): {item.detail}", markup=False)
    if report.not_fully_analysed:
        console.print("[bold]Not fully analysed[/bold]")
        for f in report.not_fully_analysed:
            reason = f": {f.reason}" if f.reason else ""
            console.print(f"  {f.path} ({ANALYSIS_LABEL[f.analysis]}){reason}", markup=False)
    runtime = report.runtime
    if runtime is not None:
        console.print(f"[bold]Runtime trace[/bold]: {runtime.events} events")
        for run in runtime.apis:
            found = "found" if run.found else "NOT FOUND statically"
            console.print(
                f"  {run.api}: {run.calls} calls, {run.callbacks} callbacks ({found})",
                markup=False,
            )
        for e in runtime.emulations:
            console.print(f"  emulation {e.title or e.key}: fired {e.count} times", markup=False)
        if runtime.not_run:
            console.print(f"  found but not run: {', '.join(runtime.not_run)}", markup=False)
    for gap in report.gaps:
        console.print(f"catalogue gap: {gap}", markup=False)
