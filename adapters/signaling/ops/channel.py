"""Operations on the legacy channel: join and leave (CH), messages (M), membership queries.

Legacy allowed one channel at a time and reported the member list and attributes on join;
RTM joins many and reports neither, so in legacy mode a join leaves the previous channel
quietly, then asks for the members and attributes (their rows make the legacy callbacks)
and records the channel in a reserved user attribute for ``channelQueryUserIsIn``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from legacy_signaling.codes import ECODE, RESERVED_CHANNELS, ErrorDesc
from legacy_signaling.identity import (
    MESSAGE_CHARS_ALWAYS_FIT,
    check_account,
    check_channel,
    check_extra,
    check_message,
)
from mapping_tables.markers import MARKER_KEY, USER_CHANNEL_KEY, Marker, encode_marker

from ..context import Request
from ..profile import rtm_id

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI

__all__ = [
    "channel_join",
    "channel_leave",
    "channel_query_user_is_in",
    "channel_query_user_num",
    "force_send_channel_message",
    "send_channel_message",
    "send_channel_message2",
]


def channel_join(shim: ShimAgoraAPI, channelID: str) -> None:
    rtm_channel = rtm_id(channelID)
    session = shim.session
    if (
        not shim.live()
        or check_channel(channelID) is not None
        or rtm_channel is None
        or channelID in RESERVED_CHANNELS
        or channelID == session.channel
    ):
        shim.explain(
            f"channelJoin {channelID!r} refused: "
            + (
                "not logged in or reconnecting"
                if not shim.live()
                else "already in it"
                if channelID == session.channel
                else "not a valid legacy channel name (or reserved, or no RTM ID fits it)"
            )
        )
        shim.deliver("onChannelJoinFailed", channelID, ECODE.JOINCHANNEL_E_OTHER)
        return
    old = session.channel
    if old and shim.legacy_mode:
        session.channel = ""
        shim.binding.leave(rtm_id(old) or "", shim.request("channelLeave", channelID=old))
    shim.binding.join(
        rtm_channel,
        shim.request("channelJoin", _joined(shim, channelID, rtm_channel), channelID=channelID),
    )
    if shim.legacy_mode:
        shim.join_wait.started()


def _joined(shim: ShimAgoraAPI, channel: str, rtm_channel: str) -> Callable[[int, Any], None]:
    def then(code: int, value: Any) -> None:
        if code == 0:
            shim.session.channel = channel
            if shim.legacy_mode:
                binding = shim.binding
                binding.get_members(rtm_channel, shim.request("channelJoin", channelID=channel))
                binding.get_channel_attrs(
                    rtm_channel, shim.request("channelJoin", channelID=channel)
                )
                binding.user_attrs_add(
                    [(USER_CHANNEL_KEY, channel)], Request("channelJoin", {}, silent=True)
                )
        shim.join_wait.settled()

    return then


def channel_leave(shim: ShimAgoraAPI, channelID: str) -> None:
    if not shim.precheck("channelLeave"):
        return
    session = shim.session
    if not session.channel or session.channel != channelID:
        shim.deliver(
            "onError", "channelLeave", ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.NOT_IN_CHANNEL
        )
        return
    session.channel = ""
    shim.binding.leave(rtm_id(channelID) or "", shim.request("channelLeave", channelID=channelID))
    shim.binding.user_attrs_delete([USER_CHANNEL_KEY], Request("channelLeave", {}, silent=True))


# ---------------------------------------------------------------- messages (M1-M4)


def send_channel_message(shim: ShimAgoraAPI, channelID: str, msg: str, msgID: str) -> None:
    _send(shim, "messageChannelSend", channelID, msg, msgID, "", force=False)


def send_channel_message2(
    shim: ShimAgoraAPI, channelID: str, msg: str, msgID: str, extra: str
) -> None:
    _send(shim, "messageChannelSend2", channelID, msg, msgID, extra, force=False)


def force_send_channel_message(shim: ShimAgoraAPI, channelID: str, msg: str, msgID: str) -> None:
    _send(shim, "messageChannelSendForce", channelID, msg, msgID, "", force=True)


def _send(
    shim: ShimAgoraAPI, method: str, channel: str, msg: str, msg_id: str, extra: str, *, force: bool
) -> None:
    msg_id = msg_id or shim.ids.resolve(msg_id)
    rtm_channel = rtm_id(channel)
    if (
        not shim.logged_in
        or shim.reconnect.active  # shim.live(), inlined: every channel message passes here
        or check_channel(channel) is not None
        or rtm_channel is None
        or (len(msg) > MESSAGE_CHARS_ALWAYS_FIT and check_message(msg) is not None)
        or (extra and check_extra(extra) is not None)
        or (not force and shim.session.channel != channel)
        or shim.over_quota(channel)
    ):
        shim.explain(
            f"{method} {msg_id!r} to channel {channel!r} refused: not logged in, not in the "
            "channel, an invalid name, message or extra, or over the legacy send quota"
        )
        shim.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
        return
    req = Request(method, {"channelID": channel, "msg": msg, "msgID": msg_id})
    if force and shim.legacy_mode:
        marker = Marker(shim.next_marker(), "msg", "", msg, shim.session.self_account)
        shim.binding.channel_attrs_add(
            rtm_channel, [(MARKER_KEY, encode_marker(marker))], True, req
        )
    else:
        # Made once the call lets go of the instance lock (see adapters.signaling.gate).
        shim.after_lock.send_channel(rtm_channel, msg, req)


# ---------------------------------------------------------------- membership queries (Q)


def channel_query_user_num(shim: ShimAgoraAPI, channelID: str) -> None:
    rtm_channel = rtm_id(channelID)
    if not shim.live() or check_channel(channelID) is not None or rtm_channel is None:
        shim.deliver("onChannelQueryUserNumResult", channelID, ECODE.QUERYUSERNUM_E_OTHER, 0)
        return
    shim.binding.member_count(
        [rtm_channel], shim.request("channelQueryUserNum", channelID=channelID)
    )


def channel_query_user_is_in(shim: ShimAgoraAPI, channelID: str, account: str) -> None:
    if shim.precheck(
        "channelQueryUserIsIn",
        (check_channel(channelID), ErrorDesc.INVALID_CHANNEL),
        (check_account(account), ErrorDesc.INVALID_ACCOUNT),
    ):
        peer = rtm_id(account)
        if peer is None:  # never online through RTM (identifier_limits)
            shim.deliver("onChannelQueryUserIsIn", channelID, account, 0)
            return
        shim.binding.get_user_attrs(
            peer,
            [USER_CHANNEL_KEY],
            shim.request("channelQueryUserIsIn", channelID=channelID, account=account),
        )
