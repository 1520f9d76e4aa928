"""The handler objects a binding gives the RTM client: every callback as an RTM event.

RTM calls one handler method per event, so these classes are generated from the handler
interfaces' own signatures (one small function per callback: a dict of the named arguments
and one call), and a callback that answers a request by ID finds it inline. Java-style calls
get one small :class:`ResultCallback` object each, reporting to the same sink.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

import rtm

from .profile import legacy_name

if TYPE_CHECKING:
    from .context import Request

__all__ = ["OPTIONS", "DirectEvents", "EventSink", "ResultEvent", "answers", "forwarding_class"]

#: (qualified RTM callback, parameters, request or None, trigger, channel or "")
EventSink = Callable[[str, dict[str, Any], "Request | None", str, str], None]

#: A compiled rows function: (parameters, request, session, target).
RowsFunction = Callable[[dict[str, Any], "Request | None", Any, Any], None]
#: A hook before the rows: (target, parameters) -> True to keep the rows silent.
BeforeHook = Callable[[Any, dict[str, Any]], bool]


@attrs.frozen
class DirectEvents:
    """RTM callbacks answering no request whose plan is a hook and/or their compiled rows.

    Their forwarders run the shim's event preamble inline — the instance alive, its lock,
    the channel that delivered the event — then the hook and the rows themselves: one
    Python frame less on every delivery than going through the sink
    (``ShimAgoraAPI.on_rtm_event``, which runs the same steps for every other event).
    ``target`` is the instance: ``destroyed``, ``lock``, ``session`` and ``rows.row_error``;
    ``plans`` maps a qualified callback to its (hook before or None, rows or None).
    """

    target: Any
    plans: Mapping[str, tuple[BeforeHook | None, RowsFunction | None]]


def forwarding_class(
    base: type,
    interface: str,
    sink: EventSink,
    route: Callable[..., None] | None = None,
    routed: frozenset[str] = frozenset(),
    *,
    channel: bool = False,
    by_id: Mapping[str, dict[int, Request]] | None = None,
    direct: DirectEvents | None = None,
) -> type:
    """A subclass of handler ``base`` whose every ``on*`` method forwards its named arguments.

    The methods are generated with the handler's own parameters (RTM calls one per event,
    so each must cost no more than a call and a dict). A callback carrying a ``requestId``
    or ``messageId`` finds its request in ``by_id`` (keyed by that parameter's name); other
    callbacks named in ``routed`` answer a request and go through ``route`` to find it; the
    rest go straight to ``sink`` (with the handler's ``channel_id`` when ``channel``), or,
    when ``direct`` lists them, to their compiled rows (:class:`DirectEvents`)."""
    where = "self.channel_id" if channel else "''"
    by_id = by_id or {}
    lines: list[str] = []
    helpers: dict[str, Any] = {}
    for name, fn in inspect.getmembers(base, inspect.isfunction):
        if name.startswith("on"):
            params = list(inspect.signature(fn).parameters)[1:]
            signature = ", ".join(["self", *(f"{p}=None" for p in params)])
            fields = "{" + ", ".join(f"{p!r}: {p}" for p in params) + "}"
            qualified = f"{interface}.{name}"
            lines.append(f"def {name}({signature}):")
            key = next((p for p in params if p in by_id), None)
            if name in routed and key is not None:
                request = f"{key}_requests.pop({key}, None)"
                lines.append(f"    sink({qualified!r}, {fields}, {request}, '', {where})")
            elif name in routed:
                lines.append(f"    route(self, {qualified!r}, {fields})")
            elif direct is not None and qualified in direct.plans:
                lines += _direct_body(name, fields, channel, direct.plans[qualified], helpers)
            else:
                lines.append(f"    sink({qualified!r}, {fields}, None, '', {where})")
    namespace: dict[str, Any] = {"route": route, "sink": sink, **helpers}
    if direct is not None:
        namespace.update(target=direct.target, legacy_name=legacy_name)
    namespace.update({f"{key}_requests": requests for key, requests in by_id.items()})
    exec("\n".join(lines), namespace)  # generated from the handler class's own signatures
    methods = {k: v for k, v in namespace.items() if k.startswith("on")}
    return type(f"Shim{base.__name__}", (base,), methods)


def _direct_body(
    name: str,
    fields: str,
    channel: bool,
    plan: tuple[BeforeHook | None, RowsFunction | None],
    helpers: dict[str, Any],
) -> list[str]:
    """A direct forwarder's body: ``on_rtm_event``'s steps for an event with no request."""
    before, rows = plan
    lines = [
        "    if target.destroyed:",
        "        return",
        "    with target.lock:",
        "        session = target.session",
        "        session.handler_channel = "
        + ("legacy_name(self.channel_id)" if channel else "''"),
        f"        params = {fields}",
    ]
    indent = "        "
    if before is not None:
        helpers[f"before_{name}"] = before
        lines.append(f"        if not before_{name}(target, params):")
        indent += "    "
    if rows is not None:
        helpers[f"rows_{name}"] = rows
        lines += [
            f"{indent}try:",
            f"{indent}    rows_{name}(params, None, session, target)",
            f"{indent}except Exception as exc:",
            f"{indent}    raise target.rows.row_error(exc) from exc",
        ]
    elif before is not None:
        lines.append(f"{indent}pass")
    return lines


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
