"""The handler objects a binding gives the RTM client: every callback as an RTM event.

RTM calls one handler method per event, so these classes are generated from the handler
interfaces' own signatures, once per interface and table (:func:`handler_class`): a small
function per callback (a dict of the named arguments and one call to the sink), and a
callback that answers a request by ID finds it inline. What differs between instances —
the sink, the request maps, the shim instance, the channel — is read from the handler
object, so no instance compiles code of its own.

Callbacks that answer no request and whose plan is a hook and/or rows (:class:`DirectEvents`),
and answers with no hook, get an *entry* instead (:mod:`.entries`): one method that runs the
shim's event preamble, the hook and the rows in its own frame, the event's parameters as
locals — a channel fan-out calls one per member, so this is the shim's hottest code.
Java-style calls get one small result object each, an instance of the trigger's generated
class (:func:`result_class`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import rtm
from mapping_tables.codegen import Entry, compile_entries
from rtm.handlers import ChannelPayloadReceiver

from .entries import DirectEvents, answer_entry, direct_entry, payload_entry
from .profile import legacy_name

if TYPE_CHECKING:
    from .context import Request

__all__ = [
    "OPTIONS",
    "EventSink",
    "answers",
    "handler_class",
    "result_class",
]

#: (qualified RTM callback, parameters, request or None, trigger, channel or "")
EventSink = Callable[[str, dict[str, Any], "Request | None", str, str], None]


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
                    answer_entry(
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
            entries.append(direct_entry(name, qualified, params, fields, where_legacy, direct))
        else:
            lines += [
                f"def {name}({signature}):",
                f"    self.sink({qualified!r}, {fields}, None, '', {where})",
            ]
    bases: tuple[type, ...] = (_Forwarder, base)
    payload = (
        payload_entry(interface, "self.legacy_channel", direct) if direct and channel else None
    )
    if payload is not None:
        entries.append(payload)
        bases = (_Forwarder, ChannelPayloadReceiver, base)
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # generated from the handler class's own signatures
    methods = {k: v for k, v in namespace.items() if k.startswith("on")}
    if entries:
        assert direct is not None
        methods.update(compile_entries(direct.rows, entries, f"{interface} handlers"))
    cls = type(f"Shim{base.__name__}", bases, methods)
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
    """The ResultCallback class of the Java-style calls ``trigger`` names (made once per
    trigger and table): ``onSuccess`` and ``onFailure`` are entries running that trigger's
    rows, or, for an outcome with a hook, hand the event to the instance's ``on_rtm_event``.
    An instance is built with ``(target, request, rtm channel or "")`` per call."""
    key = ("ResultCallback", trigger, *_cache_key(direct))
    found = _cached(key, direct)
    if found is not None:
        return found
    entries, lines = [], []
    for name, param, ok in (
        ("onSuccess", "responseInfo", "True"),
        ("onFailure", "errorInfo", "False"),
    ):
        qualified = f"ResultCallback.{name}"
        fields = f"{{{param!r}: {param}}}"
        if not direct.answers_inline(qualified):
            lines += [
                f"def {name}(self, {param}=None):",
                f"    self.target.on_rtm_event({qualified!r}, {fields}, self.req, {trigger!r},"
                " self.channel_id)",
            ]
            continue
        entries.append(
            answer_entry(
                name, qualified, trigger, (param,), fields, "self.req", "self.channel_id",
                "(legacy_name(self.channel_id) if self.channel_id else '')", ok, direct,
            )
        )  # fmt: skip
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # generated from the ResultCallback's own methods
    methods = {k: v for k, v in namespace.items() if k.startswith("on")}
    if entries:
        methods.update(compile_entries(direct.rows, entries, f"{trigger} results"))
    cls = type(f"ShimResult_{trigger.replace('.', '_')}", (_Result, rtm.ResultCallback), methods)
    _classes[key] = (direct, cls)
    return cls


def answers(base: type, interface: str, results: Mapping[str, str]) -> frozenset[str]:
    """Callbacks of ``base`` that answer a request: by request ID, or as ``results`` says."""
    out = set()
    for name, fn in inspect.getmembers(base, inspect.isfunction):
        qualified = f"{interface}.{name}"
        if qualified in results or "requestId" in inspect.signature(fn).parameters:
            out.add(name)
    return frozenset(out)


#: SendMessageOptions by offline flag (immutable in use: made once).
OPTIONS = {True: rtm.SendMessageOptions(True), False: rtm.SendMessageOptions(False)}
