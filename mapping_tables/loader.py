"""Read the TOML tables, validate every row, cross-check the files, return :class:`MappingTables`.

Validation is strict because three consumers (shim, docs, audit) trust these rows blindly: an
unknown key, a missing field, a typo in an RTM name or in an expression, a projection that does
not produce exactly the legacy callback's arguments, or an emulated row that names no emulation
each raise :class:`TableError` naming the file, the row (1-based index and legacy name) and the
field. Nothing is silently defaulted beyond the optional fields documented in the schemas below.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from mapping_tables import rtm_surface
from mapping_tables.expr import (
    SESSION_FIELDS,
    Call,
    Compare,
    Expr,
    ExprSyntaxError,
    ListExpr,
    Literal,
    compile_expr,
    paths,
    walk,
)
from mapping_tables.expr import (
    Path as PathNode,
)
from mapping_tables.model import (
    CatalogueFacts,
    Difference,
    ErrorCodeRow,
    EventRow,
    Flavour,
    FlavourTable,
    LegacyApi,
    MappingTables,
    MethodRow,
    Spelling,
    Status,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
FLAVOUR_FILES: Mapping[Flavour, str] = MappingProxyType(
    {Flavour.CPP: "signaling_cpp.toml", Flavour.JAVA: "signaling_java.toml"}
)
DIFFERENCES_FILE = "differences.toml"
ERROR_CODES_FILE = "error_codes.toml"
LEGACY_API_FILE = "legacy_api.toml"

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_EFFORTS = frozenset({"low", "medium", "high"})
#: Request fields the adapter adds to the legacy call's own arguments.
REQUEST_EXTRA_FIELDS = frozenset({"self_account", "method"})


class TableError(ValueError):
    """A mapping-table file is invalid. The message names file, row and field."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        section: str | None = None,
        index: int | None = None,
        name: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.section = section
        self.index = index
        self.name = name
        self.field = field
        self.problem = message
        where = file
        if section is not None:
            where += f": {section}"
            if index is not None:
                where += f" #{index}"
            if name:
                where += f" {name!r}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


@attrs.frozen
class _Where:
    """Location of a row, to raise errors that name it."""

    file: str
    section: str | None = None
    index: int | None = None
    name: str | None = None

    def error(self, message: str, field: str | None = None) -> TableError:
        return TableError(
            self.file,
            message,
            section=self.section,
            index=self.index,
            name=self.name,
            field=field,
        )


# --------------------------------------------------------------------------- field schemas

_STR, _INT, _BOOL, _STRS, _STRMAP, _TABLES = "str", "int", "bool", "strs", "strmap", "tables"


@attrs.frozen
class _Field:
    kind: str
    required: bool = True
    default: Any = None


def _opt(kind: str, default: Any) -> _Field:
    return _Field(kind, required=False, default=default)


_METHOD_FIELDS: Mapping[str, _Field] = {
    "legacy": _Field(_STR),
    "args": _Field(_STRS),
    "rtm": _Field(_STRS),
    "status": _Field(_STR),
    "differences": _opt(_STRS, []),
    "operation": _Field(_STR),
    "topic": _Field(_STR),
    "source": _Field(_STR),
    "unsupported_reason": _opt(_STR, None),
    "note": _opt(_STR, ""),
    "immediate": _opt(_BOOL, False),
    "reports": _opt(_STR, ""),
}
_EVENT_FIELDS: Mapping[str, _Field] = {
    "legacy": _Field(_STR),
    "args": _Field(_STRS),
    "rtm": _Field(_STR),
    "trigger": _opt(_STR, ""),
    "status": _Field(_STR),
    "request": _opt(_STRS, []),
    "outcome": _opt(_STR, ""),
    "when": _opt(_STR, ""),
    "each": _opt(_STR, ""),
    "projection": _opt(_STRMAP, {}),
    "differences": _opt(_STRS, []),
    "topic": _Field(_STR),
    "source": _Field(_STR),
    "note": _opt(_STR, ""),
}
_DIFFERENCE_FIELDS: Mapping[str, _Field] = {
    "key": _Field(_STR),
    "title": _Field(_STR),
    "explanation": _Field(_STR),
    "review": _Field(_STR),
    "emulation": _opt(_STR, None),
    "effort": _Field(_STR),
    "source": _Field(_STR),
}
_ERROR_CODE_FIELDS: Mapping[str, _Field] = {
    "rtm_enum": _Field(_STR),
    "rtm_name": _Field(_STR),
    "rtm_value": _Field(_INT),
    "legacy_name": _Field(_STR),
    "legacy_value": _Field(_INT),
    "legacy_callback": _Field(_STR),
}
_API_FIELDS: Mapping[str, _Field] = {
    "name": _Field(_STR),
    "kind": _Field(_STR),
    "spellings": _Field(_TABLES),
    # CatalogueFacts, all or none: for names no flavour-table row covers.
    "rtm": _opt(_STRS, None),
    "status": _opt(_STR, None),
    "differences": _opt(_STRS, []),
    "note": _opt(_STR, ""),
}
_SPELLING_FIELDS: Mapping[str, _Field] = {
    "platform": _Field(_STR),
    "name": _Field(_STR),
    "kind": _Field(_STR),
}
_FLAVOUR_META_FIELDS: Mapping[str, _Field] = {
    "flavour": _Field(_STR),
    "seed": _Field(_STR),
    "description": _opt(_STR, ""),
}
_API_META_FIELDS: Mapping[str, _Field] = {
    "platforms": _Field(_STRS),
    "kinds": _Field(_STRS),
    "generic_names": _Field(_STRS),
}


