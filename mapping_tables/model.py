"""The typed shape of the mapping tables.

The TOML files beside this module are data; these frozen records are what the rest of
sig2rtm sees after :mod:`mapping_tables.loader` has read and validated them. The shim
(``adapters.signaling``), the generated docs (``sig2rtm tables``) and the migration audit
(``migration_audit``) all read these records and nothing else, so a fact about the
legacy-to-RTM mapping is written once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs


class Status(enum.Enum):
    """How the shim covers a legacy method or callback."""

    #: A direct RTM counterpart exists; the shim translates the call or event.
    MAPPED = "mapped"
    #: RTM lacks it or behaves differently; the shim emulates the legacy behaviour.
    EMULATED = "emulated"
    #: Cannot be supported; calling it raises a clear error (or reports a legacy error code).
    UNSUPPORTED = "unsupported"


class Flavour(enum.Enum):
    """The RTM result style a table targets (seed 001 is C++, seed 003 is Java)."""

    CPP = "cpp"
    JAVA = "java"


@attrs.frozen
class Difference:
    """A named behaviour difference between legacy Signaling and RTM 1.x."""

    key: str
    title: str
    #: What differs, in a sentence or two (our words, not the seeds').
    explanation: str
    #: What a migrating team must review at call sites affected by it.
    review: str
    #: The shim's emulation that restores legacy behaviour, or None when none exists.
    emulation: str | None
    #: Rough effort to handle it by hand when not relying on the shim: "low" | "medium" | "high".
    effort: str
    #: Where the fact comes from (seed numbers and/or reference sections).
    source: str


@attrs.frozen
class MethodRow:
    """One legacy method and what it becomes on RTM."""

    legacy: str
    #: Parameter names, in legacy order (native flavour).
    args: tuple[str, ...]
    #: RTM methods the shim calls, in order (names as in the table's flavour).
    rtm: tuple[str, ...]
    status: Status
    #: Keys into :attr:`MappingTables.differences`.
    differences: tuple[str, ...]
    #: The adapter operation that executes this row (a key of the adapter's operation registry).
    operation: str
    #: Topic of the seed section the row comes from, e.g. "login", "peer_message".
    topic: str
    source: str
    #: For status UNSUPPORTED: the message of the error the shim raises.
    unsupported_reason: str | None = None
    note: str = ""
    #: Answers at once (a getter or the handler switch): no join-wait, no lock, no trace of
    #: a request. Every other row is a request: it waits behind a pending join.
    immediate: bool = False
    #: For status UNSUPPORTED: the legacy callback that reports the declared error
    #: (``onError``, ``onMessageSendError`` ...); a test proves the shim fires it.
    reports: str = ""
    #: 1-based line of the row's ``[[method]]`` header in its file (for errors and docs).
    line: int = 0


@attrs.frozen
class EventRow:
    """One legacy callback and the RTM event(s) that produce it."""

    legacy: str
    #: Legacy callback parameter names, in order.
    args: tuple[str, ...]
    #: The RTM callback that triggers it, e.g. "onSendMessageResult" (C++) or
    #: "ResultCallback.onSuccess" (Java); empty when purely emulated.
    rtm: str
    #: For Java result callbacks: the RTM call whose ResultCallback fires; else "".
    trigger: str
    status: Status
    #: The residual condition over the event context, in the tiny expression language of
    #: :mod:`mapping_tables.expr` (e.g. ``"session.handler_channel == session.channel"``);
    #: "" means always. What :attr:`request` and :attr:`outcome` say is not repeated here.
    when: str
    #: Legacy argument name -> projection expression over the context
    #: (e.g. ``{"messageID": "request.msgID"}``).
    projection: Mapping[str, str]
    differences: tuple[str, ...]
    topic: str
    source: str
    note: str = ""
    #: Optional expression yielding a list: the row then fires once per element, with the
    #: element bound to the ``item`` root of the projection (e.g. one legacy
    #: onChannelAttrUpdated per changed key of an RTM attribute snapshot). "" fires once.
    each: str = ""
    #: The legacy methods whose request this event must answer; empty = any (or none).
    request: tuple[str, ...] = ()
    #: "ok" or "error": the event must report success (``errorCode`` 0) or a failure;
    #: "" = either.
    outcome: str = ""
    #: 1-based line of the row's ``[[event]]`` header in its file.
    line: int = 0


@attrs.frozen
class ErrorCodeRow:
    """An RTM error code and the legacy code a legacy app expects in its place."""

    rtm_enum: str
    rtm_name: str
    rtm_value: int
    legacy_name: str
    legacy_value: int
    #: The legacy callback that carries it, e.g. "onMessageSendError".
    legacy_callback: str


@attrs.frozen
class Spelling:
    """How one legacy API is spelled on one platform SDK (for the migration audit)."""

    #: "native" (C++/Android), "ios", "web", "java_server", "python", "windows", ...
    platform: str
    name: str
    #: "method" | "callback" | "factory" | "property" | "type" | "module"
    kind: str
    #: True when this spelling is a generic word (``accept``, ``end``, ``login``) that needs
    #: receiver evidence before the audit may report it.
    generic: bool = False


@attrs.frozen
class CatalogueFacts:
    """What the audit reports for a catalogue entry that no flavour-table row covers: an
    entry point, an SDK type or an SDK module (``Signal``, ``ICallBack``, ``io.agora.signal``).

    Why here and not as a table row: a table row is also something the shim executes (an
    adapter operation); these names are where an app reaches the SDK, which a migration must
    touch but which no legacy call turns into RTM calls.
    """

    #: What replaces it on RTM (qualified names or module names).
    rtm: tuple[str, ...]
    status: Status
    #: Keys into :attr:`MappingTables.differences`.
    differences: tuple[str, ...]
    #: What sig2rtm offers for it, for the report.
    note: str


@attrs.frozen
class LegacyApi:
    """A legacy API entry of the catalogue: canonical name plus per-platform spellings."""

    name: str
    kind: str
    spellings: tuple[Spelling, ...]
    #: True for generic names (login, logout, invoke, destroy) that need receiver evidence.
    generic: bool
    #: Facts for the audit when no flavour-table row covers this name (see CatalogueFacts).
    facts: CatalogueFacts | None = None


@attrs.frozen
class FlavourTable:
    """One platform flavour's table: the rows of seed 001 (C++) or seed 003 (Java)."""

    flavour: Flavour
    seed: str
    methods: tuple[MethodRow, ...]
    events: tuple[EventRow, ...]
    #: Seed spelling -> canonical name, for names the seed spells differently from the
    #: reference (``queryuserStatus`` -> ``queryUserStatus``). Used by the seed checks.
    seed_spellings: Mapping[str, str] = attrs.field(factory=dict)
    #: Qualified RTM name -> why no legacy API maps to it (seed rows whose legacy cell is N/A).
    rtm_only: Mapping[str, str] = attrs.field(factory=dict)

    def method(self, legacy: str) -> MethodRow:
        for row in self.methods:
            if row.legacy == legacy:
                return row
        raise KeyError(f"{self.flavour.value} table has no method row {legacy!r}")

    def events_for(self, legacy: str) -> tuple[EventRow, ...]:
        return tuple(row for row in self.events if row.legacy == legacy)


