"""``ShimWorld``: legacy instances on one RTM core, with the world interface the tests use.

The same interface as :class:`legacy_signaling.reference.ReferenceWorld` (``getInstance``,
``createAgoraSDKInstance``, ``run_until_idle``, ``advance``, ``now``), so one legacy program
can run on the reference model and on the shim. By default the world runs an embedded core
on virtual time; pass ``core=`` to run on the threaded default or a gateway, or
``core_factory=`` to build one from the world's service settings (for instance
:class:`rtm.gateway.lockstep.LockstepCore`: real gateway nodes on virtual time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import rtm
from legacy_signaling.codes import MAX_CHANNEL_MESSAGES_PER_S, MAX_USER_MESSAGES_PER_S
from legacy_signaling.identity import STATUS_AFTER, SendWindow, legacy_uid
from legacy_signaling.tokens import CertificateTokenProvider, NoTokenProvider, RtmTokenProvider
from mapping_tables import load
from mapping_tables.codegen import CompiledRows, compile_rows
from mapping_tables.expr import Function
from mapping_tables.functions import standard_functions
from mapping_tables.model import FlavourTable, MappingTables, Status
from rtm.scheduler import DeterministicScheduler

from .instance import ShimAgoraAPI, shim_class
from .profile import LEGACY_LIMITS, rtm_app_id
from .usage import UsageTrace
from .views import ROW_VIEWS

__all__ = ["ShimWorld", "compiled_rows", "row_functions"]

_functions: dict[int, tuple[MappingTables, Mapping[str, Function]]] = {}
_compiled: dict[tuple[int, bool], tuple[FlavourTable, CompiledRows]] = {}


def row_functions(tables: MappingTables) -> Mapping[str, Function]:
    """The expression functions of ``tables`` with the shim's uid policy (made once)."""
    cached = _functions.get(id(tables))
    if cached is None or cached[0] is not tables:
        cached = _functions[id(tables)] = (
            tables,
            standard_functions(tables, legacy_uid=legacy_uid),
        )
    return cached[1]


def compiled_rows(
    table: FlavourTable, functions: Mapping[str, Function], *, legacy_mode: bool
) -> CompiledRows:
    """A flavour's event rows compiled for the shim (cached per table and mode): in native
    mode the rows with status *emulated* are left out, so RTM's own behaviour shows."""
    key = (id(table), legacy_mode)
    cached = _compiled.get(key)
    if cached is None or cached[0] is not table:
        compiled = compile_rows(
            table.events,
            functions,
            ROW_VIEWS,
            file=f"signaling_{table.flavour.value}.toml",
            label=f"{table.flavour.value} {'legacy' if legacy_mode else 'native'}",
            skip=(lambda row: False)
            if legacy_mode
            else (lambda row: row.status is Status.EMULATED),
            slow=frozenset(STATUS_AFTER),  # delivering them moves getStatus()
        )
        cached = _compiled[key] = (table, compiled)
    return cached[1]


#: What this world can simulate (the equivalence generator reads it): virtual time, dropped
#: connections, and kicks of a session whose link is down (told when the link is back, as
#: the reference now does, L6); not listing members from outside a channel
#: (channel_userlist_outside) nor ending a kicked session's calls (remote_login_kick),
#: differences the tables declare.
CAPABILITIES = frozenset({"time", "connection", "kick_while_dropped", "logout_while_dropped"})


