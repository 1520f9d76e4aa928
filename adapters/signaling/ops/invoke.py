"""The legacy ``invoke`` RPCs on RTM (docs/legacy-semantics.md R1-R10).

Parameters are checked in the legacy order (not logged in, unknown function, bad JSON, bad
parameter); each function then runs the same RTM requests as its dedicated legacy method and
answers with one ``onInvokeRet``. Functions that write answer once the write's effects have
reached the caller (a read queued after the write completes after its notifications), so
``onChannelAttrUpdated`` precedes ``onInvokeRet`` as it did in legacy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from legacy_signaling.codes import ECODE, INVOKE_PREFIX, MAX_USER_LIST, InvokeError
from legacy_signaling.identity import (
    attrs_json,
    check_account,
    check_attr_name,
    check_attr_value,
    check_channel,
    compact_json,
    legacy_uid,
)
from mapping_tables.functions import attr_map, member_count_of, member_ids
from mapping_tables.markers import USER_CHANNEL_KEY

from ..context import Request
from ..profile import legacy_name, rtm_id, rtm_key
from ..views import legacy_attrs
from .attributes import channel_attr_op, set_user_attr
from .calls import peer_is_online

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI

__all__ = ["invoke", "run_invoke"]

Check = Callable[[str], ECODE | None]


class _InvalidParam(Exception):
    pass


def _text(params: Mapping[str, object], key: str, check: Check | None = None) -> str:
    value = params.get(key)
    if not isinstance(value, str) or (check is not None and check(value) is not None):
        raise _InvalidParam(key)
    return value


def _id(name: str) -> str:
    value = rtm_id(name)
    if value is None:
        raise _InvalidParam(name)
    return value


def invoke(shim: ShimAgoraAPI, name: str, req: str, callID: str) -> None:
    """The ``invoke`` method row: ``io.agora.signal.<function>`` with JSON parameters."""
    run_invoke(shim, name.removeprefix(INVOKE_PREFIX), req, callID)


def run_invoke(shim: ShimAgoraAPI, function: str, req: str, call_id: str) -> None:
    def answer(err: str, resp: str) -> None:
        """Refusals are queued behind earlier requests; results arrive in callback order."""
        shim.deliver("onInvokeRet", call_id, err, resp)

    def result(err: str, resp: str) -> None:
        shim.emit_now("onInvokeRet", call_id, err, resp)

    if not shim.live():
        return answer(InvokeError.NOT_LOGIN, "")
    handler = _FUNCTIONS.get(function)
    if handler is None:
        return answer(InvokeError.UNKNOWN_FUNCTION, "")
    try:
        params = json.loads(req)
    except ValueError:
        return answer(InvokeError.INVALID_JSON, "")
    if not isinstance(params, dict):
        return answer(InvokeError.INVALID_JSON, "")
    try:
        handler(shim, params, result)
    except _InvalidParam:
        answer(InvokeError.INVALID_PARAM, "")


Answer = Callable[[str, str], None]


def _then(fn: Callable[[int, Any], None]) -> Request:
    return Request("invoke", {}, fn, silent=True)


def _query_user_status(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    account = _text(p, "account", check_account)
    peer = rtm_id(account)
    if peer is None:  # RTM cannot address it, so it is never online (identifier_limits)
        return answer("", compact_json({"status": 0}))

    def done(code: int, value: Any) -> None:
        answer("", compact_json({"status": int(code == 0 and peer_is_online(value, peer))}))

    shim.binding.query_online([peer], _then(done))


def _user_set_attr(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    name = _text(p, "name", check_attr_name)
    value = _text(p, "value", check_attr_value)
    set_user_attr(shim, name, value, _then(lambda code, v: answer("", "{}")))


def _user_attrs(
    shim: ShimAgoraAPI, account: str, keys: list[str] | None, done: Callable[[dict[str, str]], None]
) -> None:
    def got(code: int, value: Any) -> None:
        done(attr_map(legacy_attrs(value)) if code == 0 else {})

    peer = rtm_id(account)
    if peer is None:  # never online through RTM (identifier_limits): no attributes
        return done({})
    shim.binding.get_user_attrs(
        peer, None if keys is None else [rtm_key(k) for k in keys], _then(got)
    )


def _user_get_attr(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    account = _text(p, "account", check_account)
    name = _text(p, "name", check_attr_name)
    _user_attrs(
        shim, account, [name], lambda a: answer("", compact_json({"value": a.get(name, "")}))
    )


def _user_get_attr_all(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    account = _text(p, "account", check_account)
    _user_attrs(shim, account, None, lambda a: answer("", attrs_json(a)))


def _channel_query_num(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    channel = _text(p, "name", check_channel)
    rtm_channel = _id(channel)

    def done(code: int, value: Any) -> None:
        answer("", compact_json({"num": member_count_of(value, rtm_channel) if code == 0 else 0}))

    shim.binding.member_count([rtm_channel], _then(done))


def _channel_query_user_isin(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    channel = _text(p, "name", check_channel)
    account = _text(p, "account", check_account)
    _id(channel)

    def done(code: int, value: Any) -> None:
        where = attr_map(value, reserved=True).get(USER_CHANNEL_KEY, "") if code == 0 else ""
        answer("", compact_json({"isin": int(where == channel)}))

    peer = rtm_id(account)
    if peer is None:  # never online through RTM (identifier_limits)
        return answer("", compact_json({"isin": 0}))
    shim.binding.get_user_attrs(peer, [USER_CHANNEL_KEY], _then(done))


def _user_list(shim: ShimAgoraAPI, channel: str, count: int | None, answer: Answer) -> None:
    rtm_channel = _id(channel)
    if channel != shim.session.channel:
        # RTM 1.x lists members only to members; from outside, the member count tells an
        # empty channel apart, and a populated one cannot be listed (channel_userlist_outside).
        def counted(code: int, value: Any) -> None:
            if code == 0 and member_count_of(value, rtm_channel) == 0:
                answer("", compact_json({"num": 0, "list": []}))
            else:
                answer(InvokeError.INVALID_PARAM, "")

        shim.binding.member_count([rtm_channel], _then(counted))
        return

    def done(code: int, value: Any) -> None:
        members = [legacy_name(m) for m in member_ids(value)] if code == 0 else []
        listed = members if count is None else members[len(members) - min(count, len(members)) :]
        pairs = [[m, legacy_uid(m)] for m in listed]
        answer("", compact_json({"num": len(members), "list": pairs}))

    shim.binding.get_members(_id(channel), _then(done))


def _channel_query_userlist(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    _user_list(shim, _text(p, "name", check_channel), MAX_USER_LIST, answer)


def _channel_query_userlist_all(
    shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer
) -> None:
    channel = _text(p, "name", check_channel)
    count = p.get("num")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise _InvalidParam("num")
    _user_list(shim, channel, count, answer)


def _after_effects(shim: ShimAgoraAPI, channel: str, answer: Answer) -> Request:
    """Answer after a read queued behind the write, i.e. after its notifications."""

    def written(code: int, value: Any) -> None:
        shim.binding.get_channel_attrs(_id(channel), _then(lambda c, v: answer("", "{}")))

    return _then(written)


def _channel_set_attr(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    channel = _text(p, "channel", check_channel)
    name = _text(p, "name", check_attr_name)
    value = _text(p, "value", check_attr_value)
    _id(channel)
    op = "update" if value else "del"
    channel_attr_op(shim, channel, op, name, value, _after_effects(shim, channel, answer))


def _channel_del_attr(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    channel = _text(p, "channel", check_channel)
    name = _text(p, "name", check_attr_name)
    _id(channel)
    channel_attr_op(shim, channel, "del", name, "", _after_effects(shim, channel, answer))


def _channel_clear_attr(shim: ShimAgoraAPI, p: Mapping[str, object], answer: Answer) -> None:
    channel = _text(p, "channel", check_channel)
    _id(channel)
    channel_attr_op(shim, channel, "clear", "", "", _after_effects(shim, channel, answer))


_FUNCTIONS: Mapping[str, Callable[[ShimAgoraAPI, Mapping[str, object], Answer], None]] = {
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