@attrs.frozen
class MappingTables:
    """Everything the loader read, validated and cross-checked."""

    flavours: Mapping[Flavour, FlavourTable]
    differences: Mapping[str, Difference]
    error_codes: tuple[ErrorCodeRow, ...]
    legacy_api: Mapping[str, LegacyApi]
    #: The adapter operation names (sorted): exactly the ``operation`` values of the method
    #: rows, identical in every flavour. The adapter's operation registry must match it.
    operations: tuple[str, ...] = ()

    def flavour(self, flavour: Flavour | str) -> FlavourTable:
        return self.flavours[Flavour(flavour)]


# --------------------------------------------------------------------------- other dialects
# A dialect table (rts.toml) has the same method, event and code rows as a Signaling flavour,
# plus every member of the dialect's enums and the other names of its seeds, each with a status.


class NameStatus(enum.Enum):
    """How a dialect reports an enum member or covers a seed name that is not a call."""

    MAPPED = "mapped"
    EMULATED = "emulated"
    #: Never reported / not applicable; the row says why.
    NOT_APPLICABLE = "n/a"


@attrs.frozen
class EnumMember:
    name: str
    value: int
    status: NameStatus
    #: Why, for a member that is not simply mapped.
    note: str = ""


@attrs.frozen
class DialectEnum:
    """One enum of the dialect (``LoginErrorCode``) with all its members."""

    name: str
    members: tuple[EnumMember, ...]
    source: str

    def member(self, name: str) -> EnumMember:
        for m in self.members:
            if m.name == name:
                return m
        raise KeyError(f"{self.name} has no member {name!r}")


@attrs.frozen
class SeedName:
    """A seed name that is neither a method nor a callback of the dialect (a server action,
    a webhook field, a term), and what it is in sig2rtm."""

    name: str
    #: "server_action" | "webhook_field" | "term" | "type"
    kind: str
    status: NameStatus
    #: Where it runs or what carries it (for mapped and emulated names).
    runs_on: str
    note: str
    source: str


@attrs.frozen
class DialectTable:
    """A dialect's table: its calls and callbacks on RTM, its codes and enums, its names."""

    dialect: str
    #: The seed numbers the table covers.
    seeds: tuple[str, ...]
    description: str
    file: str
    methods: tuple[MethodRow, ...]
    events: tuple[EventRow, ...]
    #: RTM error-enum member -> the dialect's code (``legacy_*`` fields: the dialect's side).
    codes: tuple[ErrorCodeRow, ...]
    enums: tuple[DialectEnum, ...]
    names: tuple[SeedName, ...]
    #: Platform spellings in the seeds -> the row's name.
    aliases: Mapping[str, str]
    differences: Mapping[str, Difference]

    def method(self, name: str) -> MethodRow:
        for row in self.methods:
            if row.legacy == name:
                return row
        raise KeyError(f"{self.dialect} table has no method row {name!r}")

    def events_for(self, name: str) -> tuple[EventRow, ...]:
        return tuple(row for row in self.events if row.legacy == name)

    def enum(self, name: str) -> DialectEnum:
        for e in self.enums:
            if e.name == name:
                return e
        raise KeyError(f"{self.dialect} table has no enum {name!r}")

    def known(self, name: str) -> bool:
        """Whether ``name`` (or the name it is an alias of) has a row: a method, a callback,
        an enum or enum member, or another seed name."""
        name = self.aliases.get(name, name)
        return (
            any(m.legacy == name for m in self.methods)
            or any(e.legacy == name for e in self.events)
            or any(n.name == name for n in self.names)
            or any(e.name == name or any(m.name == name for m in e.members) for e in self.enums)
        )
