"""Operations on legacy calls (V1-V13), and the hooks that keep the call registry in step.

RTM has invitations with 30/60 s timers and no end after acceptance, no DTMF and no
``extra`` on send; the legacy call registry (:mod:`~adapters.signaling.calls`) keeps each
call's state machine, its 20 s offline and answer timers, and ends and DTMF travel as peer
signals. The hooks run before an RTM event's rows; True suppresses the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import rtm
from legacy_signaling.codes import ECODE, INVITE_OFFLINE_WAIT_S, ErrorDesc
from legacy_signaling.identity import (
    check_account,
    check_channel,
    check_dtmf,
    check_extra,
    invite_options,
    legacy_uid,
)
from mapping_tables.functions import SIGNAL_HEADS, decode_peer_signal, encode_peer_signal

from ..calls import Call, CallEvent, CallState
from ..context import Request
from ..profile import legacy_name, rtm_id

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI

__all__ = [
    "CALL_HOOKS",
    "channel_invite_accept",
    "channel_invite_dtmf",
    "channel_invite_end",
    "channel_invite_refuse",
    "channel_invite_user",
    "channel_invite_user2",
    "end_quietly",
    "peer_is_online",
    "peer_signal_hook",
    "presence_hook",
]

Check = tuple[ECODE | None, ErrorDesc]


# ---------------------------------------------------------------- inviting (V1-V5, V13)


def channel_invite_user(shim: ShimAgoraAPI, channelID: str, account: str, uid: int = 0) -> None:
    _invite(shim, channelID, account, "")


def channel_invite_user2(shim: ShimAgoraAPI, channelID: str, account: str, extra: str) -> None:
    _invite(shim, channelID, account, extra)


def _invite(shim: ShimAgoraAPI, channel: str, account: str, extra: str) -> None:
    callee = rtm_id(account)
    if (
        not shim.live()
        or check_channel(channel) is not None
        or check_account(account) is not None
        or check_extra(extra) is not None
        or account == shim.session.self_account
    ):
        failed = ECODE.INVITE_E_OTHER
        shim.deliver("onInviteFailed", channel, account, legacy_uid(account), failed, extra)
        return
    if shim.calls.get(channel, account) is not None:
        failed = ECODE.INVITE_E_REINVITE
        shim.deliver("onInviteFailed", channel, account, legacy_uid(account), failed, extra)
        return
    require_online, _ = invite_options(extra)
    call = shim.calls.open(channel, account, extra, outgoing=True)
    if callee is None:
        # RTM cannot address this account, so it is never online (identifier_limits).
        if require_online:
            _fail(shim, call, CallEvent.FAILED, ECODE.INVITE_E_PEEROFFLINE, shim.deliver)
        else:
            call.timers.append(
                shim.work.call_later(INVITE_OFFLINE_WAIT_S, _offline_timeout, shim, call)
            )
    elif require_online and shim.legacy_mode:

        def checked(code: int, value: Any) -> None:
            if not shim.calls.is_live(call):
                return
            if code == 0 and peer_is_online(value, callee):
                _send_invitation(shim, call, callee)
            else:
                _fail(shim, call, CallEvent.FAILED, ECODE.INVITE_E_PEEROFFLINE, shim.emit_now)

        shim.binding.query_online([callee], Request("channelInviteUser2", {}, checked, silent=True))
    else:
        _send_invitation(shim, call, callee)


def _watch(shim: ShimAgoraAPI, call: Call) -> None:
    peer = rtm_id(call.peer)
    if peer is not None and shim.legacy_mode:
        shim.binding.watch_presence([peer])


def _send_invitation(shim: ShimAgoraAPI, call: Call, callee: str) -> None:
    _watch(shim, call)
    req = shim.request(
        "channelInviteUser2", channelID=call.channel, account=call.peer, extra=call.extra
    )
    call.invitation = shim.binding.invite(callee, call.extra, call.channel, req)
    if shim.legacy_mode:
        call.timers.append(
            shim.work.call_later(INVITE_OFFLINE_WAIT_S, _offline_timeout, shim, call)
        )


def _offline_timeout(shim: ShimAgoraAPI, call: Call) -> None:
    """V3: not received within 20 s."""
    if shim.calls.is_live(call) and call.can(CallEvent.OFFLINE_TIMEOUT):
        _silent_cancel(shim, call)
        _fail(shim, call, CallEvent.OFFLINE_TIMEOUT, ECODE.INVITE_E_PEEROFFLINE,
              shim.deliver_from_timer)  # fmt: skip


def _answer_timeout(shim: ShimAgoraAPI, call: Call) -> None:
    """V6: received, not answered within ``_timeout``."""
    if shim.calls.is_live(call) and call.can(CallEvent.ANSWER_TIMEOUT):
        _silent_cancel(shim, call)
        _fail(shim, call, CallEvent.ANSWER_TIMEOUT, ECODE.INVITE_E_TIMEOUT,
              shim.deliver_from_timer)  # fmt: skip


def _fail(
    shim: ShimAgoraAPI, call: Call, event: CallEvent, code: ECODE, emit: Callable[..., None]
) -> None:
    shim.calls.end(call, event)
    emit("onInviteFailed", call.channel, call.peer, legacy_uid(call.peer), code, call.extra)


def _silent_cancel(shim: ShimAgoraAPI, call: Call) -> None:
    """Withdraw the RTM invitation without a legacy callback (the shim reports itself)."""
    invitation = call.invitation
    if invitation is not None:
        invitation._sig2rtm_silent = True
        shim.binding.cancel(invitation)


def end_quietly(shim: ShimAgoraAPI, call: Call, was: CallState) -> None:
    """V9/V12: the other party learns the call ended; this side reports nothing.

    ``was`` is the state the call was in: an invitation not yet accepted is withdrawn,
    anything the peer knows of is ended by the end signal.
    """
    call.cancel_timers()
    if was in (CallState.OUT_SENT, CallState.OUT_RINGING):
        _silent_cancel(shim, call)
    else:
        _signal(shim, call, "endcall", "")


def _signal(shim: ShimAgoraAPI, call: Call, kind: str, payload: str) -> None:
    peer = rtm_id(call.peer) or ""
    text = encode_peer_signal(kind, call.channel, payload)
    shim.binding.send_peer(peer, text, False, Request("signal", {}, silent=True))


# ---------------------------------------------------------------- answering, ending, DTMF


def _call_checks(channel: str, account: str, *more: Check) -> tuple[Check, ...]:
    return (
        (check_channel(channel), ErrorDesc.INVALID_CHANNEL),
        (check_account(account), ErrorDesc.INVALID_ACCOUNT),
        *more,
    )


def _no_such_call(shim: ShimAgoraAPI, method: str) -> None:
    shim.api_error(method, ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.NO_SUCH_CALL)


def channel_invite_accept(
    shim: ShimAgoraAPI, channelID: str, account: str, uid: int, extra: str = ""
) -> None:
    call = _answerable(shim, "channelInviteAccept", channelID, account, extra, CallEvent.ACCEPT)
    if call is not None:
        call.fire(CallEvent.ACCEPT)
        req = shim.request("channelInviteAccept", channelID=channelID, account=account)
        shim.binding.accept(call.invitation, extra, req)


def channel_invite_refuse(
    shim: ShimAgoraAPI, channelID: str, account: str, uid: int, extra: str = ""
) -> None:
    call = _answerable(shim, "channelInviteRefuse", channelID, account, extra, CallEvent.REFUSE)
    if call is not None:
        shim.calls.end(call, CallEvent.REFUSE)
        req = shim.request("channelInviteRefuse", channelID=channelID, account=account)
        shim.binding.refuse(call.invitation, extra, req)


def _answerable(
    shim: ShimAgoraAPI, method: str, channel: str, account: str, extra: str, event: CallEvent
) -> Call | None:
    """V11 in order: logged in, names, extra, then a ringing incoming call."""
    if not shim.precheck(
        method, *_call_checks(channel, account, (check_extra(extra), ErrorDesc.INVALID_EXTRA))
    ):
        return None
    call = shim.calls.get(channel, account)
    if call is None or not call.can(event):
        _no_such_call(shim, method)
        return None
    return call


def channel_invite_end(shim: ShimAgoraAPI, channelID: str, account: str, uid: int) -> None:
    if not shim.precheck("channelInviteEnd", *_call_checks(channelID, account)):
        return
    call = shim.calls.get(channelID, account)
    if call is None:
        _no_such_call(shim, "channelInviteEnd")
        return
    was = call.state
    shim.calls.end(call, CallEvent.END)
    shim.deliver("onInviteEndByMyself", channelID, account, legacy_uid(account))
    end_quietly(shim, call, was)


def channel_invite_dtmf(shim: ShimAgoraAPI, channelID: str, phoneNum: str, dtmf: str) -> None:
    if not shim.precheck(
        "channelInviteDTMF",
        *_call_checks(channelID, phoneNum, (check_dtmf(dtmf), ErrorDesc.INVALID_DTMF)),
    ):
        return
    call = shim.calls.get(channelID, phoneNum)
    if call is None or not call.can(CallEvent.DTMF):
        _no_such_call(shim, "channelInviteDTMF")
        return
    call.fire(CallEvent.DTMF)
    _signal(shim, call, "dtmf", dtmf)


# ---------------------------------------------------------------- hooks on RTM events

Hook = Callable[["ShimAgoraAPI", dict[str, Any]], bool]


def _received_by_peer(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    call = shim.calls.by_invitation(params.get("localInvitation"), outgoing=True)
    if call is None:
        return True
    if call.can(CallEvent.PEER_RECEIVED):
        call.fire(CallEvent.PEER_RECEIVED)
    if shim.legacy_mode:
        _, timeout = invite_options(call.extra)
        call.cancel_timers()
        call.timers.append(shim.work.call_later(timeout, _answer_timeout, shim, call))
    return False


def _local_accepted(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    call = shim.calls.by_invitation(params.get("localInvitation"), outgoing=True)
    if call is None:
        return True
    if call.can(CallEvent.PEER_ACCEPTED):
        call.fire(CallEvent.PEER_ACCEPTED)
    call.cancel_timers()
    return False


def _local_refused(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    call = shim.calls.by_invitation(params.get("localInvitation"), outgoing=True)
    if call is None:
        return True
    shim.calls.end(call, CallEvent.PEER_REFUSED)
    return False


def _local_ended(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    """Canceled or failed: the shim ends calls itself in legacy mode."""
    invitation = params.get("localInvitation")
    if getattr(invitation, "_sig2rtm_silent", False):
        return True
    call = shim.calls.by_invitation(invitation, outgoing=True)
    if call is None:
        return True
    shim.calls.end(call, CallEvent.FAILED)
    not_logged_in = rtm.LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_NOT_LOGGEDIN
    # V12: the party whose session ends hears nothing about its calls.
    return shim.legacy_mode and params.get("errorCode") == not_logged_in


def _remote_received(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    invitation = params["remoteInvitation"]
    caller = legacy_name(invitation.callerId)
    channel = invitation.channelId
    if shim.calls.get(channel, caller) is not None:
        return True
    call = shim.calls.open(channel, caller, invitation.content, outgoing=False)
    call.invitation = invitation
    _watch(shim, call)
    if shim.legacy_mode:
        # V6 from the callee's side: its ringing call ends at the same time as the caller's
        # countdown, also when the caller cannot tell it (its link is down).
        _, timeout = invite_options(call.extra)
        call.timers.append(shim.work.call_later(timeout, _ringing_timeout, shim, call))
    return False


def _ringing_timeout(shim: ShimAgoraAPI, call: Call) -> None:
    """V6, callee side: not answered in time; the caller hears it from its own timer."""
    if shim.calls.is_live(call) and call.can(CallEvent.ANSWER_TIMEOUT):
        shim.calls.end(call, CallEvent.ANSWER_TIMEOUT)
        peer = call.peer
        shim.deliver_from_timer("onInviteEndByPeer", call.channel, peer, legacy_uid(peer), "")


def _remote_canceled(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    call = shim.calls.by_invitation(params.get("remoteInvitation"), outgoing=False)
    if call is None:
        return True
    shim.calls.end(call, CallEvent.PEER_ENDED)
    return False


def _remote_quiet(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    """Accepted/refused confirmations and callee-side failures: legacy had none."""
    call = shim.calls.by_invitation(params.get("remoteInvitation"), outgoing=False)
    if call is not None and not call.accepted:
        shim.calls.end(call, CallEvent.FAILED)
    return shim.legacy_mode


#: Invitation callbacks (by RTM short name) and the hook that keeps the registry in step.
CALL_HOOKS: Mapping[str, Hook] = {
    "onLocalInvitationReceivedByPeer": _received_by_peer,
    "onLocalInvitationAccepted": _local_accepted,
    "onLocalInvitationRefused": _local_refused,
    "onLocalInvitationCanceled": _local_ended,
    "onLocalInvitationFailure": _local_ended,
    "onRemoteInvitationReceived": _remote_received,
    "onRemoteInvitationCanceled": _remote_canceled,
    "onRemoteInvitationAccepted": _remote_quiet,
    "onRemoteInvitationRefused": _remote_quiet,
    "onRemoteInvitationFailure": _remote_quiet,
}


def peer_signal_hook(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    """Call ends and DTMF arrive as peer signals: update the call registry first."""
    message = params.get("message")
    text = message.text if message is not None else ""
    if not isinstance(text, str) or not text.startswith(SIGNAL_HEADS):
        return False  # an ordinary message: nothing to do
    signal = decode_peer_signal(text)
    if signal is None:
        return False
    peer = legacy_name(str(params.get("peerId", "")))
    call = shim.calls.get(signal.channel, peer)
    if call is None:
        return True  # nothing to end or ring: stay silent
    if signal.kind == "endcall":
        was = call.state
        shim.calls.end(call, CallEvent.PEER_ENDED)
        if was in (CallState.OUT_SENT, CallState.OUT_RINGING) and call.invitation is not None:
            _silent_cancel(shim, call)
    return False


def presence_hook(shim: ShimAgoraAPI, params: dict[str, Any]) -> bool:
    """V12 for a session that vanished (its link gave up): the core reports the peer
    OFFLINE, and every call with it ends as if the peer had ended it."""
    statuses = params.get("peersStatus")
    states = (
        {st.peerId: int(st.onlineState) for st in statuses}
        if isinstance(statuses, list)
        else dict(statuses or {})
    )
    offline = int(rtm.PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)
    for rtm_peer, state in states.items():
        peer = legacy_name(rtm_peer)
        for call in shim.calls.with_peer(peer):
            if state != offline:
                call.peer_online = True
            elif call.peer_online and shim.legacy_mode and call.can(CallEvent.PEER_GONE):
                was = call.state
                shim.calls.end(call, CallEvent.PEER_GONE)
                if was is CallState.OUT_RINGING:
                    _silent_cancel(shim, call)
                shim.emit_now(
                    "onInviteEndByPeer", call.channel, call.peer, legacy_uid(call.peer), ""
                )
    return False


def peer_is_online(value: Any, peer: str) -> bool:
    if isinstance(value, dict):
        return bool(value.get(peer))
    for status in value or ():
        if status.peerId == peer:
            return bool(status.isOnline)
    return False
