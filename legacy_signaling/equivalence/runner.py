"""Run a program on a world and record what every named instance observed.

The sequential-program model: each step is applied, then ``world.run_until_idle()``
delivers everything it caused before the next step starts. A step therefore owns every
entry that appears in any trace while it runs, which is what lets a divergence name the
step that caused it. Each instance name has its own ``RecordingCallBack``; a trace is what
that recorder received, plus two kinds of synthetic entries the runner adds:

* ``("raise", (method, ExceptionTypeName))`` when a call on that instance raised (D5, D8,
  and ``ValueError`` from the world's network controls);
* ``("return", (method, value))`` for getters (``GetStatus``).
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import attrs

from legacy_signaling.api import IAgoraAPI, InstanceDestroyedError
from legacy_signaling.callback import CALLBACK_NAMES, UNRECORDED, RecordingCallBack, TraceEntry
from legacy_signaling.equivalence import world as worlds
from legacy_signaling.equivalence.program import Handler, Program, Step, TokenKind, describe
from legacy_signaling.equivalence.universe import CERTIFICATE, WRONG_APP_ID
from legacy_signaling.equivalence.world import (
    LegacyWorld,
    MissingCapabilityError,
    WorldConfig,
    capabilities_of,
)
from legacy_signaling.tokens import NO_NEED_TOKEN, build_legacy_token

__all__ = [
    "EXPECTED_EXCEPTIONS",
    "RAISE",
    "RETURN",
    "HandlerError",
    "Observer",
    "ProgramError",
    "Recording",
    "StepCrashedError",
    "UnexpectedException",
    "execute",
    "run",
]

RAISE: Final = "raise"
RETURN: Final = "return"
#: Exceptions the legacy API documents (D5, D8, C1/C2 world controls).
EXPECTED_EXCEPTIONS: Final = (TypeError, ValueError, InstanceDestroyedError)

#: ``observer(step_index, step, new_entries_by_instance)``, called after each step settles.
Observer = Callable[[int, Step, Mapping[str, Sequence[TraceEntry]]], None]


class ProgramError(Exception):
    """The program itself is wrong (an instance used before ``CreateInstance``)."""


class StepCrashedError(Exception):
    """A world raised out of a step outside any API call (delivery, timers)."""

    def __init__(self, index: int, step: Step, world: object) -> None:
        super().__init__(
            f"step {index} {describe(step)} crashed inside {type(world).__name__} "
            "(an exception escaped run_until_idle/advance or a world control)"
        )
        self.index = index
        self.step = step


class HandlerError(RuntimeError):
    """Raised by a ``Handler.RAISING`` recorder after recording (the world must swallow it)."""


@attrs.frozen
class UnexpectedException:
    """An API call raised something the legacy API does not document."""

    step: int
    client: str
    method: str
    error: str
    traceback: str


@attrs.frozen
class Recording:
    """The traces of one run and, for each entry, the index of the step that produced it."""

    traces: Mapping[str, tuple[TraceEntry, ...]]
    origins: Mapping[str, tuple[int, ...]]
    unexpected: tuple[UnexpectedException, ...] = ()

    def as_dict(self) -> dict[str, list[TraceEntry]]:
        return {client: list(trace) for client, trace in self.traces.items()}


class _Recorder(RecordingCallBack):
    """A client's recorder; with ``raising`` set it raises after recording (D2)."""

    def __init__(self) -> None:
        super().__init__()
        self.raising = False


def _raising(name: str) -> Callable[..., None]:
    record: Callable[..., None] = getattr(RecordingCallBack, name)

    def deliver(self: _Recorder, *args: object, **kwargs: object) -> None:
        record(self, *args, **kwargs)
        if self.raising:
            raise HandlerError(f"{name} raised by the app (Handler.RAISING)")

    deliver.__name__ = name
    return deliver


for _name in CALLBACK_NAMES:
    if _name not in UNRECORDED:
        setattr(_Recorder, _name, _raising(_name))
del _name


