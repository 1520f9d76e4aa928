"""Read the Markdown comparison tables of the seed documents and check a flavour table covers them.

The seeds (``../shared/seeds/001_*.txt`` for C++, ``003_*.txt`` for Java) are the first authority
on which legacy name maps to which RTM name. Each table row has a description cell, a legacy cell
and an RTM cell; a cell holds one or more names (backticks, Markdown links, ``/`` or ``<li>``
lists, footnote markers) or ``N/A`` (possibly followed by a pointer to another row). Names that
start with ``on`` + capital are callbacks, the rest are methods. The seeds' own spelling slips are
resolved through the table's ``[seed_spellings]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from mapping_tables.model import FlavourTable
from mapping_tables.rtm_surface import short_name

_SUP = re.compile(r"<sup>.*?</sup>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALLBACK = re.compile(r"^[oO]n[A-Z]")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
#: The ideographic full stop: after it a cell only adds a remark ("see ...", "error codes ...").
_REMARK = "\u3002"


@attrs.frozen
class SeedRow:
    """One row of a seed comparison table: the names in its legacy and RTM cells."""

    line: int
    legacy: tuple[str, ...]
    rtm: tuple[str, ...]


def is_callback(name: str) -> bool:
    return bool(_CALLBACK.match(name))


def cell_names(cell: str) -> tuple[str, ...]:
    """The API names in one table cell; () for N/A and empty cells."""
    text = cell.strip()
    if not text or text.upper().startswith("N/A"):
        return ()
    text = text.split(_REMARK, 1)[0]
    text = _SUP.sub("", text)
    text = _LINK_TARGET.sub("]", text)
    text = _TAG.sub(" ", text)
    return tuple(m.group() for m in _NAME.finditer(text))


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return body.split("|")


def parse_seed(text: str) -> tuple[SeedRow, ...]:
    """Every data row of every three-column table in `text` (header and rule rows skipped)."""
    rows: list[SeedRow] = []
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        if not in_table:  # the first line of a table is its header
            in_table = True
            continue
        if _SEPARATOR.match(line.strip()):
            continue
        cells = _cells(line)
        if len(cells) != 3:
            raise ValueError(f"line {number}: expected 3 cells, found {len(cells)}")
        legacy, rtm = cell_names(cells[1]), cell_names(cells[2])
        if legacy or rtm:
            rows.append(SeedRow(line=number, legacy=legacy, rtm=rtm))
    return tuple(rows)


def coverage_problems(table: FlavourTable, rows: Iterable[SeedRow]) -> list[str]:
    """What the seed names that `table` lacks (empty when the table covers the seed)."""
    spell = table.seed_spellings
    methods = {m.legacy for m in table.methods}
    callbacks = {e.legacy for e in table.events}
    rtm_methods = {short_name(n) for m in table.methods for n in m.rtm}
    rtm_callbacks = {short_name(e.rtm) for e in table.events if e.rtm}
    rtm_only = {short_name(n) for n in table.rtm_only}
    problems: list[str] = []
    for row in rows:
        for name in row.legacy:
            canonical = spell.get(name, name)
            known = callbacks if is_callback(canonical) else methods
            if canonical not in known:
                kind = "callback" if is_callback(canonical) else "method"
                problems.append(f"line {row.line}: legacy {kind} {name!r} has no row")
        for name in row.rtm:
            canonical = spell.get(name, name)
            known = rtm_callbacks if is_callback(canonical) else rtm_methods
            if canonical not in known and canonical not in rtm_only:
                problems.append(f"line {row.line}: RTM name {name!r} is used by no row")
    return problems
