"""Generated Markdown documentation of the mapping tables (``sig2rtm tables``).

Generated from the loaded :class:`MappingTables`, never written by hand, so the migration guide
cannot drift from what the shim executes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mapping_tables.model import (
    DialectTable,
    Difference,
    ErrorCodeRow,
    EventRow,
    Flavour,
    FlavourTable,
    MappingTables,
    MethodRow,
    Status,
)

_FLAVOUR_TITLES = {
    Flavour.CPP: "C++ flavour (event handlers, seed {seed})",
    Flavour.JAVA: "Java flavour (ResultCallback, seed {seed})",
}


def _cell(text: str) -> str:
    """Markdown-safe table cell: pipes escaped, newlines folded."""
    return text.replace("|", "\\|").replace("\n", " ").strip() or "–"


def _code(text: str) -> str:
    return f"`{text}`" if text else "–"


def _codes(items: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) or "–"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _diff_links(keys: Iterable[str]) -> str:
    return ", ".join(f"[{k}](#{k.replace('_', '-')})" for k in keys) or "–"


def _method_cells(row: MethodRow) -> list[str]:
    status = row.status.value
    detail = row.unsupported_reason if row.status is Status.UNSUPPORTED else row.note
    return [
        f"`{row.legacy}({', '.join(row.args)})`",
        _codes(row.rtm),
        status,
        _diff_links(row.differences),
        _code(row.operation),
        detail or "",
    ]


def _event_cells(row: EventRow) -> list[str]:
    rtm = _code(row.rtm)
    if row.trigger:
        rtm += f" of `{row.trigger}`"
    projection = "; ".join(
        f"{arg} = `{row.projection[arg]}`" for arg in row.args if arg in row.projection
    )
    conditions = []
    if row.request:
        conditions.append("answers " + ", ".join(f"`{m}`" for m in row.request))
    if row.outcome:
        conditions.append("on success" if row.outcome == "ok" else "on failure")
    if row.when:
        conditions.append(_code(row.when))
    when = "; ".join(conditions) or "always"
    if row.each:
        when += f"; once per item of `{row.each}`"
    return [
        f"`{row.legacy}({', '.join(row.args)})`",
        rtm,
        row.status.value,
        when,
        projection or row.note,
        _diff_links(row.differences),
    ]


def _flavour_section(table: FlavourTable) -> list[str]:
    out = [f"## {_FLAVOUR_TITLES[table.flavour].format(seed=table.seed)}", "", "### Methods", ""]
    out += _table(
        ["Legacy", "RTM calls", "Status", "Differences", "Operation", "Note"],
        (_method_cells(r) for r in table.methods),
    )
    out += ["", "### Callbacks", ""]
    out += _table(
        ["Legacy", "RTM source", "Status", "When", "Arguments", "Differences"],
        (_event_cells(r) for r in table.events),
    )
    if table.rtm_only:
        out += ["", "### RTM features without a legacy counterpart", ""]
        out += _table(["RTM", "Why"], ([_code(k), v] for k, v in table.rtm_only.items()))
    if table.seed_spellings:
        out += ["", f"### Spellings in seed {table.seed}", ""]
        out += _table(
            ["Seed writes", "Canonical name"],
            ([_code(k), _code(v)] for k, v in table.seed_spellings.items()),
        )
    return out


def _difference_section(diff: Difference) -> list[str]:
    return [
        f"### {diff.key}",
        "",
        f"**{diff.title}.** {diff.explanation}",
        "",
        f"- Review: {diff.review}",
        f"- Shim emulation: {diff.emulation or 'none'}",
        f"- Effort without the shim: {diff.effort}",
        f"- Source: {diff.source}",
    ]


def render_markdown(tables: MappingTables) -> str:
    """The full mapping reference as Markdown: flavours, differences, error codes, catalogue."""
    out = [
        "# Legacy Signaling → RTM mapping tables",
        "",
        "Generated from `mapping_tables/data/*.toml`; do not edit by hand.",
        "",
        f"Adapter operations ({len(tables.operations)}): {_codes(tables.operations)}.",
        "",
    ]
    for flavour in Flavour:
        out += _flavour_section(tables.flavour(flavour))
        out.append("")
    out += ["## Differences", ""]
    for diff in tables.differences.values():
        out += _difference_section(diff)
        out.append("")
    out += ["## Error codes", ""]
    out += _table(
        ["RTM enum", "RTM member", "Value", "Legacy code", "Value", "Legacy callback"],
        (_code_cells(r) for r in tables.error_codes),
    )
    out += ["", "## Legacy API catalogue", ""]
    out += _table(
        ["Name", "Kind", "Generic", "Spellings"],
        (
            [
                _code(api.name),
                api.kind,
                "yes" if api.generic else "",
                ", ".join(f"{s.platform}: `{s.name}`" for s in api.spellings),
            ]
            for api in tables.legacy_api.values()
        ),
    )
    return "\n".join(out) + "\n"


def _code_cells(r: ErrorCodeRow) -> list[str]:
    return [
        _code(r.rtm_enum),
        _code(r.rtm_name),
        str(r.rtm_value),
        _code(r.legacy_name),
        str(r.legacy_value),
        _code(r.legacy_callback),
    ]


def render_dialect_markdown(table: DialectTable) -> str:
    """A dialect table (``rts.toml``) as Markdown: calls, callbacks, codes, enums, names."""
    seeds = ", ".join(table.seeds)
    out = [
        f"# The {table.dialect.upper()} dialect → RTM mapping table",
        "",
        f"Generated from `mapping_tables/data/{table.file}` (seeds {seeds}); do not edit by hand.",
        "",
        table.description,
        "",
        "## Methods",
        "",
    ]
    out += _table(
        ["Method", "RTM calls", "Status", "Differences", "Operation", "Note"],
        (_method_cells(r) for r in table.methods),
    )
    out += ["", "## Callbacks", ""]
    out += _table(
        ["Callback", "RTM source", "Status", "When", "Arguments", "Differences"],
        (_event_cells(r) for r in table.events),
    )
    out += ["", "## Codes", ""]
    out += _table(
        ["RTM enum", "RTM member", "Value", f"{table.dialect.upper()} code", "Value", "Callback"],
        (_code_cells(r) for r in table.codes),
    )
    out += ["", "## Enums", ""]
    for enum in table.enums:
        out += [f"### {enum.name}", ""]
        out += _table(
            ["Member", "Value", "Status", "Why"],
            ([_code(m.name), str(m.value), m.status.value, m.note] for m in enum.members),
        )
        out.append("")
    out += ["## Other names of the seeds", ""]
    out += _table(
        ["Name", "Kind", "Status", "Runs on", "Note"],
        ([_code(n.name), n.kind, n.status.value, n.runs_on, n.note] for n in table.names),
    )
    out += ["", "## Platform spellings", ""]
    out += _table(["Seed writes", "Row"], ([_code(k), _code(v)] for k, v in table.aliases.items()))
    out += ["", "## Differences", ""]
    for diff in table.differences.values():
        out += _difference_section(diff)
        out.append("")
    return "\n".join(out) + "\n"
