"""The language registry, read from ``languages.toml``.

A language is data: which grammar wheel parses it, which extensions it owns, which platform
spellings of the legacy catalogue apply to it, which mapping-table flavour describes its RTM
SDK, and one tree-sitter query that names the shapes the engine needs. Adding a language is
adding a table to the TOML file; the engine (:mod:`migration_audit.extract`) has no
per-grammar code.
"""

from __future__ import annotations

import functools
import importlib
import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

import attrs

from mapping_tables.model import Flavour


class LanguageConfigError(ValueError):
    """``languages.toml`` is malformed (a packaging bug, not user input)."""


#: How the sig2rtm shim can run an app in a language (``shim`` in languages.toml) -> what the
#: reports say about it. Never more than is true: Python apps run on the shim; web apps on the
#: original AgoraSig.js through ``sig2rtm serve --legacy-port`` (the legacy wire protocol,
#: checked with the real AgoraSig.js by hand, not in CI); other languages need a port.
SHIM_ROUTES: Mapping[str, str] = {
    "runs": "runs unchanged on the sig2rtm shim (the agorasigsdk drop-in or the native shim)",
    "wire": (
        "runs unchanged on the original AgoraSig.js through sig2rtm serve --legacy-port "
        "(the legacy wire protocol; checked with the real SDK by hand, not in CI)"
    ),
    "port": "needs a port to an RTM SDK, which the mapping tables guide",
}


@attrs.frozen
class LanguageSpec:
    key: str
    module: str
    function: str
    extensions: tuple[str, ...]
    platforms: tuple[str, ...]
    flavours: tuple[Flavour, ...]
    query: str
    #: A key of SHIM_ROUTES.
    shim: str = "port"


@attrs.frozen
class HeaderRule:
    """How a shared header extension (``.h``) is assigned to a language by content."""

    extensions: tuple[str, ...]
    objc_markers: tuple[bytes, ...]
    objc: str
    otherwise: str

    def language_for(self, head: bytes) -> str:
        return self.objc if any(m in head for m in self.objc_markers) else self.otherwise


@attrs.frozen
class Registry:
    languages: Mapping[str, LanguageSpec]
    by_extension: Mapping[str, str]
    header: HeaderRule

    def language_of(self, path: str | PurePath) -> str | None:
        """The language key for a path by extension; "header" for a shared header extension."""
        suffix = PurePath(path).suffix.lower()
        if suffix in self.header.extensions:
            return HEADER
        return self.by_extension.get(suffix)


#: Pseudo language of ``.h`` files until their content is sniffed.
HEADER = "header"


def _str_tuple(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LanguageConfigError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _str(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise LanguageConfigError(f"{where}: {key!r} must be a non-empty string")
    return value


def parse_registry(data: Mapping[str, Any]) -> Registry:
    raw_languages = data.get("language")
    if not isinstance(raw_languages, dict) or not raw_languages:
        raise LanguageConfigError("languages.toml: no [language.*] tables")
    languages: dict[str, LanguageSpec] = {}
    by_extension: dict[str, str] = {}
    for key, table in raw_languages.items():
        where = f"languages.toml [language.{key}]"
        if "query_from" in table:
            source = raw_languages.get(table["query_from"])
            if source is None or "query" not in source:
                raise LanguageConfigError(f"{where}: query_from names no language with a query")
            query = _str(source, "query", where)
        else:
            query = _str(table, "query", where)
        try:
            flavours = tuple(Flavour(f) for f in _str_tuple(table, "flavours", where))
        except ValueError as exc:
            raise LanguageConfigError(f"{where}: {exc}") from exc
        shim = _str(table, "shim", where)
        if shim not in SHIM_ROUTES:
            raise LanguageConfigError(f"{where}: shim must be one of {sorted(SHIM_ROUTES)}")
        spec = LanguageSpec(
            shim=shim,
            key=key,
            module=_str(table, "module", where),
            function=_str(table, "function", where),
            extensions=_str_tuple(table, "extensions", where),
            platforms=_str_tuple(table, "platforms", where),
            flavours=flavours,
            query=query,
        )
        for ext in spec.extensions:
            if ext in by_extension:
                raise LanguageConfigError(f"{where}: extension {ext} already owned")
            by_extension[ext] = key
        languages[key] = spec
    header_table = data.get("header")
    if not isinstance(header_table, dict):
        raise LanguageConfigError("languages.toml: missing [header]")
    header = HeaderRule(
        extensions=_str_tuple(header_table, "extensions", "[header]"),
        objc_markers=tuple(
            m.encode() for m in _str_tuple(header_table, "objc_markers", "[header]")
        ),
        objc=_str(header_table, "objc", "[header]"),
        otherwise=_str(header_table, "otherwise", "[header]"),
    )
    for target in (header.objc, header.otherwise):
        if target not in languages:
            raise LanguageConfigError(f"[header] names unknown language {target!r}")
    return Registry(languages=languages, by_extension=by_extension, header=header)


@functools.cache
def registry() -> Registry:
    text = (Path(__file__).resolve().parent / "languages.toml").read_text("utf-8")
    return parse_registry(tomllib.loads(text))


@functools.cache
def grammar(key: str) -> Any:
    """The ``tree_sitter.Language`` for a language key (loaded once per process)."""
    import tree_sitter

    spec = registry().languages[key]
    module = importlib.import_module(spec.module)
    return tree_sitter.Language(getattr(module, spec.function)())
