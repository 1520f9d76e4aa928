"""The ``call2`` functions of the legacy wire protocol: their arguments and how each is served.

Why a table: the session dispatches on :attr:`Rpc.kind` and checks arguments from
:attr:`Rpc.args`, so adding a function is a row here, not a branch in the session. Functions
that are not listed go to the shim's ``invoke`` (``channel_set_attr``, ``channel_query_num``,
``user_query_user_status`` …): the legacy native ``invoke`` called the same server RPCs with
the same argument names, so the shim's table decides which exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["RPCS", "ArgError", "Rpc", "check_args"]

_TYPES: Mapping[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "bool": (bool,)}


#: The default of an argument that must be given.
REQUIRED: Any = object()


@attrs.frozen
class Arg:
    name: str
    kind: str  # str | int | bool | any
    default: Any = REQUIRED


@attrs.frozen
class Rpc:
    #: What the session does: logout, getmsg, sendmsg, join, leave, chansend, invite, call,
    #: ack, ext, unsupported.
    kind: str
    args: tuple[Arg, ...] = ()


def _r(name: str, kind: str) -> Arg:
    return Arg(name, kind)


def _o(name: str, kind: str, default: Any) -> Arg:
    return Arg(name, kind, default)


_CALL_ARGS = (_r("channelName", "str"), _r("peer", "str"), _o("extra", "str", ""))

#: func -> how it is served. ``invoke`` functions are the ones missing here.
RPCS: Mapping[str, Rpc] = {
    "user_logout": Rpc("logout"),
    "user_getmsg": Rpc("getmsg", (_o("ver_clear", "int", 0), _o("max", "int", 30))),
    "user_getmsg2": Rpc("unsupported"),  # only with login_ret config_msg_set = 1, never sent
    "user_sendmsg": Rpc(
        "sendmsg",
        (_r("peer", "str"), _r("content", "str"), _o("flag", "str", ""), _o("t", "str", "")),
    ),
    "channel_join": Rpc("join", (_r("name", "str"),)),
    "channel_leave": Rpc("leave", (_r("name", "str"),)),
    "channel_sendmsg": Rpc(
        "chansend", (_r("name", "str"), _r("msg", "str"), _o("force", "bool", False))
    ),
    "voip_invite": Rpc("invite", _CALL_ARGS),
    "voip_invite_ack": Rpc("ack", _CALL_ARGS),
    "voip_invite_accept": Rpc("call", _CALL_ARGS),
    "voip_invite_refuse": Rpc("call", _CALL_ARGS),
    "voip_invite_bye": Rpc("call", _CALL_ARGS),
    "voip_invite_msg": Rpc("call", _CALL_ARGS),
    "user_ext_call": Rpc(
        "ext",
        (
            _r("func", "str"),
            _o("args", "any", ""),
            _o("package", "str", ""),
            _o("callid", "str", ""),
        ),
    ),
}


class ArgError(ValueError):
    """An argument missing or of the wrong type; the message names it."""


def check_args(rpc: Rpc, args: Mapping[str, Any]) -> dict[str, Any]:
    """The declared arguments with defaults filled in, or :class:`ArgError`."""
    out: dict[str, Any] = {}
    for arg in rpc.args:
        if arg.name not in args:
            if arg.default is REQUIRED:
                raise ArgError(f"missing argument {arg.name}")
            out[arg.name] = arg.default
            continue
        value = args[arg.name]
        if arg.kind != "any":
            allowed = _TYPES[arg.kind]
            if not isinstance(value, allowed) or (arg.kind == "int" and isinstance(value, bool)):
                raise ArgError(f"argument {arg.name} must be {arg.kind}")
        out[arg.name] = value
    return out
