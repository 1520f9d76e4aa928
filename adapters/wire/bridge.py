"""The shim's callbacks for one legacy wire connection, each forwarded to its session.

Why a class of its own: the native ``ICallBack`` has thirty-odd callbacks; the session needs
a dozen of them, in its own terms (a mailed call signal, a channel event, a reply).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from legacy_signaling.callback import ICallBack

if TYPE_CHECKING:
    from .session import LegacyWireSession

__all__ = ["Bridge"]


class Bridge(ICallBack):
    """The shim's callbacks, each forwarded to the session's handler for it."""

    def __init__(self, session: LegacyWireSession) -> None:
        self.s = session

    def onLoginSuccess(self, uid: int, fd: int) -> None:
        self.s.on_login_success(uid)

    def onLoginFailed(self, ecode: int) -> None:
        self.s.on_login_failed(ecode)

    def onLogout(self, ecode: int) -> None:
        self.s.on_logout(ecode)

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        self.s.on_message_instant(account, msg)

    def onMessageSendSuccess(self, messageID: str) -> None:
        self.s.on_send_result(messageID, None)

    def onMessageSendError(self, messageID: str, ecode: int) -> None:
        self.s.on_send_result(messageID, ecode)

    def onChannelJoined(self, channelID: str) -> None:
        self.s.channel = channelID

    def onChannelUserList(self, accounts: list[str], uids: list[int]) -> None:
        self.s.on_user_list(accounts, uids)

    def onChannelJoinFailed(self, channelID: str, ecode: int) -> None:
        self.s.on_join_failed(ecode)

    def onChannelLeaved(self, channelID: str, ecode: int) -> None:
        self.s.on_leaved(channelID)

    def onChannelUserJoined(self, account: str, uid: int) -> None:
        s = self.s
        s.channel_event("channel_user_join", s.channel, account=account, uid=int(uid))

    def onChannelUserLeaved(self, account: str, uid: int) -> None:
        s = self.s
        s.channel_event("channel_user_leave", s.channel, account=account, uid=int(uid))

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        self.s.channel_event("channel_msg", channelID, account=account, uid=int(uid), msg=msg)

    def onChannelAttrUpdated(self, channelID: str, name: str, value: str, type: str) -> None:
        self.s.on_attr(channelID, name, value, type)

    def onInvokeRet(self, callID: str, err: str, resp: str) -> None:
        self.s.on_invoke_ret(callID, err, resp)

    def onBCCall_result(self, reason: str, json_ret: str, callID: str) -> None:
        self.s.on_bc_result(reason, json_ret, callID)

    def onError(self, name: str, ecode: int, desc: str) -> None:
        self.s.on_error(name, ecode, desc)

    def onInviteReceived(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self.s.mail_call("voip_invite", channelID, account, uid, extra)

    def onInviteReceivedByPeer(self, channelID: str, account: str, uid: int) -> None:
        self.s.mail_call("voip_invite_ack", channelID, account, uid, "")

    def onInviteAcceptedByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self.s.mail_call("voip_invite_accept", channelID, account, uid, extra)

    def onInviteRefusedByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self.s.mail_call("voip_invite_refuse", channelID, account, uid, extra)

    def onInviteFailed(
        self, channelID: str, account: str, uid: int, ecode: int, extra: str
    ) -> None:
        self.s.mail_call("voip_invite_failed", channelID, account, uid, extra)

    def onInviteEndByPeer(self, channelID: str, account: str, uid: int, extra: str) -> None:
        self.s.mail_call("voip_invite_bye", channelID, account, uid, extra)

    def onInviteMsg(
        self,
        channelID: str,
        account: str,
        uid: int,
        msgType: str,
        msgData: str,
        extra: str,
    ) -> None:
        data = json.dumps({"msgtype": msgType.lower(), "msgdata": msgData})
        self.s.mail_call("voip_invite_msg", channelID, account, uid, data)
