"""A single-file HTML report: inline CSS and inline SVG charts, no script, no external asset.

A person opens it in any browser, offline. The charts are plain SVG bars (findings per API,
coloured by table status, and per file), so they render without JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from migration_audit.render.common import (
    ANALYSIS_LABEL,
    api_shim_text,
    finding_message,
    hours,
    replacement_text,
    route_sentences,
    shim_text,
)
from migration_audit.report import AuditReport

STATUS_COLOURS = {
    "mapped": "#2e7d32",
    "emulated": "#f9a825",
    "unsupported": "#c62828",
    "unknown": "#6d4c41",
}
MAX_FILE_BARS = 25

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;
background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:32px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right}
code{font:12px ui-monospace,Menlo,Consolas,monospace}
.status{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
ul.check{list-style:none;padding-left:0}ul.check li{margin:6px 0}
.muted{color:#666}.legend span{margin-right:14px}
svg text{font:12px system-ui,sans-serif}
svg.chart{max-width:100%;height:auto}
td{overflow-wrap:normal;word-break:normal}td code,.tok{white-space:nowrap}
.wide{overflow-x:auto}
"""


def _tokens(replacement: tuple[str, ...]) -> str:
    """RTM names that wrap between names, never inside one."""
    if not replacement:
        return escape(replacement_text(replacement))
    return " + ".join(f'<span class="tok">{escape(name)}</span>' for name in replacement)


