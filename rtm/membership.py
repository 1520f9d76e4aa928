"""A client's membership of one channel, as a table-driven state machine."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from .machine import Machine

__all__ = ["TRANSITIONS", "MemberEvent", "MemberState", "MembershipMachine"]


class MemberState(enum.Enum):
    IDLE = "idle"
    JOINING = "joining"
    JOINED = "joined"
    LEAVING = "leaving"


class MemberEvent(enum.Enum):
    JOIN = "join"
    JOIN_OK = "join_ok"
    JOIN_FAILED = "join_failed"
    LEAVE = "leave"
    LEAVE_DONE = "leave_done"
    #: Dropped by the service or by the client going away (kick, logout, abort).
    DROPPED = "dropped"


TRANSITIONS: Mapping[tuple[MemberState, MemberEvent], MemberState] = {
    (MemberState.IDLE, MemberEvent.JOIN): MemberState.JOINING,
    (MemberState.JOINING, MemberEvent.JOIN_OK): MemberState.JOINED,
    (MemberState.JOINING, MemberEvent.JOIN_FAILED): MemberState.IDLE,
    (MemberState.JOINING, MemberEvent.DROPPED): MemberState.IDLE,
    (MemberState.JOINED, MemberEvent.LEAVE): MemberState.LEAVING,
    (MemberState.JOINED, MemberEvent.DROPPED): MemberState.IDLE,
    (MemberState.LEAVING, MemberEvent.LEAVE_DONE): MemberState.IDLE,
    (MemberState.LEAVING, MemberEvent.DROPPED): MemberState.IDLE,
}


class MembershipMachine(Machine[MemberState, MemberEvent]):
    def __init__(self) -> None:
        super().__init__("channel membership", TRANSITIONS, MemberState.IDLE)
