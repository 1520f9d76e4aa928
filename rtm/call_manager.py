"""The call manager (Java ``RtmCallManager``, C++ ``IRtmCallManager``).

Invitations travel as relayed signals (invite, ack, accept, accept_ack, refuse, cancel),
as RTM's own SDKs do with peer messages. The caller resends an invite every 2 s while the
callee is offline and fails it after 30 s (PEER_OFFLINE, or PEER_NO_RESPONSE if it was
delivered but never acknowledged); both sides expire an unanswered invitation 60 s after it
was sent or received; a callee that accepted gives up after 5 s without the caller's
acknowledgement (ACCEPT_FAILURE). Calls outside an invitation's lifetime return the
INVITATION_API_CALL_ERR the state table gives, and change nothing.
"""

from __future__ import annotations

import itertools
import uuid
from typing import TYPE_CHECKING, Any

from . import protocol as p
from .errors import (
    INVITATION_API_CALL_ERR_CODE,
    LOCAL_INVITATION_ERR_CODE,
    REMOTE_INVITATION_ERR_CODE,
)
from .handlers import ResultCallback
from .invitation import LocalEvent, RemoteEvent
from .invitations import LocalInvitation, RemoteInvitation
from .validation import check_id, utf8_len

if TYPE_CHECKING:
    from .requests import RequestCore

__all__ = ["IRtmCallManager", "RtmCallManager"]

E = INVITATION_API_CALL_ERR_CODE


