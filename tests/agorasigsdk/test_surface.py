"""Every class, method and callback of agorasigsdk 1.0.2 (reference §1.5, §2.4), by name,
argument order and default, and the module layout of the 1.0.2 wheel.

The expected names are written from the reference note, not read from the code.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

import pytest

import agorasigsdk
from agorasigsdk import AgoraSignal, Call, Channel, LoginSession, LoginSessionState
from legacy_signaling.codes import ECODE

_EMPTY = inspect.Parameter.empty

#: method -> ((parameter, default or _EMPTY), ...), positional parameters after self.
Surface = dict[str, tuple[tuple[str, object], ...]]

AGORA_SIGNAL: Surface = {
    "__init__": (("appid", _EMPTY),),
    "login": (
        ("account", _EMPTY),
        ("token", _EMPTY),
        ("cb", None),
        ("is_debugging", False),
        ("debug_params", ()),  # 1.0.2: [] (a shared mutable default); () reads the same
    ),
}
LOGIN_SESSION: Surface = {
    "__init__": (
        ("account", _EMPTY),
        ("appid", _EMPTY),
        ("token", _EMPTY),
        ("cb", _EMPTY),
        ("is_debugging", False),
        ("debug_params", ()),
    ),
    "logout": (),
    "msg_instant_send": (("account", _EMPTY), ("msg", _EMPTY), ("cb", _EMPTY), ("ttl", 2592000)),
    "channel_join": (("name", _EMPTY), ("cb", None)),
    "channel_invite_user_2": (
        ("channel", _EMPTY),
        ("peer", _EMPTY),
        ("extra", _EMPTY),
        ("cb", _EMPTY),
    ),
    "query_user_status": (("account", _EMPTY), ("cb", _EMPTY)),
    "send_channel_msg": (("channel_name", _EMPTY), ("message", _EMPTY), ("callback", None)),
    "bc_call": (("func_str", _EMPTY), ("arg_str", _EMPTY), ("cb", _EMPTY)),
    "call2": (("func_str", _EMPTY), ("args", _EMPTY), ("cb_pack", None)),
}
CHANNEL: Surface = {
    "__init__": (("session", _EMPTY), ("name", None), ("cb", None)),
    "channel_leave": (),
    "channel_set_attr": (("name", _EMPTY), ("value", _EMPTY)),
    "channel_del_attr": (("name", _EMPTY),),
    "channel_clear_attr": (),
    "msg_channel_send": (("msg", _EMPTY), ("cb_pack", None)),
}
CALL: Surface = {
    "__init__": (
        ("channel", _EMPTY),
        ("peer", _EMPTY),
        ("peeruid", _EMPTY),
        ("extra", _EMPTY),
        ("session", _EMPTY),
    ),
    "accept": (("extra", ""),),
    "refuse": (("extra", ""),),
    "end": (("extra", ""),),
    "set_callback": (("cb", _EMPTY),),
}

Callbacks = dict[str, tuple[str, ...]]

LOGIN_CALLBACK: Callbacks = {
    "on_login_success": ("session", "uid"),
    "on_logout": ("session", "err_code"),
    "on_login_failed": ("session", "uid"),
    "on_msg_instant_received": ("session", "account", "uid", "msg"),
    "on_invite_received": ("session", "call"),
    "on_error": ("session", "err_code", "reason"),
}
MESSAGE_CALLBACK: Callbacks = {
    "on_msg_send_success": ("session",),
    "on_msg_send_error": ("session", "err_code"),
}
#: 1.0.2 names the first parameter ``login_session`` here (and ``ch_type``), as the real wheel
#: shows (tests/agorasigsdk/test_wheel_surface.py compares every name with it).
CHANNEL_CALLBACK: Callbacks = {
    "on_channel_joined": ("login_session", "channel"),
    "on_channel_join_failed": ("login_session", "channel", "err_code"),
    "on_channel_left": ("login_session", "channel", "err_code"),
    "on_channel_user_joined": ("login_session", "channel", "account", "uid"),
    "on_channel_user_left": ("login_session", "channel", "account", "uid"),
    "on_channel_user_list": ("login_session", "channel", "users", "uids"),
    "on_channel_attr_updated": ("login_session", "channel", "name", "value", "ch_type"),
    "on_msg_channel_received": ("login_session", "channel", "account", "uid", "msg"),
}
CALL_CALLBACK: Callbacks = {
    "on_invite_received_by_peer": ("login_session", "call"),
    "on_invite_accepted_by_peer": ("login_session", "call", "extra"),
    "on_invite_refused_by_peer": ("login_session", "call", "extra"),
    "on_invite_failed": ("session", "call", "err_code"),
    "on_invite_end_by_peer": ("session", "call", "extra"),
    "on_invite_end_by_myself": ("session", "call", "extra"),
    "on_invite_msg": ("session", "call", "extra"),
}

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _positional(function: Callable[..., object]) -> tuple[tuple[str, object], ...]:
    params = [p for p in inspect.signature(function).parameters.values() if p.kind in _POSITIONAL]
    return tuple((p.name, p.default) for p in params if p.name != "self")


@pytest.mark.parametrize(
    ("cls", "surface"),
    [(AgoraSignal, AGORA_SIGNAL), (LoginSession, LOGIN_SESSION), (Channel, CHANNEL), (Call, CALL)],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_methods_names_order_and_defaults(cls: type[object], surface: Surface) -> None:
    for name, params in surface.items():
        assert callable(getattr(cls, name, None)), f"{cls.__name__}.{name} is missing"
        assert _positional(getattr(cls, name)) == params, f"{cls.__name__}.{name}"


@pytest.mark.parametrize(
    ("cls", "callbacks"),
    [
        (LoginSession.LoginCallback, LOGIN_CALLBACK),
        (LoginSession.MessageCallback, MESSAGE_CALLBACK),
        (Channel.ChannelCallback, CHANNEL_CALLBACK),
        (Call.CallCallback, CALL_CALLBACK),
    ],
    ids=lambda value: value.__qualname__ if isinstance(value, type) else "",
)
def test_nested_callback_classes(cls: type[object], callbacks: Callbacks) -> None:
    public = {name for name in vars(cls) if not name.startswith("_")}
    assert public == set(callbacks)
    for name, params in callbacks.items():
        assert tuple(name for name, _ in _positional(getattr(cls, name))) == params, name


def test_module_layout_of_the_1_0_2_wheel() -> None:
    modules: dict[str, dict[str, type[object]]] = {
        "agorasigsdk.agora_signal": {"AgoraSignal": AgoraSignal},
        "agorasigsdk.login_session": {"LoginSession": LoginSession},
        "agorasigsdk.channel": {"Channel": Channel},
        "agorasigsdk.call": {"Call": Call},
        "agorasigsdk.login_session_state": {"LoginSessionState": LoginSessionState},
    }
    for module_name, names in modules.items():
        module = importlib.import_module(module_name)
        for name, expected in names.items():
            assert getattr(module, name) is expected, f"{module_name}.{name}"
    assert agorasigsdk.LoginSession.LoginCallback is LoginSession.LoginCallback


def test_login_session_state_values() -> None:
    assert [(s.name, int(s)) for s in LoginSessionState] == [
        ("INIT", 0),
        ("CONNECTING", 1),
        ("LOGINED", 2),
        ("LOGOUT", 3),
        ("LOGINFAILED", 4),
    ]


def test_signal_consts_are_plain_ints_with_the_legacy_values() -> None:
    consts = importlib.import_module("agorasigsdk.signal_consts")
    spot_checks = {
        "LOGOUT_E_USER": 101,
        "LOGOUT_E_NET": 102,
        "LOGOUT_E_PACKET": 104,
        "JOINCHANNEL_E_OTHER": 300,
        "SENDMESSAGE_E_OTHER": 400,
        "LEAVECHANNEL_E_BYUSER": 602,
        "INVITE_E_OTHER": 700,
        "GENERAL_E_WRONG_PARAM": 1004,
    }
    for name, value in spot_checks.items():
        assert getattr(consts, name) == value, name
    for member in ECODE:
        constant = getattr(consts, member.name)
        assert type(constant) is int and constant == member.value, member.name