def _status_badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#555")
    return f'<span class="status" style="background:{colour}">{escape(status)}</span>'


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, int, str]],
    *,
    label_width: int = 260,
    width: int = 900,
) -> str:
    """Horizontal bars: (label, value, colour) per row, as an inline SVG."""
    bar_height, gap, top = 18, 6, 8
    height = top * 2 + len(rows) * (bar_height + gap)
    peak = max((v for _, v, _ in rows), default=1) or 1
    span = width - label_width - 60
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = max(2, round(span * value / peak))
        shown = label if len(label) <= 40 else "…" + label[-39:]
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">{escape(shown)}</text>'
            f'<rect class="bar" data-label="{escape(label)}" data-value="{value}" '
            f'x="{label_width}" y="{y}" width="{length}" height="{bar_height}" fill="{colour}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_width + length + 6}" y="{y + 13}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: AuditReport) -> str:
    t = report.totals
    status = dict(t.by_status)
    confidence = dict(t.by_confidence)
    body: list[str] = [
        "<h1>Legacy Signaling migration audit</h1>",
        f'<p class="muted">{escape(report.tool)} {escape(report.version)}</p>',
        '<section id="summary"><div class="cards">',
        f'<div class="card" id="total-findings"><b>{t.findings}</b>findings</div>',
        f'<div class="card"><b>{t.shim_covers}</b>run unchanged on the shim today</div>',
        f'<div class="card"><b>{status["unsupported"]}</b>unsupported</div>',
        f'<div class="card"><b>{escape(hours(t.effort_minutes))}</b>estimated effort</div>',
        f'<div class="card"><b>{t.files}</b>files scanned ({t.files_parsed} parsed)</div>',
        f'<div class="card"><b>{len(report.not_fully_analysed)}</b>not fully analysed</div>',
        "</div>",
        f"<p>By status: mapped {status['mapped']}, emulated {status['emulated']}, "
        f"unsupported {status['unsupported']}, unknown {status['unknown']}. "
        f"By confidence: high {confidence['high']}, medium {confidence['medium']}, "
        f"low {confidence['low']}. Ignored: {t.ignored}.</p>",
        *(f'<p class="route">{escape(line)}</p>' for line in route_sentences(t)),
    ]
    if t.stale is not None:
        body.append(
            f"<p>Baseline: {t.new} new, {t.unchanged} unchanged, {t.stale} stale entries.</p>"
        )
    body.append("</section>")
    legend = "".join(
        f'<span><svg width="10" height="10"><rect width="10" height="10" fill="{c}"/></svg> '
        f"{escape(s)}</span>"
        for s, c in STATUS_COLOURS.items()
    )
    body += [
        '<section id="charts"><h2>Findings per API</h2>',
        f'<p class="legend">{legend}</p>',
        bar_chart(
            "chart-api",
            "Findings per legacy API",
            [(a.api, a.count, STATUS_COLOURS.get(a.status, "#555")) for a in report.apis],
        ),
        "<h2>Findings per file</h2>",
    ]
    files = sorted((f for f in report.files if f.findings), key=lambda f: (-f.findings, f.path))
    body.append(
        bar_chart(
            "chart-file",
            "Findings per file",
            [(f.path, f.findings, "#1565c0") for f in files[:MAX_FILE_BARS]],
            label_width=380,
        )
    )
    if len(files) > MAX_FILE_BARS:
        body.append(f'<p class="muted">{len(files) - MAX_FILE_BARS} more files in the table.</p>')
    body.append("</section>")
    if report.checklist:
        body.append('<section id="checklist"><h2>Review checklist</h2><ul class="check">')
        for item in report.checklist:
            emulation = (
                f'<br><span class="muted">Shim emulation: {escape(item.emulation)}</span>'
                if item.emulation
                else ""
            )
            apis = f" <code>{escape(', '.join(item.apis))}</code>" if item.apis else ""
            body.append(
                f'<li><label><input type="checkbox"> <b>{escape(item.title)}</b> '
                f"({item.count}){apis}</label><br>{escape(item.detail)}{emulation}</li>"
            )
        body.append("</ul></section>")
    body += [
        '<section id="apis"><h2>Per API</h2><div class="wide"><table>'
        "<tr><th>legacy API</th><th>RTM replacement"
        "</th><th>status</th><th>shim runs it</th><th>sites</th><th>files</th><th>effort</th>"
        "</tr>"
    ]
    for a in report.apis:
        body.append(
            f"<tr><td><code>{escape(a.api)}</code></td>"
            f"<td>{_tokens(a.replacement)}</td><td>{_status_badge(a.status)}</td>"
            f"<td>{escape(api_shim_text(a))}</td><td class=n>{a.count}</td>"
            f"<td class=n>{a.files}</td><td class=n>{escape(hours(a.effort_minutes))}</td></tr>"
        )
    body.append("</table></div></section>")
    if report.not_fully_analysed:
        body.append('<section id="coverage"><h2>Files not fully analysed</h2><ul>')
        for f in report.not_fully_analysed:
            body.append(
                f"<li><code>{escape(f.path)}</code>: {escape(ANALYSIS_LABEL[f.analysis])}"
                f"{': ' + escape(f.reason) if f.reason else ''}</li>"
            )
        body.append("</ul></section>")
    body += [
        '<section id="findings"><h2>Findings</h2><div class="wide"><table>'
        "<tr><th>location</th><th>legacy</th>"
        "<th>RTM replacement</th><th>status</th><th>shim</th><th>confidence</th>"
        "<th>review</th><th>min</th></tr>"
    ]
    for finding in report.findings:
        review = "; ".join(d.title for d in finding.differences) or "-"
        flag = " (ignored)" if finding.ignored else ""
        body.append(
            f'<tr title="{escape(finding_message(finding))}"><td><code>'
            f"{escape(finding.path)}:{finding.line}</code>{flag}</td>"
            f"<td><code>{escape(finding.spelling)}</code></td>"
            f"<td>{_tokens(finding.replacement)}</td>"
            f"<td>{_status_badge(finding.status_text)}</td>"
            f"<td>{shim_text(finding.shim_covers)}</td>"
            f"<td>{escape(finding.confidence.value)}</td><td>{escape(review)}</td>"
            f"<td class=n>{finding.effort_minutes}</td></tr>"
        )
    body.append("</table></div></section>")
    runtime = report.runtime
    if runtime is not None:
        body.append(f'<section id="runtime"><h2>Runtime trace</h2><p>{runtime.events} events.</p>')
        body.append("<table><tr><th>API</th><th>calls</th><th>callbacks</th><th>found</th></tr>")
        for run in runtime.apis:
            body.append(
                f"<tr><td><code>{escape(run.api)}</code></td><td class=n>{run.calls}</td>"
                f"<td class=n>{run.callbacks}</td><td>{'yes' if run.found else 'no'}</td></tr>"
            )
        body.append("</table><ul>")
        for e in runtime.emulations:
            body.append(f"<li>Emulation {escape(e.title or e.key)} fired {e.count} times</li>")
        body.append("</ul></section>")
    if report.gaps:
        body.append('<section id="gaps"><h2>Catalogue gaps</h2><ul>')
        body += [f"<li>{escape(g)}</li>" for g in report.gaps]
        body.append("</ul></section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Legacy Signaling migration audit</title>"
        f"<style>{_CSS}</style></head><body><main>" + "\n".join(body) + "</main></body></html>\n"
    )
