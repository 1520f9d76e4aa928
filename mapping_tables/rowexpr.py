"""A row's expressions written as Python: the writer :mod:`mapping_tables.codegen` uses.

The expression language (:mod:`mapping_tables.expr`) is written out as Python source with
the same meaning: strict booleans and ``true`` never equal to ``1`` (small run-time helpers
here where plain Python would differ), literals and ``rtm_const(...)`` folded, event
parameters shown through the adapter's views, and sub-expressions several rows use computed
once — hoisted to the top when certainly evaluated, else lazily on first use.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from mapping_tables.expr import (
    BoolOp,
    Call,
    Compare,
    Expr,
    ExprEvalError,
    ListExpr,
    Literal,
    Not,
    Path,
    compile_expr,
    format_expr,
)
from mapping_tables.model import EventRow

__all__ = [
    "RUNTIME",
    "ExpressionWriter",
    "PrefixGuarded",
    "Views",
    "plain",
    "projection_code",
    "repeated",
    "row_local",
]


class PrefixGuarded:
    """A function of one text whose result is ``otherwise`` unless the text starts with one
    of ``prefixes`` (``peer_signal``: only the shim's own signals decode to anything).

    Generated rows test the prefix inline and call the function only for such texts, so
    an ordinary message costs no call; the interpreter calls it as any function.
    """

    __slots__ = ("fn", "otherwise", "prefixes")

    def __init__(
        self, fn: Callable[[object], object], prefixes: tuple[str, ...], otherwise: object
    ) -> None:
        self.fn = fn
        self.prefixes = prefixes
        self.otherwise = otherwise

    def __call__(self, text: object) -> object:
        if not isinstance(text, str) or not text.startswith(self.prefixes):
            return self.otherwise
        return self.fn(text)


# --------------------------------------------------------------------------- run-time helpers
# The generated code calls these only where plain Python would not have the language's meaning.

_UNSET: Any = object()


def _bool(value: object) -> bool:
    if value is True or value is False:
        return value
    raise ExprEvalError(f"a condition operand is not a boolean: {value!r}", 0)


def _eq(a: object, b: object) -> bool:
    # true must not equal 1: legacy flags and RTM codes are compared, never mixed.
    if (a is True or a is False) != (b is True or b is False):
        return False
    return a == b


def _in(a: object, b: object) -> bool:
    if isinstance(b, str):
        if not isinstance(a, str):
            raise ExprEvalError("'in' a string needs a string on the left", 0)
        return a in b
    if isinstance(b, list | tuple | frozenset | set):
        return any(_eq(a, item) for item in b)
    if isinstance(b, Mapping):
        return a in b
    raise ExprEvalError("'in' needs a list, string or mapping on the right", 0)


def _in_ints(value: object, codes: frozenset[int]) -> bool:
    # ``in`` a list of int literals: true is never 1, so a bool is in no such list.
    return value.__class__ is not bool and value in codes


def _items(value: object) -> list[object] | tuple[object, ...]:
    if isinstance(value, list | tuple):
        return value
    raise ExprEvalError(f"`each` yielded {value!r}, not a list", 0)


#: Functions whose results are plain ``str``/``int``/``bool``/lists already.
_PLAIN_RESULTS = frozenset(
    {
        "legacy_uid", "str", "int", "flag", "len", "json_obj", "json_get", "json_attrs",
        "attr_value", "member_ids", "member_uids", "member_pairs", "member_count_of",
        "peer_online", "peer_signal", "signal_channel", "signal_payload", "rtm_error_name",
    }
)  # fmt: skip


def plain(value: object) -> object:
    """Callbacks carry plain ints and strs (not enum members), as native code would see."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value


# --------------------------------------------------------------------------- the writer


#: How each event parameter is shown to rows: the name of a view function in the
#: namespace, or None for the value as is. Parameters not listed use ``default``.
@attrs.frozen
class Views:
    functions: Mapping[str, Callable[[Any], Any]]
    by_param: Mapping[str, str | None]
    default: str
    #: View functions whose results are plain ``str``/``int`` (no enum to flatten).
    plain: frozenset[str] = frozenset()
    #: Event paths that always hold a plain ``str``/``int`` (``event.message.text``).
    plain_paths: frozenset[str] = frozenset()
    #: Event paths read straight from the raw parameter through one view function
    #: (``event.fromMember.userId`` -> ``legacy_name(params["fromMember"].userId)``): no
    #: view object is built for the parameter. Takes precedence over ``by_param``.
    paths: Mapping[str, str] = attrs.field(factory=dict)


def _counter() -> Iterator[int]:
    return itertools.count(1)


class ExpressionWriter:
    """Writes one generated function: rows of one (RTM callback, trigger)."""

    def __init__(
        self,
        views: Views,
        repeated: set[str],
        constants: dict[str, object],
        guarded: Mapping[str, PrefixGuarded] | None = None,
        param: Callable[[str], str] | None = None,
        session: Mapping[str, str] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.constants = constants
        #: Session fields an entry has as expressions of its own (``handler_channel``).
        self.session = session or {}
        #: Event paths an entry has as expressions of its own (``fromMember.userId`` ->
        #: ``userId``), still shown through their path views.
        self.aliases = aliases or {}
        #: How an event parameter is read: ``params['userId']`` in a rows function, the
        #: local ``userId`` in an entry (:func:`mapping_tables.codegen.compile_entries`).
        self.param = param or _param_from_dict
        #: Functions whose calls are guarded inline by their prefixes (:class:`PrefixGuarded`).
        self.guarded = guarded or {}
        self.views = views
        self.repeated = repeated
        self.cached: dict[str, str] = {}
        self.hoisted: dict[str, str] = {}
        self.prelude: list[str] = []
        #: The row each prelude line was hoisted from (errors there name that row).
        self.prelude_rows: list[EventRow] = []
        self.names = _counter()

    def assign_local(self, subs: Sequence[Expr], indent: str) -> list[str]:
        """Lines computing ``subs`` once, here (see :func:`row_local`)."""
        lines = []
        for sub in subs:
            key = format_expr(sub)
            if not self._worth_caching(sub) or any(
                path.startswith(key + ".") for path in self.views.paths
            ):  # a parameter read through direct path views only: nothing to build
                continue
            code = self._raw(sub, None)
            var = f"_l{next(self.names)}"
            lines.append(f"{indent}{var} = {code}")
            self.hoisted[key] = var
        return lines

    def hoist(self, e: Expr, row: EventRow) -> None:
        """Compute the repeated sub-expressions of ``e`` (certainly evaluated whenever the
        function runs) once, at the top, innermost first."""
        for sub in _certain(e):
            key = format_expr(sub)
            if key in self.repeated and key not in self.hoisted and not _uses_item(sub):
                code = self._raw(sub, None)
                var = f"_h{next(self.names)}"
                self.prelude.append(f"    {var} = {code}")
                self.prelude_rows.append(row)
                self.hoisted[key] = var

    # expressions ----------------------------------------------------------------

    def expr(self, e: Expr, *, item: str | None = None) -> str:
        key = format_expr(e)
        hoisted = self.hoisted.get(key)
        if hoisted is not None:
            return hoisted
        if key in self.repeated and self._worth_caching(e):
            var = self.cached.get(key)
            if var is None:
                var = self.cached[key] = f"_c{next(self.names)}"
            return f"({var} if {var} is not _U else ({var} := {self._raw(e, item)}))"
        return self._raw(e, item)

    def _worth_caching(self, e: Expr) -> bool:
        """Calls and views, not what one dict or attribute read gives as cheaply."""
        if _uses_item(e):
            return False
        if isinstance(e, Call):
            return not _constant_call(e)
        if isinstance(e, Path) and e.root == "event":
            view = self.views.by_param.get(e.parts[0], self.views.default)
            return view is not None or len(e.parts) > 1
        return False

    def _raw(self, e: Expr, item: str | None) -> str:
        match e:
            case Literal(value=value):
                return repr(value)
            case ListExpr(items=items):
                return "[" + ", ".join(self.expr(i, item=item) for i in items) + "]"
            case Path():
                return self._path(e, item)
            case Call(name="rtm_const", args=(Literal(value=str() as const),)):
                from mapping_tables.rtm_surface import RTM_CONSTANTS

                entry = RTM_CONSTANTS.get(const)
                if entry is not None:
                    return repr(int(entry[1]))
                return f"F_rtm_const({const!r})"
            case Call(name=name, args=(arg,)) if name in self.guarded:
                code = self.expr(arg, item=item)
                call = f"F_{name}({code})"
                if not _SIMPLE.fullmatch(code):  # cannot be read twice for free
                    return call
                guard = self.guarded[name]
                self.constants[f"G_{name}"] = guard.prefixes
                self.constants[f"R_{name}"] = guard.fn
                return (
                    f"(R_{name}({code}) if isinstance({code}, str)"
                    f" and {code}.startswith(G_{name}) else {guard.otherwise!r})"
                )
            case Call(name=name, args=args):
                return f"F_{name}(" + ", ".join(self.expr(a, item=item) for a in args) + ")"
            case Compare(op=op, left=left, right=right):
                a, b = self.expr(left, item=item), self.expr(right, item=item)
                if op in ("==", "!="):
                    if _known_str(left) or _known_str(right):
                        return f"({a} {op} {b})"
                    return f"_eq({a}, {b})" if op == "==" else f"(not _eq({a}, {b}))"
                ints = _int_literals(right)
                if ints is not None:  # a fixed set of codes: one set lookup
                    const = f"K{len(self.constants) + 1}"
                    self.constants[const] = frozenset(ints)
                    if _SIMPLE.fullmatch(a):  # read twice at no cost: test inline
                        found = f"({a}.__class__ is not bool and {a} in {const})"
                    else:
                        found = f"_in_ints({a}, {const})"
                    return found if op == "in" else f"(not {found})"
                return f"_in({a}, {b})" if op == "in" else f"(not _in({a}, {b}))"
            case BoolOp(op=op, operands=operands):
                return "(" + f" {op} ".join(self.cond(o, item=item) for o in operands) + ")"
            case Not(operand=operand):
                return f"(not {self.cond(operand, item=item)})"
        raise TypeError(f"not an expression node: {e!r}")  # pragma: no cover

    def cond(self, e: Expr, *, item: str | None = None) -> str:
        """A boolean operand: checked to be a boolean unless it can only be one."""
        code = self.expr(e, item=item)
        if isinstance(e, Compare | BoolOp | Not) or (
            isinstance(e, Literal) and isinstance(e.value, bool)
        ):
            return code
        return f"_bool({code})"

    def _path(self, e: Path, item: str | None) -> str:
        parts = e.parts
        direct = self.views.paths.get(e.dotted) if e.root == "event" else None
        alias = self.aliases.get(".".join(parts)) if e.root == "event" else None
        if alias is not None:
            return alias if direct is None else f"V_{direct}({alias})"
        if direct is not None:
            raw = self.param(parts[0]) + "".join(f".{name}" for name in parts[1:])
            return f"V_{direct}({raw})"
        if e.root == "event":
            param, rest = parts[0], parts[1:]
            view = self.views.by_param.get(param, self.views.default)
            base = self.param(param)
            head = base if view is None else f"V_{view}({base})"
            sub = Path("event", (param,))
            if rest and format_expr(sub) in self.repeated:
                head = self.expr(sub, item=item)
        elif e.root == "request":
            param, rest = parts[0], parts[1:]
            if param == "method":
                head = "req.method"
            elif param == "self_account":
                head = "session.self_account"
            else:
                head = f"req.args[{param!r}]"
        elif e.root == "session":
            head, rest = self.session.get(parts[0], f"session.{parts[0]}"), parts[1:]
        else:  # item
            if item is None:
                raise ExprEvalError("'item' exists only in projections of 'each' rows", e.pos)
            head, rest = item, parts
        return head + "".join(f".{name}" for name in rest)


def _param_from_dict(name: str) -> str:
    return f"params[{name!r}]"


#: Generated code that reads a value without calling anything (a name or a subscript).
_SIMPLE = re.compile(r"[A-Za-z_]\w*(\[[^\[\]()]*\])?(\.\w+)*")


def _constant_call(e: Expr) -> bool:
    return isinstance(e, Call) and e.name == "rtm_const" and isinstance(e.args[0], Literal)


def _int_literals(e: Expr) -> list[int] | None:
    """The values of a list of int literals (``[0, rtm_const("X")]``), else None."""
    if not isinstance(e, ListExpr):
        return None
    values: list[int] = []
    for item in e.items:
        if _constant_call(item):
            from mapping_tables.rtm_surface import RTM_CONSTANTS

            assert isinstance(item, Call) and isinstance(item.args[0], Literal)
            entry = RTM_CONSTANTS.get(str(item.args[0].value))
            if entry is None:
                return None
            values.append(int(entry[1]))
        elif isinstance(item, Literal) and type(item.value) is int:
            values.append(item.value)
        else:
            return None
    return values


#: Paths that always hold a ``str`` (so ``==`` needs no care for ``true`` vs ``1``).
_STR_PATHS = frozenset(
    {"session.channel", "session.handler_channel", "session.self_account", "request.method"}
)


def _known_str(e: Expr) -> bool:
    return _is_str_literal(e) or (isinstance(e, Path) and e.dotted in _STR_PATHS)


def _is_str_literal(e: Expr) -> bool:
    return isinstance(e, Literal) and isinstance(e.value, str)


def _uses_item(e: Expr) -> bool:
    from mapping_tables.expr import paths

    return any(p.root == "item" for p in paths(e))


def _certain(e: Expr) -> Iterator[Expr]:
    """Sub-expressions (Calls and Paths) evaluated whenever ``e`` is, innermost first:
    every operand of a call or comparison, only the first operand of ``and``/``or``."""
    match e:
        case ListExpr(items=items):
            for i in items:
                yield from _certain(i)
        case Path(root="event", parts=parts) if len(parts) > 1:
            yield Path("event", parts[:1])
            yield e
        case Path():
            yield e
        case Call(args=args):
            for a in args:
                yield from _certain(a)
            yield e
        case Compare(left=left, right=right):
            yield from _certain(left)
            yield from _certain(right)
        case BoolOp(operands=operands):
            yield from _certain(operands[0])
        case Not(operand=operand):
            yield from _certain(operand)


def _subexpressions(e: Expr) -> Iterator[Expr]:
    yield e
    match e:
        case ListExpr(items=items):
            for i in items:
                yield from _subexpressions(i)
        case Path(root="event", parts=parts) if len(parts) > 1:
            yield Path("event", parts[:1])
        case Call(args=args):
            for a in args:
                yield from _subexpressions(a)
        case Compare(left=left, right=right):
            yield from _subexpressions(left)
            yield from _subexpressions(right)
        case BoolOp(operands=operands):
            for o in operands:
                yield from _subexpressions(o)
        case Not(operand=operand):
            yield from _subexpressions(operand)


def _row_texts(row: EventRow) -> list[str]:
    return [t for t in (row.when, row.each, *row.projection.values()) if t]


def _counts(texts: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in texts:
        for sub in _subexpressions(compile_expr(text)):
            if isinstance(sub, Call | Path):
                key = format_expr(sub)
                counts[key] = counts.get(key, 0) + 1
    return counts


def repeated(rows: Sequence[EventRow]) -> set[str]:
    """Sub-expressions (as canonical text) that occur more than once in these rows."""
    counts = _counts([text for row in rows for text in _row_texts(row)])
    return {key for key, n in counts.items() if n > 1}


def row_local(rows: Sequence[EventRow], row: EventRow) -> list[Expr]:
    """Sub-expressions only ``row``'s projection uses, more than once (an account and its
    uid): computed once where the row fires, innermost first, with no lazy checks — every
    projection is evaluated when the row fires, so this changes no meaning."""
    if row.each:
        return []
    mine = _counts(list(row.projection.values()))
    everywhere = _counts([text for r in rows for text in _row_texts(r)])
    local: list[Expr] = []
    seen: set[str] = set()
    for text in row.projection.values():
        for sub in _certain(compile_expr(text)):
            key = format_expr(sub)
            if key not in seen and mine.get(key, 0) > 1 and everywhere.get(key) == mine[key]:
                seen.add(key)
                local.append(sub)
    return local


def projection_code(w: ExpressionWriter, row: EventRow, item: str | None) -> list[str]:
    """The code of each of ``row``'s legacy callback arguments, in order."""
    parts = []
    for arg in row.args:
        e = compile_expr(row.projection[arg])
        code = w.expr(e, item=item)
        plain = (
            isinstance(e, Literal)
            or (isinstance(e, Path) and e.root in ("request", "session"))
            or (isinstance(e, Call) and e.name in _PLAIN_RESULTS)
            or (
                isinstance(e, Path)
                and e.root == "event"
                and len(e.parts) == 1
                and w.views.by_param.get(e.parts[0], w.views.default) in w.views.plain
            )
            or (isinstance(e, Path) and e.dotted in w.views.plain_paths)
            or (isinstance(e, Path) and w.views.paths.get(e.dotted) in w.views.plain)
        )
        parts.append(code if plain else f"_p({code})")
    return parts


#: The helpers generated code calls, by the names it uses.
RUNTIME: Mapping[str, object] = {
    "_U": _UNSET,
    "_bool": _bool,
    "_eq": _eq,
    "_in": _in,
    "_in_ints": _in_ints,
    "_items": _items,
    "_p": plain,
}
