"""Language-neutral tracing heuristics, read from ``markers.toml``.

See that file for what each list means. SDK names (types, modules, headers) are not here: they
come from the catalogue in :mod:`mapping_tables` through :mod:`migration_audit.catalogue`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs


class MarkersConfigError(ValueError):
    """``markers.toml`` is malformed."""


@attrs.frozen
class Markers:
    inferred_types: frozenset[str]
    self_names: frozenset[str]
    name_hint: str
    #: Stopgap until the catalogue lists them: marker string -> difference key.
    tokens: Mapping[str, str] = attrs.field(factory=dict)

    def hints_sdk(self, name: str) -> bool:
        return self.name_hint in name.lower()


_COMPONENT = re.compile(r"[A-Za-z_$][\w$]*")


def components(type_text: str) -> list[str]:
    """Identifier components of a (possibly qualified, generic or pointer) type or expression."""
    return _COMPONENT.findall(type_text)


def parse_markers(data: Mapping[str, Any]) -> Markers:
    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise MarkersConfigError(f"markers.toml: {key!r} must be a list of non-empty strings")
        return tuple(value)

    hint = data.get("name_hint")
    if not isinstance(hint, str) or not hint:
        raise MarkersConfigError("markers.toml: 'name_hint' must be a non-empty string")
    tokens: dict[str, str] = {}
    raw_tokens = data.get("tokens", [])
    if not isinstance(raw_tokens, list):
        raise MarkersConfigError("markers.toml: [[tokens]] must be an array of tables")
    for number, raw in enumerate(raw_tokens, 1):
        if not (
            isinstance(raw, dict)
            and isinstance(raw.get("text"), str)
            and raw["text"]
            and isinstance(raw.get("difference"), str)
            and raw["difference"]
        ):
            raise MarkersConfigError(f"markers.toml: tokens[{number}] needs text and difference")
        tokens[raw["text"]] = raw["difference"]
    return Markers(
        tokens=tokens,
        inferred_types=frozenset(strings("inferred_types")),
        self_names=frozenset(strings("self_names")),
        name_hint=hint.lower(),
    )


@functools.cache
def markers() -> Markers:
    text = (Path(__file__).resolve().parent / "markers.toml").read_text("utf-8")
    return parse_markers(tomllib.loads(text))
