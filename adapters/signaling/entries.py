"""The generated entries of the shim's handlers: an RTM callback's preamble and rows in one
method (:func:`mapping_tables.codegen.compile_entries` compiles them).

Three kinds, each ``on_rtm_event``'s steps for its case written inline:

* :func:`direct_entry` — an event answering no request, with a hook before its rows or
  rows that change state: the instance lock (or the backlog, :mod:`.gate`), the channel
  that delivered it, the hook, the rows;
* read-only entries (chosen by :func:`direct_entry`, and :func:`payload_entry`) — rows that
  only read single session fields and call the app (messages, members): no lock, nothing
  written, in order with the instance's deferred events; a channel message's may take the
  frame's payload instead of an RtmMessage per member (``rtm.handlers.ChannelPayloadReceiver``);
* :func:`answer_entry` — an answer with no hook: ``ShimAgoraAPI.settle`` unless it is a plain
  success with nothing held behind it, then the rows unless the request is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from mapping_tables.codegen import CompiledRows, Entry

from .profile import legacy_name

__all__ = [
    "BeforeHook",
    "DirectEvents",
    "GuardedHook",
    "answer_entry",
    "direct_entry",
    "payload_entry",
]

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


#: How every entry ends: a row's failure is reported as that row's ...
_ROW_FAILURE = (
    "    except Exception as exc:",
    "        error = ROW_ERROR(exc)",
    "        if error is exc:",
    "            raise",
    "        raise error from exc",
)
#: ... and, in a locked entry, the lock let go.
_EPILOGUE = (*_ROW_FAILURE, "    finally:", "        lock.release()")


#: Session fields a read-only entry may read: each one value, read atomically.
_SCALAR_FIELDS = frozenset({"channel", "handler_channel", "self_account", "uid"})

#: What rows may read of a channel message to take its payload instead (the sender's ID,
#: in either style, and the text): ``rtm.handlers.ChannelPayloadReceiver``.
_PAYLOAD_PATHS = frozenset({"userId", "fromMember.userId", "message.text"})


def _read_only(qualified: str, direct: DirectEvents) -> bool:
    """Whether ``qualified``'s entry may run without the lock (see :func:`_read_only_entry`)."""
    hook = direct.hooks.get(qualified)
    rows = direct.rows
    return (
        (hook is None or isinstance(hook, GuardedHook))
        and rows.session_fields(qualified, "") <= _SCALAR_FIELDS
        and not rows.fires_slow(qualified, "")
    )


def payload_entry(interface: str, legacy_channel: str, direct: DirectEvents) -> Entry | None:
    """``onMessagePayload``: a channel message's rows on the frame's payload (no RtmMessage
    nor RtmChannelMember per member), if they read nothing else of the event."""
    qualified = f"{interface}.onMessageReceived"
    if (
        qualified not in direct.hooks
        or direct.hooks[qualified] is not None
        or not _read_only(qualified, direct)
        or not direct.rows.event_paths(qualified, "") <= _PAYLOAD_PATHS
    ):
        return None
    return _read_only_entry(
        "onMessagePayload",
        qualified,
        ("userId", "message"),
        "",
        "self.onMessagePayload, (userId, message, )",
        legacy_channel,
        direct,
        {"fromMember.userId": "userId"},
    )


def direct_entry(
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
    if _read_only(qualified, direct):
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
    aliases: Mapping[str, str] | None = None,
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
    after = list(_ROW_FAILURE)
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
        aliases=aliases or {},
    )


def answer_entry(
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