def _type_ok(kind: str, value: object) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == _STRMAP:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind == _TABLES:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    raise AssertionError(kind)  # pragma: no cover


_KIND_WORDS = {
    _STR: "a string",
    _INT: "an integer",
    _BOOL: "a boolean",
    _STRS: "a list of strings",
    _STRMAP: "a table of strings",
    _TABLES: "a list of tables",
}


def _fields(raw: object, schema: Mapping[str, _Field], where: _Where) -> dict[str, Any]:
    """Check `raw` against `schema`: unknown keys, missing required keys, value types."""
    if not isinstance(raw, dict):
        raise where.error("expected a table")
    for key in raw:
        if key not in schema:
            allowed = ", ".join(schema)
            raise where.error(f"unknown key (allowed: {allowed})", key)
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        if key not in raw:
            if spec.required:
                raise where.error("missing required field", key)
            default = spec.default
            out[key] = (
                list(default)
                if isinstance(default, list)
                else (dict(default) if isinstance(default, dict) else default)
            )
            continue
        value = raw[key]
        if not _type_ok(spec.kind, value):
            raise where.error(f"must be {_KIND_WORDS[spec.kind]}, got {value!r}", key)
        out[key] = value
    return out


# --------------------------------------------------------------------------- file reading


def _read(data_dir: Path, name: str) -> dict[str, Any]:
    path = data_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TableError(name, f"file not found in {data_dir}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TableError(name, f"invalid TOML: {exc}") from None


def _top(doc: dict[str, Any], file: str, allowed: Mapping[str, bool]) -> None:
    for key in doc:
        if key not in allowed:
            raise TableError(file, f"unknown top-level key {key!r} (allowed: {', '.join(allowed)})")
    for key, required in allowed.items():
        if required and key not in doc:
            raise TableError(file, f"missing top-level key {key!r}")


def _header_lines(data_dir: Path, file: str, section: str) -> list[int]:
    """1-based line numbers of the file's ``[[section]]`` headers, in order (row i is the
    i-th header: TOML arrays of tables keep file order)."""
    text = (data_dir / file).read_text(encoding="utf-8")
    header = f"[[{section}]]"
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == header]


def _rows(doc: dict[str, Any], file: str, section: str) -> list[object]:
    rows = doc.get(section, [])
    if not isinstance(rows, list):
        raise TableError(file, f"{section!r} must be an array of tables ([[{section}]])")
    return rows


def _row_name(raw: object, key: str) -> str | None:
    if isinstance(raw, dict):
        value = raw.get(key)
        return value if isinstance(value, str) else None
    return None


# --------------------------------------------------------------------------- differences


def _load_differences(data_dir: Path) -> dict[str, Difference]:
    file = DIFFERENCES_FILE
    doc = _read(data_dir, file)
    _top(doc, file, {"difference": True})
    out: dict[str, Difference] = {}
    for i, raw in enumerate(_rows(doc, file, "difference"), 1):
        where = _Where(file, "difference", i, _row_name(raw, "key"))
        f = _fields(raw, _DIFFERENCE_FIELDS, where)
        if not _SNAKE.match(f["key"]):
            raise where.error("must be snake_case", "key")
        if f["key"] in out:
            raise where.error("duplicate difference key", "key")
        if f["effort"] not in _EFFORTS:
            raise where.error(f"must be one of {sorted(_EFFORTS)}", "effort")
        for name in ("title", "explanation", "review", "source"):
            if not f[name].strip():
                raise where.error("must not be empty", name)
        if f["emulation"] is not None and not f["emulation"].strip():
            raise where.error("must be omitted or non-empty", "emulation")
        out[f["key"]] = Difference(**f)
    return out


