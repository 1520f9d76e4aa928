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
    #: Callbacks with a hook (before or after the rows), qualified or short: an answer
    #: runs inline only without one (:meth:`answers_inline`).
    hooked: frozenset[str] = frozenset()
    #: ``rows.row_error``, bound once (every entry's namespace holds the same object).
    row_error: Any = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "row_error", self.rows.row_error)

    def answers_inline(self, qualified: str) -> bool:
        """Whether the answer ``qualified`` gets an entry (it has no hook)."""
        return qualified not in self.hooked and qualified.rpartition(".")[2] not in self.hooked


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


def _cache_key(direct: DirectEvents | None) -> tuple[Any, ...]:
    if direct is None:
        return (None,)
    return (id(direct.rows), tuple(sorted(direct.hooks.items(), key=lambda kv: kv[0])),
            direct.hooked)  # fmt: skip


def _cached(key: tuple[Any, ...], direct: DirectEvents | None) -> type | None:
    cached = _classes.get(key)
    if cached is not None and (
        cached[0] is None or direct is None or cached[0].rows is direct.rows
    ):
        return cached[1]
    return None


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
    it; the rest go straight to ``sink`` (with the handler's ``channel_id`` when
    ``channel``). With ``direct``, the callbacks it lists and those answering by ID with no
    hook get entries instead (:func:`mapping_tables.codegen.compile_entries`)."""
    key = (base, interface, routed, channel, by_id, *_cache_key(direct))
    found = _cached(key, direct)
    if found is not None:
        return found
    where = "self.channel_id" if channel else "''"
    lines: list[str] = []
    entries: list[Entry] = []
    for name, fn in inspect.getmembers(base, inspect.isfunction):
        if not name.startswith("on"):
            continue
        params = tuple(inspect.signature(fn).parameters)[1:]
        signature = ", ".join(["self", *(f"{p}=None" for p in params)])
        fields = "{" + ", ".join(f"{p!r}: {p}" for p in params) + "}"
        qualified = f"{interface}.{name}"
        request_key = next((p for p in params if p in by_id), None)
        where_legacy = "self.legacy_channel" if channel else "''"
        if name in routed and request_key is not None:
            request = f"self.{request_key}_requests.pop({request_key}, None)"
            if direct is not None and direct.answers_inline(qualified):
                ok = "errorCode == 0" if "errorCode" in params else "True"
                entries.append(
                    _answer_entry(
                        name, qualified, "", params, fields, request, where, where_legacy, ok,
                        direct,
                    )
                )  # fmt: skip
                continue
            lines += [
                f"def {name}({signature}):",
                f"    self.sink({qualified!r}, {fields}, {request}, '', {where})",
            ]
        elif name in routed:
            lines += [f"def {name}({signature}):", f"    self.route(self, {qualified!r}, {fields})"]
        elif direct is not None and qualified in direct.hooks:
            entries.append(_entry(name, qualified, params, fields, where_legacy, direct))
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


class _Result:
    """What a generated Java-style result callback holds: one call's request and channel."""

    __slots__ = ("channel_id", "req", "target")

    def __init__(self, target: Any, req: Request | None, channel_id: str) -> None:
        self.target = target
        self.req = req
        self.channel_id = channel_id


def result_class(trigger: str, direct: DirectEvents) -> type:
    """The ResultCallback class of the Java-style calls ``trigger`` names, its ``onSuccess``
    and ``onFailure`` entries running that trigger's rows (made once per trigger and table).
    An instance is built with ``(target, request, rtm channel or "")`` per call."""
    key = ("ResultCallback", trigger, *_cache_key(direct))
    found = _cached(key, direct)
    if found is not None:
        return found
    entries = []
    for name, param, ok in (
        ("onSuccess", "responseInfo", "True"),
        ("onFailure", "errorInfo", "False"),
    ):
        qualified = f"ResultCallback.{name}"
        entries.append(
            _answer_entry(
                name, qualified, trigger, (param,), f"{{{param!r}: {param}}}", "self.req",
                "self.channel_id",
                "(legacy_name(self.channel_id) if self.channel_id else '')", ok, direct,
            )
        )  # fmt: skip
    methods = compile_entries(direct.rows, entries, f"{trigger} results")
    cls = type(f"ShimResult_{trigger.replace('.', '_')}", (_Result, rtm.ResultCallback), methods)
    _classes[key] = (direct, cls)
    return cls


def _preamble(defer: str, legacy_channel: str, row_error: Any) -> tuple[list[str], dict[str, Any]]:
    """The shim's event preamble, inline: the instance alive, its lock or its backlog
    (:mod:`.gate`: ``defer`` is what waits there), the channel that delivered the event."""
    lines = [
        "    target = self.target",
        "    if target.destroyed:",
        "        return",
        "    gate = target.gate",
        "    lock = gate.lock",
        # Never wait for an app thread here: defer behind it (adapters.signaling.gate).
        "    if (gate.backlog and not gate.draining) or not lock.acquire(False):",
        f"        gate.defer({defer})",
        "        return",
        "    try:",  # acquire/release, not ``with``: half the cost, on every delivery
        "        session = target.session",
        f"        session.handler_channel = {legacy_channel}",
        "        sink = target",
    ]
    return lines, {"ROW_ERROR": row_error, "legacy_name": legacy_name}


