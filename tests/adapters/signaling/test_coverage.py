"""Every row is executed and every executed thing has a row (both flavours, both modes).

The method rows make the shim's methods (one generated method per row, its operation from
``ops.OPERATIONS``); a row's ``status`` is a fact about behaviour, proven here by calling
every method: an unsupported row answers with the callback it declares (``reports``), a
mapped or emulated one runs (RTM calls or legacy results, never the unsupported answer).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rtm
from adapters.signaling import ShimWorld, binding_java
from adapters.signaling.events import BEFORE
from adapters.signaling.instance import FACTORIES, ShimAgoraAPI
from adapters.signaling.ops import OPERATIONS
from adapters.signaling.ops.calls import CALL_HOOKS
from legacy_signaling.api import METHOD_NAMES, IAgoraAPI
from legacy_signaling.callback import CALLBACK_NAMES, RecordingCallBack
from legacy_signaling.codes import ECODE, ErrorDesc
from mapping_tables import Flavour, MethodRow, Status, load
from mapping_tables.rtm_surface import callbacks
from rtm import handlers

TABLES = load()


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_method_row_is_a_generated_method_and_back(flavour: Flavour) -> None:
    table = TABLES.flavour(flavour)
    cls = ShimWorld("app", flavour=flavour.value).instance_class
    rows = {row.legacy for row in table.methods}
    for row in table.methods:
        if row.legacy in FACTORIES:
            assert callable(getattr(ShimWorld, row.legacy)), row.legacy
            continue
        method = cls.__dict__.get(row.legacy)
        assert callable(method), f"{flavour.value}: row {row.legacy} has no generated method"
        assert inspect.signature(method) == inspect.signature(getattr(IAgoraAPI, row.legacy))
    interface = {
        name
        for name, fn in inspect.getmembers(IAgoraAPI, inspect.isfunction)
        if not name.startswith("_")
    }
    assert interface <= rows | {"destory"}, interface - rows
    assert set(METHOD_NAMES) - {"destory"} <= rows
    # The base class declares no legacy method of its own: they all come from rows.
    own = {n for n in vars(ShimAgoraAPI) if n in rows}
    assert own == set(), own


def test_operations_are_exactly_the_rows_operations() -> None:
    assert set(OPERATIONS) == set(TABLES.operations)


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_callback_has_a_row(flavour: Flavour) -> None:
    legacy = {row.legacy for row in TABLES.flavour(flavour).events}
    assert set(CALLBACK_NAMES) <= legacy, set(CALLBACK_NAMES) - legacy


@pytest.mark.parametrize("flavour", list(Flavour))
@pytest.mark.parametrize("mode", ["legacy", "native"])
def test_compiled_rows_are_the_executable_rows(flavour: Flavour, mode: str) -> None:
    """Every executable row is in the code the shim runs, and nothing else is; each
    (RTM callback, trigger) names a callback the binding forwards (Java triggers: calls the
    Java binding makes)."""
    table = TABLES.flavour(flavour)
    world = ShimWorld("app", flavour=flavour.value, mode=mode)
    compiled = {row.line for _, _, row in world.rows.spans}
    expected = [
        row.line
        for row in table.events
        if row.rtm
        and row.status is not Status.UNSUPPORTED
        and (mode == "legacy" or row.status is not Status.EMULATED)
    ]
    assert sorted(compiled) == expected
    surface = callbacks(flavour)
    source = Path(binding_java.__file__).read_text("utf-8")  # the calls with triggers
    triggers = set(re.findall(r'"((?:RtmClient|RtmChannel|RtmCallManager)\.\w+)"', source))
    handler_classes = {
        "IRtmServiceEventHandler": handlers.IRtmServiceEventHandler,
        "IChannelEventHandler": handlers.IChannelEventHandler,
        "IRtmCallEventHandler": handlers.IRtmCallEventHandler,
        "RtmClientListener": handlers.RtmClientListener,
        "RtmChannelListener": handlers.RtmChannelListener,
        "RtmCallEventListener": handlers.RtmCallEventListener,
    }
    for rtm_name, trigger in world.rows.functions:
        assert rtm_name in surface, rtm_name
        interface, method = rtm_name.split(".")
        if interface == "Shim":  # raised by the shim itself: instance.api_error / explain
            assert rtm_name in ("Shim.onApiError", "Shim.onLog")
            continue
        if interface != "ResultCallback":
            assert callable(getattr(handler_classes[interface], method, None)), rtm_name
        if trigger:
            assert flavour is Flavour.JAVA and trigger in triggers, trigger


# ------------------------------------------------------------------ status = behaviour

SAMPLES: dict[str, Any] = {
    "channelID": "ch1",
    "account": "bob",
    "uid": 0,
    "msg": "hi",
    "msgID": "m1",
    "name": "k",
    "value": "v",
    "extra": "",
    "options": "",
    "req": '{"account":"bob"}',
    "callID": "c1",
    "token": "_no_need_token",
    "appId": "app",
    "deviceID": "",
    "retry_time_in_s": 5,
    "retry_count": 1,
    "dtmf": "1",
    "phoneNum": "bob",
    "a": "",
    "b": "",
    "func": "f",
    "json_args": "{}",
    "bOut": 0,
    "sourcesNum": "",
}
#: Per method, arguments that make the call valid in the prepared state.
SPECIAL: dict[str, dict[str, Any]] = {
    "invoke": {"name": "io.agora.signal.user_query_user_status"},
    "channelInviteUser": {"channelID": "ch2"},
    "channelInviteUser2": {"channelID": "ch2"},
    "channelJoin": {"channelID": "ch3"},
    "login": {"account": "carol"},
    "login2": {"account": "carol"},
}
#: Methods that must run on an instance that is not logged in yet.
FRESH = frozenset({"login", "login2"})


class RtmCalls:
    """Records every public RTM client, channel and call-manager method called."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        for cls in (rtm.RtmClient, rtm.RtmChannel, rtm.RtmCallManager):
            for name, fn in list(vars(cls).items()):
                if name.startswith("_") or not inspect.isfunction(fn):
                    continue
                monkeypatch.setattr(cls, name, self._wrap(f"{cls.__name__}.{name}", fn))

    def _wrap(self, label: str, fn: Any) -> Any:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.names.append(label)
            return fn(*args, **kwargs)

        return recorded