# --------------------------------------------------------------------------- error codes


def _load_error_codes(data_dir: Path) -> tuple[tuple[ErrorCodeRow, ...], dict[str, int]]:
    file = ERROR_CODES_FILE
    doc = _read(data_dir, file)
    _top(doc, file, {"legacy_codes": True, "code": True})
    legacy_codes = doc["legacy_codes"]
    where_legacy = _Where(file, "legacy_codes")
    if not isinstance(legacy_codes, dict):
        raise where_legacy.error("must be a table of NAME = code")
    for name, value in legacy_codes.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise where_legacy.error(f"must be an integer, got {value!r}", name)
    rows: list[ErrorCodeRow] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(_rows(doc, file, "code"), 1):
        where = _Where(file, "code", i, _row_name(raw, "rtm_name"))
        f = _fields(raw, _ERROR_CODE_FIELDS, where)
        members = rtm_surface.RTM_ENUMS.get(f["rtm_enum"])
        if members is None:
            raise where.error(
                f"unknown RTM enum (known: {sorted(rtm_surface.RTM_ENUMS)})", "rtm_enum"
            )
        if f["rtm_name"] not in members:
            raise where.error(f"{f['rtm_enum']} has no member {f['rtm_name']!r}", "rtm_name")
        if members[f["rtm_name"]] != f["rtm_value"]:
            raise where.error(
                f"{f['rtm_name']} is {members[f['rtm_name']]}, not {f['rtm_value']}", "rtm_value"
            )
        if f["legacy_name"] not in legacy_codes:
            raise where.error("not a code of [legacy_codes]", "legacy_name")
        if legacy_codes[f["legacy_name"]] != f["legacy_value"]:
            raise where.error(
                f"{f['legacy_name']} is {legacy_codes[f['legacy_name']]}, not {f['legacy_value']}",
                "legacy_value",
            )
        key = (f["rtm_enum"], f["rtm_name"])
        if key in seen:
            raise where.error("duplicate row for this RTM enum member", "rtm_name")
        seen.add(key)
        rows.append(ErrorCodeRow(**f))
    return tuple(rows), dict(legacy_codes)


# --------------------------------------------------------------------------- legacy API catalogue


def _catalogue_facts(
    f: Mapping[str, Any], where: _Where, differences: Mapping[str, Difference]
) -> CatalogueFacts | None:
    if f["rtm"] is None and f["status"] is None:
        if f["differences"] or f["note"]:
            raise where.error("differences and note need rtm and status", "rtm")
        return None
    if f["rtm"] is None or f["status"] is None or not f["note"]:
        raise where.error("catalogue facts need rtm, status and note together", "rtm")
    try:
        status = Status(f["status"])
    except ValueError:
        raise where.error(f"must be one of {[s.value for s in Status]}", "status") from None
    for key in f["differences"]:
        if key not in differences:
            raise where.error(f"unknown difference {key!r}", "differences")
    return CatalogueFacts(tuple(f["rtm"]), status, tuple(f["differences"]), f["note"])


