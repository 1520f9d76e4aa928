"""The single-file HTML report, opened in headless Chromium.

The README's test command installs Debian's ``chromium`` where it is missing; without it this
test fails (it is not skipped) and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from migration_audit.audit import AuditOptions, run_audit
from migration_audit.render.html import render_html
from migration_audit.report import AuditReport
from tests.migration_audit.audit_support import PROJECT, real_tables

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return run_audit(AuditOptions(paths=(PROJECT,), root=PROJECT, jobs=1), tables=real_tables())


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "headless Chromium is required for the HTML report test: "
        "apt-get install -y chromium (the README's test command does this)"
    )


def dump_dom(html_file: Path, profile: Path) -> str:
    command = [
        _chromium(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        "--dump-dom",
        html_file.as_uri(),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_html_report_renders_summary_and_charts(report: AuditReport, tmp_path: Path) -> None:
    html_file = tmp_path / "audit.html"
    html_file.write_text(render_html(report), "utf-8")
    dom = dump_dom(html_file, tmp_path / "profile")
    # the browser parsed the document and kept the report's structure
    assert '<section id="summary">' in dom
    total = re.search(r'id="total-findings"><b>(\d+)</b>', dom)
    assert total is not None and int(total.group(1)) == report.totals.findings
    # one bar per API, with the API's count, in the per-API chart
    chart = re.search(r'<svg id="chart-api".*?</svg>', dom, re.S)
    assert chart is not None
    bars = dict(re.findall(r'data-label="([^"]+)" data-value="(\d+)"', chart.group(0)))
    assert {api: int(n) for api, n in bars.items()} == {a.api: a.count for a in report.apis}
    file_chart = re.search(r'<svg id="chart-file".*?</svg>', dom, re.S)
    assert file_chart is not None
    assert file_chart.group(0).count('class="bar"') == len([f for f in report.files if f.findings])
    assert "Review checklist" in dom
    assert "broken/BrokenActivity.java" in dom


def test_html_report_is_self_contained(report: AuditReport) -> None:
    html = render_html(report)
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "<link" not in html
    assert html.count("<svg") >= 2
