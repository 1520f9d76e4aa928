"""Per-language lookup of legacy spellings, built from ``MappingTables.legacy_api``.

The catalogue in :mod:`mapping_tables` lists every legacy API with its spelling on each
platform SDK. The audit turns it into one small index per language: which spelled names are
calls, which are callbacks, which are factories, which strings are tokens, and one prefilter
regex over all of them. The index is plain data so it can be sent to worker processes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import attrs

from mapping_tables.model import LegacyApi, MappingTables
from migration_audit.languages import Registry
from migration_audit.markers import Markers

#: The inline suppression comment (see :mod:`migration_audit.ignore`).
IGNORE_MARKER = "sig2rtm-audit"

#: Catalogue spelling kinds and how the audit matches them.
CALL_KINDS = frozenset({"method"})
FACTORY_KINDS = frozenset({"factory", "constructor"})
CALLBACK_KINDS = frozenset({"callback", "property"})
TOKEN_KINDS = frozenset({"token", "string", "constant"})
TYPE_KINDS = frozenset({"type", "class"})
MODULE_KINDS = frozenset({"module", "header", "import"})


@attrs.frozen
class Entry:
    """What one spelled name means in one language."""

    api: str  # canonical legacy name (key of MappingTables.legacy_api)
    kind: str  # "method" | "factory" | "callback" | "token"
    generic: bool
    spelling: str  # as the catalogue writes it (ObjC: full selector)
    #: A generic word standing for a distinctive API on one platform (Python's ``accept`` and
    #: ``end`` for channelInviteAccept / channelInviteEnd): without any SDK evidence in the
    #: file it is not reported at all, since the word alone says nothing.
    needs_evidence: bool = False


@attrs.frozen
class LanguageIndex:
    language: str
    #: Method and factory names (ObjC: first selector keyword), for calls.
    calls: Mapping[str, Entry]
    #: Full ObjC selectors (``login2:account:token:uid:deviceID:retry_time_in_s:retry_count:``).
    selectors: Mapping[str, Entry]
    #: Callback and property names, for definitions and assignments.
    callbacks: Mapping[str, Entry]
    #: Substrings that are findings inside string literals.
    tokens: Mapping[str, Entry]
    #: SDK type names (last component) that trace an object to the SDK on their own.
    types: frozenset[str]
    #: SDK type names that other code uses too (``Signal``, ``Channel``): evidence only in a
    #: file that also shows a module or a strong type.
    weak_types: frozenset[str]
    #: Substrings of import paths / #include paths / require() arguments that name the SDK.
    modules: tuple[str, ...]
    #: Regex source over bytes: a file without a match cannot contain a finding.
    prefilter: str
    #: Module spelling -> canonical API, for import findings.
    module_apis: Mapping[str, str] = attrs.field(factory=dict)
    #: SDK type name (last component, strong and weak) -> canonical API, for import and
    #: subclass findings.
    type_apis: Mapping[str, str] = attrs.field(factory=dict)

    def module_matches(self, path: str) -> bool:
        return any(m in path for m in self.modules)


@attrs.frozen
class Catalogue:
    indexes: Mapping[str, LanguageIndex]
    #: Spelled names that the catalogue gives to two different APIs on one language's
    #: platforms ("language: name -> api1, api2"); the first API (sorted) wins.
    conflicts: tuple[str, ...]
    #: Languages whose platforms have no spelling at all in the catalogue.
    uncovered: tuple[str, ...]
    #: Token text -> difference key, for tokens the catalogue does not list (stopgap data
    #: from markers.toml; see there).
    token_differences: Mapping[str, str] = attrs.field(factory=dict)


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def is_generic(name: str, flagged: bool) -> bool:
    """A spelling is generic if the catalogue flags it or it is a single word.

    One word after an ``on`` prefix (``login``, ``destroy``, ``Signal``, ``onLogout``, ``end``)
    is too common to identify the SDK on its own; such matches need receiver evidence. The
    catalogue's flags are the authority; the one-word rule only adds to them.
    """
    if flagged:
        return True
    words = _WORD.findall(name.split(":", 1)[0])
    if words and words[0].lower() == "on":
        words = words[1:]
    return len(words) <= 1


def _last_component(name: str) -> str:
    return re.split(r"::|\.", name)[-1]


def _first_keyword(spelling: str) -> str:
    return spelling.split(":", 1)[0]


def _setter(callback: str) -> str:
    """ObjC setter selector keyword of a block property: ``onLogout`` -> ``setOnLogout``."""
    return "set" + callback[:1].upper() + callback[1:]


_Trie = dict[str, "_Trie"]


def _trie_regex(words: Iterable[str]) -> str:
    """An alternation factored by common prefixes, which ``re`` scans much faster."""
    trie: _Trie = {}
    for word in sorted(set(words)):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


def _add(
    table: dict[str, Entry], key: str, entry: Entry, conflicts: list[str], language: str
) -> None:
    existing = table.get(key)
    if existing is None:
        table[key] = entry
    elif existing.api != entry.api:
        first, second = sorted((existing.api, entry.api))
        conflicts.append(f"{language}: {key} -> {first}, {second}")
        table[key] = existing if existing.api == first else entry


def build_catalogue(
    tables: MappingTables, registry: Registry, markers: Markers | None = None
) -> Catalogue:
    """Index the catalogue's spellings by language."""
    indexes: dict[str, LanguageIndex] = {}
    conflicts: list[str] = []
    uncovered: list[str] = []
    listed = {s.name for a in tables.legacy_api.values() for s in a.spellings}
    extra_tokens = {
        text: key
        for text, key in (markers.tokens.items() if markers is not None else ())
        if text not in listed
    }
    apis: list[LegacyApi] = sorted(tables.legacy_api.values(), key=lambda a: a.name)
    for key, spec in registry.languages.items():
        calls: dict[str, Entry] = {}
        selectors: dict[str, Entry] = {}
        callbacks: dict[str, Entry] = {}
        tokens: dict[str, Entry] = {}
        types: set[str] = set()
        weak_types: set[str] = set()
        modules: set[str] = set()
        module_apis: dict[str, str] = {}
        type_apis: dict[str, str] = {}
        platforms = set(spec.platforms)
        for api in apis:
            for spelling in api.spellings:
                if spelling.platform not in platforms:
                    continue
                kind = spelling.kind
                generic = is_generic(spelling.name, spelling.generic)
                borrowed = generic and not is_generic(api.name, api.generic)
                if kind in TYPE_KINDS:
                    last = _last_component(spelling.name)
                    (weak_types if spelling.generic else types).add(last)
                    type_apis.setdefault(last, api.name)
                elif kind in MODULE_KINDS:
                    modules.add(spelling.name)
                    module_apis.setdefault(spelling.name, api.name)
                elif kind in TOKEN_KINDS:
                    entry = Entry(api.name, "token", False, spelling.name)
                    _add(tokens, spelling.name, entry, conflicts, key)
                elif kind in CALLBACK_KINDS:
                    entry = Entry(api.name, "callback", generic, spelling.name, borrowed)
                    name = _first_keyword(spelling.name)
                    _add(callbacks, name, entry, conflicts, key)
                    if spec.key == "objc":
                        _add(calls, _setter(name), entry, conflicts, key)
                elif kind in CALL_KINDS or kind in FACTORY_KINDS:
                    entry = Entry(
                        api.name,
                        "factory" if kind in FACTORY_KINDS else "method",
                        generic,
                        spelling.name,
                        borrowed,
                    )
                    if ":" in spelling.name:
                        _add(selectors, spelling.name, entry, conflicts, key)
                    _add(calls, _first_keyword(spelling.name), entry, conflicts, key)
        if not (calls or callbacks or tokens):
            uncovered.append(key)
        for text in extra_tokens:
            if text not in tokens:
                tokens[text] = Entry(text, "token", False, text)
        weak_types -= types
        words = [*calls, *callbacks, *tokens, *modules, *types, IGNORE_MARKER]
        prefilter = r"(?<![\w$])" + _trie_regex(words)
        indexes[key] = LanguageIndex(
            language=key,
            calls=calls,
            selectors=selectors,
            callbacks=callbacks,
            tokens=tokens,
            types=frozenset(types),
            weak_types=frozenset(weak_types),
            modules=tuple(sorted(modules)),
            prefilter=prefilter,
            module_apis=module_apis,
            type_apis=type_apis,
        )
    return Catalogue(
        indexes=indexes,
        conflicts=tuple(sorted(set(conflicts))),
        uncovered=tuple(uncovered),
        token_differences=extra_tokens,
    )
