"""The operations the method rows name, grouped by concern.

``OPERATIONS`` maps each row's ``operation`` to the function that runs it; a test checks it
equals the tables' operation names, so no row lacks its code and no code lacks its row.
Argument types come from ``IAgoraAPI``'s annotations through the legacy rules of
:mod:`legacy_signaling.identity` (``uint32`` for ``uid``/``bOut``, plain ``int`` elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from legacy_signaling.identity import UINT32_MAX, require_int, require_str, require_uint32

from . import attributes, calls, channel, invoke, peer, session
from .unsupported import UNSUPPORTED

__all__ = ["FAST_CHECKS", "OPERATIONS", "argument_check", "argument_checks"]

OPERATIONS: Mapping[str, Callable[..., Any]] = {
    "get_instance": session.get_instance,
    "create_instance": session.create_instance,
    "callback_set": session.callback_set,
    "callback_get": session.callback_get,
    "login": session.login,
    "login2": session.login2,
    "logout": session.logout,
    "get_status": session.get_status,
    "is_online": session.is_online,
    "destroy": session.destroy,
    "get_sdk_version": session.get_sdk_version,
    "send_peer_message": peer.send_peer_message,
    "send_peer_message2": peer.send_peer_message2,
    "query_user_status": peer.query_user_status,
    "set_attr": attributes.set_attr,
    "get_attr": attributes.get_attr,
    "get_attr_all": attributes.get_attr_all,
    "get_user_attr": attributes.get_user_attr,
    "get_user_attr_all": attributes.get_user_attr_all,
    "channel_set_attr": attributes.channel_set_attr,
    "channel_del_attr": attributes.channel_del_attr,
    "channel_clear_attr": attributes.channel_clear_attr,
    "channel_join": channel.channel_join,
    "channel_leave": channel.channel_leave,
    "channel_query_user_num": channel.channel_query_user_num,
    "channel_query_user_is_in": channel.channel_query_user_is_in,
    "send_channel_message": channel.send_channel_message,
    "send_channel_message2": channel.send_channel_message2,
    "force_send_channel_message": channel.force_send_channel_message,
    "invoke": invoke.invoke,
    "channel_invite_user": calls.channel_invite_user,
    "channel_invite_user2": calls.channel_invite_user2,
    "channel_invite_accept": calls.channel_invite_accept,
    "channel_invite_refuse": calls.channel_invite_refuse,
    "channel_invite_end": calls.channel_invite_end,
    "channel_invite_dtmf": calls.channel_invite_dtmf,
    **UNSUPPORTED,
}

#: Legacy parameters that are ``uint32_t`` in the native headers.
_UINT32 = frozenset({"uid", "bOut"})


def argument_check(name: str, annotation: object) -> str | None:
    """The check for one ``IAgoraAPI`` parameter (annotations are strings there)."""
    if annotation == "str":
        return "str"
    if annotation == "int":
        return "uint32" if name in _UINT32 else "int"
    return None  # the handler: checked by callbackSet itself


def argument_checks() -> dict[str, Callable[..., None]]:
    return {"str": require_str, "uint32": require_uint32, "int": require_int}


#: The same checks as inline tests for valid arguments (see adapters.facade).
FAST_CHECKS: Mapping[str, str] = {
    "str": "{0}.__class__ is str",
    "uint32": f"({{0}}.__class__ is int and 0 <= {{0}} <= {UINT32_MAX})",
    "int": "{0}.__class__ is int",
}
