"""Methods generated from method rows (adapters/facade.py): the preamble every row shares."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from adapters.facade import build_methods
from adapters.signaling import ShimWorld
from adapters.signaling.instance import shim_class
from legacy_signaling.api import IAgoraAPI, InstanceDestroyedError
from legacy_signaling.callback import RecordingCallBack
from mapping_tables import MethodRow, Status, load


def row(legacy: str, operation: str, *, immediate: bool = False) -> MethodRow:
    return MethodRow(
        legacy=legacy, args=(), rtm=(), status=Status.EMULATED, differences=(),
        operation=operation, topic="t", source="s", immediate=immediate,
    )  # fmt: skip


class Api:
    def send(self, name: str, count: int = 3) -> None: ...
    def status(self) -> int:
        raise NotImplementedError


class State:
    def __init__(self) -> None:
        self.destroyed = False
        self.usage: object | None = None
        self.traced: list[str] = []
        self.calls: list[tuple[Any, ...]] = []
        self.deferred: list[Any] = []
        self.busy = False
        self.join_wait = self
        self.lock = _Lock()

    def defer(self, call: Any) -> bool:
        self.deferred.append(call)
        return True

    def trace_call(self, name: str) -> None:
        self.traced.append(name)


class _Lock:
    held = 0

    def acquire(self) -> None:
        self.held += 1

    def release(self) -> None:
        self.held -= 1


def build() -> tuple[dict[str, Any], str]:
    def op_send(state: State, name: str, count: int) -> None:
        state.calls.append(("send", name, count, state.lock.held))

    def op_status(state: State) -> int:
        return 7

    def check_str(**values: object) -> None:
        for key, value in values.items():
            if not isinstance(value, str):
                raise TypeError(f"{key} must be str")

    return build_methods(
        [row("send", "op_send"), row("status", "op_status", immediate=True)],
        Api,
        {"op_send": op_send, "op_status": op_status},
        {"str": check_str},
        lambda name, annotation: "str" if annotation == "str" else None,
        lambda: RuntimeError("gone"),
        label="Test",
        fast={"str": "{0}.__class__ is str"},
    )


def test_generated_methods_have_the_interface_signature_and_run_their_operation() -> None:
    methods, source = build()
    assert inspect.signature(methods["send"]) == inspect.signature(Api.send)
    state = State()
    methods["send"](state, "x")
    assert state.calls == [("send", "x", 3, 1)]  # default kept; run under the lock
    assert methods["status"](state) == 7
    assert "def send(self, name, count=3):" in source


def test_argument_types_are_checked_before_anything_happens() -> None:
    methods, _ = build()
    state = State()
    with pytest.raises(TypeError, match="name must be str"):
        methods["send"](state, 5)
    assert state.calls == [] and state.traced == []


def test_a_destroyed_instance_refuses_every_call() -> None:
    methods, _ = build()
    state = State()
    state.destroyed = True
    with pytest.raises(RuntimeError, match="gone"):
        methods["status"](state)
    with pytest.raises(RuntimeError, match="gone"):
        methods["send"](state, "x")


def test_calls_wait_behind_a_join_and_replay_through_the_same_operation() -> None:
    methods, _ = build()
    state = State()
    state.busy = True
    methods["send"](state, "x", 1)
    assert state.calls == [] and len(state.deferred) == 1
    state.deferred[0]()
    assert state.calls == [("send", "x", 1, 1)]


def test_traces_each_call_only_when_a_usage_trace_is_kept() -> None:
    methods, _ = build()
    state = State()
    methods["send"](state, "x")
    assert state.traced == []
    state.usage = object()
    methods["send"](state, "x")
    methods["status"](state)
    assert state.traced == ["send", "status"]


def test_a_row_without_its_operation_or_its_method_is_refused() -> None:
    with pytest.raises(LookupError, match="no operation 'nope'"):
        build_methods(
            [row("send", "nope")], Api, {}, {}, lambda n, a: None, RuntimeError, label="T"
        )
    with pytest.raises(LookupError, match="not a method of Api"):
        build_methods(
            [row("fly", "op")], Api, {"op": print}, {}, lambda n, a: None, RuntimeError, label="T"
        )


def test_the_shim_uses_it_legacy_type_rules_from_the_interface() -> None:
    world = ShimWorld("app")
    api = world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    api.callbackSet(rec)
    with pytest.raises(TypeError, match="account must be str"):
        api.messageInstantSend(5, 0, "hi", "m1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"uid must be in 0\.\.4294967295"):
        api.messageInstantSend("bob", -1, "hi", "m1")
    with pytest.raises(TypeError, match="retry_count must be int"):
        api.login2("app", "a", "t", 0, "", 1, "3")  # type: ignore[arg-type]
    api.login2("app", "a", "_no_need_token", 0, "", -1, 0)  # int, out of the legacy range
    world.run_until_idle()
    assert rec.trace[-1][0] == "onError"
    api.destroy()
    with pytest.raises(InstanceDestroyedError):
        api.messageInstantSend("bob", 0, "hi", "m1")
    cls = shim_class(load().flavour("cpp"))
    assert cls is world.instance_class  # one class per table, made once
    assert issubclass(cls, IAgoraAPI)