def _load_legacy_api(
    data_dir: Path, differences: Mapping[str, Difference]
) -> dict[str, LegacyApi]:
    file = LEGACY_API_FILE
    doc = _read(data_dir, file)
    _top(doc, file, {"meta": True, "api": True})
    meta = _fields(doc["meta"], _API_META_FIELDS, _Where(file, "meta"))
    platforms, kinds = set(meta["platforms"]), set(meta["kinds"])
    generic = set(meta["generic_names"])
    out: dict[str, LegacyApi] = {}
    for i, raw in enumerate(_rows(doc, file, "api"), 1):
        where = _Where(file, "api", i, _row_name(raw, "name"))
        f = _fields(raw, _API_FIELDS, where)
        if f["name"] in out:
            raise where.error("duplicate API name", "name")
        if f["kind"] not in kinds:
            raise where.error(f"must be one of {sorted(kinds)}", "kind")
        spellings: list[Spelling] = []
        seen: set[tuple[str, str]] = set()
        for j, sraw in enumerate(f["spellings"], 1):
            s = _fields(sraw, _SPELLING_FIELDS, where)
            field = f"spellings[{j}]"
            if s["platform"] not in platforms:
                raise where.error(f"unknown platform {s['platform']!r}", field)
            if s["kind"] not in kinds:
                raise where.error(f"unknown kind {s['kind']!r}", field)
            if (s["platform"], s["name"]) in seen:
                raise where.error(f"duplicate spelling {s['platform']}:{s['name']}", field)
            seen.add((s["platform"], s["name"]))
            spellings.append(Spelling(**s, generic=s["name"] in generic))
        if not spellings:
            raise where.error("needs at least one spelling", "spellings")
        out[f["name"]] = LegacyApi(
            name=f["name"],
            kind=f["kind"],
            spellings=tuple(spellings),
            generic=f["name"] in generic,
            facts=_catalogue_facts(f, where, differences),
        )
    return out


# --------------------------------------------------------------------------- flavour tables


@attrs.frozen
class _Context:
    """What row validation of one flavour needs to know."""

    flavour: Flavour
    file: str
    differences: Mapping[str, Difference]
    #: RTM enum -> values that error_codes.toml maps (legacy_code must be total on non-OK values)
    error_members: Mapping[str, frozenset[int]]
    callbacks: Mapping[str, rtm_surface.CallbackSpec]
    methods: frozenset[str]
    #: Fields the adapter provides under ``session`` (each dialect has its own session).
    session_fields: frozenset[str] = SESSION_FIELDS


def _status(value: str, where: _Where) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise where.error(f"bad status {value!r} (allowed: {allowed})", "status") from None


def _check_differences(keys: Iterable[str], ctx: _Context, where: _Where) -> None:
    for key in keys:
        if key not in ctx.differences:
            raise where.error(
                f"unknown difference key {key!r} (see {DIFFERENCES_FILE})", "differences"
            )


def _check_emulation(status: Status, keys: Iterable[str], ctx: _Context, where: _Where) -> None:
    if status is Status.EMULATED and not any(ctx.differences[k].emulation for k in keys):
        raise where.error(
            "an emulated row must name a difference that describes its emulation", "differences"
        )


def _check_unique_args(args: list[str], where: _Where) -> None:
    if len(set(args)) != len(args):
        raise where.error("argument names must be unique", "args")


def _method_row(raw: object, index: int, ctx: _Context, line: int = 0) -> MethodRow:
    where = _Where(ctx.file, "method", index, _row_name(raw, "legacy"))
    f = _fields(raw, _METHOD_FIELDS, where)
    status = _status(f["status"], where)
    _check_unique_args(f["args"], where)
    if not _SNAKE.match(f["operation"]):
        raise where.error("must be a snake_case operation name", "operation")
    for name in f["rtm"]:
        if name not in ctx.methods:
            raise where.error(f"unknown {ctx.flavour.value} RTM method {name!r}", "rtm")
    _check_differences(f["differences"], ctx, where)
    _check_emulation(status, f["differences"], ctx, where)
    reason = f["unsupported_reason"]
    if status is Status.UNSUPPORTED:
        if not reason or not reason.strip():
            raise where.error("an unsupported row needs the error message", "unsupported_reason")
        if f["rtm"]:
            raise where.error("an unsupported row calls no RTM method", "rtm")
    elif reason is not None:
        raise where.error("only unsupported rows have an unsupported_reason", "unsupported_reason")
    reports = f["reports"]
    if status is Status.UNSUPPORTED:
        if not reports:
            raise where.error(
                "an unsupported row names the legacy callback that reports its error", "reports"
            )
    elif reports:
        raise where.error("only unsupported rows name a reporting callback", "reports")
    if status is Status.MAPPED and not f["rtm"]:
        raise where.error("a mapped row must name the RTM method(s) it calls", "rtm")
    return MethodRow(
        legacy=f["legacy"],
        args=tuple(f["args"]),
        rtm=tuple(f["rtm"]),
        status=status,
        differences=tuple(f["differences"]),
        operation=f["operation"],
        topic=f["topic"],
        source=f["source"],
        unsupported_reason=reason,
        note=f["note"],
        immediate=f["immediate"],
        reports=reports,
        line=line,
    )


def _compile(text: str, field: str, where: _Where) -> Expr:
    try:
        return compile_expr(text)
    except ExprSyntaxError as exc:
        raise where.error(f"bad expression: {exc}", field) from None


