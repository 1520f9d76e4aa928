"""Report renderers. Each takes an :class:`~migration_audit.report.AuditReport` and returns text.

They are pure functions of the report, so every format shows the same facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from migration_audit.render.html import render_html
from migration_audit.render.jsonout import render_json
from migration_audit.render.markdown import render_markdown
from migration_audit.render.sarif import render_sarif
from migration_audit.render.table import render_table
from migration_audit.report import AuditReport

Renderer = Callable[[AuditReport], str]

#: Format name (as on the command line) -> renderer.
RENDERERS: Mapping[str, Renderer] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "html": render_html,
}

__all__ = ["RENDERERS", "Renderer"]
