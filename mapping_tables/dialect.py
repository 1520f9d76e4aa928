"""Read and validate a dialect table (``rts.toml``) with the Signaling tables' row rules.

A dialect beside legacy Signaling — the vendor RTS API of seeds 000/002/004 — is described
the same way: method rows (the facade generates its methods from them), event rows (compiled
to Python by :mod:`mapping_tables.codegen`) and code rows (``legacy_code()``), checked by the
same functions of :mod:`mapping_tables.loader` against the same RTM surface. What a dialect
adds is checked here: its own differences, every member of its enums with a status, the
other names of its seeds, and platform spellings.

The RTM surface a dialect may name is the C++ one plus the signals its adapter raises itself
(``Rts.*``, like the shim's ``Shim.*``) and the core's sig2rtm extensions
(``RtmClient.sendMessageToServer`` and its result enum ``SERVER_MESSAGE_ERR``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from mapping_tables import loader, rtm_surface
from mapping_tables.model import (
    DialectEnum,
    DialectTable,
    Difference,
    EnumMember,
    ErrorCodeRow,
    EventRow,
    Flavour,
    MethodRow,
    NameStatus,
    SeedName,
)
from rtm.enums import SERVER_MESSAGE_ERR

__all__ = [
    "DIALECT_SESSION_FIELDS",
    "EXTENSION_ENUMS",
    "EXTENSION_METHODS",
    "RTS_FILE",
    "RTS_SIGNALS",
    "load_dialect",
]

RTS_FILE = "rts.toml"

_cb = rtm_surface.CallbackSpec

#: Signals the RTS engine raises itself (its emulations), routed through event rows.
RTS_SIGNALS: Mapping[str, rtm_surface.CallbackSpec] = MappingProxyType(
    {
        "Rts.onSysStats": _cb(("stats",), False),
        "Rts.onConnectionLost": _cb((), False),
        "Rts.onCreateRoomFailed": _cb(("room_id", "error"), False),
        "Rts.onServerParamsSet": _cb(("error",), False),
        "Rts.onSendRefused": _cb(("msgid", "error"), False),
        "Rts.onServerSendResult": _cb(("msgid", "error", "ack"), False),
        "Rts.onRoomSendRefused": _cb(("msgid", "error"), False),
        "Rts.onRoomRejoined": _cb((), False),
        "Rts.onRoomLost": _cb(("error",), False),
    }
)

#: RTM-side calls the core offers as sig2rtm extensions (not RTM 1.x).
EXTENSION_METHODS = frozenset({"RtmClient.sendMessageToServer"})

#: Result enums of those extensions: name -> member -> value (read from the core).
EXTENSION_ENUMS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {"SERVER_MESSAGE_ERR": MappingProxyType({m.name: int(m) for m in SERVER_MESSAGE_ERR})}
)

#: What an RTS row may read under ``session``: the engine's (uid, login_elapsed,
#: previous_state, rtc_naming) or, for room rows, the room's (uid, room_id, join_elapsed).
DIALECT_SESSION_FIELDS = frozenset(
    {"uid", "login_elapsed", "previous_state", "rtc_naming", "room_id", "join_elapsed"}
)

_F = loader.FieldSpec
_opt = loader.optional_field
_STR, _INT, _STRS, _TABLES = "str", "int", "strs", "tables"

_META = {"dialect": _F(_STR), "seeds": _F(_STRS), "description": _opt(_STR, "")}
_CODE = {
    "rtm_enum": _F(_STR),
    "rtm_name": _F(_STR),
    "rtm_value": _F(_INT),
    "legacy_name": _F(_STR),
    "legacy_value": _F(_INT),
    "legacy_callback": _F(_STR),
}
_ENUM = {"name": _F(_STR), "source": _F(_STR), "members": _F(_TABLES)}
_MEMBER = {"name": _F(_STR), "value": _F(_INT), "status": _F(_STR), "note": _opt(_STR, "")}
_NAME = {
    "name": _F(_STR),
    "kind": _F(_STR),
    "status": _F(_STR),
    "runs_on": _opt(_STR, ""),
    "note": _opt(_STR, ""),
    "source": _F(_STR),
}
_KINDS = frozenset({"server_action", "webhook_field", "term", "type"})
_TOPICS = frozenset({"engine", "room"})
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _name_status(value: str, where: loader.Where) -> NameStatus:
    try:
        return NameStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in NameStatus)
        raise where.error(f"bad status {value!r} (allowed: {allowed})", "status") from None


def _differences(doc: dict[str, Any], file: str) -> dict[str, Difference]:
    out: dict[str, Difference] = {}
    for i, raw in enumerate(loader.table_rows(doc, file, "difference"), 1):
        where = loader.Where(file, "difference", i, loader.row_name(raw, "key"))
        f = loader.check_fields(raw, loader.DIFFERENCE_FIELDS, where)
        if not _SNAKE.match(f["key"]):
            raise where.error("must be snake_case", "key")
        if f["key"] in out:
            raise where.error("duplicate difference key", "key")
        if f["effort"] not in loader.EFFORTS:
            raise where.error(f"must be one of {sorted(loader.EFFORTS)}", "effort")
        out[f["key"]] = Difference(**f)
    return out


def _enums(doc: dict[str, Any], file: str) -> tuple[DialectEnum, ...]:
    enums: list[DialectEnum] = []
    for i, raw in enumerate(loader.table_rows(doc, file, "enum"), 1):
        where = loader.Where(file, "enum", i, loader.row_name(raw, "name"))
        f = loader.check_fields(raw, _ENUM, where)
        members: list[EnumMember] = []
        for raw_member in f["members"]:
            m = loader.check_fields(raw_member, _MEMBER, where)
            status = _name_status(m["status"], where)
            if status is not NameStatus.MAPPED and not m["note"].strip():
                raise where.error(f"{m['name']}: a member that is not mapped says why", "note")
            if any(x.name == m["name"] for x in members):
                raise where.error(f"duplicate member {m['name']!r}", "members")
            members.append(EnumMember(m["name"], m["value"], status, m["note"]))
        if any(e.name == f["name"] for e in enums):
            raise where.error("duplicate enum", "name")
        enums.append(DialectEnum(f["name"], tuple(members), f["source"]))
    return tuple(enums)


def _codes(
    doc: dict[str, Any], file: str, enums: tuple[DialectEnum, ...]
) -> tuple[ErrorCodeRow, ...]:
    members = {m.name: m.value for e in enums for m in e.members}
    known = {**rtm_surface.RTM_ENUMS, **EXTENSION_ENUMS}
    codes: list[ErrorCodeRow] = []
    for i, raw in enumerate(loader.table_rows(doc, file, "code"), 1):
        where = loader.Where(file, "code", i, loader.row_name(raw, "rtm_name"))
        f = loader.check_fields(raw, _CODE, where)
        enum = known.get(f["rtm_enum"])
        if enum is None:
            raise where.error(f"unknown RTM enum {f['rtm_enum']!r}", "rtm_enum")
        if enum.get(f["rtm_name"]) != f["rtm_value"]:
            raise where.error(f"{f['rtm_enum']} has no {f['rtm_name']} = {f['rtm_value']}")
        if members.get(f["legacy_name"]) != f["legacy_value"]:
            raise where.error(
                f"no member {f['legacy_name']} = {f['legacy_value']} in the table's enums",
                "legacy_name",
            )
        if any((c.rtm_enum, c.rtm_value) == (f["rtm_enum"], f["rtm_value"]) for c in codes):
            raise where.error("duplicate code row", "rtm_name")
        codes.append(ErrorCodeRow(**f))
    for name, extension in EXTENSION_ENUMS.items():
        covered = {c.rtm_value for c in codes if c.rtm_enum == name}
        missing = sorted(m for m, v in extension.items() if v not in covered)
        if missing:  # the core's extension grew: its results must map to RTS codes
            raise loader.Where(file, "code").error(f"{name} has no rows for {missing}")
    return tuple(codes)


def _names(doc: dict[str, Any], file: str) -> tuple[SeedName, ...]:
    names: list[SeedName] = []
    for i, raw in enumerate(loader.table_rows(doc, file, "name"), 1):
        where = loader.Where(file, "name", i, loader.row_name(raw, "name"))
        f = loader.check_fields(raw, _NAME, where)
        status = _name_status(f["status"], where)
        if f["kind"] not in _KINDS:
            raise where.error(f"must be one of {sorted(_KINDS)}", "kind")
        if status is NameStatus.NOT_APPLICABLE and not f["note"].strip():
            raise where.error("an n/a name says why", "note")
        if status is not NameStatus.NOT_APPLICABLE and not f["runs_on"].strip():
            raise where.error("say what runs or carries it", "runs_on")
        names.append(SeedName(status=status, **{k: v for k, v in f.items() if k != "status"}))
    return tuple(names)


def _context(
    file: str, differences: Mapping[str, Difference], codes: tuple[ErrorCodeRow, ...]
) -> loader.RowContext:
    return loader.RowContext(
        flavour=Flavour.CPP,
        file=file,
        differences=differences,
        error_members={
            enum: frozenset(c.rtm_value for c in codes if c.rtm_enum == enum)
            for enum in {c.rtm_enum for c in codes}
        },
        callbacks={**rtm_surface.callbacks(Flavour.CPP), **RTS_SIGNALS},
        methods=rtm_surface.methods(Flavour.CPP) | EXTENSION_METHODS,
        session_fields=DIALECT_SESSION_FIELDS,
    )


def _method_rows(
    doc: dict[str, Any], data_dir: Path, file: str, ctx: loader.RowContext
) -> tuple[MethodRow, ...]:
    rows: list[MethodRow] = []
    lines = loader.header_lines(data_dir, file, "method")
    for i, raw in enumerate(loader.table_rows(doc, file, "method"), 1):
        row = loader.method_row(raw, i, ctx, lines[i - 1] if i <= len(lines) else 0)
        where = loader.Where(file, "method", i, row.legacy)
        if not row.immediate:
            raise where.error("every call of this dialect answers at once", "immediate")
        if row.topic not in _TOPICS:
            raise where.error(f"must be one of {sorted(_TOPICS)}", "topic")
        if any(r.legacy == row.legacy or r.operation == row.operation for r in rows):
            raise where.error("duplicate method or operation", "legacy")
        rows.append(row)
    return tuple(rows)


def _event_rows(
    doc: dict[str, Any],
    data_dir: Path,
    file: str,
    ctx: loader.RowContext,
    methods: tuple[MethodRow, ...],
) -> tuple[EventRow, ...]:
    legacy_methods = frozenset(m.legacy for m in methods)
    request_fields = frozenset(a for m in methods for a in m.args) | loader.REQUEST_EXTRA_FIELDS
    rows: list[EventRow] = []
    args_of: dict[str, tuple[str, ...]] = {}
    topic_of: dict[str, str] = {}
    lines = loader.header_lines(data_dir, file, "event")
    for i, raw in enumerate(loader.table_rows(doc, file, "event"), 1):
        line = lines[i - 1] if i <= len(lines) else 0
        row = loader.event_row(raw, i, ctx, request_fields, legacy_methods, line)
        where = loader.Where(file, "event", i, row.legacy)
        if row.topic not in _TOPICS:
            raise where.error(f"must be one of {sorted(_TOPICS)}", "topic")
        if args_of.setdefault(row.legacy, row.args) != row.args:
            raise where.error(f"args differ from an earlier row: {args_of[row.legacy]}", "args")
        if topic_of.setdefault(row.legacy, row.topic) != row.topic:
            raise where.error("a callback belongs to one handler (engine or room)", "topic")
        rows.append(row)
    return tuple(rows)


def _load(data_dir: Path, file: str) -> DialectTable:
    doc = loader.read_table(data_dir, file)
    sections = ("meta", "aliases", "difference", "method", "event", "code", "enum", "name")
    loader.check_top(doc, file, {s: s in ("meta", "method", "event") for s in sections})
    meta = loader.check_fields(doc["meta"], _META, loader.Where(file, "meta"))
    differences = _differences(doc, file)
    enums = _enums(doc, file)
    codes = _codes(doc, file, enums)
    ctx = _context(file, differences, codes)
    methods = _method_rows(doc, data_dir, file, ctx)
    events = _event_rows(doc, data_dir, file, ctx, methods)
    names = _names(doc, file)
    callbacks = {e.legacy for e in events}
    for i, code in enumerate(codes, 1):
        if code.legacy_callback not in callbacks:
            raise loader.Where(file, "code", i, code.rtm_name).error(
                f"{code.legacy_callback!r} is not a callback of this table", "legacy_callback"
            )
    used = {k for m in methods for k in m.differences} | {k for e in events for k in e.differences}
    for i, key in enumerate(differences, 1):
        if key not in used:
            raise loader.Where(file, "difference", i, key).error("no row refers to it", "key")
    aliases_where = loader.Where(file, "aliases")
    aliases = loader.string_table(doc, "aliases", aliases_where)
    table = DialectTable(
        dialect=meta["dialect"],
        seeds=tuple(meta["seeds"]),
        description=meta["description"],
        file=file,
        methods=methods,
        events=events,
        codes=codes,
        enums=enums,
        names=names,
        aliases=MappingProxyType({}),
        differences=MappingProxyType(differences),
    )
    for spelling, canonical in aliases.items():
        if not table.known(canonical):
            raise aliases_where.error(f"{canonical!r} has no row", spelling)
    return attrs.evolve(table, aliases=MappingProxyType(dict(aliases)))


@functools.cache
def _load_default(file: str) -> DialectTable:
    return _load(loader.DEFAULT_DATA_DIR, file)


def load_dialect(file: str = RTS_FILE, data_dir: Path | None = None) -> DialectTable:
    """Load and validate a dialect table (default: the packaged ``rts.toml``, cached)."""
    if data_dir is None:
        return _load_default(file)
    return _load(Path(data_dir), file)
