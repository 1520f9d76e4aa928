"""From a file's facts to findings with a confidence.

Matching a name is easy; the hard part is the receiver. The analysis traces each receiver
(or, for a callback definition, its class) to one of the states of
:class:`~migration_audit.model.ReceiverState`, then reads the confidence from a rule table
keyed by (state, generic name?) with one column for files that show SDK evidence and one for
files that do not. Tracing is file-local and name-based (no types across files): a name bound
from an SDK factory, declared with an SDK type, imported from the SDK, a parameter of an SDK
callback, or used as the receiver of a distinctive SDK call traces to the SDK; a name bound to
another class (``UserService userService``, ``new UserService()``) traces away from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from migration_audit.catalogue import Entry, LanguageIndex
from migration_audit.extract import Call, ClassFact, DefFact, Facts, text
from migration_audit.ignore import apply_ignores, parse_directives
from migration_audit.markers import Markers, components
from migration_audit.model import (
    Confidence,
    FindingKind,
    IgnoreDirective,
    RawFinding,
    ReceiverState,
)

_H, _M, _L = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
_S = ReceiverState
_Rule = tuple[Confidence | None, Confidence | None]

#: (receiver state, generic spelling?) -> (confidence with file evidence, without).
#: ``None`` drops the match: a generic name on a receiver that traces elsewhere is not the SDK.
CALL_RULES: Mapping[tuple[ReceiverState, bool], _Rule] = {
    (_S.SDK_STRONG, False): (_H, _H),
    (_S.SDK_STRONG, True): (_H, _H),
    (_S.SDK_WEAK, False): (_H, _H),
    (_S.SDK_WEAK, True): (_M, _M),
    (_S.UNKNOWN, False): (_H, _M),
    (_S.UNKNOWN, True): (_L, _L),
    (_S.FOREIGN, False): (_M, _M),
    (_S.FOREIGN, True): (None, None),
    (_S.NONE, False): (_H, _M),
    (_S.NONE, True): (None, None),
}

#: Factories are static calls on an SDK type or bare calls; on another type they are not ours.
FACTORY_RULES: Mapping[tuple[ReceiverState, bool], _Rule] = {
    (_S.SDK_STRONG, False): (_H, _H),
    (_S.SDK_STRONG, True): (_H, _H),
    (_S.SDK_WEAK, False): (_H, _H),
    (_S.SDK_WEAK, True): (_M, _M),
    (_S.UNKNOWN, False): (_H, _M),
    (_S.UNKNOWN, True): (_L, _L),
    (_S.FOREIGN, False): (None, None),
    (_S.FOREIGN, True): (None, None),
    (_S.NONE, False): (_H, _M),
    (_S.NONE, True): (_H, _L),
}

#: For callbacks the state is the enclosing class's (definitions) or the receiver's
#: (assignments such as ``session.onLoginSuccess = ...``).
CALLBACK_RULES: Mapping[tuple[ReceiverState, bool], _Rule] = {
    (_S.SDK_STRONG, False): (_H, _H),
    (_S.SDK_STRONG, True): (_H, _H),
    (_S.SDK_WEAK, False): (_H, _H),
    (_S.SDK_WEAK, True): (_M, _M),
    (_S.UNKNOWN, False): (_H, _M),
    (_S.UNKNOWN, True): (_L, _L),
    (_S.FOREIGN, False): (_M, _M),
    (_S.FOREIGN, True): (None, None),
    (_S.NONE, False): (_H, _M),
    (_S.NONE, True): (None, None),
}

_RULES_BY_KIND: Mapping[str, Mapping[tuple[ReceiverState, bool], _Rule]] = {
    "method": CALL_RULES,
    "factory": FACTORY_RULES,
    "callback": CALLBACK_RULES,
}

_KIND_OF_ENTRY: Mapping[str, FindingKind] = {
    "method": FindingKind.CALL,
    "factory": FindingKind.FACTORY,
    "callback": FindingKind.CALLBACK,
    "token": FindingKind.TOKEN,
}

_GROUP = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|<[^<>()]*>")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_OBJC_MESSAGE = re.compile(r"^\[\s*.+?\s+([A-Za-z_]\w*)\s*(?::|\]$)", re.S)
_SDK = (_S.SDK_STRONG, _S.SDK_WEAK)


def head_key(expression: str) -> str | None:
    """The identifier an expression ends in, ignoring call arguments and indexing.

    ``this.mApi`` -> ``mApi``; ``AGApplication.the().getmAgoraAPI()`` -> ``getmAgoraAPI``;
    ``[self inst]`` -> ``inst``; ``(api)`` -> ``api``.
    """
    stripped = expression.strip()
    message = _OBJC_MESSAGE.match(stripped)
    if message:
        return message.group(1)
    while stripped.startswith("(") and stripped.endswith(")"):
        stripped = stripped[1:-1].strip()
    for _ in range(16):
        reduced = _GROUP.sub("", stripped)
        if reduced == stripped:
            break
        stripped = reduced
    idents = _IDENT.findall(stripped)
    return idents[-1] if idents else None


def _unwrap(node: Any) -> Any:
    """Look through parentheses: ``((api))`` is ``api`` in every grammar."""
    for _ in range(8):
        raw: bytes = node.text
        stripped = raw.strip()
        if node.named_child_count != 1 or not (
            stripped.startswith(b"(") and stripped.endswith(b")")
        ):
            return node
        node = node.named_children[0]
    return node


def _is_documentation(node: Any) -> bool:
    """A string that is a statement of its own (a docstring, ``"use strict"``) is not data."""
    parent = node.parent
    return (
        parent is not None
        and parent.type == "expression_statement"
        and (parent.named_child_count == 1)
    )


@attrs.frozen
class Trace:
    state: ReceiverState
    why: str


_UNKNOWN = Trace(_S.UNKNOWN, "receiver not traced")


class Analyser:
    """One file's analysis. Build it, call :meth:`findings`, discard it."""

    def __init__(
        self,
        source: bytes,
        facts: Facts,
        index: LanguageIndex,
        markers: Markers,
    ) -> None:
        self.source = source
        self.facts = facts
        self.index = index
        self.markers = markers
        self._lines: list[bytes] | None = None
        self.aliases: dict[str, str] = {}
        self.sdk_names: dict[str, str] = {}
        self.evidence: str | None = None
        self.binds: dict[str, list[Any]] = {}
        self.param_traces: dict[str, Trace] = {}
        #: receiver key -> (api, node id) of distinctive SDK uses on that receiver
        self.co_used: dict[str, list[tuple[str, int]]] = {}
        self._name_memo: dict[str, Trace] = {}
        self._in_progress: set[str] = set()
        self._class_memo: dict[int, Trace] = {}
        self._calls_by_id: dict[int, Call] = {c.node.id: c for c in facts.calls}
        self._classes_by_name: dict[str, ClassFact] = {
            c.name: c for c in facts.classes.values() if c.name
        }
        self._scope_ids: dict[int, str] = {}
        for cls in facts.classes.values():
            self._scope_ids[cls.node.id] = cls.name or "<anonymous>"
        for d in facts.defs.values():
            if d.name:
                self._scope_ids[d.node.id] = d.name
        self._read_imports()
        for bind in facts.binds:
            self.binds.setdefault(bind.name, []).append(bind)
        self._find_evidence()
        self._find_co_usage()
        self._trace_callback_params()

    # -- evidence ---------------------------------------------------------------------------

    def _read_imports(self) -> None:
        for imp in self.facts.imports:
            target = components(imp.name or imp.path)
            target_name = target[-1] if target else ""
            from_sdk = bool(imp.path) and self.index.module_matches(imp.path)
            # ``import io.agora.AgoraAPIOnlySignal``: the imported name is an SDK type.
            from_sdk = from_sdk or target_name in self.index.types
            if from_sdk and self.evidence is None:
                self.evidence = f"imports {imp.path or imp.name}"
            if imp.alias and target_name:
                self.aliases[imp.alias] = target_name
            if from_sdk:
                for name in (imp.alias, target_name):
                    if name:
                        self.sdk_names[name] = imp.path

    def _resolve(self, name: str) -> str:
        seen = 0
        while name in self.aliases and seen < 8:
            name = self.aliases[name]
            seen += 1
        return name

    def type_state(self, type_text: str) -> ReceiverState | None:
        """SDK_STRONG / SDK_WEAK / FOREIGN for a type, None when it says nothing."""
        names = [self._resolve(c) for c in components(type_text)]
        if any(n in self.index.types or n in self.sdk_names for n in names):
            return _S.SDK_STRONG
        if any(n in self.index.weak_types for n in names):
            return _S.SDK_STRONG if self.evidence else _S.SDK_WEAK
        if not names or all(n in self.markers.inferred_types for n in names):
            return None
        return _S.FOREIGN

    def _strong_type(self, type_text: str) -> str | None:
        for comp in components(type_text):
            name = self._resolve(comp)
            if name in self.index.types:
                return name
        return None

    def _find_evidence(self) -> None:
        if self.evidence is not None:
            return
        for bind in self.facts.binds:
            found = self._strong_type(bind.type_text)
            if found:
                self.evidence = f"declares a {found}"
                return
        for cls in self.facts.classes.values():
            for base in cls.bases:
                found = self._strong_type(base)
                if found:
                    self.evidence = f"extends {found}"
                    return
        for call in self.facts.calls:
            if call.is_new:
                found = self._strong_type(call.name)
            elif call.recv is not None:
                key = head_key(text(call.recv))
                found = key if key and self._resolve(key) in self.index.types else None
            else:
                found = None
            if found:
                self.evidence = f"uses {found}"
                return
            entry = self._entry_for_call(call)
            if entry is not None and entry.kind == "factory" and not entry.generic:
                self.evidence = f"calls factory {call.name}"
                return

    def _find_co_usage(self) -> None:
        """Receivers of distinctive SDK methods or callback assignments trace weakly to the SDK."""
        receivers: list[tuple[Any, Entry]] = []
        for call in self.facts.calls:
            entry = self._entry_for_call(call)
            if call.recv is not None and entry is not None and entry.kind == "method":
                receivers.append((call.recv, entry))
        for prop in self.facts.props:
            entry = self.index.callbacks.get(prop.name)
            if entry is not None:
                receivers.append((prop.recv, entry))
        for recv, entry in receivers:
            if entry.generic:
                continue
            key = head_key(text(recv))
            if key and key not in self.markers.self_names:
                self.co_used.setdefault(key, []).append((entry.api, _unwrap(recv).id))

    def _trace_callback_params(self) -> None:
        for d in self.facts.defs.values():
            if d.name not in self.index.callbacks or not d.params:
                continue
            trace = self.class_trace_of_def(d)
            if trace.state not in _SDK:
                continue
            for param in d.params:
                if param not in self.markers.self_names:
                    self.param_traces.setdefault(
                        param, Trace(trace.state, f"parameter of SDK callback {d.name}")
                    )

    # -- tracing ----------------------------------------------------------------------------

    def _entry_for_call(self, call: Call) -> Entry | None:
        if call.selector:
            entry = self.index.selectors.get(call.selector)
            if entry is not None:
                return entry
        entry = self.index.calls.get(call.name)
        if entry is None:
            resolved = self._resolve(call.name)
            if resolved != call.name:
                entry = self.index.calls.get(resolved)
        return entry

    def expr_trace(self, node: Any | None) -> Trace:
        if node is None:
            return Trace(_S.NONE, "no receiver")
        node = _unwrap(node)
        call = self._calls_by_id.get(node.id)
        if call is not None:
            return self.call_result_trace(call)
        expression = text(node)
        if expression.strip() in self.markers.self_names:
            return Trace(_S.NONE, "receiver is the current object")
        key = head_key(expression)
        if key is None:
            return _UNKNOWN
        trace = self.name_trace(key)
        if trace.state is _S.UNKNOWN:
            # Used elsewhere with a distinctive SDK API: weak evidence, but a site is never
            # its own evidence.
            others = [api for api, site in self.co_used.get(key, ()) if site != node.id]
            if others:
                return Trace(_S.SDK_WEAK, f"{key} is also the receiver of {others[0]}")
        return trace

    def name_trace(self, key: str) -> Trace:
        memo = self._name_memo.get(key)
        if memo is not None:
            return memo
        if key in self._in_progress:
            return _UNKNOWN
        self._in_progress.add(key)
        try:
            trace = self._name_trace(key)
        finally:
            self._in_progress.discard(key)
        self._name_memo[key] = trace
        return trace

    def _name_trace(self, key: str) -> Trace:
        if key in self.sdk_names:
            return Trace(_S.SDK_STRONG, f"{key} imported from {self.sdk_names[key]}")
        resolved = self._resolve(key)
        if resolved != key:
            state = self.type_state(resolved)
            if state is not None:
                return Trace(state, f"{key} is an alias of {resolved}")
        traces = [self._bind_trace(key, bind) for bind in self.binds.get(key, ())]
        if key in self.param_traces:
            traces.append(self.param_traces[key])
        decided = [t for t in traces if t.state is not _S.UNKNOWN]
        for wanted in (_S.SDK_STRONG, _S.SDK_WEAK, _S.FOREIGN):
            for t in decided:
                if t.state is wanted:
                    return t
        if key in self.index.types:
            return Trace(_S.SDK_STRONG, f"SDK type {key}")
        if key in self.index.weak_types:
            state = _S.SDK_STRONG if self.evidence else _S.SDK_WEAK
            return Trace(state, f"SDK type {key}")
        if self.markers.hints_sdk(key):
            return Trace(_S.SDK_WEAK, f"name {key} mentions the SDK")
        if key[:1].isupper():
            return Trace(_S.FOREIGN, f"{key} is another type")
        return _UNKNOWN

    def _bind_trace(self, key: str, bind: Any) -> Trace:
        if bind.type_text:
            state = self.type_state(bind.type_text)
            if state is not None:
                declared = bind.type_text.strip()
                return Trace(state, f"{key} declared as {declared} (line {bind.line})")
        if bind.value is not None:
            value = self.expr_trace(bind.value)
            if value.state is not _S.NONE:
                return Trace(value.state, f"{key} = {value.why} (line {bind.line})")
        return _UNKNOWN

    def call_result_trace(self, call: Call) -> Trace:
        if call.is_new:
            state = self.type_state(call.name)
            if state is None:
                return _UNKNOWN
            return Trace(state, f"new {call.name}")
        entry = self._entry_for_call(call)
        if entry is not None and entry.kind == "factory":
            confidence, why = self._decide(call, entry, self.expr_trace(call.recv))
            if confidence is None:
                return Trace(_S.FOREIGN, why)
            state = _S.SDK_STRONG if confidence is _H else _S.SDK_WEAK
            return Trace(state, f"factory {call.name}")
        if entry is not None and entry.kind == "method":
            recv = self.expr_trace(call.recv)
            if recv.state in _SDK:
                return Trace(recv.state, f"result of {call.name} on SDK object")
            return _UNKNOWN
        resolved = self._resolve(call.name)
        if call.recv is None:
            state = self.type_state(resolved)
            if state in _SDK:
                return Trace(state, f"constructor {call.name}")
        if self.markers.hints_sdk(resolved):
            return Trace(_S.SDK_WEAK, f"getter {call.name} mentions the SDK")
        if call.recv is None and resolved[:1].isupper():
            return Trace(_S.FOREIGN, f"constructor {call.name}")
        return _UNKNOWN

    def class_trace(self, cls: ClassFact) -> Trace:
        memo = self._class_memo.get(cls.node.id)
        if memo is not None:
            return memo
        self._class_memo[cls.node.id] = _UNKNOWN  # cycle guard
        trace = _UNKNOWN
        foreign = False
        for base in cls.bases:
            state = self.type_state(base)
            local = self._classes_by_name.get(components(base)[-1] if components(base) else "")
            if local is not None and local is not cls:
                inherited = self.class_trace(local)
                if inherited.state in _SDK:
                    state = inherited.state
            if state is _S.SDK_STRONG:
                trace = Trace(state, f"class extends {base}")
                break
            if state is _S.SDK_WEAK and trace.state is not _S.SDK_WEAK:
                trace = Trace(state, f"class extends {base}")
            elif state is _S.FOREIGN:
                foreign = True
        if trace.state is _S.UNKNOWN and foreign:
            trace = Trace(_S.FOREIGN, f"class extends {', '.join(cls.bases)}")
        self._class_memo[cls.node.id] = trace
        return trace

    def class_trace_of_def(self, d: DefFact) -> Trace:
        if d.owner:
            owner = self._classes_by_name.get(d.owner)
            if owner is not None:
                return self.class_trace(owner)
            return self.name_trace(d.owner) if d.owner in self.index.types else _UNKNOWN
        parent = d.node.parent
        depth = 0
        while parent is not None and depth < 64:
            cls = self.facts.classes.get(parent.id)
            if cls is not None:
                return self.class_trace(cls)
            parent = parent.parent
            depth += 1
        return Trace(_S.NONE, "not inside a class")

    # -- findings ---------------------------------------------------------------------------

    def _decide(
        self, call_or_none: Any, entry: Entry, trace: Trace
    ) -> tuple[Confidence | None, str]:
        rules = _RULES_BY_KIND[entry.kind]
        with_evidence, without = rules[(trace.state, entry.generic)]
        if entry.needs_evidence and trace.state in (_S.UNKNOWN, _S.NONE):
            without = None
        if trace.state in (_S.UNKNOWN, _S.NONE) and self.evidence and with_evidence is _H:
            return with_evidence, f"{trace.why}; file {self.evidence}"
        confidence = with_evidence if self.evidence else without
        why = trace.why
        if entry.generic and trace.state in (_S.UNKNOWN, _S.NONE):
            why = f"generic name {entry.spelling.split(':', 1)[0]!r}; {why}"
        return confidence, why

    def _line_text(self, row: int) -> str:
        if self._lines is None:
            self._lines = self.source.split(b"\n")
        if 0 <= row < len(self._lines):
            return self._lines[row].decode("utf-8", "replace")
        return ""

    def _column(self, row: int, byte_col: int) -> int:
        if self._lines is None:
            self._lines = self.source.split(b"\n")
        line = self._lines[row] if 0 <= row < len(self._lines) else b""
        return len(line[:byte_col].decode("utf-8", "replace")) + 1

    def _scope(self, node: Any) -> tuple[str, bool]:
        names: list[str] = []
        conditional = False
        parent = node.parent
        depth = 0
        while parent is not None and depth < 256:
            name = self._scope_ids.get(parent.id)
            if name is not None:
                names.append(name)
            if parent.type.startswith("preproc_if") or parent.type.startswith("preproc_else"):
                conditional = True
            parent = parent.parent
            depth += 1
        return ".".join(reversed(names)), conditional

    def _finding(
        self, node: Any, anchor: Any, entry: Entry, spelling: str, confidence: Confidence, why: str
    ) -> RawFinding:
        return self._site(
            node, anchor, entry.api, _KIND_OF_ENTRY[entry.kind], spelling, confidence, why
        )

    def _site(
        self,
        node: Any,
        anchor: Any,
        api: str,
        kind: FindingKind,
        spelling: str,
        confidence: Confidence,
        why: str,
    ) -> RawFinding:
        start_row, start_col = anchor.start_point
        end_row, end_col = anchor.end_point
        scope, conditional = self._scope(node)
        return RawFinding(
            line=start_row + 1,
            column=self._column(start_row, start_col),
            end_line=end_row + 1,
            end_column=self._column(end_row, end_col),
            kind=kind,
            spelling=spelling,
            api=api,
            confidence=confidence,
            evidence=why,
            snippet=self._line_text(start_row).strip()[:200],
            scope=scope,
            conditional=conditional,
        )

    def _import_api(self, imp: Any) -> str | None:
        """The catalogue API an import brings in: the SDK module, or an SDK type imported
        by its qualified name (``import io.agora.AgoraAPIOnlySignal``)."""
        if imp.path:
            for module, api in self.index.module_apis.items():
                if module in imp.path:
                    return api
        target = components(imp.name or imp.path)
        last = target[-1] if target else ""
        if last in self.index.types:
            return self.index.type_apis.get(last)
        return None

    def _sdk_sites(self) -> list[RawFinding]:
        """Imports of the SDK and classes extending SDK types: lines a migration changes
        although no legacy method is called on them."""
        out: list[RawFinding] = []
        for imp in self.facts.imports:
            api = self._import_api(imp) if imp.node is not None else None
            if api is not None:
                what = imp.path or imp.name
                why = f"imports {what}"
                out.append(self._site(imp.node, imp.node, api, FindingKind.IMPORT, what, _H, why))
        for cls in self.facts.classes.values():
            for base, base_node in zip(cls.bases, cls.base_nodes, strict=True):
                names = [self._resolve(c) for c in components(base)]
                api = self.index.type_apis.get(names[-1]) if names else None
                state = self.type_state(base)
                if api is None or state not in (_S.SDK_STRONG, _S.SDK_WEAK):
                    continue
                confidence = _H if state is _S.SDK_STRONG else _M
                kind, why = FindingKind.SUBCLASS, f"class extends {base}"
                out.append(self._site(cls.node, base_node, api, kind, base, confidence, why))
        return out

    def findings(self) -> list[RawFinding]:
        out: list[RawFinding] = self._sdk_sites()
        for call in self.facts.calls:
            entry = self._entry_for_call(call)
            if entry is None or entry.kind == "token":
                continue
            if call.is_new and entry.kind != "factory":
                continue
            trace = self.expr_trace(call.recv)
            confidence, why = self._decide(call, entry, trace)
            if confidence is not None:
                spelling = call.selector or call.name
                out.append(
                    self._finding(call.node, call.name_node, entry, spelling, confidence, why)
                )
        for d in self.facts.defs.values():
            entry = self.index.callbacks.get(d.name)
            if entry is None or d.name_node is None:
                continue
            confidence, why = self._decide(d, entry, self.class_trace_of_def(d))
            if confidence is not None:
                out.append(self._finding(d.node, d.name_node, entry, d.name, confidence, why))
        for prop in self.facts.props:
            entry = self.index.callbacks.get(prop.name)
            if entry is None:
                continue
            confidence, why = self._decide(prop, entry, self.expr_trace(prop.recv))
            if confidence is not None:
                out.append(
                    self._finding(prop.node, prop.name_node, entry, prop.name, confidence, why)
                )
        if self.index.tokens:
            for node in self.facts.strings:
                if _is_documentation(node):
                    continue
                literal = text(node)
                for token, entry in self.index.tokens.items():
                    if token in literal:
                        confidence = _H if self.evidence else _M
                        why = (
                            f"string literal; file {self.evidence}"
                            if self.evidence
                            else ("string literal")
                        )
                        out.append(self._finding(node, node, entry, token, confidence, why))
        unique: dict[tuple[int, int, str], RawFinding] = {}
        for finding in out:
            unique.setdefault((finding.line, finding.column, finding.api), finding)
        return sorted(unique.values(), key=lambda f: (f.line, f.column, f.api))


def analyse(
    source: bytes,
    facts: Facts,
    index: LanguageIndex,
    markers: Markers,
) -> tuple[list[RawFinding], list[IgnoreDirective]]:
    """Findings of one parsed file, with inline ignore comments applied."""
    findings = Analyser(source, facts, index, markers).findings()
    directives = parse_directives(facts.comments, source)
    return apply_ignores(findings, directives)