#: How every entry ends: a row's failure is reported as that row's, the lock let go.
_EPILOGUE = (
    "    except Exception as exc:",
    "        error = ROW_ERROR(exc)",
    "        if error is exc:",
    "            raise",
    "        raise error from exc",
    "    finally:",
    "        lock.release()",
)


#: Session fields a read-only entry may read: each one value, read atomically.
_SCALAR_FIELDS = frozenset({"channel", "handler_channel", "self_account", "uid"})


def _entry(
    name: str,
    qualified: str,
    params: tuple[str, ...],
    fields: str,
    legacy_channel: str,
    direct: DirectEvents,
) -> Entry:
    """A direct callback's entry: ``on_rtm_event``'s steps for an event with no request."""
    hook = direct.hooks[qualified]
    defer = f"self.{name}, ({''.join(p + ', ' for p in params)})"
    rows = direct.rows
    if (
        (hook is None or isinstance(hook, GuardedHook))
        and rows.session_fields(qualified, "") <= _SCALAR_FIELDS
        and not rows.fires_slow(qualified, "")
    ):
        return _read_only_entry(name, qualified, params, fields, defer, legacy_channel, direct)
    before, namespace = _preamble(defer, legacy_channel, direct.row_error)
    before.append("        req = None")
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
    return Entry(
        name=name,
        rtm=qualified,
        trigger="",
        params=params,
        before=tuple(before),
        indent=indent - 1,
        after=_EPILOGUE,
        namespace=namespace,
    )


def _read_only_entry(
    name: str,
    qualified: str,
    params: tuple[str, ...],
    fields: str,
    defer: str,
    legacy_channel: str,
    direct: DirectEvents,
) -> Entry:
    """The entry of a callback whose rows only read single session fields and call the app
    (a peer or channel message, a member joining): it runs as the facade's own callbacks do
    (``ShimAgoraAPI.dispatch``) — on the callback thread, in order with the instance's
    deferred events, without the instance lock, changing no shim state (the delivering
    channel is the handler's own, not written to the session). A guarded hook (a peer
    message that is a call signal) takes the lock and runs the hook first."""
    hook = direct.hooks[qualified]
    namespace: dict[str, Any] = {"ROW_ERROR": direct.row_error, "legacy_name": legacy_name}
    before = [
        "    target = self.target",
        "    if target.destroyed:",
        "        return",
        "    gate = target.gate",
        "    if gate.backlog and not gate.draining:",  # behind the events deferred before it
        f"        gate.defer({defer})",
        "        return",
    ]
    after = [
        "    except Exception as exc:",
        "        error = ROW_ERROR(exc)",
        "        if error is exc:",
        "            raise",
        "        raise error from exc",
    ]
    head = [
        "    try:",
        "        session = target.session",
        "        sink = target",
        "        req = None",
    ]
    indent = 1
    if isinstance(hook, GuardedHook):
        namespace[f"before_{name}"] = hook.fn
        namespace[f"GUARD_{name}"] = hook.prefixes
        before += [
            "    locked = False",
            f"    if ((_g := {hook.param}) is not None"
            f" and (_g := _g.text).__class__ is str and _g.startswith(GUARD_{name})):",
            "        if not gate.lock.acquire(False):",
            f"            gate.defer({defer})",
            "            return",
            "        locked = True",
        ]
        head.append(f"        if not (locked and before_{name}(target, {fields})):")
        after += ["    finally:", "        if locked:", "            gate.lock.release()"]
        indent = 2
    return Entry(
        name=name,
        rtm=qualified,
        trigger="",
        params=params,
        before=(*before, *head),
        indent=indent,
        after=tuple(after),
        namespace=namespace,
        session={"handler_channel": legacy_channel},
    )


def _answer_entry(
    name: str,
    qualified: str,
    trigger: str,
    params: tuple[str, ...],
    fields: str,
    request: str,
    where: str,
    legacy_channel: str,
    ok: str,
    direct: DirectEvents,
) -> Entry:
    """The entry of a callback answering a request, with no hook: ``on_rtm_event``'s steps
    (``ShimAgoraAPI.settle`` unless the answer is a plain success with nothing held behind
    it), then the rows unless the request is silent, then what was held behind it."""
    first = f"    req = {request}"
    defer = f"target.on_rtm_event, ({qualified!r}, {fields}, req, {trigger!r}, {where})"
    before, namespace = _preamble(defer, legacy_channel, direct.row_error)
    before.insert(0, first)
    before += [
        "        released = ()",
        "        if req is not None:",
        "            inflight = target.inflight",
        f"            if inflight.idle and req.then is None and {ok}:",
        "                inflight.open_requests.pop(id(req), None)",
        "            else:",
        f"                released = target.settle(req, {qualified!r}, {fields})",
        "        if req is None or not req.silent:",
    ]
    after = (
        "        for release in released:",
        "            release()",
        *_EPILOGUE,
    )
    return Entry(
        name=name,
        rtm=qualified,
        trigger=trigger,
        params=params,
        before=tuple(before),
        indent=2,
        after=after,
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
