"""``invoke(name, req, callID)``: rows R1-R10 of docs/legacy-semantics.md.

One table maps each function name to a handler that reads its parameters and returns the
``resp`` JSON text; handlers signal bad parameters with :class:`InvalidParam`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Final

from legacy_signaling.codes import ECODE, INVOKE_PREFIX, MAX_USER_LIST, InvokeError
from legacy_signaling.identity import (
    attrs_json,
    check_account,
    check_attr_name,
    check_attr_value,
    check_channel,
    compact_json,
)
from legacy_signaling.reference.server import Server, latest
from legacy_signaling.reference.session import Session

__all__ = ["FUNCTIONS", "InvalidParam", "invoke"]

Params = Mapping[str, object]
Check = Callable[[str], ECODE | None]
Handler = Callable[[Server, Session, Params], str]


class InvalidParam(Exception):
    """A parameter is missing, of the wrong type, or rejected by its check."""


def _text(params: Params, key: str, check: Check | None = None) -> str:
    value = params.get(key)
    if not isinstance(value, str) or (check is not None and check(value) is not None):
        raise InvalidParam(key)
    return value


def _user_list(server: Server, name: str, count: int) -> str:
    members = server.members(name)
    listed = [[m.account, m.uid] for m in latest(members, count)]
    return compact_json({"num": len(members), "list": listed})


def _query_user_status(server: Server, _me: Session, p: Params) -> str:
    return compact_json({"status": int(server.is_online(_text(p, "account", check_account)))})


def _user_set_attr(server: Server, me: Session, p: Params) -> str:
    name = _text(p, "name", check_attr_name)
    server.set_user_attr(me, name, _text(p, "value", check_attr_value))
    return "{}"


def _user_get_attr(server: Server, _me: Session, p: Params) -> str:
    account = _text(p, "account", check_account)
    name = _text(p, "name", check_attr_name)
    return compact_json({"value": server.user_attrs(account).get(name, "")})


def _user_get_attr_all(server: Server, _me: Session, p: Params) -> str:
    return attrs_json(server.user_attrs(_text(p, "account", check_account)))


def _channel_query_num(server: Server, _me: Session, p: Params) -> str:
    return compact_json({"num": len(server.members(_text(p, "name", check_channel)))})


def _channel_query_user_isin(server: Server, _me: Session, p: Params) -> str:
    name = _text(p, "name", check_channel)
    account = _text(p, "account", check_account)
    isin = any(m.account == account for m in server.members(name))
    return compact_json({"isin": int(isin)})


def _channel_query_userlist(server: Server, _me: Session, p: Params) -> str:
    return _user_list(server, _text(p, "name", check_channel), MAX_USER_LIST)


def _channel_query_userlist_all(server: Server, _me: Session, p: Params) -> str:
    name = _text(p, "name", check_channel)
    count = p.get("num")
    if count is None:
        return _user_list(server, name, len(server.members(name)))
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise InvalidParam("num")
    return _user_list(server, name, count)


def _channel_set_attr(server: Server, _me: Session, p: Params) -> str:
    channel = _text(p, "channel", check_channel)
    name = _text(p, "name", check_attr_name)
    server.set_channel_attr(channel, name, _text(p, "value", check_attr_value))
    return "{}"


def _channel_del_attr(server: Server, _me: Session, p: Params) -> str:
    channel = _text(p, "channel", check_channel)
    server.del_channel_attr(channel, _text(p, "name", check_attr_name))
    return "{}"


def _channel_clear_attr(server: Server, _me: Session, p: Params) -> str:
    server.clear_channel_attrs(_text(p, "channel", check_channel))
    return "{}"


#: Function name (without ``io.agora.signal.``) -> handler.
FUNCTIONS: Final[Mapping[str, Handler]] = {
    "user_query_user_status": _query_user_status,
    "user_set_attr": _user_set_attr,
    "user_get_attr": _user_get_attr,
    "user_get_attr_all": _user_get_attr_all,
    "channel_query_num": _channel_query_num,
    "channel_query_user_isin": _channel_query_user_isin,
    "channel_query_userlist": _channel_query_userlist,
    "channel_query_userlist_all": _channel_query_userlist_all,
    "channel_set_attr": _channel_set_attr,
    "channel_del_attr": _channel_del_attr,
    "channel_clear_attr": _channel_clear_attr,
}


def invoke(server: Server, me: Session | None, name: str, req: str) -> tuple[str, str]:
    """Run one RPC; return ``(err, resp)`` for ``onInvokeRet`` (R10 gives the check order)."""
    if me is None:
        return InvokeError.NOT_LOGIN, ""
    handler = FUNCTIONS.get(name.removeprefix(INVOKE_PREFIX))
    if handler is None:
        return InvokeError.UNKNOWN_FUNCTION, ""
    try:
        params = json.loads(req)
    except ValueError:
        return InvokeError.INVALID_JSON, ""
    if not isinstance(params, dict):
        return InvokeError.INVALID_JSON, ""
    try:
        return "", handler(server, me, params)
    except InvalidParam:
        return InvokeError.INVALID_PARAM, ""
