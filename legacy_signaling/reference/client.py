"""``ReferenceAgoraAPI``: one legacy SDK instance of the reference model.

The client checks arguments and the login state (the local SDK's part), then hands valid
requests to the :class:`~legacy_signaling.reference.server.Server`. Every callback, its own
or the server's, is queued through :meth:`ReferenceAgoraAPI.deliver` and reaches the app's
handler only when the world runs (docs/legacy-semantics.md D1). Row ids refer to that file.
"""

from __future__ import annotations

import enum
import logging
from functools import partial
from typing import TYPE_CHECKING

import attrs

from legacy_signaling.api import IAgoraAPI, InstanceDestroyedError
from legacy_signaling.callback import ICallBack
from legacy_signaling.codes import (
    DEFAULT_LOGIN_RETRY_COUNT,
    DEFAULT_LOGIN_RETRY_TIME_S,
    ECODE,
    RECONNECT_GIVE_UP_S,
    RESERVED_CHANNELS,
    RETRY_INTERVAL_S,
    SDK_VERSION,
    ErrorDesc,
    LoginStatus,
)
from legacy_signaling.identity import (
    STATUS_AFTER,
    MessageIdAllocator,
    attrs_json,
    check_account,
    check_attr_name,
    check_attr_value,
    check_channel,
    check_dtmf,
    check_extra,
    check_message,
    legacy_uid,
    require_str,
    require_uint32,
)
from legacy_signaling.reference import rpc
from legacy_signaling.reference.scheduler import Timer
from legacy_signaling.reference.server import Server
from legacy_signaling.reference.session import Push, Session
from legacy_signaling.unsupported import UnsupportedMethods

if TYPE_CHECKING:
    from legacy_signaling.reference.world import ReferenceWorld

__all__ = ["ReferenceAgoraAPI"]

log = logging.getLogger("legacy_signaling.reference")


#: One failed check: the legacy code it maps to (None = passed) and the ``onError`` text.
Check = tuple[ECODE | None, ErrorDesc]


def _plain(value: object) -> object:
    """Callbacks carry plain ints and strs, as native code would see them."""
    if isinstance(value, enum.IntEnum):
        return int(value)
    if isinstance(value, enum.StrEnum):
        return str(value)
    return value


def _require_int(**values: object) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be int, got {type(value).__name__}")


@attrs.define(eq=False)
class _LoginAttempt:
    """A login waiting for the server (L11)."""

    method: str
    app_id: str
    account: str
    token: str
    retry_time_s: int
    retry_count: int
    retries: int = 0
    timer: Timer | None = None


