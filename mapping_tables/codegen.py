"""Event rows compiled to Python, once, the way attrs writes ``__init__``.

A dialect's event rows are data (``[[event]]`` in a table file). Interpreting them on every
RTM event — finding the rows, walking each condition, resolving each path — cost more than
the messaging itself. So at load time every (RTM callback, trigger) of a table becomes one
generated Python function:

* the rows that can fire for that callback, in table order, each an ``if`` block;
* a row's structured fields become direct tests (``request`` -> ``method == "channelJoin"``,
  ``outcome`` -> ``errorCode == 0``), its residual ``when`` inline Python with literals and
  ``rtm_const(...)`` folded;
* argument projections become attribute and index access (``params["peerId"]``,
  ``message.text``), each event parameter turned into its legacy view once;
* a sub-expression used more than once (the decoded peer signal, ``message.text``) is
  computed at most once per event, lazily, so no row evaluates what an earlier row did.

The generated source is kept (``source``, :meth:`CompiledRows.code_for`) and registered with
:mod:`linecache`, so tracebacks show it; an exception raised by a row's code is re-raised as
:class:`RowError` naming the table file and the row's line.

The semantics are exactly those of :mod:`mapping_tables.expr` (strict booleans, ``true`` never
equal to ``1``): the interpreter there remains the definition and is used by the language's
own tests; everything that runs rows — the adapters and the row tests — runs this code.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from mapping_tables.expr import (
    Function,
    compile_expr,
)
from mapping_tables.model import EventRow, Status
from mapping_tables.rowexpr import (
    RUNTIME,
    ExpressionWriter,
    PrefixGuarded,
    Views,
    projection_code,
    repeated,
    row_local,
)

__all__ = [
    "CompiledRows",
    "Emit",
    "EventFunction",
    "RowError",
    "RowRequest",
    "Sink",
    "compile_rows",
]


class RowRequest(Protocol):
    """What a row's ``request.*`` reads: the legacy method and its arguments."""

    method: str
    args: Mapping[str, Any]


#: Receives one firing: the row that fired and the legacy callback's arguments.
Emit = Callable[[EventRow, tuple[object, ...]], None]


class Sink(Protocol):
    """Where firings go. With no usage trace and a handler, the generated code calls the
    handler's method itself (no call in between: this is every callback's path); otherwise,
    and for the callbacks named ``slow`` at compile time, it calls ``emit_row``."""

    handler: Any
    usage: object | None
    destroyed: bool

    def emit_row(self, row: EventRow, args: tuple[object, ...]) -> None: ...
    def callback_failed(self, name: str) -> None: ...


#: A compiled (RTM callback, trigger): ``fn(params, request_or_None, session, sink)``.
EventFunction = Callable[[Mapping[str, Any], Any, Any, Sink], None]


@attrs.define
class _EmitSink:
    """A sink that hands every firing to one function (tests, and ``CompiledRows.run``)."""

    emit: Emit
    handler: Any = None
    usage: object | None = True
    destroyed: bool = False

    def emit_row(self, row: EventRow, args: tuple[object, ...]) -> None:
        self.emit(row, args)

    def callback_failed(self, name: str) -> None:  # pragma: no cover - no handler here
        raise AssertionError(name)


class RowError(Exception):
    """A row's generated code failed on an event; the message names the file and row."""

    def __init__(self, row: EventRow, file: str, cause: BaseException) -> None:
        where = f"{file}:{row.line}" if row.line else file
        super().__init__(
            f"{where}: event row {row.legacy} <- {row.rtm or '(none)'}"
            f"{' [' + row.trigger + ']' if row.trigger else ''} failed: "
            f"{type(cause).__name__}: {cause}"
        )
        self.row = row
        self.file = file


# --------------------------------------------------------------------------- the result


