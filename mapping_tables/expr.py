"""A tiny, safe expression language for the `when`, `each` and `projection` cells of event rows.

Why not ``eval``: the tables are data that the shim, the docs and the audit all read; a row must
not be able to run arbitrary code, and a typo must fail when the tables load, with the position
of the mistake, not when some rare callback finally fires. So the language is deliberately small:

* literals: integers (``-3``), strings (``"a"`` or ``'a'``, backslash escapes), ``true``,
  ``false``, lists (``[0, 4]``);
* dotted paths rooted at a declared context root (``request.msgID``, ``event.member.userId``,
  ``session.channel``, ``item.name``);
* ``==``, ``!=``, ``in``, ``not in`` (non-associative), ``and``, ``or``, ``not``, parentheses;
* calls to functions declared in :data:`KNOWN_FUNCTIONS` (name and arity checked at parse time).

Text is parsed once into frozen AST records (:func:`compile_expr` caches by text), then
:func:`evaluate` walks the AST against a context mapping and a function mapping supplied by the
caller (see :mod:`mapping_tables.functions`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Union

import attrs

#: Context roots an expression may start a path with.
ROOTS: frozenset[str] = frozenset({"request", "event", "session", "item"})

#: Fields the adapter provides under the ``session`` root.
SESSION_FIELDS: frozenset[str] = frozenset(
    {
        "self_account",  # the logged-in legacy account
        "uid",  # the legacy uid the shim reported in onLoginSuccess
        "channel",  # the legacy "current channel" ("" when none)
        "handler_channel",  # channel of the channel handler/listener that delivered the event
        "previous_state",  # CONNECTION_STATE before this onConnectionStateChanged
        "reconnect_attempt",  # 1-based count of RECONNECTING transitions since login
        "channel_attrs",  # last channel-attribute snapshot of the current channel
    }
)


@attrs.frozen
class FunctionSpec:
    """A function the expression language may call: its arity and what it is for."""

    name: str
    min_args: int
    #: None means variadic.
    max_args: int | None
    doc: str
    #: Variadic functions taking key/value pairs require an even number of arguments.
    pairs: bool = False


def _spec(
    name: str, arity: int | tuple[int, int | None], doc: str, *, pairs: bool = False
) -> FunctionSpec:
    lo, hi = (arity, arity) if isinstance(arity, int) else arity
    return FunctionSpec(name=name, min_args=lo, max_args=hi, doc=doc, pairs=pairs)


#: The function registry: every call in a table must name one of these with a valid arity.
KNOWN_FUNCTIONS: Mapping[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "legacy_code",
            2,
            "legacy error code for an RTM enum value (int or member name), via error_codes.toml",
        ),
        _spec("rtm_error_name", 2, "RTM enum member name for a value, e.g. for onError desc"),
        _spec("rtm_const", 1, "value of an RTM enum member given by its unique name"),
        _spec("legacy_uid", 1, "the numeric legacy uid the shim reports for an account"),
        _spec("str", 1, "decimal text of an int; strings unchanged"),
        _spec("int", 1, "int of a bool (0/1), an int or a decimal string"),
        _spec("flag", 1, 'legacy "1"/"0" text for a bool'),
        _spec("len", 1, "length of a list or string"),
        _spec("choose", 3, "choose(cond, a, b): a if cond else b (both sides evaluated)"),
        _spec(
            "json_obj", (0, None), "JSON object text from key, value, key, value, ...", pairs=True
        ),
        _spec("json_get", 2, "value of a key in a JSON object text ('' when absent)"),
        _spec(
            "channel_events",
            3,
            "channel_events(attributes, old_snapshot, kind): legacy channel events of kind "
            "'attr' or 'msg' an attribute notification carries (shim marker, else a diff)",
        ),
        _spec("json_attrs", 1, "JSON object text {key: value} of an RTM attribute list"),
        _spec("attr_value", 2, "value of one key in an RTM attribute list ('' when absent)"),
        _spec(
            "attr_changes",
            2,
            "legacy per-key changes (name, value, type) between two attribute snapshots",
        ),
        _spec("member_ids", 1, "user IDs of an RTM member list"),
        _spec("member_uids", 1, "legacy uids of an RTM member list"),
        _spec("member_pairs", 1, "[[account, uid], ...] of an RTM member list"),
        _spec("member_count_of", 2, "member count of one channel in a member-count result"),
        _spec("peer_online", 2, "whether a peer is ONLINE in a presence result"),
        _spec("peer_signal", 1, 'kind of shim peer signal in a text ("endcall", "dtmf" or "")'),
        _spec("signal_channel", 1, "channel ID carried by a shim peer signal"),
        _spec("signal_payload", 1, "payload (extra or DTMF digits) carried by a shim peer signal"),
    )
}


class ExprError(Exception):
    """Base class of expression errors."""


class ExprSyntaxError(ExprError):
    """The text is not a valid expression (or names an unknown root or function).

    ``position`` is the 0-based character offset of the offending token in ``text``.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message = message
        self.text = text
        self.position = position
        pointer = " " * position + "^"
        super().__init__(f"{message} at position {position}\n  {text}\n  {pointer}")