class ReferenceAgoraAPI(UnsupportedMethods, IAgoraAPI):
    """Create through ``ReferenceWorld.getInstance`` / ``createAgoraSDKInstance``."""

    def __init__(self, world: ReferenceWorld, app_id: str) -> None:
        self._world = world
        self.app_id = app_id
        self._handler: ICallBack | None = None
        self._status = LoginStatus.LOGIN_STATE_NOT_LOGIN
        self._session: Session | None = None
        self._attempt: _LoginAttempt | None = None
        self._ids = MessageIdAllocator()
        self._reconnect_timers: list[Timer] = []
        self._destroyed = False
        #: Kicked while reconnecting (L6): the channel it still believes it is in, and what
        #: it is told when its link is back. Its session is gone from the server already.
        self._away_end: tuple[str | None, list[Push]] | None = None

    def __repr__(self) -> str:
        account = self._session.account if self._session is not None else None
        return f"<ReferenceAgoraAPI {self.app_id!r} account={account!r} status={self._status}>"

    # ================================================================ Endpoint

    def deliver(self, name: str, *args: object) -> None:
        """Queue callback ``name`` (D1); the server calls this too."""
        values = tuple(_plain(value) for value in args)
        self._world.scheduler.soon(partial(self._dispatch, name, values))

    def session_ended(self) -> None:
        self._session = None
        self._away_end = None
        self._cancel_reconnect()

    def ended_while_away(self, channel: str | None, notices: list[Push]) -> None:
        self._away_end = (channel, notices)  # the reconnect timers keep running (L6)

    @property
    def kicked_away(self) -> tuple[str | None] | None:
        """(the channel it still believes it is in,) if the server ended its session while
        its link was down and it has not heard yet (L6); else None."""
        return None if self._away_end is None else (self._away_end[0],)

    def _end_locally(self, leave_code: ECODE, logout_code: ECODE) -> None:
        """The instance ends a session the server already ended while it was away: it tells
        the app what it would have told it (its own leave and logout), the server nothing."""
        assert self._away_end is not None
        channel, _ = self._away_end
        if channel is not None:
            self.deliver("onChannelLeaved", channel, leave_code)
        self.deliver("onLogout", logout_code)
        self.session_ended()

    def _dispatch(self, name: str, args: tuple[object, ...]) -> None:
        if self._destroyed:
            return  # I5: a destroyed instance's queued callbacks are dropped
        status = STATUS_AFTER.get(name)
        if status is not None:
            self._status = status
        handler = self._handler
        if handler is None:
            return
        try:
            getattr(handler, name)(*args)
        except Exception:
            log.exception("exception in legacy callback %s (ignored)", name)  # D2

    # ================================================================ helpers

    def _alive(self) -> None:
        if self._destroyed:
            raise InstanceDestroyedError("this legacy SDK instance was destroyed")

    def _live(self) -> Session | None:
        """D7: the session if logged in and connected."""
        session = self._session
        return session if session is not None and session.connected else None

    def _precheck(self, method: str, *checks: Check) -> Session | None:
        """Report the first failed check via ``onError`` (not logged in first)."""
        session = self._live()
        if session is None:
            self.deliver("onError", method, ECODE.GENERAL_E_NOT_LOGIN, ErrorDesc.NOT_LOGGED_IN)
            return None
        for code, desc in checks:
            if code is not None:
                self.deliver("onError", method, code, desc)
                return None
        return session

    def _unsupported(self, method: str) -> None:
        """X3."""
        self.deliver("onError", method, ECODE.GENERAL_E_FAILED, ErrorDesc.UNSUPPORTED)

    @property
    def _server(self) -> Server:
        return self._world.server

    # ================================================================ handler, status

    def callbackSet(self, handler: ICallBack | None) -> None:
        self._alive()
        if handler is not None and not isinstance(handler, ICallBack):
            raise TypeError(f"handler must be an ICallBack, got {type(handler).__name__}")
        self._handler = handler

    def callbackGet(self) -> ICallBack | None:
        self._alive()
        return self._handler

    def getStatus(self) -> int:
        self._alive()
        return int(self._status)

    def getSdkVersion(self) -> int:
        self._alive()
        return SDK_VERSION

    def isOnline(self) -> bool:
        self._alive()
        return self._status is LoginStatus.LOGIN_STATE_LOGINED

    def destroy(self) -> None:
        """I5."""
        self._alive()
        self._destroyed = True
        self._cancel_attempt()
        if self._away_end is not None:
            self.session_ended()  # already ended on the server; I5 says nothing more
        elif self._session is not None:
            self._server.end_session(
                self._session, ECODE.LEAVECHANNEL_E_LOGOUT, ECODE.LOGOUT_E_USER, notify=False
            )
        self._cancel_reconnect()
        self._world.forget(self)

    # ================================================================ login, logout

    def login(self, appId: str, account: str, token: str, uid: int, deviceID: str) -> None:
        self._alive()
        require_str(appId=appId, account=account, token=token, deviceID=deviceID)
        require_uint32(uid=uid)
        self._start_login(
            "login", appId, account, token, DEFAULT_LOGIN_RETRY_TIME_S, DEFAULT_LOGIN_RETRY_COUNT
        )

    def login2(
        self,
        appId: str,
        account: str,
        token: str,
        uid: int,
        deviceID: str,
        retry_time_in_s: int,
        retry_count: int,
    ) -> None:
        self._alive()
        require_str(appId=appId, account=account, token=token, deviceID=deviceID)
        require_uint32(uid=uid)
        _require_int(retry_time_in_s=retry_time_in_s, retry_count=retry_count)
        if retry_time_in_s < 0 or retry_count < 0:
            self.deliver(
                "onError", "login2", ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.INVALID_RETRY
            )  # L12
            return
        self._start_login("login2", appId, account, token, retry_time_in_s, retry_count)

    def _start_login(
        self,
        method: str,
        app_id: str,
        account: str,
        token: str,
        retry_time_s: int,
        retry_count: int,
    ) -> None:
        if self._session is not None or self._attempt is not None:
            self.deliver(
                "onError", method, ECODE.GENERAL_E_FAILED, ErrorDesc.ALREADY_LOGGED_IN
            )  # L2
            return
        self._status = LoginStatus.LOGIN_STATE_LOGINING
        if check_account(account) is not None:
            self.deliver("onLoginFailed", ECODE.LOGIN_E_INVALID_USER)  # L3
            return
        attempt = _LoginAttempt(method, app_id, account, token, retry_time_s, retry_count)
        self._attempt = attempt
        self._try_login(attempt)

    def _try_login(self, attempt: _LoginAttempt) -> None:
        """One attempt (L11); the first runs inside the call, retries on timers."""
        if attempt is not self._attempt:
            return
        world = self._world
        if not world.server_available:
            retry = attempt.retries + 1
            if retry > attempt.retry_count or retry * RETRY_INTERVAL_S > attempt.retry_time_s:
                self._attempt = None
                self.deliver("onLoginFailed", ECODE.LOGIN_E_NET)
                return
            attempt.retries = retry
            attempt.timer = world.scheduler.later(
                RETRY_INTERVAL_S, partial(self._try_login, attempt)
            )
            return
        self._attempt = None
        refusal = world.admit(attempt.app_id, attempt.account, attempt.token)  # L4, L5
        if refusal is not None:
            self.deliver("onLoginFailed", refusal)
            return
        self._session = self._server.open_session(attempt.account, self)  # L1, L6

    def _cancel_attempt(self) -> bool:
        attempt, self._attempt = self._attempt, None
        if attempt is None:
            return False
        if attempt.timer is not None:
            attempt.timer.cancel()
        return True

    def logout(self) -> None:
        self._alive()
        if self._cancel_attempt():
            self.deliver("onLoginFailed", ECODE.LOGIN_E_CANCEL)  # L9
        elif self._session is None:
            self.deliver("onLogout", ECODE.LOGOUT_E_ALREADY_LOGOUT)  # L8
        elif self._away_end is not None:
            self._end_locally(ECODE.LEAVECHANNEL_E_LOGOUT, ECODE.LOGOUT_E_USER)  # L7, L6
        else:
            self._server.end_session(
                self._session, ECODE.LEAVECHANNEL_E_LOGOUT, ECODE.LOGOUT_E_USER
            )  # L7

    # ================================================================ connection (C)

    def lose_connection(self) -> None:
        """C1; world control, call through ``ReferenceWorld.drop_connection``."""
        self._alive()
        session = self._live()
        if session is None:
            raise ValueError("drop_connection: the instance is not logged in and connected")
        self._server.disconnect(session)
        self.deliver("onReconnecting", 1)
        scheduler = self._world.scheduler
        self._reconnect_timers = [
            scheduler.later(RETRY_INTERVAL_S, partial(self._reconnecting, session, 2)),
            scheduler.later(RECONNECT_GIVE_UP_S, partial(self._give_up, session)),
        ]

    def _reconnecting(self, session: Session, attempt: int) -> None:
        if session is not self._session:
            return
        self.deliver("onReconnecting", attempt)
        if attempt * RETRY_INTERVAL_S < RECONNECT_GIVE_UP_S:
            self._reconnect_timers.append(
                self._world.scheduler.later(
                    RETRY_INTERVAL_S, partial(self._reconnecting, session, attempt + 1)
                )
            )

    def _give_up(self, session: Session) -> None:
        """C3."""
        if session is not self._session:
            return
        if self._away_end is not None:  # kicked meanwhile (L6), and never heard of it
            self._end_locally(ECODE.LEAVECHANNEL_E_DISCONN, ECODE.LOGOUT_E_NET)
        else:
            self._server.end_session(session, ECODE.LEAVECHANNEL_E_DISCONN, ECODE.LOGOUT_E_NET)

    def restore_connection(self) -> None:
        """C2; world control, call through ``ReferenceWorld.restore_connection``."""
        self._alive()
        session = self._session
        if session is None or session.connected:
            raise ValueError("restore_connection: the instance is not reconnecting")
        self._cancel_reconnect()
        if self._away_end is not None:  # L6: the link is back, and with it the kick
            _, notices = self._away_end
            for name, args in notices:
                self.deliver(name, *args)
            self.session_ended()
            return
        self._server.reconnect(session)

    def _cancel_reconnect(self) -> None:
        for timer in self._reconnect_timers:
            timer.cancel()
        self._reconnect_timers = []

    # ================================================================ messages (P, M, X2)

    def messageInstantSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_peer(account, msg, msgID, "")

    def messageInstantSend2(
        self, account: str, uid: int, msg: str, msgID: str, options: str
    ) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID, options=options)
        require_uint32(uid=uid)
        self._send_peer(account, msg, msgID, options)

    def _send_peer(self, account: str, msg: str, msg_id: str, options: str) -> None:
        """P1-P4."""
        msg_id = self._ids.resolve(msg_id)
        session = self._live()
        if (
            session is None
            or check_account(account) is not None
            or check_message(msg) is not None
            or check_extra(options) is not None
        ):
            self.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
            return
        self._server.send_peer(session, account, msg, msg_id)

    def messageChannelSend(self, channelID: str, msg: str, msgID: str) -> None:
        self._alive()
        require_str(channelID=channelID, msg=msg, msgID=msgID)
        self._send_channel(channelID, msg, msgID, "", force=False)

    def messageChannelSendForce(self, channelID: str, msg: str, msgID: str) -> None:
        self._alive()
        require_str(channelID=channelID, msg=msg, msgID=msgID)
        self._send_channel(channelID, msg, msgID, "", force=True)

    def messageChannelSend2(self, channelID: str, msg: str, msgID: str, extra: str) -> None:
        self._alive()
        require_str(channelID=channelID, msg=msg, msgID=msgID, extra=extra)
        self._send_channel(channelID, msg, msgID, extra, force=False)

    def _send_channel(
        self, channel: str, msg: str, msg_id: str, extra: str, *, force: bool
    ) -> None:
        """M1-M4."""
        msg_id = self._ids.resolve(msg_id)
        session = self._live()
        if (
            session is None
            or check_channel(channel) is not None
            or check_message(msg) is not None
            or check_extra(extra) is not None
            or (not force and session.channel != channel)
        ):
            self.deliver("onMessageSendError", msg_id, ECODE.SENDMESSAGE_E_OTHER)
            return
        self._server.send_channel(session, channel, msg, msg_id)

    def _send_unsupported(self, msg_id: str) -> None:
        """X2."""
        self.deliver("onMessageSendError", self._ids.resolve(msg_id), ECODE.SENDMESSAGE_E_OTHER)

    def messageAppSend(self, msg: str, msgID: str) -> None:
        self._alive()
        require_str(msg=msg, msgID=msgID)
        self._send_unsupported(msgID)

    def messagePushSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_unsupported(msgID)

    def messageChatSend(self, account: str, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(account=account, msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_unsupported(msgID)

    def messageDTMFSend(self, uid: int, msg: str, msgID: str) -> None:
        self._alive()
        require_str(msg=msg, msgID=msgID)
        require_uint32(uid=uid)
        self._send_unsupported(msgID)

    # ================================================================ queries (Q)

    def queryUserStatus(self, account: str) -> None:
        self._alive()
        require_str(account=account)
        if self._precheck("queryUserStatus", (check_account(account), ErrorDesc.INVALID_ACCOUNT)):
            status = "1" if self._server.is_online(account) else "0"
            self.deliver("onQueryUserStatusResult", account, status)

    def channelQueryUserNum(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        if self._live() is None or check_channel(channelID) is not None:
            self.deliver("onChannelQueryUserNumResult", channelID, ECODE.QUERYUSERNUM_E_OTHER, 0)
            return
        count = len(self._server.members(channelID))
        self.deliver("onChannelQueryUserNumResult", channelID, ECODE.SUCCESS, count)

    def channelQueryUserIsIn(self, channelID: str, account: str) -> None:
        self._alive()
        require_str(channelID=channelID, account=account)
        if self._precheck(
            "channelQueryUserIsIn",
            (check_channel(channelID), ErrorDesc.INVALID_CHANNEL),
            (check_account(account), ErrorDesc.INVALID_ACCOUNT),
        ):
            isin = any(m.account == account for m in self._server.members(channelID))
            self.deliver("onChannelQueryUserIsIn", channelID, account, int(isin))

    def invoke(self, name: str, req: str, callID: str) -> None:
        """R1-R10."""
        self._alive()
        require_str(name=name, req=req, callID=callID)
        err, resp = rpc.invoke(self._server, self._live(), name, req)
        self.deliver("onInvokeRet", callID, err, resp)

    # ================================================================ user attributes (A)

    def setAttr(self, name: str, value: str) -> None:
        self._alive()
        require_str(name=name, value=value)
        session = self._precheck(
            "setAttr",
            (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
            (check_attr_value(value), ErrorDesc.INVALID_ATTR_VALUE),
        )
        if session is not None:
            self._server.set_user_attr(session, name, value)

    def getAttr(self, name: str) -> None:
        self._alive()
        require_str(name=name)
        session = self._precheck("getAttr", (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME))
        if session is not None:
            self.deliver(
                "onUserAttrResult", session.account, name, session.attributes.get(name, "")
            )

    def getAttrAll(self) -> None:
        self._alive()
        session = self._precheck("getAttrAll")
        if session is not None:
            self.deliver("onUserAttrAllResult", session.account, attrs_json(session.attributes))

    def getUserAttr(self, account: str, name: str) -> None:
        self._alive()
        require_str(account=account, name=name)
        if self._precheck(
            "getUserAttr",
            (check_account(account), ErrorDesc.INVALID_ACCOUNT),
            (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
        ):
            value = self._server.user_attrs(account).get(name, "")
            self.deliver("onUserAttrResult", account, name, value)

    def getUserAttrAll(self, account: str) -> None:
        self._alive()
        require_str(account=account)
        if self._precheck("getUserAttrAll", (check_account(account), ErrorDesc.INVALID_ACCOUNT)):
            self.deliver(
                "onUserAttrAllResult", account, attrs_json(self._server.user_attrs(account))
            )

    # ================================================================ channels (CH, A)

    def channelJoin(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        session = self._live()
        if (
            session is None
            or check_channel(channelID) is not None
            or channelID in RESERVED_CHANNELS
            or not self._server.join(session, channelID)
        ):
            self.deliver("onChannelJoinFailed", channelID, ECODE.JOINCHANNEL_E_OTHER)  # CH3, CH4

    def channelLeave(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        session = self._precheck("channelLeave")
        if session is None:
            return
        if session.channel != channelID:
            self.deliver(
                "onError", "channelLeave", ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.NOT_IN_CHANNEL
            )  # CH6
            return
        self._server.leave(session)  # CH5

    def _channel_attr_checks(self, channel: str, *more: Check) -> tuple[Check, ...]:
        return ((check_channel(channel), ErrorDesc.INVALID_CHANNEL), *more)

    def channelSetAttr(self, channelID: str, name: str, value: str) -> None:
        self._alive()
        require_str(channelID=channelID, name=name, value=value)
        if self._precheck(
            "channelSetAttr",
            *self._channel_attr_checks(
                channelID,
                (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME),
                (check_attr_value(value), ErrorDesc.INVALID_ATTR_VALUE),
            ),
        ):
            self._server.set_channel_attr(channelID, name, value)

    def channelDelAttr(self, channelID: str, name: str) -> None:
        self._alive()
        require_str(channelID=channelID, name=name)
        if self._precheck(
            "channelDelAttr",
            *self._channel_attr_checks(
                channelID, (check_attr_name(name), ErrorDesc.INVALID_ATTR_NAME)
            ),
        ):
            self._server.del_channel_attr(channelID, name)

    def channelClearAttr(self, channelID: str) -> None:
        self._alive()
        require_str(channelID=channelID)
        if self._precheck("channelClearAttr", *self._channel_attr_checks(channelID)):
            self._server.clear_channel_attrs(channelID)

    # ================================================================ invitations (V)

    def channelInviteUser(self, channelID: str, account: str, uid: int = 0) -> None:
        self._alive()
        require_str(channelID=channelID, account=account)
        require_uint32(uid=uid)
        self._invite(channelID, account, "")  # V2

    def channelInviteUser2(self, channelID: str, account: str, extra: str) -> None:
        self._alive()
        require_str(channelID=channelID, account=account, extra=extra)
        self._invite(channelID, account, extra)

    def _invite(self, channel: str, account: str, extra: str) -> None:
        session = self._live()
        if (
            session is None
            or check_channel(channel) is not None
            or check_account(account) is not None
            or check_extra(extra) is not None
            or account == session.account
        ):
            self.deliver(
                "onInviteFailed",
                channel,
                account,
                legacy_uid(account),
                ECODE.INVITE_E_OTHER,
                extra,
            )  # V13
            return
        self._server.calls.invite(session, channel, account, extra)

    def _call_checks(self, channel: str, account: str, *more: Check) -> tuple[Check, ...]:
        return (
            (check_channel(channel), ErrorDesc.INVALID_CHANNEL),
            (check_account(account), ErrorDesc.INVALID_ACCOUNT),
            *more,
        )

    def _no_such_call(self, method: str) -> None:
        self.deliver("onError", method, ECODE.GENERAL_E_WRONG_PARAM, ErrorDesc.NO_SUCH_CALL)

    def channelInviteAccept(self, channelID: str, account: str, uid: int, extra: str = "") -> None:
        self._alive()
        require_str(channelID=channelID, account=account, extra=extra)
        require_uint32(uid=uid)
        session = self._precheck(
            "channelInviteAccept",
            *self._call_checks(channelID, account, (check_extra(extra), ErrorDesc.INVALID_EXTRA)),
        )
        if session is not None and not self._server.calls.accept(
            session, channelID, account, extra
        ):
            self._no_such_call("channelInviteAccept")

    def channelInviteRefuse(self, channelID: str, account: str, uid: int, extra: str = "") -> None:
        self._alive()
        require_str(channelID=channelID, account=account, extra=extra)
        require_uint32(uid=uid)
        session = self._precheck(
            "channelInviteRefuse",
            *self._call_checks(channelID, account, (check_extra(extra), ErrorDesc.INVALID_EXTRA)),
        )
        if session is not None and not self._server.calls.refuse(
            session, channelID, account, extra
        ):
            self._no_such_call("channelInviteRefuse")

    def channelInviteEnd(self, channelID: str, account: str, uid: int) -> None:
        self._alive()
        require_str(channelID=channelID, account=account)
        require_uint32(uid=uid)
        session = self._precheck("channelInviteEnd", *self._call_checks(channelID, account))
        if session is not None and not self._server.calls.end(session, channelID, account):
            self._no_such_call("channelInviteEnd")

    def channelInviteDTMF(self, channelID: str, phoneNum: str, dtmf: str) -> None:
        self._alive()
        require_str(channelID=channelID, phoneNum=phoneNum, dtmf=dtmf)
        dtmf_check = check_dtmf(dtmf)
        session = self._precheck(
            "channelInviteDTMF",
            *self._call_checks(channelID, phoneNum, (dtmf_check, ErrorDesc.INVALID_DTMF)),
        )
        if session is not None and not self._server.calls.dtmf(session, channelID, phoneNum, dtmf):
            self._no_such_call("channelInviteDTMF")

    def bc_call(self, func: str, json_args: str, callID: str) -> None:
        """X4."""
        self._alive()
        require_str(func=func, json_args=json_args, callID=callID)
        self.deliver("onBCCall_result", ErrorDesc.UNSUPPORTED, "", callID)