class RtmCallManager:
    def __init__(self, core: RequestCore) -> None:
        """Made by ``RtmClient.getRtmCallManager``; ``core`` is the client's request core."""
        self._core = core
        self._handler: Any = None
        self._local: dict[str, LocalInvitation] = {}
        self._remote: dict[str, RemoteInvitation] = {}
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:12]
        self._signal_handlers = {
            "invite": self._on_invite,
            "ack": self._on_ack,
            "accept": self._on_accept,
            "accept_ack": self._on_accept_ack,
            "refuse": self._on_refuse,
            "cancel": self._on_cancel,
        }

    def setEventListener(self, listener: Any) -> None:
        """Java: set (replace) the listener. C++ passes it to ``getRtmCallManager``."""
        self._handler = listener

    def release(self) -> None:
        """C++ API compatibility; the manager lives as long as its client."""

    def _emit(self, name: str, *args: Any) -> None:
        if self._handler is not None:
            method = getattr(self._handler, name, None)
            if method is not None:
                self._core.deliver(method, *args)

    @property
    def _limits(self) -> Any:
        return self._core.limits

    # --- caller ------------------------------------------------------------------------

    def createLocalInvitation(self, calleeId: str) -> LocalInvitation:
        call_id = f"{self._prefix}-{next(self._ids)}"
        return LocalInvitation(calleeId, call_id, self)

    createLocalCallInvitation = createLocalInvitation

    def _reject(self, callback: ResultCallback[None] | None, code: int, text: str) -> int:
        self._core.report(callback, code, None, text)
        return -int(code)

    def sendLocalInvitation(
        self, invitation: LocalInvitation, callback: ResultCallback[None] | None = None
    ) -> int:
        """0, or the negated INVITATION_API_CALL_ERR_CODE (C++ returns < 0 on failure)."""
        core = self._core
        with core.lock:
            if not isinstance(invitation, LocalInvitation) or invitation._owner is not self:
                return self._reject(
                    callback, E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT, "bad invitation"
                )
            error = invitation._machine.api_error(LocalEvent.SEND)
            if error is not None:
                return self._reject(callback, error, f"invitation is {invitation.state.name}")
            problem = (
                check_id(invitation.calleeId, "calleeId", self._limits.id_bytes)
                or _text_problem(
                    invitation.content, "content", self._limits.invitation_content_bytes
                )
                or (None if isinstance(invitation.channelId, str) else "channelId must be a string")
            )
            if not problem and not core.logged_in:
                problem = "not logged in"
            if problem:
                return self._reject(callback, E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT, problem)
            invitation._machine.fire(LocalEvent.SEND)
            self._local[invitation._call_id] = invitation
            scheduler = core.scheduler
            invitation._timers.append(
                scheduler.call_later(
                    self._limits.invitation_ack_timeout, self._ack_timeout, invitation
                )
            )
            invitation._timers.append(
                scheduler.call_later(
                    self._limits.invitation_expiry, self._local_expired, invitation
                )
            )
            self._send_invite(invitation)
            core.report(callback, 0, None)
            return 0

    def _signal(
        self,
        kind: str,
        peer: str,
        call_id: str,
        content: str = "",
        channel: str = "",
        on_result: Any = None,
    ) -> None:
        core = self._core
        core.request(
            lambda r: p.CallSignal(r, kind, peer, call_id, content, channel),
            on_result or _ignore,
        )

    def _send_invite(self, invitation: LocalInvitation) -> None:
        if invitation.state is not invitation.state.LOCAL_INVITATION_STATE_SENT_TO_REMOTE:
            return

        def relayed(code: int, value: Any) -> None:
            if code in (0, 3):  # delivered, or kept for the callee's next login
                invitation._delivered = code == 0
            elif (
                code == 1
                and invitation.state is invitation.state.LOCAL_INVITATION_STATE_SENT_TO_REMOTE
            ):
                invitation._timers.append(
                    self._core.scheduler.call_later(
                        self._limits.invitation_resend_interval, self._send_invite, invitation
                    )
                )

        self._signal(
            "invite",
            invitation.calleeId,
            invitation._call_id,
            invitation.content,
            invitation.channelId,
            relayed,
        )

    def _fail_local(self, invitation: LocalInvitation, code: LOCAL_INVITATION_ERR_CODE) -> None:
        if not invitation._machine.can(LocalEvent.FAIL):
            return
        invitation._machine.fire(LocalEvent.FAIL)
        invitation._cancel_timers()
        self._local.pop(invitation._call_id, None)
        self._emit("onLocalInvitationFailure", invitation, int(code))

    def _ack_timeout(self, invitation: LocalInvitation) -> None:
        if invitation.state is invitation.state.LOCAL_INVITATION_STATE_SENT_TO_REMOTE:
            code = (
                LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_PEER_NO_RESPONSE
                if invitation._delivered
                else LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_PEER_OFFLINE
            )
            self._fail_local(invitation, code)

    def _local_expired(self, invitation: LocalInvitation) -> None:
        self._fail_local(
            invitation, LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_INVITATION_EXPIRE
        )

    def cancelLocalInvitation(
        self, invitation: LocalInvitation, callback: ResultCallback[None] | None = None
    ) -> int:
        core = self._core
        with core.lock:
            if not isinstance(invitation, LocalInvitation) or invitation._owner is not self:
                return self._reject(
                    callback, E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT, "bad invitation"
                )
            error = invitation._machine.api_error(LocalEvent.CANCEL)
            if error is not None:
                return self._reject(callback, error, f"invitation is {invitation.state.name}")
            invitation._machine.fire(LocalEvent.CANCEL)
            invitation._cancel_timers()
            self._local.pop(invitation._call_id, None)
            if core.logged_in:
                self._signal("cancel", invitation.calleeId, invitation._call_id, invitation.content)
            self._emit("onLocalInvitationCanceled", invitation)
            core.report(callback, 0, None)
            return 0

    def _on_ack(self, frame: p.CallSignalIn) -> None:
        invitation = self._local.get(frame.call_id)
        if invitation is not None and invitation._machine.can(LocalEvent.ACKED):
            invitation._machine.fire(LocalEvent.ACKED)
            self._emit("onLocalInvitationReceivedByPeer", invitation)

    def _on_accept(self, frame: p.CallSignalIn) -> None:
        invitation = self._local.get(frame.call_id)
        if invitation is None or not invitation._machine.can(LocalEvent.ACCEPTED):
            return
        invitation._machine.fire(LocalEvent.ACCEPTED)
        invitation._cancel_timers()
        invitation.response = frame.content
        del self._local[frame.call_id]
        self._signal("accept_ack", frame.from_user, frame.call_id)
        self._emit("onLocalInvitationAccepted", invitation, frame.content)

    def _on_refuse(self, frame: p.CallSignalIn) -> None:
        invitation = self._local.get(frame.call_id)
        if invitation is None or not invitation._machine.can(LocalEvent.REFUSED):
            return
        invitation._machine.fire(LocalEvent.REFUSED)
        invitation._cancel_timers()
        invitation.response = frame.content
        del self._local[frame.call_id]
        self._emit("onLocalInvitationRefused", invitation, frame.content)

    # --- callee ------------------------------------------------------------------------

    def _on_invite(self, frame: p.CallSignalIn) -> None:
        existing = self._remote.get(frame.call_id)
        if existing is not None:  # a resend: acknowledge again, nothing new for the app
            self._signal("ack", frame.from_user, frame.call_id)
            return
        remote = RemoteInvitation(frame.from_user, frame.call_id, frame.content, frame.channel_id)
        remote._machine.fire(RemoteEvent.RECEIVE)
        self._remote[frame.call_id] = remote
        remote._timers.append(
            self._core.scheduler.call_later(
                self._limits.invitation_expiry,
                self._fail_remote,
                remote,
                REMOTE_INVITATION_ERR_CODE.REMOTE_INVITATION_ERR_INVITATION_EXPIRE,
            )
        )
        self._signal("ack", frame.from_user, frame.call_id)
        self._emit("onRemoteInvitationReceived", remote)

    def _fail_remote(self, remote: RemoteInvitation, code: REMOTE_INVITATION_ERR_CODE) -> None:
        if not remote._machine.can(RemoteEvent.FAIL):
            return
        remote._machine.fire(RemoteEvent.FAIL)
        remote._cancel_timers()
        self._emit("onRemoteInvitationFailure", remote, int(code))

    def _check_remote(
        self, remote: RemoteInvitation, event: RemoteEvent, callback: ResultCallback[None] | None
    ) -> int | None:
        if (
            not isinstance(remote, RemoteInvitation)
            or self._remote.get(remote._call_id) is not remote
        ):
            return self._reject(
                callback, E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT, "bad invitation"
            )
        error = remote._machine.api_error(event)
        if error is not None:
            return self._reject(callback, error, f"invitation is {remote.state.name}")
        problem = _text_problem(remote.response, "response", self._limits.invitation_content_bytes)
        if not problem and not self._core.logged_in:
            problem = "not logged in"
        if problem:
            return self._reject(callback, E.INVITATION_API_CALL_ERR_INVALID_ARGUMENT, problem)
        return None

    def acceptRemoteInvitation(
        self, invitation: RemoteInvitation, callback: ResultCallback[None] | None = None
    ) -> int:
        core = self._core
        with core.lock:
            rejected = self._check_remote(invitation, RemoteEvent.ACCEPT, callback)
            if rejected is not None:
                return rejected
            invitation._machine.fire(RemoteEvent.ACCEPT)
            invitation._cancel_timers()
            invitation._timers.append(
                core.scheduler.call_later(
                    self._limits.accept_ack_timeout,
                    self._fail_remote,
                    invitation,
                    REMOTE_INVITATION_ERR_CODE.REMOTE_INVITATION_ERR_ACCEPT_FAILURE,
                )
            )

            def relayed(code: int, value: Any) -> None:
                if code != 0:
                    self._fail_remote(
                        invitation, REMOTE_INVITATION_ERR_CODE.REMOTE_INVITATION_ERR_PEER_OFFLINE
                    )

            self._signal(
                "accept",
                invitation.callerId,
                invitation._call_id,
                invitation.response,
                on_result=relayed,
            )
            core.report(callback, 0, None)
            return 0

    def _on_accept_ack(self, frame: p.CallSignalIn) -> None:
        remote = self._remote.get(frame.call_id)
        if remote is not None and remote._machine.can(RemoteEvent.ACCEPT_ACKED):
            remote._machine.fire(RemoteEvent.ACCEPT_ACKED)
            remote._cancel_timers()
            self._emit("onRemoteInvitationAccepted", remote)

    def refuseRemoteInvitation(
        self, invitation: RemoteInvitation, callback: ResultCallback[None] | None = None
    ) -> int:
        core = self._core
        with core.lock:
            rejected = self._check_remote(invitation, RemoteEvent.REFUSE, callback)
            if rejected is not None:
                return rejected
            invitation._machine.fire(RemoteEvent.REFUSE)
            invitation._cancel_timers()
            self._signal("refuse", invitation.callerId, invitation._call_id, invitation.response)
            self._emit("onRemoteInvitationRefused", invitation)
            core.report(callback, 0, None)
            return 0

    def _on_cancel(self, frame: p.CallSignalIn) -> None:
        remote = self._remote.get(frame.call_id)
        if remote is not None and remote._machine.can(RemoteEvent.CANCELED):
            remote._machine.fire(RemoteEvent.CANCELED)
            remote._cancel_timers()
            self._emit("onRemoteInvitationCanceled", remote)

    # --- from the client -----------------------------------------------------------

    def signal_in(self, frame: p.CallSignalIn) -> None:
        handler = self._signal_handlers.get(frame.kind)
        if handler is not None:
            handler(frame)

    def logged_out(self) -> None:
        for invitation in list(self._local.values()):
            self._fail_local(
                invitation, LOCAL_INVITATION_ERR_CODE.LOCAL_INVITATION_ERR_NOT_LOGGEDIN
            )
        for remote in self._remote.values():
            remote._cancel_timers()
            if remote._machine.can(RemoteEvent.FAIL):
                remote._machine.fire(RemoteEvent.FAIL)
        self._remote.clear()


IRtmCallManager = RtmCallManager


def _text_problem(value: object, what: str, limit: int) -> str | None:
    if not isinstance(value, str):
        return f"{what} must be a string"
    if utf8_len(value) > limit:
        return f"{what} is larger than {limit} bytes"
    return None


def _ignore(code: int, value: Any) -> None:
    """Result of a fire-and-forget signal."""
