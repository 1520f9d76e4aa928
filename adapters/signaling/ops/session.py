"""Operations of the instance and its session: handler, status, login, logout, reconnection.

Each operation takes the shim instance (its shared state) and the legacy call's arguments,
after the generated preamble (:mod:`adapters.facade`) has checked the argument types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legacy_signaling.callback import ICallBack
from legacy_signaling.codes import (
    ECODE,
    SDK_VERSION,
    ErrorDesc,
    LoginStatus,
)
from legacy_signaling.identity import SendWindow, check_account, legacy_uid
from legacy_signaling.tokens import LegacyTokenError, verify_legacy_token

from ..context import Request, Session
from ..profile import rtm_id
from .calls import end_quietly

if TYPE_CHECKING:
    from ..instance import ShimAgoraAPI
    from ..world import ShimWorld

__all__ = [
    "callback_get",
    "callback_set",
    "create_instance",
    "destroy",
    "end_session_calls_and_channel",
    "get_instance",
    "get_sdk_version",
    "get_status",
    "give_up",
    "is_online",
    "login",
    "login2",
    "logout",
    "reconnect_tick",
    "session_lost",
]


# ---------------------------------------------------------------- instances (the world's rows)


def get_instance(world: ShimWorld, appId: str) -> ShimAgoraAPI:
    """``getInstance`` is answered by the world (one instance per app ID), not an instance."""
    return world.getInstance(appId)


def create_instance(world: ShimWorld, appId: str) -> ShimAgoraAPI:
    return world.createAgoraSDKInstance(appId)


# ---------------------------------------------------------------- handler and status


def callback_set(shim: ShimAgoraAPI, handler: ICallBack | None) -> None:
    if handler is not None and not isinstance(handler, ICallBack):
        raise TypeError(f"handler must be an ICallBack, got {type(handler).__name__}")
    shim.handler = handler


def callback_get(shim: ShimAgoraAPI) -> ICallBack | None:
    return shim.handler


def get_status(shim: ShimAgoraAPI) -> int:
    return int(shim.status)


def get_sdk_version(shim: ShimAgoraAPI) -> int:
    return SDK_VERSION


def is_online(shim: ShimAgoraAPI) -> bool:
    return shim.status is LoginStatus.LOGIN_STATE_LOGINED


def destroy(shim: ShimAgoraAPI) -> None:
    shim.lock.acquire()
    try:
        shim.destroyed = True
        shim.join_wait.closed = True
        if shim.logged_in:
            end_session_calls_and_channel(shim, notify_self=False)
        shim.logged_in = False
        shim.binding.release()
        shim.world.forget(shim)
    finally:
        shim.gate.release()  # what waited for the lock sees the instance destroyed


# ---------------------------------------------------------------- login and logout


def login(
    shim: ShimAgoraAPI, appId: str, account: str, token: str, uid: int, deviceID: str
) -> None:
    _start_login(shim, "login", appId, account, token)


def login2(
    shim: ShimAgoraAPI,
    appId: str,
    account: str,
    token: str,
    uid: int,
    deviceID: str,
    retry_time_in_s: int,
    retry_count: int,
) -> None:
    if retry_time_in_s < 0 or retry_count < 0:
        shim.api_error("login2", ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.INVALID_RETRY)
        return
    _start_login(shim, "login2", appId, account, token)


def _start_login(shim: ShimAgoraAPI, method: str, app_id: str, account: str, token: str) -> None:
    if shim.logged_in or shim.login_pending is not None:
        shim.api_error(method, ECODE.GENERAL_E_FAILED, ErrorDesc.ALREADY_LOGGED_IN)
        return
    world = shim.world
    shim.status = LoginStatus.LOGIN_STATE_LOGINING
    user = rtm_id(account)
    if check_account(account) is not None or user is None:
        shim.explain(
            f"{method} as {account!r} refused: not a valid legacy account (1-128 printable "
            "characters, no spaces) or no RTM ID fits it (64 bytes escaped)"
        )
        shim.deliver("onLoginFailed", ECODE.LOGIN_E_INVALID_USER)
        return
    if app_id != world.app_id:
        shim.explain(f"{method} refused: app ID {app_id!r} is not this instance's")
        shim.deliver("onLoginFailed", ECODE.LOGIN_E_FAILED)
        return
    try:
        verify_legacy_token(
            token,
            account=account,
            app_id=world.app_id,
            app_certificate=world.app_certificate,
            now=shim.sched.time(),
            debug_switch=world.debug_switch,
        )
    except LegacyTokenError as exc:
        shim.explain(f"{method} as {account!r} refused: {exc}")
        shim.deliver("onLoginFailed", exc.code)
        return
    shim.session = Session(self_account=account, uid=legacy_uid(account))
    shim.sends = SendWindow(shim.world.send_quota)  # the quota is per session

    def done(code: int, value: Any) -> None:
        if shim.login_pending is not req:
            return
        shim.login_pending = None
        shim.logged_in = code == 0

    req = shim.request(method, done, appId=app_id, account=account, token=token)
    shim.login_pending = req
    shim.binding.login(world.rtm_token(user), user, req)


def logout(shim: ShimAgoraAPI) -> None:
    binding = shim.binding
    pending = shim.login_pending
    if pending is not None:
        # L9: the login ends with this one result. Its RTM outcome, when it comes (a timeout
        # if the core is unreachable), reports nothing, and nothing waits behind it.
        shim.login_pending = None
        pending.silent = True
        sched = shim.sched
        for release in shim.inflight.answered(pending):
            sched.call_soon(sched.deliver, release)
        shim.deliver("onLoginFailed", ECODE.LOGIN_E_CANCEL)
        binding.logout(Request("logout", {}, silent=True))
        return
    if not shim.logged_in:
        shim.deliver("onLogout", ECODE.LOGOUT_E_ALREADY_LOGOUT)
        return
    end_session_calls_and_channel(shim, notify_self=True)
    shim.logged_in = False
    if shim.reconnect.active:
        # No link to wait on: the logout is the app's, it is done (L7).
        shim.reconnect.cancel()
        shim.deliver("onLogout", ECODE.LOGOUT_E_USER)
        binding.logout(Request("logout", {}, silent=True))
        binding.abandon_link()
        return
    binding.logout(shim.request("logout"))


def end_session_calls_and_channel(shim: ShimAgoraAPI, *, notify_self: bool) -> None:
    """L7/V12: leave the channel (members are told), end every call, then log out."""
    channel = shim.session.channel
    if channel:
        if notify_self:
            shim.deliver("onChannelLeaved", channel, ECODE.LEAVECHANNEL_E_LOGOUT)
        shim.session.channel = ""
        shim.binding.leave(rtm_id(channel) or "", Request("channelLeave", {}, silent=True))
    for call, was in shim.calls.clear():
        end_quietly(shim, call, was)


def session_lost(shim: ShimAgoraAPI, leave_code: ECODE) -> None:
    """The RTM session ended under us (remote login, token expiry): L6."""
    channel = shim.session.channel
    if channel:
        shim.dispatch("onChannelLeaved", (channel, int(leave_code)))
        shim.session.channel = ""
        shim.binding.leave_quietly(rtm_id(channel) or "")
    shim.calls.clear()


# ---------------------------------------------------------------- reconnection (C1-C3)


def reconnect_tick(shim: ShimAgoraAPI, attempt: int) -> None:
    shim.session.reconnect_attempt = attempt
    shim.deliver_from_timer("onReconnecting", attempt)


def give_up(shim: ShimAgoraAPI) -> None:
    """C3: the session ends as a network logout (the core ends it after the same grace)."""
    channel = shim.session.channel
    if channel:
        shim.deliver_from_timer("onChannelLeaved", channel, ECODE.LEAVECHANNEL_E_DISCONN)
        shim.session.channel = ""
        shim.binding.leave_quietly(rtm_id(channel) or "")
    shim.calls.clear()
    shim.logged_in = False
    shim.deliver_from_timer("onLogout", ECODE.LOGOUT_E_NET)
    shim.binding.logout(Request("logout", {}, silent=True))
    shim.binding.abandon_link()
