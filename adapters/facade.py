"""A dialect's API methods built from its method rows (shared by every adapter).

Every method row names the operation that runs it; the common preamble — the instance is
alive, the arguments have their legacy types, a call waits behind a pending join, the call
is traced, the core's lock is held — is the same for all of them, so it is written here once
and generated per row, the way attrs generates ``__init__``: one small Python function per
method with the interface's own signature (names, defaults), no per-call interpretation.

An adapter supplies the interface class (for signatures and argument types), the
operations (``name -> fn(state, *args)``) and a state object with the attributes the
preamble reads: ``destroyed``, ``join_wait`` (``busy``, ``defer(call)``), ``usage`` (None when
no trace is kept) with ``trace_call(name)``, and ``lock``.
"""

from __future__ import annotations

import functools
import inspect
import linecache
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mapping_tables.model import MethodRow

__all__ = ["ArgumentCheck", "build_methods"]

#: For one parameter (name, annotation): the name of the check function to run on it (a
#: key of the ``checks`` mapping), or None for no type check.
ArgumentCheck = Callable[[str, object], str | None]


def _parameters(signature: inspect.Signature) -> tuple[str, str]:
    """(parameter list with defaults, argument list) of a method without ``self``."""
    params = list(signature.parameters.values())[1:]
    defs = []
    for p in params:
        if p.default is inspect.Parameter.empty:
            defs.append(p.name)
        else:
            defs.append(f"{p.name}={p.default!r}")
    return ", ".join(["self", *defs]), ", ".join(p.name for p in params)


def _source(
    row: MethodRow,
    signature: inspect.Signature,
    check_of: ArgumentCheck,
    fast: Mapping[str, str],
    gated: bool,
) -> list[str]:
    params, args = _parameters(signature)
    name = row.legacy
    call_args = ", ".join(["self", args]) if args else "self"
    lines = [f"def {name}({params}):", "    if self.destroyed:", "        raise _Destroyed()"]
    groups: dict[str, list[str]] = {}
    for p in list(signature.parameters.values())[1:]:
        check = check_of(p.name, p.annotation)
        if check is not None:
            groups.setdefault(check, []).append(p.name)
    for check, names in groups.items():
        call = f"C_{check}(" + ", ".join(f"{n}={n}" for n in names) + ")"
        template = fast.get(check)
        if template is None:
            lines.append(f"    {call}")
        else:
            test = " and ".join(template.format(n) for n in names)
            lines += [f"    if not ({test}):", f"        {call}"]
    trace = ["    if self.usage is not None:", f"        self.trace_call({name!r})"]
    if row.immediate:
        return [*lines, *trace, f"    return OP_{row.operation}({call_args})"]
    return [
        *lines,
        "    if self.join_wait.busy and self.join_wait.defer(",
        f"        _partial(RUN_{name}, {call_args})",
        "    ):",
        "        return",
        *trace,
        *_locked(f"OP_{row.operation}({call_args})", gated),
        "",
        f"def RUN_{name}({', '.join(['self', args]) if args else 'self'}):",
        "    # a call that waited for a join, replayed in order",
        *trace,
        *_locked(f"OP_{row.operation}({call_args})", gated),
    ]


def _locked(call: str, gated: bool) -> list[str]:
    """``call`` under the instance lock: acquire/release, not ``with`` (half the cost of
    the context manager protocol, on every call of the legacy API)."""
    if not gated:
        return [
            "    lock = self.lock",
            "    lock.acquire()",
            "    try:",
            f"        {call}",
            "    finally:",
            "        lock.release()",
        ]
    return [
        "    gate = self.gate",
        "    lock = gate.lock",
        "    lock.acquire()",
        "    try:",
        f"        {call}",
        "    finally:",
        "        lock.release()",
        "        if gate.backlog:",
        "            gate.released()",
        "    if gate.outbox:",
        "        gate.flush()",
    ]


def build_methods(
    rows: Sequence[MethodRow],
    interface: type,
    operations: Mapping[str, Callable[..., Any]],
    checks: Mapping[str, Callable[..., None]],
    check_of: ArgumentCheck,
    destroyed: Callable[[], BaseException],
    *,
    label: str,
    skip: frozenset[str] = frozenset(),
    fast: Mapping[str, str] | None = None,
    gated: bool = False,
) -> tuple[dict[str, Callable[..., Any]], str]:
    """The methods for ``rows`` (except those named in ``skip``) and their source.

    ``gated``: the owner's lock belongs to a gate (``adapters.signaling.gate``): after
    letting go, a method hands the events deferred meanwhile (``self.gate.backlog``) on,
    then makes the RTM requests its operation left for after the lock (``outbox``).

    ``fast`` maps a check to a Python test (``{0}`` is the argument) generated inline: the
    check function runs (and raises) only when the test fails, so a valid call pays no
    function call for its argument checks.

    Raises ``LookupError`` for a row whose operation is not in ``operations`` or whose
    method the interface does not declare: no row without its code.
    """
    lines = [f"# Generated from the {label} method rows by adapters.facade: do not edit.", ""]
    names: list[str] = []
    namespace: dict[str, Any] = {"_partial": functools.partial, "_Destroyed": destroyed}
    namespace.update({f"C_{key}": fn for key, fn in checks.items()})
    for row in rows:
        if row.legacy in skip:
            continue
        if row.operation not in operations:
            raise LookupError(f"method row {row.legacy}: no operation {row.operation!r}")
        method = getattr(interface, row.legacy, None)
        if method is None:
            raise LookupError(f"method row {row.legacy}: not a method of {interface.__name__}")
        namespace[f"OP_{row.operation}"] = operations[row.operation]
        lines += _source(row, inspect.signature(method), check_of, fast or {}, gated)
        lines.append("")
        names.append(row.legacy)
    source = "\n".join(lines) + "\n"
    filename = f"<sig2rtm methods {label}>"
    exec(compile(source, filename, "exec"), namespace)  # generated from validated rows
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    methods: dict[str, Callable[..., Any]] = {}
    for name in names:
        fn = namespace[name]
        declared = getattr(interface, name)
        fn.__doc__ = declared.__doc__
        fn.__annotations__ = dict(declared.__annotations__)
        fn.__qualname__ = f"{label}.{name}"
        methods[name] = fn
    return methods, source