class _Runner:
    """Implements ``program.StepContext`` for one world."""

    def __init__(self, world: LegacyWorld, config: WorldConfig) -> None:
        self.world = world
        self.config = config
        self.apis: dict[str, IAgoraAPI] = {}
        self.recorders: dict[str, _Recorder] = {}
        self.origins: dict[str, list[int]] = {}
        self.unexpected: list[UnexpectedException] = []
        self.index = -1

    # ---------------------------------------------------------------- bookkeeping

    def recorder(self, client: str) -> _Recorder:
        rec = self.recorders.get(client)
        if rec is None:
            rec = self.recorders[client] = _Recorder()
            self.origins[client] = []
        return rec

    def api(self, client: str) -> IAgoraAPI:
        api = self.apis.get(client)
        if api is None:
            raise ProgramError(f"step {self.index}: {client!r} is used before CreateInstance")
        return api

    def guard(self, client: str, method: str, action: Callable[[], object]) -> tuple[bool, object]:
        """Run ``action``; an exception becomes a ``raise`` entry of ``client``."""
        try:
            return True, action()
        except Exception as exc:
            self.recorder(client).trace.append((RAISE, (method, type(exc).__name__)))
            if not isinstance(exc, EXPECTED_EXCEPTIONS):
                self.unexpected.append(
                    UnexpectedException(
                        self.index, client, method, repr(exc), traceback.format_exc()
                    )
                )
            return False, None

    def collect(self, before: Mapping[str, int]) -> dict[str, list[TraceEntry]]:
        """Entries added during the current step, by client (and their origins)."""
        new: dict[str, list[TraceEntry]] = {}
        for client, rec in self.recorders.items():
            added = rec.trace[before.get(client, 0) :]
            if added:
                new[client] = added
                self.origins[client].extend([self.index] * len(added))
        return new

    def recording(self) -> Recording:
        return Recording(
            traces={c: tuple(r.trace) for c, r in self.recorders.items()},
            origins={c: tuple(o) for c, o in self.origins.items()},
            unexpected=tuple(self.unexpected),
        )

    # ---------------------------------------------------------------- StepContext

    def call(self, client: str, method: str, *args: object) -> None:
        api = self.api(client)
        self.recorder(client)
        self.guard(client, method, lambda: getattr(api, method)(*args))

    def query(self, client: str, method: str) -> None:
        api = self.api(client)

        def get() -> object:
            # getattr inside the guard: a missing getter is a recorded raise, not a crash.
            return getattr(api, method)()

        ok, value = self.guard(client, method, get)
        if ok:
            self.recorder(client).trace.append((RETURN, (method, value)))

    def bind(self, client: str, *, singleton: bool, valid_app_id: bool) -> None:
        self.recorder(client)
        app_id = self.config.app_id if valid_app_id else ""
        method = "getInstance" if singleton else "createAgoraSDKInstance"
        make = getattr(self.world, method)
        ok, api = self.guard(client, method, lambda: make(app_id))
        if ok:
            if not isinstance(api, IAgoraAPI):
                raise TypeError(f"{method} returned {type(api).__name__}, not an IAgoraAPI")
            self.apis[client] = api

    def set_handler(self, client: str, handler: Handler) -> None:
        rec = self.recorder(client)
        if handler is Handler.NONE:
            self.call(client, "callbackSet", None)
            return
        rec.raising = handler is Handler.RAISING
        self.call(client, "callbackSet", rec)

    def app_id(self, right: bool) -> str:
        if right:
            return self.config.app_id
        return WRONG_APP_ID if self.config.app_id != WRONG_APP_ID else WRONG_APP_ID[:-1] + "0"

    def token(self, kind: TokenKind, account: str) -> str:
        if kind is TokenKind.NO_NEED:
            return NO_NEED_TOKEN
        if kind is TokenKind.EMPTY:
            return ""
        # Without a certificate every token is accepted; sign with a fixed one anyway so the
        # text has the real shape.
        certificate = self.config.app_certificate or CERTIFICATE
        now = math.floor(self.world.now)
        expiry = now - 60 if kind is TokenKind.EXPIRED else now + 3600
        signed_for = account + "-other" if kind is TokenKind.OTHER_ACCOUNT else account
        token = build_legacy_token(signed_for, self.config.app_id, certificate, expiry)
        if kind is TokenKind.WRONG:
            token = token[:-1] + ("0" if token[-1] != "0" else "1")
        return token

    def advance(self, seconds: float) -> None:
        self.world.advance(seconds)

    def run_until_idle(self) -> None:
        self.world.run_until_idle()

    def drop_connection(self, client: str) -> None:
        api = self.api(client)
        self.guard(client, "drop_connection", lambda: worlds.drop_connection(self.world, api))

    def restore_connection(self, client: str) -> None:
        api = self.api(client)
        self.guard(client, "restore_connection", lambda: worlds.restore_connection(self.world, api))

    def set_server_available(self, available: bool) -> None:
        worlds.set_server_available(self.world, available)


def execute(world: LegacyWorld, program: Program, *, observer: Observer | None = None) -> Recording:
    """Run ``program`` on ``world`` step by step, settling after each; return the traces.

    Raises ``MissingCapabilityError`` up front if the program needs a control the world
    lacks, ``ProgramError`` for a malformed program, and ``StepCrashedError`` (with the
    world's exception as its cause) when the world itself fails outside an API call.
    """
    missing = program.capabilities - capabilities_of(world)
    if missing:
        raise MissingCapabilityError(
            f"{type(world).__name__} lacks {sorted(missing)} needed by this program"
        )
    runner = _Runner(world, program.config)
    for index, step in enumerate(program.steps):
        runner.index = index
        before = {client: len(rec.trace) for client, rec in runner.recorders.items()}
        try:
            step.apply(runner)
            world.run_until_idle()
        except (ProgramError, MissingCapabilityError):
            raise
        except Exception as exc:
            raise StepCrashedError(index, step, world) from exc
        new = runner.collect(before)
        if observer is not None:
            observer(index, step, new)
    return runner.recording()


def run(world: LegacyWorld, program: Program) -> dict[str, list[TraceEntry]]:
    """Per-instance callback traces of ``program`` on ``world`` (see :func:`execute`)."""
    return execute(world, program).as_dict()
