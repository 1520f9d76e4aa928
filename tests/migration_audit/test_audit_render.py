"""Renderers: the terminal table keeps ``file:line`` whole, and the HTML report wraps long
cells between tokens, never inside one (measured in headless Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migration_audit.audit import AuditOptions, run_audit
from migration_audit.render.html import render_html
from migration_audit.render.table import render_table
from migration_audit.report import AuditReport
from tests.migration_audit.audit_support import PROJECT, real_tables
from tests.migration_audit.test_audit_html import dump_dom


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return run_audit(AuditOptions(paths=(PROJECT,), root=PROJECT, jobs=1), tables=real_tables())


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_table_shows_file_and_line_whole(report: AuditReport, width: int) -> None:
    text = render_table(report, width=width)
    findings = text.split("Findings", 1)[1]
    for finding in report.findings[:20]:
        location = f"{finding.path}:{finding.line}"
        assert re.search(rf"(?<![\w/]){re.escape(location)}(?!\d)", findings), location


#: Appended to a copy of the report (never to the product, which has no script): counts the
#: tokens (code spans and RTM names) that the browser laid out on more than one line.
MEASURE = """
<script>
const broken = [...document.querySelectorAll('td code, td .tok')]
  .filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 24);
const out = document.createElement('div');
out.id = 'measure';
out.textContent = broken.length + ' of ' + document.querySelectorAll('td code, td .tok').length;
document.body.appendChild(out);
</script>
"""


def test_html_tables_do_not_break_tokens(report: AuditReport, tmp_path: Path) -> None:
    html = render_html(report)
    assert 'class="tok"' in html
    page = tmp_path / "measured.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"), "utf-8")
    dom = dump_dom(page, tmp_path / "profile")
    found = re.search(r'<div id="measure">(\d+) of (\d+)</div>', dom)
    assert found is not None, "the measurement ran"
    broken, total = int(found.group(1)), int(found.group(2))
    assert total > 100
    assert broken == 0, f"{broken} tokens wrapped inside themselves"
