"""Every row is implemented and every implementation has a row (both flavours)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from adapters.signaling import ShimAgoraAPI, bindings, instance
from adapters.signaling.instance import _CALL_HOOKS, _index_rows
from legacy_signaling.api import METHOD_NAMES, IAgoraAPI
from legacy_signaling.callback import CALLBACK_NAMES
from mapping_tables import Flavour, Status, load
from mapping_tables.rtm_surface import callbacks
from rtm import handlers

TABLES = load()


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_method_row_is_a_shim_method_and_back(flavour: Flavour) -> None:
    table = TABLES.flavour(flavour)
    factories = {"getInstance", "createAgoraSDKInstance"}
    rows = {row.legacy for row in table.methods}
    for row in table.methods:
        if row.legacy in factories:
            continue
        method = getattr(ShimAgoraAPI, row.legacy, None)
        assert callable(method), f"{flavour.value}: row {row.legacy} has no shim method"
    shim_methods = {
        name
        for name, fn in inspect.getmembers(IAgoraAPI, inspect.isfunction)
        if not name.startswith("_")
    }
    assert shim_methods <= rows | {"destory"}, shim_methods - rows
    assert set(METHOD_NAMES) - {"destory"} <= rows


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_callback_has_a_row(flavour: Flavour) -> None:
    legacy = {row.legacy for row in TABLES.flavour(flavour).events}
    assert set(CALLBACK_NAMES) <= legacy, set(CALLBACK_NAMES) - legacy


@pytest.mark.parametrize("flavour", list(Flavour))
def test_rows_name_events_the_binding_produces(flavour: Flavour) -> None:
    """Each executable row's RTM callback is one the binding forwards, and each Java trigger
    is a call the Java binding makes."""
    surface = callbacks(flavour)
    source = Path(bindings.__file__).read_text("utf-8")
    instance_source = Path(instance.__file__).read_text("utf-8")
    triggers = set(re.findall(r'"((?:RtmClient|RtmChannel|RtmCallManager)\.\w+)"', source))
    for (rtm_name, trigger), rows in _index_rows(TABLES.flavour(flavour), legacy_mode=True).items():
        first = rows[0][1]
        assert rtm_name in surface, rtm_name
        interface, method = rtm_name.split(".")
        if interface == "Shim":  # a signal the shim raises itself: it must raise it
            assert f'"{rtm_name}"' in instance_source, rtm_name
            continue
        if interface == "ResultCallback":
            continue
        handler_cls = {
            "IRtmServiceEventHandler": handlers.IRtmServiceEventHandler,
            "IChannelEventHandler": handlers.IChannelEventHandler,
            "IRtmCallEventHandler": handlers.IRtmCallEventHandler,
            "RtmClientListener": handlers.RtmClientListener,
            "RtmChannelListener": handlers.RtmChannelListener,
            "RtmCallEventListener": handlers.RtmCallEventListener,
        }[interface]
        assert callable(getattr(handler_cls, method, None)), rtm_name
        if trigger:
            assert flavour is Flavour.JAVA and trigger in triggers, (trigger, first.legacy)


def test_unsupported_methods_answer_with_a_clear_error() -> None:
    from adapters.signaling import ShimWorld
    from legacy_signaling.callback import RecordingCallBack

    world = ShimWorld("app")
    api = world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    api.callbackSet(rec)
    unsupported = [
        row.legacy
        for row in TABLES.flavour("cpp").methods
        if row.status is Status.UNSUPPORTED
        and not inspect.signature(getattr(ShimAgoraAPI, row.legacy)).parameters.keys() - {"self"}
    ]
    assert {"ping", "start", "stop"} <= set(unsupported)
    for name in unsupported:
        getattr(api, name)()
    world.run_until_idle()
    assert [entry[0] for entry in rec.trace] == ["onError"] * len(unsupported)
    assert all(entry[1][2] == "not supported" for entry in rec.trace)


def test_call_hooks_cover_every_invitation_callback() -> None:
    names = {name for name in dir(handlers.IRtmCallEventHandler) if name.startswith("on")}
    assert names == set(_CALL_HOOKS)
