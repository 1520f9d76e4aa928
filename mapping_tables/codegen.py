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

import itertools
import linecache
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from mapping_tables.expr import (
    Function,
    Path,
    compile_expr,
    paths,
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
    "Entry",
    "EventFunction",
    "RowError",
    "RowRequest",
    "Sink",
    "compile_entries",
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
    #: What :func:`compile_entries` regenerates the rows from: each function's rows (with
    #: their 1-based index in the table), how parameters are shown, the callbacks that
    #: always go through ``emit_row``, the prefix-guarded functions, the globals.
    groups: Mapping[tuple[str, str], tuple[tuple[int, EventRow], ...]] = attrs.field(factory=dict)
    views: Views | None = None
    slow: frozenset[str] = frozenset()
    guarded: Mapping[str, PrefixGuarded] = attrs.field(factory=dict)
    namespace: Mapping[str, Any] = attrs.field(factory=dict)
    #: Rows compiled into entries (:func:`compile_entries`): file name -> spans.
    entry_spans: dict[str, tuple[tuple[int, int, EventRow], ...]] = attrs.field(
        factory=dict, eq=False
    )

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
            filename = tb.tb_frame.f_code.co_filename
            if filename == self.filename:
                found = _row_at(self.spans, tb.tb_lineno) or found
            elif filename in self.entry_spans:
                found = _row_at(self.entry_spans[filename], tb.tb_lineno) or found
            tb = tb.tb_next
        return found

    def session_fields(self, rtm: str, trigger: str) -> frozenset[str]:
        """The session fields the rows of (``rtm``, ``trigger``) read."""
        return frozenset(p.parts[0] for p in self._paths(rtm, trigger) if p.root == "session")

    def event_paths(self, rtm: str, trigger: str) -> frozenset[str]:
        """The event paths the rows of (``rtm``, ``trigger``) read (``message.text``)."""
        return frozenset(".".join(p.parts) for p in self._paths(rtm, trigger) if p.root == "event")

    def _paths(self, rtm: str, trigger: str) -> list[Path]:
        out: list[Path] = []
        for _, row in self.groups.get((rtm, trigger), ()):
            for text in (row.when, row.each, *row.projection.values()):
                if text:
                    out.extend(paths(compile_expr(text)))
        return out

    def fires_slow(self, rtm: str, trigger: str) -> bool:
        """Whether a row of (``rtm``, ``trigger``) fires a callback named ``slow``."""
        return any(row.legacy in self.slow for _, row in self.groups.get((rtm, trigger), ()))

    def code_for(self, row: EventRow) -> str:
        """The generated function that runs ``row`` (its whole function: rows of one RTM
        callback are compiled together)."""
        name = self.names.get((row.rtm, row.trigger))
        if name is None:
            raise KeyError(f"{row.legacy} <- {row.rtm}: no generated code (never fires here)")
        first, last = self.bodies[name]
        return "\n".join(self.source.splitlines()[first - 1 : last]) + "\n"


def _row_at(spans: Sequence[tuple[int, int, EventRow]], lineno: int) -> EventRow | None:
    for first, last, row in spans:
        if first <= lineno <= last:
            return row
    return None


def _firing(
    indent: str, index: int, row: EventRow, args: Sequence[str], slow: frozenset[str]
) -> list[str]:
    """One firing: the handler's method called directly when it can be, else ``emit_row``.

    The arguments are computed first, into locals (a failing projection is the row's error,
    never taken for the app's), and passed as such: no tuple and no ``*`` on the path of
    every callback."""
    names = [f"_a{i}" for i in range(len(args))]
    packed = "(" + "".join(f"{n}, " for n in names) + ")"
    lines = [f"{indent}{n} = {code}" for n, code in zip(names, args, strict=True)]
    if row.legacy in slow:
        return [*lines, f"{indent}sink.emit_row(R{index}, {packed})"]
    return [
        *lines,
        f"{indent}if sink.usage is None and (_h := sink.handler) is not None"
        " and not sink.destroyed:",
        f"{indent}    try:",
        f"{indent}        _h.{row.legacy}({', '.join(names)})",
        f"{indent}    except Exception:",
        f"{indent}        sink.callback_failed({row.legacy!r})",
        f"{indent}else:",
        f"{indent}    sink.emit_row(R{index}, {packed})",
    ]


def _rows_block(
    rows: Sequence[tuple[int, EventRow]],
    views: Views,
    constants: dict[str, object],
    slow: frozenset[str],
    guarded: Mapping[str, PrefixGuarded],
    param: Callable[[str], str] | None = None,
    session: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> tuple[list[str], list[tuple[int, int, EventRow]]]:
    """The statements running ``rows`` (indented one level) and each row's (first, last)
    line in them, 0-based; they read ``params``/``req``/``session``/``sink`` (an event
    parameter as ``param`` writes it; the ``session`` fields named there as given)."""
    w = ExpressionWriter(
        views, repeated([row for _, row in rows]), constants, guarded, param, session, aliases
    )
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
    head: list[str] = []
    if needs_method:
        head.append("    method = req.method if req is not None else None")
    if needs_code:
        head.append(f"    code = {(param or _from_params)('errorCode')}")
    prelude_at = len(head)
    head.extend(w.prelude)
    head.extend(f"    {var} = _U" for var in w.cached.values())
    hoisted = [(prelude_at + i, prelude_at + i, row) for i, row in enumerate(w.prelude_rows)]
    offset = len(head)
    return head + body, hoisted + [(offset + a, offset + b, row) for a, b, row in spans]


def _from_params(name: str) -> str:
    return f"params[{name!r}]"


def _function(
    name: str,
    rows: Sequence[tuple[int, EventRow]],
    views: Views,
    first_line: int,
    constants: dict[str, object],
    slow: frozenset[str],
    guarded: Mapping[str, PrefixGuarded],
) -> tuple[list[str], list[tuple[int, int, EventRow]]]:
    block, spans = _rows_block(rows, views, constants, slow, guarded)
    at = first_line + 1  # after the ``def`` line
    return [f"def {name}(params, req, session, sink):", *block], [
        (at + a, at + b, row) for a, b, row in spans
    ]


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
        groups={key: tuple(group) for key, group in grouped.items()},
        views=views,
        slow=slow,
        guarded=guarded,
        namespace=namespace,
    )


# --------------------------------------------------------------------------- entries


#: Names an entry's generated code binds itself: no event parameter may be called so.
_RESERVED = frozenset({"self", "params", "req", "session", "sink", "method", "code"})


@attrs.frozen
class Entry:
    """A handler method that runs one RTM callback's rows in its own frame.

    Why: a callback reaching its rows through a forwarder costs a frame and a dict of the
    arguments on every delivery, which in a channel fan-out is every member's. An entry is
    ``def name(self, <params>=None, ...)``: the adapter's ``before`` statements (indented
    one level; they bind ``session``, ``sink`` and ``req`` and open ``indent`` levels of
    blocks the rows run in), the rows with each event parameter read as a local, then
    ``after``. ``namespace`` holds the names the adapter's statements use.
    """

    name: str
    rtm: str
    trigger: str
    params: tuple[str, ...]
    before: tuple[str, ...]
    indent: int
    after: tuple[str, ...] = ()
    namespace: Mapping[str, Any] = attrs.field(factory=dict)
    #: Session fields the rows read as these expressions instead (``handler_channel``).
    session: Mapping[str, str] = attrs.field(factory=dict)
    #: Event paths the rows read as these expressions instead (``fromMember.userId``).
    aliases: Mapping[str, str] = attrs.field(factory=dict)


_entry_files = itertools.count(1)


def compile_entries(
    rows: CompiledRows, entries: Sequence[Entry], label: str
) -> dict[str, Callable[..., None]]:
    """Generate and compile ``entries`` against ``rows``: name -> function (unbound method).

    The source is registered with :mod:`linecache` and its row spans with ``rows``, so a
    row's failure inside an entry is named by ``rows.row_error`` as inside a rows function.
    An entry whose callback has no rows runs its statements alone.
    """
    if rows.views is None:
        raise ValueError("these rows were not compiled by compile_rows: no entries")
    filename = f"<sig2rtm entries {label} #{next(_entry_files)}>"
    lines = [f"# Generated from {rows.file} by mapping_tables.codegen: do not edit.", ""]
    spans: list[tuple[int, int, EventRow]] = []
    constants: dict[str, object] = {}
    namespace: dict[str, Any] = dict(rows.namespace)
    for entry in entries:
        clash = _RESERVED.intersection(entry.params)
        if clash:
            raise ValueError(f"{entry.rtm}: parameter names {sorted(clash)} are reserved")
        for key, value in entry.namespace.items():
            if namespace.setdefault(key, value) is not value:
                raise ValueError(f"entry {entry.name}: global {key!r} is already taken")
        known = frozenset(entry.params)

        def local(name: str, *, rtm: str = entry.rtm, known: frozenset[str] = known) -> str:
            if name not in known:
                raise ValueError(f"a row of {rtm} reads event.{name}: no such parameter")
            return name

        signature = ", ".join(["self", *(f"{p}=None" for p in entry.params)])
        lines.append(f"def {entry.name}({signature}):")
        lines.extend(entry.before)
        group = rows.groups.get((entry.rtm, entry.trigger), ())
        pad = "    " * entry.indent
        if group:
            at = len(lines) + 1
            block, block_spans = _rows_block(
                group,
                rows.views,
                constants,
                rows.slow,
                rows.guarded,
                local,
                entry.session,
                entry.aliases,
            )
            lines.extend(pad + line for line in block)
            spans.extend((at + a, at + b, row) for a, b, row in block_spans)
        else:
            lines.append(f"{pad}    pass")
        lines.extend(entry.after)
        lines.append("")
    source = "\n".join(lines) + "\n"
    # The entries' own constants (K1...), numbered afresh: in this namespace they replace
    # the rows functions' namesakes, which those functions keep in theirs.
    namespace.update(constants)
    exec(compile(source, filename, "exec"), namespace)  # generated from validated rows
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    rows.entry_spans[filename] = tuple(spans)
    return {entry.name: namespace[entry.name] for entry in entries}