class ExprEvalError(ExprError):
    """Evaluation failed: a missing path, a wrong operand type, an unavailable function."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{message} (at position {position})")


# --------------------------------------------------------------------------- AST records


@attrs.frozen
class Literal:
    value: int | str | bool
    pos: int = attrs.field(default=0, eq=False)


@attrs.frozen
class ListExpr:
    items: tuple[Expr, ...]
    pos: int = attrs.field(default=0, eq=False)


@attrs.frozen
class Path:
    root: str
    parts: tuple[str, ...]
    pos: int = attrs.field(default=0, eq=False)

    @property
    def dotted(self) -> str:
        return ".".join((self.root, *self.parts))


@attrs.frozen
class Call:
    name: str
    args: tuple[Expr, ...]
    pos: int = attrs.field(default=0, eq=False)


@attrs.frozen
class Compare:
    #: "==", "!=", "in" or "not in"
    op: str
    left: Expr
    right: Expr
    pos: int = attrs.field(default=0, eq=False)


@attrs.frozen
class BoolOp:
    #: "and" or "or"
    op: str
    operands: tuple[Expr, ...]
    pos: int = attrs.field(default=0, eq=False)


@attrs.frozen
class Not:
    operand: Expr
    pos: int = attrs.field(default=0, eq=False)


Expr = Union[Literal, ListExpr, Path, Call, Compare, BoolOp, Not]  # noqa: UP007 (runtime alias)

# --------------------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<int>-?\d+)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|[().,\[\]])
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


@attrs.frozen
class _Token:
    kind: str  # "int" | "str" | "name" | "kw" | "op" | "end"
    text: str
    pos: int


def _unescape(body: str, text: str, pos: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise ExprSyntaxError(f"unknown escape \\{nxt} in string", text, pos + 1 + i)
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExprSyntaxError(f"unexpected character {text[pos]!r}", text, pos)
        kind = m.lastgroup
        assert kind is not None
        if kind != "ws":
            value = m.group()
            if kind == "name" and value in _KEYWORDS:
                kind = "kw"
            tokens.append(_Token(kind, value, pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(
        self, text: str, roots: frozenset[str], functions: Mapping[str, FunctionSpec]
    ) -> None:
        self.text = text
        self.roots = roots
        self.functions = functions
        self.tokens = _tokenize(text)
        self.i = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def error(self, message: str, tok: _Token | None = None) -> ExprSyntaxError:
        tok = tok or self.tok
        return ExprSyntaxError(message, self.text, tok.pos)

    def advance(self) -> _Token:
        tok = self.tok
        self.i += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def expect(self, kind: str, text: str) -> _Token:
        if not self.at(kind, text):
            found = self.tok.text or "end of expression"
            raise self.error(f"expected {text!r}, found {found!r}")
        return self.advance()

    def parse(self) -> Expr:
        if self.at("end"):
            raise self.error("empty expression")
        expr = self.parse_or()
        if not self.at("end"):
            raise self.error(f"unexpected {self.tok.text!r}")
        return expr

    def parse_or(self) -> Expr:
        first = self.tok
        operands = [self.parse_and()]
        while self.at("kw", "or"):
            self.advance()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands), first.pos)

    def parse_and(self) -> Expr:
        first = self.tok
        operands = [self.parse_not()]
        while self.at("kw", "and"):
            self.advance()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands), first.pos)

    def parse_not(self) -> Expr:
        if self.at("kw", "not"):
            tok = self.advance()
            return Not(self.parse_not(), tok.pos)
        return self.parse_compare()

    def _compare_op(self) -> str | None:
        if self.at("op", "==") or self.at("op", "!=") or self.at("kw", "in"):
            return self.tok.text
        if not self.at("kw", "not"):
            return None
        nxt = self.tokens[self.i + 1]
        if nxt.kind == "kw" and nxt.text == "in":
            return "not in"
        return None

    def parse_compare(self) -> Expr:
        left = self.parse_primary()
        op = self._compare_op()
        if op is None:
            return left
        op_tok = self.advance()
        if op == "not in":
            self.advance()
        right = self.parse_primary()
        if self._compare_op() is not None:
            raise self.error("comparisons do not chain; use parentheses and 'and'")
        return Compare(op, left, right, op_tok.pos)

    def parse_args(self, close: str) -> tuple[Expr, ...]:
        items: list[Expr] = []
        if self.at("op", close):
            self.advance()
            return ()
        while True:
            items.append(self.parse_or())
            if self.at("op", ","):
                self.advance()
                continue
            self.expect("op", close)
            return tuple(items)

    def parse_primary(self) -> Expr:
        tok = self.tok
        if tok.kind == "int":
            self.advance()
            return Literal(int(tok.text), tok.pos)
        if tok.kind == "str":
            self.advance()
            return Literal(_unescape(tok.text[1:-1], self.text, tok.pos), tok.pos)
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self.advance()
            return Literal(tok.text == "true", tok.pos)
        if tok.kind == "op" and tok.text == "(":
            self.advance()
            inner = self.parse_or()
            self.expect("op", ")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            self.advance()
            return ListExpr(self.parse_args("]"), tok.pos)
        if tok.kind == "name":
            self.advance()
            if self.at("op", "("):
                self.advance()
                return self.finish_call(tok)
            return self.finish_path(tok)
        found = tok.text or "end of expression"
        raise self.error(f"expected a value, found {found!r}")

    def finish_call(self, name_tok: _Token) -> Call:
        spec = self.functions.get(name_tok.text)
        if spec is None:
            known = ", ".join(sorted(self.functions))
            raise self.error(f"unknown function {name_tok.text!r} (known: {known})", name_tok)
        args = self.parse_args(")")
        n = len(args)
        if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
            want = (
                str(spec.min_args)
                if spec.min_args == spec.max_args
                else f"at least {spec.min_args}"
                if spec.max_args is None
                else f"{spec.min_args}..{spec.max_args}"
            )
            raise self.error(f"{spec.name}() takes {want} argument(s), got {n}", name_tok)
        if spec.pairs and n % 2:
            raise self.error(f"{spec.name}() takes key/value pairs, got {n} arguments", name_tok)
        return Call(spec.name, args, name_tok.pos)

    def finish_path(self, root_tok: _Token) -> Path:
        if root_tok.text not in self.roots:
            known = ", ".join(sorted(self.roots))
            raise self.error(f"unknown root {root_tok.text!r} (roots: {known})", root_tok)
        parts: list[str] = []
        while self.at("op", "."):
            self.advance()
            if not self.at("name"):
                raise self.error("expected a field name after '.'")
            parts.append(self.advance().text)
        if not parts:
            raise self.error(f"{root_tok.text!r} needs a field, e.g. {root_tok.text}.x", root_tok)
        return Path(root_tok.text, tuple(parts), root_tok.pos)


def parse(
    text: str,
    *,
    roots: frozenset[str] = ROOTS,
    functions: Mapping[str, FunctionSpec] = KNOWN_FUNCTIONS,
) -> Expr:
    """Parse `text` into an AST; raise :class:`ExprSyntaxError` with the offending position."""
    return _Parser(text, roots, functions).parse()


@functools.cache
def compile_expr(text: str) -> Expr:
    """:func:`parse` with the default roots and functions, cached by text.

    The loader compiles every expression of the tables when they load; later calls from the
    adapter get the same frozen AST back without parsing again.
    """
    return parse(text)


# --------------------------------------------------------------------------- walking


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of `expr`, parents before children."""
    yield expr
    children: Sequence[Expr]
    match expr:
        case ListExpr(items=items):
            children = items
        case Call(args=args):
            children = args
        case Compare(left=left, right=right):
            children = (left, right)
        case BoolOp(operands=operands):
            children = operands
        case Not(operand=operand):
            children = (operand,)
        case _:
            children = ()
    for child in children:
        yield from walk(child)