@attrs.frozen
class CompiledRows:
    """One table's event rows as generated functions, keyed by (RTM callback, trigger)."""

    file: str
    source: str
    filename: str
    functions: Mapping[tuple[str, str], EventFunction]
    #: (first, last) generated line of each row's block, and the row.
    spans: tuple[tuple[int, int, EventRow], ...]
    #: Generated function name -> (first, last) line.
    bodies: Mapping[str, tuple[int, int]]
    #: (RTM callback, trigger) -> generated function name.
    names: Mapping[tuple[str, str], str]

    def run(
        self,
        rtm: str,
        trigger: str,
        params: Mapping[str, Any],
        request: Any,
        session: Any,
        emit: Emit,
    ) -> None:
        """Run the rows of one RTM event (no rows: nothing happens); errors name the row."""
        fn = self.functions.get((rtm, trigger))
        if fn is not None:
            try:
                fn(params, request, session, _EmitSink(emit))
            except Exception as exc:
                raise self.row_error(exc) from exc

    def row_error(self, exc: BaseException) -> BaseException:
        """``exc`` as a :class:`RowError` naming the row whose code raised it (or as is)."""
        row = self.row_of(exc)
        return exc if row is None or isinstance(exc, RowError) else RowError(row, self.file, exc)

    def row_of(self, exc: BaseException) -> EventRow | None:
        """The row whose generated code raised ``exc``, from its traceback."""
        tb = exc.__traceback__
        found: EventRow | None = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                found = self._row_at(tb.tb_lineno) or found
            tb = tb.tb_next
        return found

    def _row_at(self, lineno: int) -> EventRow | None:
        for first, last, row in self.spans:
            if first <= lineno <= last:
                return row
        return None

    def code_for(self, row: EventRow) -> str:
        """The generated function that runs ``row`` (its whole function: rows of one RTM
        callback are compiled together)."""
        name = self.names.get((row.rtm, row.trigger))
        if name is None:
            raise KeyError(f"{row.legacy} <- {row.rtm}: no generated code (never fires here)")
        first, last = self.bodies[name]
        return "\n".join(self.source.splitlines()[first - 1 : last]) + "\n"


def _firing(indent: str, index: int, row: EventRow, args: str, slow: frozenset[str]) -> list[str]:
    """One firing: the handler's method called directly when it can be, else ``emit_row``."""
    if row.legacy in slow:
        return [f"{indent}sink.emit_row(R{index}, {args})"]
    return [
        f"{indent}_a = {args}",
        f"{indent}if sink.usage is None and (_h := sink.handler) is not None"
        " and not sink.destroyed:",
        f"{indent}    try:",
        f"{indent}        _h.{row.legacy}(*_a)",
        f"{indent}    except Exception:",
        f"{indent}        sink.callback_failed({row.legacy!r})",
        f"{indent}else:",
        f"{indent}    sink.emit_row(R{index}, _a)",
    ]


