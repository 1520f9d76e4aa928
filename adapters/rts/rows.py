"""The RTS table, compiled once: engine rows, room rows, and the code lookup.

The table's event rows become two sets of generated functions (:mod:`mapping_tables.codegen`):
those of the engine handler's callbacks and those of the room handler's (``topic = "room"``),
run with the engine or the room as the rows' ``session`` and sink. The expression functions
are the shared ones, with ``legacy_code()`` reading this table's ``[[code]]`` rows.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs

from mapping_tables import load
from mapping_tables.codegen import CompiledRows, compile_rows
from mapping_tables.dialect import EXTENSION_ENUMS, load_dialect
from mapping_tables.expr import Function
from mapping_tables.functions import ErrorCodeLookup, standard_functions
from mapping_tables.model import DialectTable, EventRow

from .views import ROW_VIEWS

__all__ = ["RtsRows", "deliver_row", "rts_rows"]


class CodeLookup:
    """RTM enum value -> RTS code, from the table's ``[[code]]`` rows (an OK member without
    a row is 0, as in the shared ``legacy_code``)."""

    def __init__(self, table: DialectTable) -> None:
        self._codes = {(c.rtm_enum, c.rtm_value): c.legacy_value for c in table.codes}

    def code(self, enum: object, value: object) -> int:
        if not isinstance(enum, str):
            raise TypeError(f"enum name must be a string, got {enum!r}")
        members = EXTENSION_ENUMS.get(enum)
        if members is not None and isinstance(value, str):
            number = members[value]
        elif members is not None and isinstance(value, int):
            number = value
        else:
            number = ErrorCodeLookup.member_value(enum, value)
        found = self._codes.get((enum, number))
        if found is not None:
            return found
        if number == 0:
            return 0
        raise KeyError(f"rts.toml has no RTS code for {enum} value {number}")


@attrs.frozen
class RtsRows:
    table: DialectTable
    functions: Mapping[str, Function]
    engine: CompiledRows
    room: CompiledRows
    codes: CodeLookup


@functools.cache
def rts_rows() -> RtsRows:
    """The packaged RTS table compiled (once per process)."""
    table = load_dialect()
    codes = CodeLookup(table)
    functions = dict(standard_functions(load()))
    functions["legacy_code"] = codes.code
    room_callbacks = frozenset(e.legacy for e in table.events if e.topic == "room")

    def compiled(room: bool) -> CompiledRows:
        return compile_rows(
            table.events,
            functions,
            ROW_VIEWS,
            file=table.file,
            label=f"rts {'room' if room else 'engine'}",
            skip=lambda row: (row.legacy in room_callbacks) != room,
        )

    return RtsRows(table, functions, compiled(False), compiled(True), codes)


def deliver_row(sink: Any, row: EventRow, args: tuple[object, ...]) -> None:
    """A row firing the compiled code did not hand to the handler itself (no handler, or a
    row trace is kept), for an engine or a room (``sink``: ``usage``, ``handler``,
    ``destroyed``, ``callback_failed``)."""
    if sink.usage is not None:
        sink.usage.rows.append(row)
    handler = sink.handler
    if handler is None or sink.destroyed:
        return
    try:
        getattr(handler, row.legacy)(*args)
    except Exception:
        sink.callback_failed(row.legacy)