def paths(expr: Expr) -> Iterator[Path]:
    return (node for node in walk(expr) if isinstance(node, Path))


def calls(expr: Expr) -> Iterator[Call]:
    return (node for node in walk(expr) if isinstance(node, Call))


# --------------------------------------------------------------------------- formatting


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def format_expr(expr: Expr) -> str:
    """Canonical source text of `expr`; ``parse(format_expr(e)) == e``."""
    match expr:
        case Literal(value=bool() as b):
            return "true" if b else "false"
        case Literal(value=int() as n):
            return str(n)
        case Literal(value=str() as s):
            return _quote(s)
        case ListExpr(items=items):
            return "[" + ", ".join(format_expr(i) for i in items) + "]"
        case Path():
            return expr.dotted
        case Call(name=name, args=args):
            return f"{name}(" + ", ".join(format_expr(a) for a in args) + ")"
        case Compare(op=op, left=left, right=right):
            return f"{_format_operand(left)} {op} {_format_operand(right)}"
        case BoolOp(op=op, operands=operands):
            return f" {op} ".join(_format_bool_operand(o, op) for o in operands)
        case Not(operand=operand):
            inner = format_expr(operand)
            return (
                f"not {inner}"
                if isinstance(operand, Not) or _is_atom(operand)
                else (f"not ({inner})")
            )
    raise TypeError(f"not an expression node: {expr!r}")  # pragma: no cover


