"""Operations on peers: instant messages (P1-P4) and the online-status query (Q1)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from legacy_signaling.codes import ECODE, ErrorDesc
from legacy_signaling.identity import (
    MESSAGE_CHARS_ALWAYS_FIT,
    check_account,
    check_extra,
    check_message,
)

from ..context import Request
from ..profile import rtm_id

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI

__all__ = ["query_user_status", "send_peer_message", "send_peer_message2"]

log = logging.getLogger("sig2rtm.shim")


def send_peer_message2(
    shim: ShimAgoraAPI, account: str, uid: int, msg: str, msgID: str, options: str
) -> None:
    send_peer_message(shim, account, uid, msg, msgID, options, "messageInstantSend2")


def send_peer_message(
    shim: ShimAgoraAPI,
    account: str,
    uid: int,
    msg: str,
    msgID: str,
    options: str = "",
    method: str = "messageInstantSend",
) -> None:
    """P1-P4: the legacy checks and quota, then one RTM peer message (offline kept)."""
    msg_id = msgID or shim.ids.resolve(msgID)
    if (
        not shim.logged_in
        or shim.reconnect.active
        or check_account(account) is not None
        or (len(msg) > MESSAGE_CHARS_ALWAYS_FIT and check_message(msg) is not None)
        or (options and check_extra(options) is not None)
    ):
        shim.explain(
            f"{method} {msg_id!r} to {account!r} refused: {_problem(shim, account, msg, options)}"
        )
        shim.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
        return
    if not shim.sends.take(shim.sched.time()):  # D10, the session's quota
        shim.explain(
            f"{method} {msg_id!r} refused: over the legacy quota of {shim.world.send_quota} "
            "sends per second"
        )
        shim.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
        return
    if account == shim.session.self_account:
        # To oneself: the account has one session, this one. Legacy acknowledged before
        # delivering; RTM delivers before acknowledging (success = received), so the shim
        # loops it back itself, in the legacy order.
        shim.deliver("onMessageSendSuccess", msg_id)
        shim.deliver("onMessageInstantReceive", account, 0, msg)
        return
    peer = rtm_id(account)
    if peer is None:
        # A valid legacy account RTM cannot address can never log in through the shim
        # (identifier_limits): accepted, as legacy accepted it, never delivered.
        log.warning("message to %r dropped: no RTM ID fits (identifier_limits)", account)
        shim.deliver("onMessageSendSuccess", msg_id)
        return
    req = Request(method, {"account": account, "uid": 0, "msg": msg, "msgID": msg_id})
    # Made once the call lets go of the instance lock (see adapters.signaling.gate).
    shim.after_lock.send_peer(peer, msg, shim.legacy_mode, req)


def _problem(shim: ShimAgoraAPI, account: str, msg: str, options: str) -> str:
    """Why a send was refused, in words (for the log and onLog)."""
    if not shim.logged_in:
        return "not logged in"
    if shim.reconnect.active:
        return "reconnecting (requests fail while the link is down)"
    if check_account(account) is not None:
        return "not a valid legacy account (1-128 printable characters, no spaces)"
    if check_message(msg) is not None:
        return "message over 8192 bytes"
    return 'options are not "" or a JSON object'


def query_user_status(shim: ShimAgoraAPI, account: str) -> None:
    if shim.precheck("queryUserStatus", (check_account(account), ErrorDesc.INVALID_ACCOUNT)):
        peer = rtm_id(account)
        if peer is None:  # never online through RTM (identifier_limits)
            shim.deliver("onQueryUserStatusResult", account, "0")
            return
        shim.binding.query_online([peer], shim.request("queryUserStatus", account=account))