def _literal_strings(expr: Expr) -> list[str] | None:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ListExpr) and all(
        isinstance(i, Literal) and isinstance(i.value, str) for i in expr.items
    ):
        return [i.value for i in expr.items if isinstance(i, Literal) and isinstance(i.value, str)]
    return None


@attrs.frozen
class _ExprRules:
    """Per-row constraints on the names an expression may use."""

    callback: rtm_surface.CallbackSpec | None
    request_fields: frozenset[str]
    legacy_methods: frozenset[str]
    allow_item: bool


def _check_expr(expr: Expr, field: str, rules: _ExprRules, ctx: _Context, where: _Where) -> None:
    for path in paths(expr):
        first = path.parts[0]
        if path.root == "event":
            if rules.callback is None:
                raise where.error(
                    f"{path.dotted}: a row without an RTM callback has no event", field
                )
            if first not in rules.callback.params:
                known = ", ".join(rules.callback.params) or "none"
                raise where.error(
                    f"{path.dotted}: not a parameter of the callback ({known})", field
                )
        elif path.root == "request":
            if rules.callback is not None and not rules.callback.solicited:
                raise where.error(
                    f"{path.dotted}: this RTM callback answers no request (unsolicited)", field
                )
            if first not in rules.request_fields:
                raise where.error(f"{path.dotted}: not an argument of any legacy method", field)
        elif path.root == "session":
            if first not in ctx.session_fields:
                fields = sorted(ctx.session_fields)
                raise where.error(f"{path.dotted}: unknown session field (known: {fields})", field)
        elif path.root == "item" and not rules.allow_item:
            raise where.error(
                f"{path.dotted}: 'item' exists only in projections of 'each' rows", field
            )
    for node in walk(expr):
        if isinstance(node, Call):
            _check_call(node, field, ctx, where)
        elif isinstance(node, Compare):
            _check_compare(node, field, rules, ctx, where)


def _check_call(node: Call, field: str, ctx: _Context, where: _Where) -> None:
    if node.name in ("legacy_code", "rtm_error_name"):
        enum_arg, value_arg = node.args
        if not isinstance(enum_arg, Literal):
            return  # an enum named at run time: checked by legacy_code() itself
        enum = enum_arg.value
        if not isinstance(enum, str) or enum not in rtm_surface.RTM_ENUMS:
            raise where.error(f"{node.name}(): unknown RTM enum {enum!r}", field)
        if node.name == "legacy_code":
            if enum not in ctx.error_members:
                raise where.error(
                    f"legacy_code(): {ERROR_CODES_FILE} has no rows for {enum}", field
                )
            covered = ctx.error_members[enum]
            missing = [m for m, v in rtm_surface.RTM_ENUMS[enum].items() if v and v not in covered]
            if missing:
                raise where.error(
                    f"legacy_code(): {ERROR_CODES_FILE} does not map {', '.join(missing)}", field
                )
        if isinstance(value_arg, Literal):
            members = rtm_surface.RTM_ENUMS[enum]
            value = value_arg.value
            if isinstance(value, str) and value not in members:
                raise where.error(f"{node.name}(): {enum} has no member {value!r}", field)
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and value not in members.values()
            ):
                raise where.error(f"{node.name}(): {enum} has no value {value}", field)
    elif node.name == "rtm_const":
        (arg,) = node.args
        if isinstance(arg, Literal) and arg.value not in rtm_surface.RTM_CONSTANTS:
            raise where.error(f"rtm_const(): unknown RTM constant {arg.value!r}", field)


def _check_compare(
    node: Compare, field: str, rules: _ExprRules, ctx: _Context, where: _Where
) -> None:
    """Literal names compared with request.method must be legacy methods."""
    for side, other in ((node.left, node.right), (node.right, node.left)):
        if not isinstance(side, PathNode) or side.root != "request" or side.parts != ("method",):
            continue
        for name in _literal_strings(other) or ():
            if name not in rules.legacy_methods:
                raise where.error(f"request.method compared with unknown method {name!r}", field)