def _is_atom(expr: Expr) -> bool:
    return isinstance(expr, Literal | ListExpr | Path | Call)


def _format_operand(expr: Expr) -> str:
    text = format_expr(expr)
    return text if _is_atom(expr) else f"({text})"


def _format_bool_operand(expr: Expr, op: str) -> str:
    text = format_expr(expr)
    if isinstance(expr, BoolOp):
        return f"({text})"
    return text


# --------------------------------------------------------------------------- evaluation

Function = Callable[..., object]


def resolve_field(obj: object, name: str) -> object:
    """One path step: a mapping key, an attribute, or an RTM-style ``getX()`` getter.

    Raises KeyError when none of them exists, so the caller can report the full path.
    """
    if isinstance(obj, Mapping):
        if name in obj:
            return obj[name]
        raise KeyError(name)
    if hasattr(obj, name):
        return getattr(obj, name)
    getter = getattr(obj, "get" + name[:1].upper() + name[1:], None)
    if callable(getter):
        return getter()
    raise KeyError(name)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _equal(a: object, b: object) -> bool:
    # true must not equal 1: legacy flags and RTM codes are compared, never mixed.
    if _is_bool(a) != _is_bool(b):
        return False
    return a == b


def evaluate(
    expr: Expr, context: Mapping[str, object], functions: Mapping[str, Function]
) -> object:
    """Evaluate `expr` against `context` (root name -> object) using `functions`."""
    match expr:
        case Literal(value=value):
            return value
        case ListExpr(items=items):
            return [evaluate(item, context, functions) for item in items]
        case Path(root=root, parts=fields, pos=pos):
            if root not in context or context[root] is None:
                raise ExprEvalError(f"{root!r} is not available in this context", pos)
            current = context[root]
            for depth, name in enumerate(fields):
                try:
                    current = resolve_field(current, name)
                except KeyError:
                    done = ".".join((root, *fields[:depth]))
                    raise ExprEvalError(
                        f"{done} has no field {name!r} (path {expr.dotted})", pos
                    ) from None
            return current
        case Call(name=name, args=args, pos=pos):
            fn = functions.get(name)
            if fn is None:
                raise ExprEvalError(f"function {name!r} is not provided by the caller", pos)
            values = [evaluate(a, context, functions) for a in args]
            try:
                return fn(*values)
            except ExprError:
                raise
            except (KeyError, ValueError, TypeError, LookupError) as exc:
                raise ExprEvalError(f"{name}() failed: {exc}", pos) from exc
        case Compare(op=op, left=left, right=right, pos=pos):
            a = evaluate(left, context, functions)
            b = evaluate(right, context, functions)
            if op == "==":
                return _equal(a, b)
            if op == "!=":
                return not _equal(a, b)
            if isinstance(b, str):
                if not isinstance(a, str):
                    raise ExprEvalError(f"'{op}' a string needs a string on the left", pos)
                found = a in b
            elif isinstance(b, list | tuple | frozenset | set):
                found = any(_equal(a, item) for item in b)
            elif isinstance(b, Mapping):
                found = a in b
            else:
                raise ExprEvalError(f"'{op}' needs a list, string or mapping on the right", pos)
            return found if op == "in" else not found
        case BoolOp(op=op, operands=operands, pos=pos):
            for operand in operands:
                flag = evaluate(operand, context, functions)
                if not _is_bool(flag):
                    raise ExprEvalError(f"'{op}' operand is not a boolean: {flag!r}", pos)
                if op == "and" and not flag:
                    return False
                if op == "or" and flag:
                    return True
            return op == "and"
        case Not(operand=operand, pos=pos):
            negated = evaluate(operand, context, functions)
            if not _is_bool(negated):
                raise ExprEvalError(f"'not' operand is not a boolean: {negated!r}", pos)
            return not negated
    raise TypeError(f"not an expression node: {expr!r}")  # pragma: no cover