class ShimWorld:
    """Legacy Signaling apps on the RTM core (``flavour`` cpp | java, ``mode`` legacy | native)."""

    capabilities = CAPABILITIES

    def __init__(
        self,
        app_id: str,
        app_certificate: str | None = None,
        debug_switch: bool = False,
        *,
        flavour: str = "cpp",
        mode: str = "legacy",
        core: Any = None,
        core_factory: Callable[[rtm.ServiceConfig], Any] | None = None,
        rtm_certificate: str | None = None,
        token_provider: RtmTokenProvider | None = None,
        usage: UsageTrace | None = None,
        send_quota: int = MAX_USER_MESSAGES_PER_S,
        channel_quota: int = MAX_CHANNEL_MESSAGES_PER_S,
    ) -> None:
        if not app_id:
            raise ValueError("app_id must not be empty")
        if mode not in ("legacy", "native"):
            raise ValueError(f"mode must be 'legacy' or 'native', not {mode!r}")
        self.app_id = app_id
        self.app_certificate = app_certificate
        self.debug_switch = debug_switch
        self.flavour = flavour
        self.mode = mode
        self.rtm_app_id = rtm_app_id(app_id)
        if core is not None and core_factory is not None:
            raise ValueError("pass core or core_factory, not both")
        self._owns_core = core is None
        if core is None:
            certificates = {self.rtm_app_id: rtm_certificate} if rtm_certificate else {}
            config = rtm.ServiceConfig(limits=LEGACY_LIMITS, app_certificates=certificates)
            core = (
                core_factory(config)
                if core_factory is not None
                else rtm.EmbeddedCore(DeterministicScheduler(), config)
            )
        self.core = core
        #: On a network core a logout while the link is down reaches the server only at the
        #: end of the lost session's grace period (see LOGOUT_WHILE_DROPPED): not claimed.
        self.capabilities = (
            CAPABILITIES
            if isinstance(core, rtm.EmbeddedCore)
            else CAPABILITIES - {"logout_while_dropped"}
        )
        if token_provider is None:
            token_provider = (
                CertificateTokenProvider(
                    self.rtm_app_id, rtm_certificate, clock=core.scheduler.time
                )
                if rtm_certificate
                else NoTokenProvider()
            )
        self._tokens = token_provider
        tables = load()
        self.table: FlavourTable = tables.flavour(flavour)
        self.functions: Mapping[str, Function] = row_functions(tables)
        self.rows = compiled_rows(self.table, self.functions, legacy_mode=mode == "legacy")
        self.instance_class = shim_class(self.table)
        self.usage = usage if usage is not None else UsageTrace.from_environment()
        self._singletons: dict[str, ShimAgoraAPI] = {}
        self._channel_sends: dict[str, SendWindow] = {}
        #: Instances of this world count channel sends in shared windows (legacy D10), each
        #: under its own lock: this one guards the shared windows.
        self.quota_lock = threading.Lock()
        if send_quota < 1 or channel_quota < 1:
            raise ValueError("send quotas must be at least 1 per second")
        #: The legacy send quotas (D10): per session (60/s) and per channel (200/s) by
        #: default; a deployment (or a benchmark) may raise them.
        self.send_quota = send_quota
        self.channel_quota = channel_quota

    def channel_sends(self, channel: str) -> SendWindow:
        """The legacy per-channel send quota (200/s), shared by this world's instances."""
        window = self._channel_sends.get(channel)
        if window is None:
            window = self._channel_sends[channel] = SendWindow(self.channel_quota)
        return window

    def rtm_token(self, user_id: str) -> str | None:
        return self._tokens(user_id)

    def trace(self, kind: str, name: str, differences: tuple[str, ...] = ()) -> None:
        if self.usage is not None:
            self.usage.record(kind, name, differences, rtm_flavour=self.flavour)

    def getInstance(self, appId: str) -> ShimAgoraAPI:
        if not appId:
            raise ValueError("appId must not be empty")
        instance = self._singletons.get(appId)
        if instance is None:
            instance = self._singletons[appId] = self.instance_class(self, appId)
        return instance

    def createAgoraSDKInstance(self, appId: str) -> ShimAgoraAPI:
        if not appId:
            raise ValueError("appId must not be empty")
        return self.instance_class(self, appId)

    def forget(self, instance: ShimAgoraAPI) -> None:
        for key, value in list(self._singletons.items()):
            if value is instance:
                del self._singletons[key]

    @property
    def now(self) -> float:
        return float(self.core.scheduler.time())

    def run_until_idle(self) -> int:
        scheduler = self.core.scheduler
        if isinstance(scheduler, DeterministicScheduler):
            # A lockstep gateway core settles its nodes too; an embedded one runs its queue.
            run = getattr(self.core, "run_until_idle", None)
            if callable(run) and not isinstance(self.core, rtm.EmbeddedCore):
                return int(run())
            return scheduler.run_until_idle()
        scheduler.drain()
        return 0

    def close(self) -> None:
        """Release the core this world built (a gateway harness holds threads and sockets)."""
        close = getattr(self.core, "close", None)
        if self._owns_core and callable(close):
            close()

    def drop_connection(self, api: ShimAgoraAPI) -> None:
        """Cut ``api``'s link to the core (legacy C1): it must be logged in and connected."""
        api._alive()
        if not api.live():
            raise ValueError("drop_connection: the instance is not logged in and connected")
        self._link(api).drop()

    def restore_connection(self, api: ShimAgoraAPI) -> None:
        """Give ``api`` its link back (legacy C2): it must be reconnecting."""
        api._alive()
        if not api.reconnecting:
            raise ValueError("restore_connection: the instance is not reconnecting")
        self._link(api).restore()

    @staticmethod
    def _link(api: ShimAgoraAPI) -> Any:
        transport = api.binding.client._transport
        if transport is None or not callable(getattr(transport, "drop", None)):
            raise NotImplementedError("this core's transport cannot simulate a dropped link")
        return transport

    def advance(self, seconds: float) -> None:
        scheduler = self.core.scheduler
        if not isinstance(scheduler, DeterministicScheduler):
            raise TypeError("advance() needs a world on virtual time")
        advance = getattr(self.core, "advance", None)
        if callable(advance):
            advance(seconds)  # every party's timers, in time order
        else:
            scheduler.advance(seconds)