def _prepared(flavour: str, mode: str) -> tuple[ShimWorld, Any, RecordingCallBack, Any]:
    """alice logged in and in ch1, with bob's call to her ringing in ch1; carol not in."""
    world = ShimWorld("app", flavour=flavour, mode=mode)
    alice, bob = world.createAgoraSDKInstance("app"), world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    alice.callbackSet(rec)
    bob.callbackSet(RecordingCallBack())
    alice.login("app", "alice", "_no_need_token", 0, "")
    bob.login("app", "bob", "_no_need_token", 0, "")
    world.run_until_idle()
    alice.channelJoin("ch1")
    bob.channelInviteUser2("ch1", "alice", "")
    world.run_until_idle()
    fresh = world.createAgoraSDKInstance("app")
    fresh.callbackSet(rec)
    return world, alice, rec, fresh


def _args(row: MethodRow) -> list[Any]:
    special = SPECIAL.get(row.legacy, {})
    return [special.get(a, SAMPLES.get(a)) for a in row.args]


def _rows(flavour: Flavour) -> Iterator[MethodRow]:
    for row in TABLES.flavour(flavour).methods:
        if row.legacy not in FACTORIES and row.legacy not in ("destroy", "callbackSet"):
            yield row


@pytest.mark.parametrize("flavour", list(Flavour))
@pytest.mark.parametrize("mode", ["legacy", "native"])
def test_every_row_behaves_as_its_status_says(
    flavour: Flavour, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    unsupported_answers = {
        "onError": lambda args: args[1:] == (int(ECODE.GENERAL_E_FAILED), ErrorDesc.UNSUPPORTED),
        "onMessageSendError": lambda args: args == ("m1", int(ECODE.SENDMESSAGE_E_OTHER)),
        "onBCCall_result": lambda args: args == (ErrorDesc.UNSUPPORTED, "", "c1"),
    }
    failures: list[str] = []
    for row in _rows(flavour):
        world, alice, rec, fresh = _prepared(flavour.value, mode)
        api = fresh if row.legacy in FRESH else alice
        calls = RtmCalls(monkeypatch)
        before = len(rec.trace)
        result = getattr(api, row.legacy)(*_args(row))
        world.run_until_idle()
        monkeypatch.undo()
        answers = rec.trace[before:]
        unsupported = [
            (name, args)
            for name, args in answers
            if name in unsupported_answers and unsupported_answers[name](args)
        ]
        if row.status is Status.UNSUPPORTED:
            if [name for name, _ in answers] != [row.reports] or not unsupported:
                failures.append(f"{row.legacy}: declared {row.reports}, got {answers}")
            if calls.names:
                failures.append(f"{row.legacy}: unsupported but called RTM {calls.names}")
        else:
            ran = calls.names or answers or (row.immediate and result is not None)
            if unsupported or not ran:
                failures.append(f"{row.legacy} ({row.status.value}) did not run: {answers}")
    assert failures == []


def test_destroy_and_callback_set_run() -> None:
    _, alice, _, _ = _prepared("cpp", "legacy")
    other = RecordingCallBack()
    alice.callbackSet(other)
    assert alice.callbackGet() is other
    alice.destroy()
    with pytest.raises(RuntimeError, match="destroyed"):
        alice.getStatus()


def test_call_hooks_cover_every_invitation_callback() -> None:
    names = {name for name in dir(handlers.IRtmCallEventHandler) if name.startswith("on")}
    assert names == set(CALL_HOOKS)
    assert set(CALL_HOOKS) <= set(BEFORE)