def _event_row(
    raw: object,
    index: int,
    ctx: _Context,
    request_fields: frozenset[str],
    legacy_methods: frozenset[str],
    line: int = 0,
) -> EventRow:
    where = _Where(ctx.file, "event", index, _row_name(raw, "legacy"))
    f = _fields(raw, _EVENT_FIELDS, where)
    status = _status(f["status"], where)
    _check_unique_args(f["args"], where)
    rtm, trigger = f["rtm"], f["trigger"]
    callback: rtm_surface.CallbackSpec | None = None
    if rtm:
        callback = ctx.callbacks.get(rtm)
        if callback is None:
            raise where.error(f"unknown {ctx.flavour.value} RTM callback {rtm!r}", "rtm")
    elif status is Status.MAPPED:
        raise where.error("a mapped row must name its RTM callback", "rtm")
    if rtm.startswith("ResultCallback."):
        if trigger not in rtm_surface.JAVA_RESULT_METHODS:
            raise where.error(
                "a ResultCallback row must name the RTM call that takes the callback", "trigger"
            )
    elif trigger:
        raise where.error("only ResultCallback rows have a trigger", "trigger")
    _check_differences(f["differences"], ctx, where)
    _check_emulation(status, f["differences"], ctx, where)
    projection: dict[str, str] = f["projection"]
    if status is Status.UNSUPPORTED:
        if not f["note"].strip():
            raise where.error("an unsupported callback row needs the reason", "note")
        for field in ("when", "each", "request", "outcome"):
            if f[field]:
                raise where.error("an unsupported row never fires", field)
        if projection or rtm:
            raise where.error("an unsupported row has no RTM source or projection", "projection")
    else:
        for key in projection:
            if key not in f["args"]:
                raise where.error(
                    f"{key!r} is not an argument of legacy callback {f['legacy']} "
                    f"({', '.join(f['args'])})",
                    "projection",
                )
        for arg in f["args"]:
            if arg not in projection:
                raise where.error(f"no projection for argument {arg!r}", "projection")
    for name in f["request"]:
        if name not in legacy_methods:
            raise where.error(f"unknown legacy method {name!r}", "request")
    if f["request"] and (callback is None or not callback.solicited):
        raise where.error("this RTM callback answers no request (unsolicited)", "request")
    if len(set(f["request"])) != len(f["request"]):
        raise where.error("methods must be unique", "request")
    if f["outcome"] not in ("", "ok", "error"):
        raise where.error(f"bad outcome {f['outcome']!r} (allowed: ok, error)", "outcome")
    if f["outcome"] and (callback is None or "errorCode" not in callback.params):
        raise where.error(
            "only a callback with an errorCode has an outcome (a ResultCallback row's "
            "callback, onSuccess or onFailure, already says it)",
            "outcome",
        )
    base = _ExprRules(callback, request_fields, legacy_methods, allow_item=False)
    for field in ("when", "each"):
        if f[field]:
            _check_expr(_compile(f[field], field, where), field, base, ctx, where)
    with_item = attrs.evolve(base, allow_item=bool(f["each"]))
    for arg, text in projection.items():
        field = f"projection.{arg}"
        _check_expr(_compile(text, field, where), field, with_item, ctx, where)
    return EventRow(
        legacy=f["legacy"],
        args=tuple(f["args"]),
        rtm=rtm,
        trigger=trigger,
        status=status,
        when=f["when"],
        projection=MappingProxyType(dict(projection)),
        differences=tuple(f["differences"]),
        topic=f["topic"],
        source=f["source"],
        note=f["note"],
        each=f["each"],
        request=tuple(f["request"]),
        outcome=f["outcome"],
        line=line,
    )


def _string_table(doc: dict[str, Any], key: str, where: _Where) -> dict[str, str]:
    table = doc.get(key, {})
    if not isinstance(table, dict):
        raise where.error("must be a table of strings")
    for k, v in table.items():
        if not isinstance(v, str) or not v.strip():
            raise where.error("must be a non-empty string", k)
    return dict(table)


