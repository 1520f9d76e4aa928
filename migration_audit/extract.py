"""Turn one syntax tree into grammar-neutral facts, using the language's query.

The query in ``languages.toml`` labels nodes with standard capture names; this module
collects the labelled nodes into small records. Nothing here knows a grammar's node types
(the Objective-C selector is rebuilt from the generic ``method`` field name), so the analysis
in :mod:`migration_audit.analyse` is the same for every language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from migration_audit.languages import grammar, registry


@attrs.define
class Call:
    node: Any
    name: str
    name_node: Any
    recv: Any | None
    is_new: bool = False
    #: Objective-C message: the full selector (``login2:account:...:``); else "".
    selector: str = ""


@attrs.define
class ClassFact:
    node: Any
    name: str = ""
    bases: list[str] = attrs.field(factory=list)
    #: The node of each base, in the order of ``bases``.
    base_nodes: list[Any] = attrs.field(factory=list)


@attrs.define
class DefFact:
    node: Any
    name: str = ""
    name_node: Any | None = None
    params: list[str] = attrs.field(factory=list)
    owner: str = ""


@attrs.define
class Prop:
    node: Any
    recv: Any
    name: str
    name_node: Any
    value: Any | None


@attrs.define
class Bind:
    name: str
    type_text: str
    value: Any | None
    line: int


@attrs.define
class Import:
    path: str
    name: str
    alias: str
    #: The import statement (``import``, ``#include``, ``require(...)``), for its location.
    node: Any | None = None


@attrs.define
class Facts:
    calls: list[Call] = attrs.field(factory=list)
    classes: dict[int, ClassFact] = attrs.field(factory=dict)
    defs: dict[int, DefFact] = attrs.field(factory=dict)
    props: list[Prop] = attrs.field(factory=list)
    binds: list[Bind] = attrs.field(factory=list)
    imports: list[Import] = attrs.field(factory=list)
    comments: list[Any] = attrs.field(factory=list)
    strings: list[Any] = attrs.field(factory=list)


@functools.cache
def query(language: str) -> Any:
    import tree_sitter

    return tree_sitter.Query(grammar(language), registry().languages[language].query)


def text(node: Any) -> str:
    raw: bytes = node.text
    return raw.decode("utf-8", "replace")


def selector_of(node: Any) -> tuple[str, Any]:
    """Rebuild an Objective-C selector from a message expression's ``method`` fields."""
    parts = node.children_by_field_name("method")
    if not parts:
        return "", None
    keyword = any(child.type == ":" for child in node.children)
    names = [text(p) for p in parts]
    selector = ":".join(names) + ":" if keyword else names[0]
    return selector, parts[0]


def _one(caps: dict[str, list[Any]], key: str) -> Any | None:
    nodes = caps.get(key)
    return nodes[0] if nodes else None


def _on_call(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    node = caps["call"][0]
    name_node = _one(caps, "call.name")
    if name_node is None or node.id in seen:
        return
    seen.add(node.id)
    facts.calls.append(Call(node, text(name_node), name_node, _one(caps, "call.recv")))


def _on_msg(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    node = caps["msg"][0]
    if node.id in seen:
        return
    seen.add(node.id)
    selector, first = selector_of(node)
    if first is None:
        return
    name = selector.split(":", 1)[0]
    facts.calls.append(Call(node, name, first, _one(caps, "msg.recv"), selector=selector))


def _on_new(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    node = caps["new"][0]
    type_node = _one(caps, "new.type")
    if type_node is None or node.id in seen:
        return
    seen.add(node.id)
    facts.calls.append(Call(node, text(type_node), type_node, None, is_new=True))


def _on_class(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    node = caps["class"][0]
    fact = facts.classes.setdefault(node.id, ClassFact(node))
    name = _one(caps, "class.name")
    if name is not None:
        fact.name = text(name)
    for base in caps.get("class.base", ()):
        base_text = text(base)
        if base_text not in fact.bases:
            fact.bases.append(base_text)
            fact.base_nodes.append(base)


def _on_def(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    node = caps["def"][0]
    fact = facts.defs.setdefault(node.id, DefFact(node))
    name = _one(caps, "def.name")
    if name is not None:
        fact.name = text(name)
        fact.name_node = name
    owner = _one(caps, "def.owner")
    if owner is not None:
        fact.owner = text(owner)
    for param in caps.get("def.param", ()):
        param_text = text(param)
        if param_text not in fact.params:
            fact.params.append(param_text)


def _on_prop(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    recv, name = _one(caps, "prop.recv"), _one(caps, "prop.name")
    if recv is None or name is None:
        return
    facts.props.append(Prop(caps["prop"][0], recv, text(name), name, _one(caps, "prop.value")))


def _on_bind(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    name = _one(caps, "bind.name")
    if name is None:
        return
    type_node = _one(caps, "bind.type")
    facts.binds.append(
        Bind(
            text(name),
            text(type_node) if type_node is not None else "",
            _one(caps, "bind.value"),
            name.start_point[0] + 1,
        )
    )


def _on_import(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    def get(key: str) -> str:
        node = _one(caps, key)
        return text(node).strip("\"'`<>") if node is not None else ""

    statement = _one(caps, "import")
    facts.imports.append(
        Import(get("import.path"), get("import.name"), get("import.alias"), statement)
    )


def _on_comment(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    facts.comments.append(caps["comment"][0])


def _on_string(facts: Facts, caps: dict[str, list[Any]], seen: set[int]) -> None:
    node = caps["string"][0]
    if node.id not in seen:
        seen.add(node.id)
        facts.strings.append(node)


_Handler = Callable[[Facts, dict[str, list[Any]], set[int]], None]

#: Top-level capture name -> handler. Order matters only for dispatch speed.
_HANDLERS: tuple[tuple[str, _Handler], ...] = (
    ("call", _on_call),
    ("bind", _on_bind),
    ("string", _on_string),
    ("comment", _on_comment),
    ("msg", _on_msg),
    ("new", _on_new),
    ("prop", _on_prop),
    ("def", _on_def),
    ("class", _on_class),
    ("import", _on_import),
)


def _matches(language: str, root: Any) -> Iterator[dict[str, list[Any]]]:
    import tree_sitter

    cursor = tree_sitter.QueryCursor(query(language))
    for _pattern, caps in cursor.matches(root):
        yield caps


def extract(language: str, root: Any, deadline_check: Callable[[], None]) -> Facts:
    """Collect the facts of one tree. ``deadline_check`` raises when time is up."""
    facts = Facts()
    seen: set[int] = set()
    for count, caps in enumerate(_matches(language, root)):
        if count % 256 == 255:
            deadline_check()
        for key, handler in _HANDLERS:
            if key in caps:
                handler(facts, caps, seen)
                break
    return facts
