"""The generated Markdown documents every row, difference, error code and catalogue entry."""

from __future__ import annotations

import re

import pytest

from mapping_tables import Flavour, MappingTables
from mapping_tables.render import render_markdown


@pytest.fixture(scope="module")
def doc(tables: MappingTables) -> str:
    return render_markdown(tables)


def section(doc: str, heading: str) -> str:
    start = doc.index(heading)
    nxt = doc.find("\n## ", start + len(heading))
    return doc[start : nxt if nxt != -1 else len(doc)]


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_method_row_is_documented(doc: str, tables: MappingTables, flavour: Flavour) -> None:
    table = tables.flavour(flavour)
    part = section(doc, f"## {'C++' if flavour is Flavour.CPP else 'Java'} flavour")
    lines = [line for line in part.splitlines() if line.startswith("| `")]
    for row in table.methods:
        signature = f"`{row.legacy}({', '.join(row.args)})`"
        matching = [line for line in lines if line.startswith(f"| {signature} |")]
        assert len(matching) == 1, row.legacy
        assert f"`{row.operation}`" in matching[0]
        assert f"| {row.status.value} |" in matching[0]
        for name in row.rtm:
            assert f"`{name}`" in matching[0]


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_event_row_is_documented(doc: str, tables: MappingTables, flavour: Flavour) -> None:
    table = tables.flavour(flavour)
    part = section(doc, f"## {'C++' if flavour is Flavour.CPP else 'Java'} flavour")
    start = part.index("### Callbacks")
    end = part.find("\n### ", start + 1)
    callback_part = part[start : end if end != -1 else len(part)]
    lines = [line for line in callback_part.splitlines() if line.startswith("| `on")]
    assert len(lines) == len(table.events)
    for line, row in zip(lines, table.events, strict=True):
        assert line.startswith(f"| `{row.legacy}(")
        if row.rtm:
            assert f"`{row.rtm}`" in line
        if row.trigger:
            assert f"of `{row.trigger}`" in line
        for key in row.differences:
            assert f"[{key}]" in line
    for name in table.rtm_only:
        assert f"`{name}`" in part
    for seed_name in table.seed_spellings:
        assert f"`{seed_name}`" in part


def test_every_difference_is_explained(doc: str, tables: MappingTables) -> None:
    part = section(doc, "## Differences")
    for key, diff in tables.differences.items():
        assert f"### {key}\n" in part
        assert diff.title in part
        assert diff.explanation.replace("|", "\\|")[:60] in part or diff.explanation[:60] in part
        if diff.emulation:
            assert diff.emulation in part


def test_every_error_code_and_api_is_listed(doc: str, tables: MappingTables) -> None:
    codes = section(doc, "## Error codes")
    for code in tables.error_codes:
        cells = (
            f"| `{code.rtm_name}` | {code.rtm_value} | `{code.legacy_name}` | {code.legacy_value} |"
        )
        assert cells in codes, code.rtm_name
    catalogue = section(doc, "## Legacy API catalogue")
    for api in tables.legacy_api.values():
        assert f"| `{api.name}` | {api.kind} |" in catalogue


def test_markdown_tables_are_well_formed(doc: str) -> None:
    width = None
    for line in doc.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line)) - 1
        if width is None:
            width = cells
        assert cells == width, line


def test_operations_are_listed(doc: str, tables: MappingTables) -> None:
    for op in tables.operations:
        assert f"`{op}`" in doc.split("\n## ", 1)[0]


def test_the_rts_table_is_documented() -> None:
    from mapping_tables.dialect import load_dialect
    from mapping_tables.render import render_dialect_markdown

    table = load_dialect()
    doc = render_dialect_markdown(table)
    for row in table.methods:
        assert f"`{row.legacy}({', '.join(row.args)})`" in doc
    for event in table.events:
        assert f"`{event.legacy}({', '.join(event.args)})`" in doc
    for enum in table.enums:
        assert f"### {enum.name}" in doc
        for member in enum.members:
            assert f"`{member.name}`" in doc
    for name in table.names:
        assert f"`{name.name}`" in doc
    for key in table.differences:
        assert f"### {key}" in doc
    test_markdown_tables_are_well_formed(doc)