def _load_flavour(data_dir: Path, flavour: Flavour, ctx_base: dict[str, Any]) -> FlavourTable:
    file = FLAVOUR_FILES[flavour]
    doc = _read(data_dir, file)
    _top(
        doc,
        file,
        {"meta": True, "method": True, "event": True, "seed_spellings": False, "rtm_only": False},
    )
    meta = _fields(doc["meta"], _FLAVOUR_META_FIELDS, _Where(file, "meta"))
    if meta["flavour"] != flavour.value:
        raise _Where(file, "meta").error(f"must be {flavour.value!r}", "flavour")
    ctx = _Context(
        flavour=flavour,
        file=file,
        callbacks=rtm_surface.callbacks(flavour),
        methods=rtm_surface.methods(flavour),
        **ctx_base,
    )

    methods: list[MethodRow] = []
    seen_legacy: set[str] = set()
    seen_ops: set[str] = set()
    method_lines = _header_lines(data_dir, file, "method")
    for i, raw in enumerate(_rows(doc, file, "method"), 1):
        row = _method_row(raw, i, ctx, method_lines[i - 1] if i <= len(method_lines) else 0)
        where = _Where(file, "method", i, row.legacy)
        if row.legacy in seen_legacy:
            raise where.error("duplicate method row", "legacy")
        if row.operation in seen_ops:
            raise where.error(
                f"operation {row.operation!r} is already used by another row", "operation"
            )
        seen_legacy.add(row.legacy)
        seen_ops.add(row.operation)
        methods.append(row)

    legacy_methods = frozenset(seen_legacy)
    request_fields = frozenset(a for m in methods for a in m.args) | REQUEST_EXTRA_FIELDS
    events: list[EventRow] = []
    seen_events: set[tuple[object, ...]] = set()
    args_of: dict[str, tuple[str, ...]] = {}
    event_lines = _header_lines(data_dir, file, "event")
    for i, raw in enumerate(_rows(doc, file, "event"), 1):
        line = event_lines[i - 1] if i <= len(event_lines) else 0
        erow = _event_row(raw, i, ctx, request_fields, legacy_methods, line)
        where = _Where(file, "event", i, erow.legacy)
        key: tuple[object, ...] = (erow.legacy, erow.rtm, erow.trigger, erow.request)
        key += (erow.outcome, erow.when, erow.each)
        if key in seen_events:
            raise where.error("duplicate event row (same legacy, rtm, trigger and conditions)")
        seen_events.add(key)
        if args_of.setdefault(erow.legacy, erow.args) != erow.args:
            raise where.error(
                f"args differ from an earlier row of {erow.legacy}: {args_of[erow.legacy]}", "args"
            )
        events.append(erow)

    callbacks_named = {e.legacy for e in events}
    for i, row in enumerate(methods, 1):
        if row.reports and row.reports not in callbacks_named:
            raise _Where(file, "method", i, row.legacy).error(
                f"{row.reports!r} is not a legacy callback of this table", "reports"
            )

    spelling_where = _Where(file, "seed_spellings")
    spellings = _string_table(doc, "seed_spellings", spelling_where)
    rtm_only_where = _Where(file, "rtm_only")
    rtm_only = _string_table(doc, "rtm_only", rtm_only_where)
    used_rtm = {n for m in methods for n in m.rtm} | {e.rtm for e in events if e.rtm}
    used_rtm |= {e.trigger for e in events if e.trigger}
    for name in rtm_only:
        if name not in ctx.methods and name not in ctx.callbacks:
            raise rtm_only_where.error(f"unknown {flavour.value} RTM name", name)
        if name in used_rtm:
            raise rtm_only_where.error("is used by a row, so it is not RTM-only", name)
    known_short = {rtm_surface.short_name(n) for n in used_rtm | set(rtm_only)}
    known_legacy = legacy_methods | {e.legacy for e in events}
    for seed_name, canonical in spellings.items():
        if seed_name == canonical:
            raise spelling_where.error("maps a name to itself", seed_name)
        if canonical not in known_legacy and canonical not in known_short:
            raise spelling_where.error(
                f"{canonical!r} is neither a legacy row nor an RTM name", seed_name
            )

    return FlavourTable(
        flavour=flavour,
        seed=meta["seed"],
        methods=tuple(methods),
        events=tuple(events),
        seed_spellings=MappingProxyType(spellings),
        rtm_only=MappingProxyType(rtm_only),
    )


# --------------------------------------------------------------------------- cross checks


