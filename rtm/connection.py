"""The client's connection state machine (RTM's CONNECTION_STATE and change reasons).

The change reason is the event: RTM reports every state change as (new state, reason), so
using the reason as the transition's input makes ``onConnectionStateChanged`` fall out of
the table. Only ``logout`` leaves ABORTED, as in RTM: an aborted client must log out before
it can log in again.
"""

from __future__ import annotations

from collections.abc import Mapping

from .enums import CONNECTION_CHANGE_REASON as R
from .enums import CONNECTION_STATE as S
from .machine import Machine

__all__ = ["TRANSITIONS", "ConnectionMachine"]

_LIVE = (S.CONNECTION_STATE_CONNECTED, S.CONNECTION_STATE_RECONNECTING)

TRANSITIONS: Mapping[tuple[S, R], S] = {
    (
        S.CONNECTION_STATE_DISCONNECTED,
        R.CONNECTION_CHANGE_REASON_LOGIN,
    ): S.CONNECTION_STATE_CONNECTING,
    (
        S.CONNECTION_STATE_CONNECTING,
        R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS,
    ): S.CONNECTION_STATE_CONNECTED,
    (
        S.CONNECTION_STATE_CONNECTING,
        R.CONNECTION_CHANGE_REASON_LOGIN_FAILURE,
    ): S.CONNECTION_STATE_DISCONNECTED,
    (
        S.CONNECTION_STATE_CONNECTING,
        R.CONNECTION_CHANGE_REASON_LOGIN_TIMEOUT,
    ): S.CONNECTION_STATE_DISCONNECTED,
    (
        S.CONNECTION_STATE_CONNECTING,
        R.CONNECTION_CHANGE_REASON_LOGOUT,
    ): S.CONNECTION_STATE_DISCONNECTED,
    (
        S.CONNECTION_STATE_CONNECTED,
        R.CONNECTION_CHANGE_REASON_INTERRUPTED,
    ): S.CONNECTION_STATE_RECONNECTING,
    (
        S.CONNECTION_STATE_RECONNECTING,
        R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS,
    ): S.CONNECTION_STATE_CONNECTED,
    **{(s, R.CONNECTION_CHANGE_REASON_REMOTE_LOGIN): S.CONNECTION_STATE_ABORTED for s in _LIVE},
    **{(s, R.CONNECTION_CHANGE_REASON_BANNED_BY_SERVER): S.CONNECTION_STATE_ABORTED for s in _LIVE},
    **{(s, R.CONNECTION_CHANGE_REASON_TOKEN_EXPIRED): S.CONNECTION_STATE_ABORTED for s in _LIVE},
    **{(s, R.CONNECTION_CHANGE_REASON_LOGOUT): S.CONNECTION_STATE_DISCONNECTED for s in _LIVE},
    (
        S.CONNECTION_STATE_ABORTED,
        R.CONNECTION_CHANGE_REASON_LOGOUT,
    ): S.CONNECTION_STATE_DISCONNECTED,
}


class ConnectionMachine(Machine[S, R]):
    def __init__(self) -> None:
        super().__init__("connection", TRANSITIONS, S.CONNECTION_STATE_DISCONNECTED)

    @property
    def connected(self) -> bool:
        return self.state is S.CONNECTION_STATE_CONNECTED

    @property
    def logged_in(self) -> bool:
        """Logged in from the app's point of view (calls are accepted, maybe queued)."""
        return self.state in _LIVE
