"""Operations on user and channel attributes (A1-A9).

Channel attribute operations travel as *markers* (docs/architecture.md): RTM reports
attribute changes as whole snapshots, so each legacy operation also writes a reserved
attribute naming itself, which receivers turn into exactly one legacy callback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from legacy_signaling.codes import ECODE, ErrorDesc
from legacy_signaling.identity import (
    check_account,
    check_attr_name,
    check_attr_value,
    check_channel,
)
from mapping_tables.markers import MARKER_KEY, Marker, encode_marker

from ..context import Request
from ..profile import rtm_id, rtm_key

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI

__all__ = [
    "channel_attr_op",
    "channel_clear_attr",
    "channel_del_attr",
    "channel_set_attr",
    "get_attr",
    "get_attr_all",
    "get_user_attr",
    "get_user_attr_all",
    "set_attr",
    "set_user_attr",
]

Check = tuple[ECODE | None, ErrorDesc]


# ---------------------------------------------------------------- user attributes


def set_attr(shim: ShimAgoraAPI, name: str, value: str) -> None:
    if shim.precheck(
        "setAttr",
        (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
        (check_attr_value(value), ErrorDesc.INVALID_ATTR_VALUE),
    ):
        set_user_attr(shim, name, value, Request("setAttr", {}, silent=True))


def set_user_attr(shim: ShimAgoraAPI, name: str, value: str, req: Request) -> None:
    """An empty value deletes the attribute, as legacy did."""
    if value:
        shim.binding.user_attrs_add([(rtm_key(name), value)], req)
    else:
        shim.binding.user_attrs_delete([rtm_key(name)], req)


def get_attr(shim: ShimAgoraAPI, name: str) -> None:
    if shim.precheck("getAttr", (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME)):
        shim.binding.get_user_attrs(
            shim.rtm_user, [rtm_key(name)], shim.request("getAttr", name=name)
        )


def get_attr_all(shim: ShimAgoraAPI) -> None:
    if shim.precheck("getAttrAll"):
        shim.binding.get_user_attrs(shim.rtm_user, None, shim.request("getAttrAll"))


def get_user_attr(shim: ShimAgoraAPI, account: str, name: str) -> None:
    if shim.precheck(
        "getUserAttr",
        (check_account(account), ErrorDesc.INVALID_ACCOUNT),
        (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
    ):
        peer = rtm_id(account)
        if peer is None:  # never online through RTM (identifier_limits)
            shim.deliver("onUserAttrResult", account, name, "")
            return
        shim.binding.get_user_attrs(
            peer, [rtm_key(name)], shim.request("getUserAttr", account=account, name=name)
        )


def get_user_attr_all(shim: ShimAgoraAPI, account: str) -> None:
    if shim.precheck("getUserAttrAll", (check_account(account), ErrorDesc.INVALID_ACCOUNT)):
        peer = rtm_id(account)
        if peer is None:  # never online through RTM (identifier_limits)
            shim.deliver("onUserAttrAllResult", account, "{}")
            return
        shim.binding.get_user_attrs(peer, None, shim.request("getUserAttrAll", account=account))


# ---------------------------------------------------------------- channel attributes


def _channel_checks(channel: str, *more: Check) -> tuple[Check, ...]:
    code = check_channel(channel) or (None if rtm_id(channel) else ECODE.GENERAL_E_LARGE_PARAM)
    return ((code, ErrorDesc.INVALID_CHANNEL), *more)


def channel_set_attr(shim: ShimAgoraAPI, channelID: str, name: str, value: str) -> None:
    if shim.precheck(
        "channelSetAttr",
        *_channel_checks(
            channelID,
            (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
            (check_attr_value(value), ErrorDesc.INVALID_ATTR_VALUE),
        ),
    ):
        channel_attr_op(shim, channelID, "update" if value else "del", name, value)


def channel_del_attr(shim: ShimAgoraAPI, channelID: str, name: str) -> None:
    if shim.precheck(
        "channelDelAttr",
        *_channel_checks(channelID, (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME)),
    ):
        channel_attr_op(shim, channelID, "del", name, "")


def channel_clear_attr(shim: ShimAgoraAPI, channelID: str) -> None:
    if shim.precheck("channelClearAttr", *_channel_checks(channelID)):
        channel_attr_op(shim, channelID, "clear", "", "")


def channel_attr_op(
    shim: ShimAgoraAPI,
    channel: str,
    op: str,
    name: str,
    value: str,
    then: Request | None = None,
) -> None:
    """One legacy channel-attribute operation as RTM writes plus a marker (A1-A3)."""
    rtm_channel = rtm_id(channel) or ""
    quiet = Request("channelAttr", {}, silent=True)
    marker = (MARKER_KEY, encode_marker(Marker(shim.next_marker(), op, name, value)))
    notify_req = then or quiet
    binding = shim.binding
    if op == "update":
        binding.channel_attrs_add(rtm_channel, [(rtm_key(name), value), marker], True, notify_req)
    elif op == "del":
        binding.channel_attrs_delete(rtm_channel, [rtm_key(name)], False, quiet)
        binding.channel_attrs_add(rtm_channel, [marker], True, notify_req)
    else:
        binding.channel_attrs_clear(rtm_channel, False, quiet)
        binding.channel_attrs_add(rtm_channel, [marker], True, notify_req)