def _cross_check(
    flavours: Mapping[Flavour, FlavourTable],
    differences: Mapping[str, Difference],
    error_codes: tuple[ErrorCodeRow, ...],
    legacy_api: Mapping[str, LegacyApi],
) -> tuple[str, ...]:
    cpp, java = flavours[Flavour.CPP], flavours[Flavour.JAVA]
    java_file = FLAVOUR_FILES[Flavour.JAVA]

    def names(table: FlavourTable, pick: Callable[[FlavourTable], Iterable[str]]) -> set[str]:
        return set(pick(table))

    for label, pick in (
        ("method", lambda t: (m.legacy for m in t.methods)),
        ("callback", lambda t: (e.legacy for e in t.events)),
    ):
        a, b = names(cpp, pick), names(java, pick)
        if a != b:
            raise TableError(
                java_file,
                f"legacy {label}s differ between flavours: only C++ {sorted(a - b)}, "
                f"only Java {sorted(b - a)}",
            )
    for i, row in enumerate(java.methods, 1):
        other = cpp.method(row.legacy)
        where = _Where(java_file, "method", i, row.legacy)
        if other.operation != row.operation:
            raise where.error(f"C++ table uses operation {other.operation!r}", "operation")
        if other.args != row.args:
            raise where.error(f"C++ table has args {other.args}", "args")
    cpp_args = {e.legacy: e.args for e in cpp.events}
    for i, erow in enumerate(java.events, 1):
        if cpp_args[erow.legacy] != erow.args:
            where = _Where(java_file, "event", i, erow.legacy)
            raise where.error(f"C++ table has args {cpp_args[erow.legacy]}", "args")

    used = {key for table in flavours.values() for m in table.methods for key in m.differences}
    used |= {key for table in flavours.values() for e in table.events for key in e.differences}
    used |= {key for api in legacy_api.values() if api.facts for key in api.facts.differences}
    for i, key in enumerate(differences, 1):
        if key not in used:
            raise _Where(DIFFERENCES_FILE, "difference", i, key).error(
                "no table row refers to this difference", "key"
            )

    callbacks = {e.legacy for e in cpp.events}
    for i, code in enumerate(error_codes, 1):
        if code.legacy_callback not in callbacks:
            raise _Where(ERROR_CODES_FILE, "code", i, code.rtm_name).error(
                f"{code.legacy_callback!r} is not a legacy callback of the tables",
                "legacy_callback",
            )

    for flavour, table in flavours.items():
        file = FLAVOUR_FILES[flavour]
        sections: tuple[tuple[str, tuple[str, ...], set[str]], ...] = (
            ("method", tuple(m.legacy for m in table.methods), {"method", "factory"}),
            ("event", tuple(e.legacy for e in table.events), {"callback"}),
        )
        for section, legacy_names, kinds in sections:
            for i, legacy in enumerate(legacy_names, 1):
                api = legacy_api.get(legacy)
                where = _Where(file, section, i, legacy)
                if api is None:
                    raise where.error(f"no entry in {LEGACY_API_FILE}", "legacy")
                if api.kind not in kinds:
                    raise where.error(f"{LEGACY_API_FILE} lists it as a {api.kind}", "legacy")
    return tuple(sorted({m.operation for m in cpp.methods}))


# --------------------------------------------------------------------------- entry points


def _load(data_dir: Path) -> MappingTables:
    differences = _load_differences(data_dir)
    error_codes, _legacy_codes = _load_error_codes(data_dir)
    legacy_api = _load_legacy_api(data_dir, differences)
    ctx_base: dict[str, Any] = {
        "differences": differences,
        "error_members": {
            enum: frozenset(r.rtm_value for r in error_codes if r.rtm_enum == enum)
            for enum in {r.rtm_enum for r in error_codes}
        },
    }
    flavours = {flavour: _load_flavour(data_dir, flavour, ctx_base) for flavour in Flavour}
    operations = _cross_check(flavours, differences, error_codes, legacy_api)
    return MappingTables(
        flavours=MappingProxyType(flavours),
        differences=MappingProxyType(differences),
        error_codes=error_codes,
        legacy_api=MappingProxyType(legacy_api),
        operations=operations,
    )


@functools.cache
def _load_default() -> MappingTables:
    return _load(DEFAULT_DATA_DIR)


def load(data_dir: Path | None = None) -> MappingTables:
    """Load and validate the tables from `data_dir` (default: the packaged data, cached)."""
    if data_dir is None:
        return _load_default()
    return _load(Path(data_dir))


# --------------------------------------------------------------------------- other dialects
# The same row rules for a dialect table beside the Signaling flavours (mapping_tables.dialect
# reads rts.toml with them): one definition of what a valid method or event row is.

RowContext = _Context
Where = _Where
FieldSpec = _Field
optional_field = _opt
check_fields = _fields
read_table = _read
check_top = _top
header_lines = _header_lines
table_rows = _rows
row_name = _row_name
string_table = _string_table
method_row = _method_row
event_row = _event_row
DIFFERENCE_FIELDS = _DIFFERENCE_FIELDS
EFFORTS = _EFFORTS