# --------------------------------------------------------------------------- closures

Compiled = Callable[[Mapping[str, object], Mapping[str, Function]], object]


def compile_fn(expr: Expr) -> Compiled:
    """`expr` as a Python closure with exactly :func:`evaluate`'s semantics.

    The adapter evaluates row conditions and projections on every RTM event; walking the AST
    each time costs more than the messaging itself, so each expression is turned into nested
    closures once (:func:`compiled` caches them by text).
    """
    match expr:
        case Literal(value=value):
            return lambda context, functions: value
        case ListExpr(items=items):
            folded = [_constant(item) for item in items]
            if all(f is not _NOT_CONSTANT for f in folded):
                return lambda context, functions: list(folded)
            parts = tuple(compile_fn(item) for item in items)
            return lambda context, functions: [p(context, functions) for p in parts]
        case Path(root=root, parts=fields, pos=pos):
            return _compile_path(expr, root, fields, pos)
        case Call() if _constant(expr) is not _NOT_CONSTANT:
            constant = _constant(expr)
            return lambda context, functions: constant
        case Call(name=name, args=args, pos=pos):
            arg_fns = tuple(compile_fn(a) for a in args)

            def call(context: Mapping[str, object], functions: Mapping[str, Function]) -> object:
                fn = functions.get(name)
                if fn is None:
                    raise ExprEvalError(f"function {name!r} is not provided by the caller", pos)
                values = [a(context, functions) for a in arg_fns]
                try:
                    return fn(*values)
                except ExprError:
                    raise
                except (KeyError, ValueError, TypeError, LookupError) as exc:
                    raise ExprEvalError(f"{name}() failed: {exc}", pos) from exc

            return call
        case Compare(op=op, left=left, right=right, pos=pos):
            return _compile_compare(op, compile_fn(left), compile_fn(right), pos)
        case BoolOp(op=op, operands=operands, pos=pos):
            fns = tuple(compile_fn(o) for o in operands)
            want = op == "or"

            def boolop(context: Mapping[str, object], functions: Mapping[str, Function]) -> object:
                for f in fns:
                    flag = f(context, functions)
                    if flag is not True and flag is not False:
                        raise ExprEvalError(f"'{op}' operand is not a boolean: {flag!r}", pos)
                    if flag is want:
                        return want
                return not want

            return boolop
        case Not(operand=operand, pos=pos):
            inner = compile_fn(operand)

            def negate(context: Mapping[str, object], functions: Mapping[str, Function]) -> object:
                value = inner(context, functions)
                if value is not True and value is not False:
                    raise ExprEvalError(f"'not' operand is not a boolean: {value!r}", pos)
                return not value

            return negate
    raise TypeError(f"not an expression node: {expr!r}")  # pragma: no cover


