"""The handler objects a binding gives the RTM client: every callback as an RTM event.

RTM calls one handler method per event, so these classes are generated from the handler
interfaces' own signatures, once per interface and table (:func:`handler_class`): a small
function per callback (a dict of the named arguments and one call to the sink), and a
callback that answers a request by ID finds it inline. What differs between instances —
the sink, the request maps, the shim instance, the channel — is read from the handler
object, so no instance compiles code of its own.

Callbacks that answer no request and whose plan is a hook and/or rows (:class:`DirectEvents`)
get an *entry* instead (:func:`mapping_tables.codegen.compile_entries`): one method that runs
the shim's event preamble, the hook and the rows in its own frame, the event's parameters
as locals — a channel fan-out calls one per member, so this is the shim's hottest code.
Java-style calls get one small :class:`ResultEvent` object each, reporting to the sink.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

import rtm
from mapping_tables.codegen import CompiledRows, Entry, compile_entries

from .profile import legacy_name

if TYPE_CHECKING:
    from .context import Request

__all__ = [
    "OPTIONS",
    "DirectEvents",
    "EventSink",
    "GuardedHook",
    "ResultEvent",
    "answers",
    "handler_class",
]

#: (qualified RTM callback, parameters, request or None, trigger, channel or "")
EventSink = Callable[[str, dict[str, Any], "Request | None", str, str], None]

#: A hook before the rows: (target, parameters) -> True to keep the rows silent.
BeforeHook = Callable[[Any, dict[str, Any]], bool]


@attrs.frozen(eq=False)
class GuardedHook:
    """A hook before the rows that does nothing (returns False) unless event parameter
    ``param``'s ``text`` is a string starting with one of ``prefixes``.

    A direct entry tests that inline and builds the hook's arguments only then: a peer
    message concerns the call registry only when it is one of the shim's call signals.
    """

    fn: BeforeHook
    param: str
    prefixes: tuple[str, ...]

    def __call__(self, target: Any, params: dict[str, Any]) -> bool:
        return self.fn(target, params)


@attrs.frozen
class DirectEvents:
    """RTM callbacks answering no request whose plan is a hook and/or rows.

    Their entries run the shim's event preamble inline — the instance alive, its lock (or
    its backlog: :mod:`.gate`), the channel that delivered the event — then the hook
    (``hooks``; None: none) and the callback's rows of ``rows``. ``ShimAgoraAPI.on_rtm_event``
    runs the same steps for every other event. The target (the instance) is given to each
    handler object: it has ``destroyed``, ``gate``, ``session`` and is the rows' sink.
    """

    rows: CompiledRows
    hooks: Mapping[str, BeforeHook | None]


class _Forwarder:
    """What a generated handler holds: where its events go (see :func:`handler_class`)."""

    def __init__(
        self,
        sink: EventSink,
        route: Callable[..., None] | None = None,
        requests: Mapping[str, dict[int, Request]] | None = None,
        target: Any = None,
        channel_id: str = "",
    ) -> None:
        self.sink = sink
        self.route = route
        self.target = target
        self.channel_id = channel_id
        #: The channel as the legacy app names it (what ``session.handler_channel`` holds).
        self.legacy_channel = legacy_name(channel_id) if channel_id else ""
        for key, found in (requests or {}).items():
            setattr(self, f"{key}_requests", found)


_classes: dict[tuple[Any, ...], tuple[DirectEvents | None, type]] = {}


def handler_class(
    base: type,
    interface: str,
    *,
    routed: frozenset[str] = frozenset(),
    channel: bool = False,
    by_id: tuple[str, ...] = (),
    direct: DirectEvents | None = None,
) -> type:
    """A subclass of handler ``base`` whose every ``on*`` method forwards its named arguments.

    Made once per arguments (cached). An instance is built with ``(sink, route, requests,
    target, channel_id)``. A callback carrying a parameter named in ``by_id`` (``requestId``,
    ``messageId``) finds its request in ``requests[that name]``; other callbacks named in
    ``routed`` answer a request and go through ``route(handler, callback, params)`` to find
    it; those ``direct`` lists get an entry; the rest go straight to ``sink`` (with the
    handler's ``channel_id`` when ``channel``)."""
    key = (base, interface, routed, channel, by_id, id(direct.rows) if direct else None,
           tuple(sorted(direct.hooks.items(), key=lambda kv: kv[0])) if direct else ())  # fmt: skip
    cached = _classes.get(key)
    if cached is not None and (
        cached[0] is None or direct is None or cached[0].rows is direct.rows
    ):
        return cached[1]
    where = "self.channel_id" if channel else "''"
    lines: list[str] = []
    entries: list[Entry] = []
    row_error = direct.rows.row_error if direct is not None else None
    for name, fn in inspect.getmembers(base, inspect.isfunction):
        if not name.startswith("on"):
            continue
        params = tuple(inspect.signature(fn).parameters)[1:]
        signature = ", ".join(["self", *(f"{p}=None" for p in params)])
        fields = "{" + ", ".join(f"{p!r}: {p}" for p in params) + "}"
        qualified = f"{interface}.{name}"
        request_key = next((p for p in params if p in by_id), None)
        if name in routed and request_key is not None:
            request = f"self.{request_key}_requests.pop({request_key}, None)"
            lines += [
                f"def {name}({signature}):",
                f"    self.sink({qualified!r}, {fields}, {request}, '', {where})",
            ]
        elif name in routed:
            lines += [f"def {name}({signature}):", f"    self.route(self, {qualified!r}, {fields})"]
        elif direct is not None and qualified in direct.hooks:
            entries.append(_entry(name, qualified, params, fields, channel, direct, row_error))
        else:
            lines += [
                f"def {name}({signature}):",
                f"    self.sink({qualified!r}, {fields}, None, '', {where})",
            ]
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # generated from the handler class's own signatures
    methods = {k: v for k, v in namespace.items() if k.startswith("on")}
    if entries:
        assert direct is not None
        methods.update(compile_entries(direct.rows, entries, f"{interface} handlers"))
    cls = type(f"Shim{base.__name__}", (_Forwarder, base), methods)
    _classes[key] = (direct, cls)
    return cls


def _entry(
    name: str,
    qualified: str,
    params: tuple[str, ...],
    fields: str,
    channel: bool,
    direct: DirectEvents,
    row_error: Any,
) -> Entry:
    """A direct callback's entry: ``on_rtm_event``'s steps for an event with no request."""
    hook = direct.hooks[qualified]
    before = [
        "    target = self.target",
        "    if target.destroyed:",
        "        return",
        "    gate = target.gate",
        "    lock = gate.lock",
        # Never wait for an app thread here: defer behind it (adapters.signaling.gate).
        "    if (gate.backlog and not gate.draining) or not lock.acquire(False):",
        f"        gate.defer(self.{name}, ({''.join(p + ', ' for p in params)}))",
        "        return",
        "    try:",
        "        session = target.session",
        "        session.handler_channel = " + ("self.legacy_channel" if channel else "''"),
        "        sink = target",
        "        req = None",
    ]
    namespace: dict[str, Any] = {"ROW_ERROR": row_error}
    indent = 2
    if isinstance(hook, GuardedHook):
        namespace[f"before_{name}"] = hook.fn
        namespace[f"GUARD_{name}"] = hook.prefixes
        before += [
            f"        if not ((_g := {hook.param}) is not None"
            f" and (_g := _g.text).__class__ is str and _g.startswith(GUARD_{name})"
            f" and before_{name}(target, {fields})):",
        ]
        indent = 3
    elif hook is not None:
        namespace[f"before_{name}"] = hook
        before.append(f"        if not before_{name}(target, {fields}):")
        indent = 3
    after = [
        "    except Exception as exc:",
        "        error = ROW_ERROR(exc)",
        "        if error is exc:",
        "            raise",
        "        raise error from exc",
        "    finally:",
        "        lock.release()",
    ]
    return Entry(
        name=name,
        rtm=qualified,
        trigger="",
        params=params,
        before=tuple(before),
        indent=indent - 1,
        after=tuple(after),
        namespace=namespace,
    )


def answers(base: type, interface: str, results: Mapping[str, str]) -> frozenset[str]:
    """Callbacks of ``base`` that answer a request: by request ID, or as ``results`` says."""
    out = set()
    for name, fn in inspect.getmembers(base, inspect.isfunction):
        qualified = f"{interface}.{name}"
        if qualified in results or "requestId" in inspect.signature(fn).parameters:
            out.add(name)
    return frozenset(out)


class ResultEvent(rtm.ResultCallback[Any]):
    """One Java-style call's ResultCallback, as an RTM event for the shim (one small object
    per call: no closures)."""

    __slots__ = ("channel", "req", "sink", "trigger")

    def __init__(self, sink: EventSink, req: Request | None, trigger: str, channel: str) -> None:
        self.sink = sink
        self.req = req
        self.trigger = trigger
        self.channel = channel

    def onSuccess(self, responseInfo: Any) -> None:
        self.sink(
            "ResultCallback.onSuccess", {"responseInfo": responseInfo}, self.req, self.trigger,
            self.channel,
        )  # fmt: skip

    def onFailure(self, errorInfo: rtm.ErrorInfo) -> None:
        self.sink(
            "ResultCallback.onFailure", {"errorInfo": errorInfo}, self.req, self.trigger,
            self.channel,
        )  # fmt: skip


#: SendMessageOptions by offline flag (immutable in use: made once).
OPTIONS = {True: rtm.SendMessageOptions(True), False: rtm.SendMessageOptions(False)}
