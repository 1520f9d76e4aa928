"""``ShimAgoraAPI``: the legacy native ``IAgoraAPI``, composed from the mapping tables.

A legacy call runs through its *method row*: the preamble generated from the row
(:mod:`adapters.facade`: alive, argument types, join-wait, trace, lock), then the row's
*operation* (:mod:`adapters.signaling.ops`), which checks the legacy rules and makes the RTM
calls through a :mod:`~adapters.signaling.bindings` binding in the table's result style.
Every RTM callback comes back as an RTM event, runs its hooks (the call registry, presence,
reconnection: :mod:`~adapters.signaling.events`) and then the flavour's *event rows*,
compiled once into Python (:mod:`mapping_tables.codegen`).

This class holds the per-instance state the operations and hooks share, and the legacy
callback delivery; everything else lives in its own module.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from legacy_signaling.api import IAgoraAPI, InstanceDestroyedError
from legacy_signaling.callback import ICallBack
from legacy_signaling.codes import ECODE, ErrorDesc, LoginStatus
from legacy_signaling.identity import STATUS_AFTER, MessageIdAllocator, SendWindow
from mapping_tables.model import EventRow, FlavourTable, Status
from mapping_tables.rowexpr import plain as _plain

from ..facade import build_methods
from . import events
from .bindings import Binding, make_binding
from .calls import CallRegistry
from .context import Request, Session
from .gate import InstanceGate
from .joinwait import JoinWait
from .ops import session as session_ops
from .ordering import InFlight, TrackedBinding
from .profile import legacy_name, rtm_id
from .reconnect import ReconnectEmulation
from .timers import ShimWork

if TYPE_CHECKING:
    from .world import ShimWorld

__all__ = ["FACTORIES", "ShimAgoraAPI", "shim_class"]

log = logging.getLogger("sig2rtm.shim")


class ShimAgoraAPI(IAgoraAPI):
    """One legacy SDK instance on the RTM core. Create it through a :class:`ShimWorld`.

    The legacy methods are generated from a flavour's method rows: :func:`shim_class` makes
    the subclass a world instantiates; this class declares none of them itself.
    """

    #: The generated methods' source (set on each flavour's class by :func:`shim_class`).
    generated_source: str = ""

    def __init__(self, world: ShimWorld, app_id: str) -> None:
        self.world = world
        self.app_id = app_id
        self.legacy_mode = world.mode == "legacy"
        self.sched = world.core.scheduler
        #: The instance's own lock: its state is changed by the app's calls (any thread),
        #: RTM events (the callback thread) and the shim's timers and replays, which
        #: :class:`ShimWork` runs off the core thread — so this lock is always taken before
        #: the core's (inside the RTM client), never after it, and RTM events of one
        #: instance do not wait for the core thread's batch. On the callback thread it is
        #: never waited for: the gate defers what finds it taken (:mod:`.gate`).
        self.gate = InstanceGate(self.sched.deliver)
        self.lock = self.gate.lock
        self.work = ShimWork(self.sched, self.gate)
        self.usage = world.usage
        self.rows = world.rows
        self.handler: ICallBack | None = None
        self.status = LoginStatus.LOGIN_STATE_NOT_LOGIN
        self.ids = MessageIdAllocator()
        self.session = Session()
        self.destroyed = False
        self.logged_in = False
        self.login_pending: Request | None = None
        self.calls = CallRegistry()
        self.sends = SendWindow(world.send_quota)
        self.inflight = InFlight()
        self.join_wait = JoinWait(self.work.call_soon)
        self.reconnect = ReconnectEmulation(
            self.work.call_later,
            functools.partial(session_ops.reconnect_tick, self),
            functools.partial(session_ops.give_up, self),
        )
        self._markers = itertools.count(1)
        self._marker_prefix = f"{id(self):x}"
        self._plans: dict[str, dict[str, events.Plan]] = {}
        rtm_binding = make_binding(
            world.flavour,
            world.core,
            world.rtm_app_id,
            self.on_rtm_event,
            events.direct_events(self),
            self,
        )
        self.binding: Binding = cast(
            Binding, TrackedBinding(rtm_binding, self.inflight, self._abandoned)
        )
        #: The same binding, for an operation's last request: made once the legacy method
        #: has let go of the instance lock (the gate's outbox), its request opened now.
        self.after_lock: Binding = cast(
            Binding,
            TrackedBinding(rtm_binding, self.inflight, self._abandoned, self.gate.outbox),
        )

    def __repr__(self) -> str:
        return f"<ShimAgoraAPI {self.app_id!r} account={self.session.self_account!r}>"

    # ================================================================ delivery

    def deliver(self, name: str, *args: object) -> None:
        """Queue a legacy callback made by the facade itself (never inside the call).

        It goes through the core's queue first, behind the RTM requests this instance has
        already made, so callbacks keep the order of the calls that caused them (legacy D1)
        even when an app makes several calls without waiting.
        """
        values = tuple(_plain(a) for a in args)
        if self.inflight.busy:  # behind outcomes still on their way (adapters.ordering)
            self.inflight.hold(functools.partial(self.dispatch, name, values))
            return
        sched = self.sched
        sched.call_soon(sched.deliver, self.dispatch, name, values)

    def explain(self, reason: str) -> None:
        """Why the shim answered a call with a failure, in words: a legacy app sees only a
        code (``onMessageSendError(id, 400)``, ``onLoginFailed(209)``), so the reason is
        logged (logger ``sig2rtm.shim``, INFO) for whoever runs the app, and handed to the
        app's ``onLog`` as the legacy SDK handed it its log lines (the ``Shim.onLog`` row),
        before the failure it explains."""
        line = f"{self.session.self_account or f'instance of {self.app_id}'}: {reason}"
        log.info("%s", line)
        event = functools.partial(self.on_rtm_event, "Shim.onLog", {"txt": line}, None, "", "")
        if self.inflight.busy:
            self.inflight.hold(event)
            return
        sched = self.sched
        sched.call_soon(sched.deliver, event)

    def api_error(self, method: str, code: ECODE, desc: ErrorDesc) -> None:
        """An error the facade finds itself: the ``Shim.onApiError`` event, whose row makes
        it ``onError``; queued behind this instance's earlier requests, like ``deliver``."""
        self.explain(f"{method}: {desc} ({code.name})")
        params = {"name": method, "ecode": int(code), "desc": str(desc)}
        event = functools.partial(self.on_rtm_event, "Shim.onApiError", params, None, "", "")
        if self.inflight.busy:
            self.inflight.hold(event)
            return
        sched = self.sched
        sched.call_soon(sched.deliver, event)

    def emit_now(self, name: str, *args: object) -> None:
        """Deliver a legacy callback at once: only from RTM callback context (in order)."""
        self.dispatch(name, tuple(_plain(a) for a in args))

    def deliver_from_timer(self, name: str, *args: object) -> None:
        """A legacy server push made by a shim timer: held while the link is down (C1),
        like every other push, and delivered after onReconnected (C2)."""
        entry = (name, tuple(_plain(a) for a in args))
        if self.reconnect.holding and name != "onReconnecting":
            self.reconnect.hold(entry, self.sched.time())
        else:
            self.sched.deliver(self.dispatch, *entry)

    def emit_row(self, row: EventRow, args: tuple[object, ...]) -> None:
        """One firing of an event row that the compiled code does not hand to the app's
        handler itself (a usage trace is kept, no handler, or the callback moves
        ``getStatus()``): the emulation is traced, then delivered as any callback."""
        if self.usage is not None and row.status is Status.EMULATED and not self.destroyed:
            self.world.trace("emulation", row.legacy, row.differences)
        self.dispatch(row.legacy, args)

    def callback_failed(self, name: str) -> None:
        """The app's callback raised (compiled rows call handlers directly): logged, ignored."""
        log.exception("exception in legacy callback %s (ignored)", name)

    def dispatch(self, name: str, args: tuple[object, ...]) -> None:
        """Deliver one legacy callback: its status change, its trace, the app's handler."""
        if self.destroyed:
            return
        status = STATUS_AFTER.get(name)
        if status is not None:
            self.status = status
        if self.usage is not None:
            self.world.trace("callback", name)
        handler = self.handler
        if handler is None:
            return
        try:
            getattr(handler, name)(*args)
        except Exception:
            log.exception("exception in legacy callback %s (ignored)", name)

    # ================================================================ RTM events

    def on_rtm_event(
        self,
        name: str,
        params: dict[str, Any],
        req: Request | None,
        trigger: str,
        rtm_channel: str,
    ) -> None:
        """Every RTM callback of this instance's client: hooks, then the compiled rows."""
        if self.destroyed:
            return
        try:  # by trigger, then name: no key built per event
            plan = self._plans[trigger][name]
        except KeyError:
            plan = self._plans.setdefault(trigger, {})[name] = events.plan_for(self, name, trigger)
        # events.run, inlined: every RTM callback of the instance passes here.
        gate = self.gate
        lock = gate.lock
        if (gate.backlog and not gate.draining) or not lock.acquire(False):
            gate.defer(self.on_rtm_event, (name, params, req, trigger, rtm_channel))
            return
        try:
            session = self.session
            session.handler_channel = legacy_name(rtm_channel) if rtm_channel else ""
            before = plan.before
            suppress = before(self, params) if before is not None else False
            released: list[Callable[[], None]] | tuple[()] = ()
            silent = False
            if req is not None:
                released = self.settle(req, name, params)
                silent = req.silent
            rows = plan.rows
            if rows is not None and not suppress and not silent:
                try:
                    rows(params, req, self.session, self)
                except Exception as exc:
                    raise self.rows.row_error(exc) from exc
            if plan.after is not None:
                plan.after(self, params)
            for release in released:
                release()
        finally:
            lock.release()

    def settle(
        self, req: Request, name: str, params: dict[str, Any]
    ) -> list[Callable[[], None]] | tuple[()]:
        """An answer's bookkeeping, before its rows: the request is no longer open (what was
        held behind it is returned, to run after the rows), a failure is explained, and the
        request's continuation runs (so an app reacting to the rows sees its effects)."""
        inflight = self.inflight
        released: list[Callable[[], None]] | tuple[()] = ()
        if inflight.idle:  # InFlight.forget, inlined: every answer passes here
            inflight.open_requests.pop(id(req), None)
        else:
            released = inflight.answered(req)
        if not req.silent and (
            name == "ResultCallback.onFailure" or params.get("errorCode", 0) != 0
        ):
            self.explain(f"{req.method}: RTM {name} answered {events.outcome(params)[0]}")
        if req.then is not None:
            code, value = events.outcome(params)
            req.then(code, value)
        return released

    def _abandoned(self) -> None:
        """The link was given up: nothing open will be answered; release what waited."""
        sched = self.sched
        for release in self.inflight.abandon():
            sched.call_soon(sched.deliver, release)
        self.join_wait.settled()  # a join on the abandoned link will not be answered either

    # ================================================================ state the operations share

    def trace_call(self, method: str) -> None:
        self.world.trace("call", method)

    @property
    def rtm_user(self) -> str:
        return rtm_id(self.session.self_account) or ""

    def live(self) -> bool:
        """D7: logged in and connected (requests fail while reconnecting)."""
        return self.logged_in and not self.reconnect.active

    @property
    def reconnecting(self) -> bool:
        return self.logged_in and self.reconnect.active

    def precheck(self, method: str, *checks: tuple[ECODE | None, ErrorDesc]) -> bool:
        """Logged in, then each legacy check in order: the first failure is ``onError``."""
        if not self.live():
            self.api_error(method, ECODE.GENERAL_E_NOT_LOGIN, ErrorDesc.NOT_LOGGED_IN)
            return False
        for code, desc in checks:
            if code is not None:
                self.api_error(method, code, desc)
                return False
        return True

    def request(
        self, method: str, then: Callable[[int, Any], None] | None = None, **args: Any
    ) -> Request:
        return Request(method, args, then)

    def over_quota(self, channel: str | None) -> bool:
        """Legacy send quotas (D10): checked and, when within them, counted."""
        now = self.sched.time()
        sends = self.sends
        if channel is None:
            return not sends.take(now)
        if sends.full(now):
            return True
        lock = self.world.quota_lock  # the channel's window is shared by the world's instances
        lock.acquire()
        try:
            if not self.world.channel_sends(channel).take(now):
                return True
        finally:
            lock.release()
        sends.record(now)
        return False

    def next_marker(self) -> str:
        return f"{self._marker_prefix}.{next(self._markers)}"

    # Kept for the world's connection controls and the legacy alias ------------------

    def _alive(self) -> None:
        if self.destroyed:
            raise InstanceDestroyedError("this legacy SDK instance was destroyed")

    def destory(self) -> None:
        """The legacy headers' misspelling of ``destroy``."""
        self.destroy()


_classes: dict[int, tuple[FlavourTable, type[ShimAgoraAPI]]] = {}


def shim_class(table: FlavourTable) -> type[ShimAgoraAPI]:
    """The instance class of one flavour table: its method rows generated into methods
    (cached per table; see :mod:`adapters.facade`)."""
    cached = _classes.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    from .ops import FAST_CHECKS, OPERATIONS, argument_check, argument_checks

    methods, source = build_methods(
        table.methods,
        IAgoraAPI,
        OPERATIONS,
        argument_checks(),
        argument_check,
        lambda: InstanceDestroyedError("this legacy SDK instance was destroyed"),
        label=f"ShimAgoraAPI_{table.flavour.value}",
        skip=FACTORIES,
        fast=FAST_CHECKS,
        gated=True,
    )
    cls: type[ShimAgoraAPI] = type(
        f"ShimAgoraAPI_{table.flavour.value}",
        (ShimAgoraAPI,),
        {**methods, "generated_source": source},
    )
    _classes[id(table)] = (table, cls)
    return cls


#: Method rows the world answers (they make instances), not an instance.
FACTORIES = frozenset({"getInstance", "createAgoraSDKInstance"})