def _function(
    name: str,
    rows: Sequence[tuple[int, EventRow]],
    views: Views,
    first_line: int,
    constants: dict[str, object],
    slow: frozenset[str],
    guarded: Mapping[str, PrefixGuarded],
) -> tuple[list[str], list[tuple[int, int, EventRow]]]:
    w = ExpressionWriter(views, repeated([row for _, row in rows]), constants, guarded)
    body: list[str] = []
    spans: list[tuple[int, int, EventRow]] = []
    needs_method = any(row.request for _, row in rows)
    needs_code = any(row.outcome for _, row in rows)
    for _, row in rows:
        # Each row's test runs whatever other rows did; its first clause is certain.
        if row.when and not row.request and not row.outcome:
            w.hoist(compile_expr(row.when), row)
    for index, row in rows:
        start = len(body)
        tests: list[str] = []
        if row.request:
            methods = row.request
            tests.append(
                f"method == {methods[0]!r}" if len(methods) == 1 else f"method in {methods!r}"
            )
        if row.outcome:
            tests.append("code == 0" if row.outcome == "ok" else "code != 0")
        if row.when:
            tests.append(w.cond(compile_expr(row.when)))
        body.append(f"    # row {index}: {row.legacy} (line {row.line})")
        indent = "    "
        if tests:
            body.append(f"    if {' and '.join(tests)}:")
            indent = "        "
        if row.each:
            each = w.expr(compile_expr(row.each))
            body.append(f"{indent}for _item in _items({each}):")
            body += _firing(indent + "    ", index, row, projection_code(w, row, "_item"), slow)
        else:
            body += w.assign_local(row_local([r for _, r in rows], row), indent)
            body += _firing(indent, index, row, projection_code(w, row, None), slow)
        spans.append((start, len(body) - 1, row))
    head = [f"def {name}(params, req, session, sink):"]
    if needs_method:
        head.append("    method = req.method if req is not None else None")
    if needs_code:
        head.append("    code = params['errorCode']")
    prelude_at = first_line + len(head)
    head.extend(w.prelude)
    head.extend(f"    {var} = _U" for var in w.cached.values())
    offset = first_line + len(head)
    lines = head + body
    hoisted = [(prelude_at + i, prelude_at + i, row) for i, row in enumerate(w.prelude_rows)]
    return lines, hoisted + [(offset + a, offset + b, row) for a, b, row in spans]


def compile_rows(
    rows: Sequence[EventRow],
    functions: Mapping[str, Function],
    views: Views,
    *,
    file: str,
    label: str,
    skip: Callable[[EventRow], bool] = lambda row: False,
    slow: frozenset[str] = frozenset(),
) -> CompiledRows:
    """Generate, compile and bind the functions for ``rows`` (those ``skip`` does not drop).

    ``functions`` implements the expression language's functions; ``views`` says how each
    event parameter is shown; ``label`` names the generated module (``<rows cpp legacy>``);
    firings of the callbacks in ``slow`` always go through the sink's ``emit_row`` (those
    whose delivery changes the sink's state).
    """
    grouped: dict[tuple[str, str], list[tuple[int, EventRow]]] = {}
    for index, row in enumerate(rows, 1):
        if not row.rtm or row.status is Status.UNSUPPORTED or skip(row):
            continue
        grouped.setdefault((row.rtm, row.trigger), []).append((index, row))
    guarded = {n: fn for n, fn in functions.items() if isinstance(fn, PrefixGuarded)}
    filename = f"<sig2rtm rows {label}>"
    lines = [f"# Generated from {file} by mapping_tables.codegen: do not edit.", ""]
    spans: list[tuple[int, int, EventRow]] = []
    bodies: dict[str, tuple[int, int]] = {}
    names: dict[tuple[str, str], str] = {}
    constants: dict[str, object] = {}
    for n, (key, group) in enumerate(grouped.items(), 1):
        rtm, trigger = key
        short = rtm.rpartition(".")[2] + (f"__{trigger.rpartition('.')[2]}" if trigger else "")
        name = f"ev{n}_{short}"
        first = len(lines) + 1
        code, row_spans = _function(name, group, views, first, constants, slow, guarded)
        lines.extend(code)
        bodies[name] = (first, len(lines))
        names[key] = name
        spans.extend(row_spans)
        lines.append("")
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = dict(RUNTIME)
    namespace.update({f"F_{fname}": fn for fname, fn in functions.items()})
    namespace.update({f"V_{vname}": fn for vname, fn in views.functions.items()})
    namespace.update(constants)
    for index, row in enumerate(rows, 1):
        namespace[f"R{index}"] = row
    exec(compile(source, filename, "exec"), namespace)  # generated from validated rows
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    compiled = {key: namespace[name] for key, name in names.items()}
    return CompiledRows(
        file=file,
        source=source,
        filename=filename,
        functions=compiled,
        spans=tuple(spans),
        bodies=bodies,
        names=names,
    )
