"""Call-invitation state machines for both ends of a call.

The caller's :class:`LocalInvitation` and the callee's :class:`RemoteInvitation` are two
views of one call. Their states are RTM's enums; the API calls and protocol signals that
move them are the events. The API-error table says which INVITATION_API_CALL_ERR_CODE an
app gets when it acts outside the invitation's lifetime.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from .enums import LOCAL_INVITATION_STATE as L
from .enums import REMOTE_INVITATION_STATE as R
from .errors import INVITATION_API_CALL_ERR_CODE as E
from .machine import Machine

__all__ = [
    "LOCAL_API_ERRORS",
    "LOCAL_TRANSITIONS",
    "REMOTE_API_ERRORS",
    "REMOTE_TRANSITIONS",
    "LocalEvent",
    "LocalMachine",
    "RemoteEvent",
    "RemoteMachine",
]


class LocalEvent(enum.Enum):
    SEND = "send"
    ACKED = "acked"  # callee's SDK received it
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CANCEL = "cancel"
    FAIL = "fail"


class RemoteEvent(enum.Enum):
    RECEIVE = "receive"
    ACCEPT = "accept"
    ACCEPT_ACKED = "accept_acked"  # caller confirmed the accept
    REFUSE = "refuse"
    CANCELED = "canceled"
    FAIL = "fail"


_LOCAL_LIVE = (L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE, L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE)

LOCAL_TRANSITIONS: Mapping[tuple[L, LocalEvent], L] = {
    (L.LOCAL_INVITATION_STATE_IDLE, LocalEvent.SEND): L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE,
    (
        L.LOCAL_INVITATION_STATE_SENT_TO_REMOTE,
        LocalEvent.ACKED,
    ): L.LOCAL_INVITATION_STATE_RECEIVED_BY_REMOTE,
    **{(s, LocalEvent.ACCEPTED): L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE for s in _LOCAL_LIVE},
    **{(s, LocalEvent.REFUSED): L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE for s in _LOCAL_LIVE},
    **{(s, LocalEvent.CANCEL): L.LOCAL_INVITATION_STATE_CANCELED for s in _LOCAL_LIVE},
    **{(s, LocalEvent.FAIL): L.LOCAL_INVITATION_STATE_FAILURE for s in _LOCAL_LIVE},
}

REMOTE_TRANSITIONS: Mapping[tuple[R, RemoteEvent], R] = {
    (
        R.REMOTE_INVITATION_STATE_IDLE,
        RemoteEvent.RECEIVE,
    ): R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
    (
        R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
        RemoteEvent.ACCEPT,
    ): R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
    (
        R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
        RemoteEvent.REFUSE,
    ): R.REMOTE_INVITATION_STATE_REFUSED,
    (
        R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
        RemoteEvent.ACCEPT_ACKED,
    ): R.REMOTE_INVITATION_STATE_ACCEPTED,
    (
        R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
        RemoteEvent.CANCELED,
    ): R.REMOTE_INVITATION_STATE_CANCELED,
    (
        R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
        RemoteEvent.CANCELED,
    ): R.REMOTE_INVITATION_STATE_CANCELED,
    (
        R.REMOTE_INVITATION_STATE_INVITATION_RECEIVED,
        RemoteEvent.FAIL,
    ): R.REMOTE_INVITATION_STATE_FAILURE,
    (
        R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
        RemoteEvent.FAIL,
    ): R.REMOTE_INVITATION_STATE_FAILURE,
}

_LOCAL_ENDED = (
    L.LOCAL_INVITATION_STATE_REFUSED_BY_REMOTE,
    L.LOCAL_INVITATION_STATE_CANCELED,
    L.LOCAL_INVITATION_STATE_FAILURE,
)
#: Error an app gets for an API call an invitation's current state does not allow.
LOCAL_API_ERRORS: Mapping[tuple[L, LocalEvent], E] = {
    **{(s, LocalEvent.SEND): E.INVITATION_API_CALL_ERR_ALREADY_SENT for s in _LOCAL_LIVE},
    (
        L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE,
        LocalEvent.SEND,
    ): E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    **{(s, LocalEvent.SEND): E.INVITATION_API_CALL_ERR_ALREADY_END for s in _LOCAL_ENDED},
    (L.LOCAL_INVITATION_STATE_IDLE, LocalEvent.CANCEL): E.INVITATION_API_CALL_ERR_NOT_STARTED,
    (
        L.LOCAL_INVITATION_STATE_ACCEPTED_BY_REMOTE,
        LocalEvent.CANCEL,
    ): E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT,
    **{(s, LocalEvent.CANCEL): E.INVITATION_API_CALL_ERR_ALREADY_END for s in _LOCAL_ENDED},
}

_REMOTE_ENDED = (
    R.REMOTE_INVITATION_STATE_REFUSED,
    R.REMOTE_INVITATION_STATE_CANCELED,
    R.REMOTE_INVITATION_STATE_FAILURE,
)
REMOTE_API_ERRORS: Mapping[tuple[R, RemoteEvent], E] = {
    **{
        (s, e): E.INVITATION_API_CALL_ERR_NOT_STARTED
        for s in (R.REMOTE_INVITATION_STATE_IDLE,)
        for e in (RemoteEvent.ACCEPT, RemoteEvent.REFUSE)
    },
    **{
        (s, e): E.INVITATION_API_CALL_ERR_ALREADY_ACCEPT
        for s in (
            R.REMOTE_INVITATION_STATE_ACCEPT_SENT_TO_LOCAL,
            R.REMOTE_INVITATION_STATE_ACCEPTED,
        )
        for e in (RemoteEvent.ACCEPT, RemoteEvent.REFUSE)
    },
    **{
        (s, e): E.INVITATION_API_CALL_ERR_ALREADY_END
        for s in _REMOTE_ENDED
        for e in (RemoteEvent.ACCEPT, RemoteEvent.REFUSE)
    },
}


class LocalMachine(Machine[L, LocalEvent]):
    def __init__(self) -> None:
        super().__init__("local invitation", LOCAL_TRANSITIONS, L.LOCAL_INVITATION_STATE_IDLE)

    def api_error(self, event: LocalEvent) -> E | None:
        """The INVITATION_API_CALL_ERR for an app call in the current state, or None if allowed."""
        if self.can(event):
            return None
        return LOCAL_API_ERRORS.get((self.state, event), E.INVITATION_API_CALL_ERR_ALREADY_END)


class RemoteMachine(Machine[R, RemoteEvent]):
    def __init__(self) -> None:
        super().__init__("remote invitation", REMOTE_TRANSITIONS, R.REMOTE_INVITATION_STATE_IDLE)

    def api_error(self, event: RemoteEvent) -> E | None:
        if self.can(event):
            return None
        return REMOTE_API_ERRORS.get((self.state, event), E.INVITATION_API_CALL_ERR_ALREADY_END)