_NOT_CONSTANT = object()


def _constant(expr: Expr) -> object:
    """The value of a literal or of ``rtm_const("NAME")`` (a fixed table), else a sentinel."""
    if isinstance(expr, Literal):
        return expr.value
    if (
        isinstance(expr, Call)
        and expr.name == "rtm_const"
        and len(expr.args) == 1
        and isinstance(expr.args[0], Literal)
    ):
        from mapping_tables.rtm_surface import RTM_CONSTANTS

        entry = RTM_CONSTANTS.get(str(expr.args[0].value))
        if entry is not None:
            return entry[1]
    return _NOT_CONSTANT


def _compile_path(expr: Path, root: str, fields: tuple[str, ...], pos: int) -> Compiled:
    def path(context: Mapping[str, object], functions: Mapping[str, Function]) -> object:
        current = context.get(root)
        if current is None:
            raise ExprEvalError(f"{root!r} is not available in this context", pos)
        for depth, name in enumerate(fields):
            if type(current) is dict:
                if name in current:
                    current = current[name]
                    continue
                current = _missing(expr, root, fields, depth, pos)
            try:
                current = resolve_field(current, name)
            except KeyError:
                _missing(expr, root, fields, depth, pos)
        return current

    return path


def _missing(expr: Path, root: str, fields: tuple[str, ...], depth: int, pos: int) -> object:
    done = ".".join((root, *fields[:depth]))
    raise ExprEvalError(f"{done} has no field {fields[depth]!r} (path {expr.dotted})", pos)


def _compile_compare(op: str, left: Compiled, right: Compiled, pos: int) -> Compiled:
    if op in ("==", "!="):
        negate = op == "!="

        def equal(context: Mapping[str, object], functions: Mapping[str, Function]) -> object:
            return _equal(left(context, functions), right(context, functions)) is not negate

        return equal

    def contains(context: Mapping[str, object], functions: Mapping[str, Function]) -> object:
        a = left(context, functions)
        b = right(context, functions)
        if isinstance(b, str):
            if not isinstance(a, str):
                raise ExprEvalError(f"'{op}' a string needs a string on the left", pos)
            found = a in b
        elif isinstance(b, list | tuple | frozenset | set):
            found = any(_equal(a, item) for item in b)
        elif isinstance(b, Mapping):
            found = a in b
        else:
            raise ExprEvalError(f"'{op}' needs a list, string or mapping on the right", pos)
        return found if op == "in" else not found

    return contains


@functools.cache
def compiled(text: str) -> Compiled:
    """The closure of the expression ``text`` (parsed and compiled once)."""
    return compile_fn(compile_expr(text))
