"""RTM events into legacy callbacks: the hooks, then the compiled event rows.

Every RTM callback of a shim instance's client is an RTM event (the qualified callback name,
its parameters, the request it answers, the Java trigger, the channel). Per (callback,
trigger) a :class:`Plan` is put together once, on first use: the hooks that keep the shim's
state in step (connection and reconnection, the call registry, presence, the channel
attribute snapshot) and the flavour's compiled rows (:mod:`mapping_tables.codegen`).
``ShimAgoraAPI.on_rtm_event`` runs a plan in this order: the hook before (state the rows
read; it may silence the rows), the request's own continuation (so an app reacting to a
callback sees its effects), the rows, the hook after, then the facade's callbacks that
waited for this outcome.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

import rtm
from legacy_signaling.codes import ECODE
from mapping_tables.functions import SIGNAL_HEADS

from .context import Request
from .entries import DirectEvents, GuardedHook
from .ops.calls import CALL_HOOKS, peer_signal_hook, presence_hook
from .ops.session import session_lost
from .views import legacy_attrs

if TYPE_CHECKING:
    from .instance import ShimAgoraAPI

__all__ = ["Plan", "direct_events", "outcome", "plan_for"]

#: A hook before the rows (True: the rows stay silent) or after them.
Before = Callable[["ShimAgoraAPI", dict[str, Any]], bool]
After = Callable[["ShimAgoraAPI", dict[str, Any]], None]

_S = rtm.CONNECTION_STATE
_R = rtm.CONNECTION_CHANGE_REASON


def _connection_before(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    state, reason = int(params["state"]), int(params["reason"])
    aborted = state == _S.CONNECTION_STATE_ABORTED
    if aborted and shim.legacy_mode:
        session_lost(
            shim,
            ECODE.LEAVECHANNEL_E_KICKED
            if reason == _R.CONNECTION_CHANGE_REASON_REMOTE_LOGIN
            else ECODE.LEAVECHANNEL_E_DISCONN,
        )
    if state == _S.CONNECTION_STATE_RECONNECTING:
        shim.session.reconnect_attempt = 1
        if shim.legacy_mode:
            shim.reconnect.start()  # C1: onReconnecting(1) is the row's; 2..n the timers'
            shim.binding.client.setHandOverListener(functools.partial(_handed_over, shim))
    elif state == _S.CONNECTION_STATE_CONNECTED or aborted:
        shim.reconnect.cancel()  # back, or kicked while reconnecting (L6): no more retries
        if aborted:  # the session ended: what was held for it is dropped (L6, as C3)
            shim.reconnect.discard()
    return False


def _connection_after(shim: ShimAgoraAPI, params: dict[str, Any]) -> None:
    state = int(params["state"])
    shim.session.previous_state = state
    if state == _S.CONNECTION_STATE_ABORTED:
        shim.logged_in = False
        shim.binding.logout(Request("logout", {}, silent=True))
    elif state == _S.CONNECTION_STATE_CONNECTED:
        shim.reconnect.reconnected()  # held pushes wait for their place in the hand-over


def _handed_over(shim: ShimAgoraAPI, held_at: int | None) -> None:
    """A mark of the core's hand-over after a reconnect (``rtm.protocol.HandOver``): the
    pushes the shim held that were made up to ``held_at`` go before the core's events held
    then (C2: the legacy server held both in one list, in time order); None: all the rest,
    before the mailbox. In order with the instance's other events (its gate)."""
    shim.gate.run(_release_held, shim, held_at)


def _release_held(shim: ShimAgoraAPI, held_at: int | None) -> None:
    if shim.destroyed or not shim.reconnect.handing_over:
        return
    for name, args in shim.reconnect.release(held_at):
        shim.dispatch(name, args)


def _token_will_expire(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    token = shim.world.rtm_token(shim.rtm_user)
    if token is not None:
        shim.binding.client.renewToken(token)
    return False


def _attributes_after(shim: ShimAgoraAPI, params: dict[str, Any]) -> None:
    attributes = params.get("attributes", params.get("attributeList")) or []
    shim.session.channel_attrs = {a.key: a.value for a in legacy_attrs(attributes)}


#: Hooks by RTM callback short name (or qualified name, which wins): before the rows.
BEFORE: Mapping[str, Before] = {
    "onConnectionStateChanged": _connection_before,
    "onTokenPrivilegeWillExpire": _token_will_expire,
    # Peer messages (not channel messages) may carry a call's end or DTMF: only the shim's
    # own signals do (the hook does nothing for other texts, tested inline by an entry).
    "IRtmServiceEventHandler.onMessageReceivedFromPeer": GuardedHook(
        peer_signal_hook, "message", SIGNAL_HEADS
    ),
    "RtmClientListener.onMessageReceived": GuardedHook(peer_signal_hook, "message", SIGNAL_HEADS),
    "onPeersOnlineStatusChanged": presence_hook,
    **CALL_HOOKS,
}
AFTER: Mapping[str, After] = {
    "onConnectionStateChanged": _connection_after,
    "onAttributesUpdated": _attributes_after,
}


def outcome(params: Mapping[str, Any]) -> tuple[int, Any]:
    """(code, value) of an RTM result event in either style, for continuations."""
    if "errorInfo" in params:
        return int(params["errorInfo"].errorCode), None
    if "responseInfo" in params:
        return 0, params["responseInfo"]
    code = int(params.get("errorCode", 0))
    for key in ("members", "attributes", "peersStatus", "channelMemberCounts"):
        if key in params:
            return code, params[key]
    return code, None


@attrs.frozen
class Plan:
    """What one (RTM callback, trigger) runs: hooks and the compiled rows (None: none)."""

    before: Before | None
    rows: Callable[..., None] | None
    after: After | None


def direct_events(shim: ShimAgoraAPI) -> DirectEvents:
    """The RTM callbacks (no trigger) whose plan has no hook after the rows: their entries
    run the hook before and the rows themselves (:class:`~.forwarding.DirectEvents`); and
    the hooked names, whose answers keep going through ``on_rtm_event``."""
    out: dict[str, Before | None] = {}
    names = {name for name, trigger in shim.rows.functions if not trigger} | set(BEFORE)
    for name in names:
        if "." not in name:
            continue  # a hook by short name: found with its qualified callback's rows
        plan = plan_for(shim, name, "")
        if plan.after is None and (plan.before is not None or plan.rows is not None):
            out[name] = plan.before
    return DirectEvents(shim.rows, out, frozenset(BEFORE) | frozenset(AFTER))


def plan_for(shim: ShimAgoraAPI, name: str, trigger: str) -> Plan:
    """The plan of one (RTM callback, trigger) for ``shim``'s table and mode."""
    short = name.rpartition(".")[2]
    return Plan(
        BEFORE.get(name, BEFORE.get(short)),
        shim.rows.functions.get((name, trigger)),
        AFTER.get(short),
    )
