"""The legacy call registry: one state machine per call (docs/legacy-semantics.md V).

A legacy call is identified by (channel, peer) from each party's side (V, V5). Its life is a
transition table run by :class:`rtm.machine.Machine`, as RTM's own connection and invitation
states are: the role is part of the state (only a callee answers, only a ringing call times
out), and an event the table does not allow raises ``IllegalTransition`` and changes
nothing, so an operation can turn it into the legacy error (V11 ``NO_SUCH_CALL``) without
undoing anything. What each transition reports to the app is decided by the table rows and
the call operations; this module only keeps the facts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from rtm.machine import IllegalTransition, Machine

__all__ = [
    "TRANSITIONS",
    "Call",
    "CallEvent",
    "CallRegistry",
    "CallState",
    "IllegalTransition",
]


class CallState(enum.Enum):
    #: Caller side: sent, the callee has not received it (V3: may wait in its mailbox).
    OUT_SENT = "out_sent"
    #: Caller side: the callee's SDK acknowledged it (V1); the answer countdown runs (V6).
    OUT_RINGING = "out_ringing"
    #: Caller side: the callee accepted (V7).
    OUT_ACCEPTED = "out_accepted"
    #: Callee side: received and not answered yet.
    IN_RINGING = "in_ringing"
    #: Callee side: accepted by this party (V7).
    IN_ACCEPTED = "in_accepted"
    #: Over: refused, ended, timed out, failed or its peer is gone. Final.
    ENDED = "ended"


class CallEvent(enum.Enum):
    PEER_RECEIVED = "peer_received"  # the callee's ack arrived (V1)
    PEER_ACCEPTED = "peer_accepted"  # V7, caller side
    PEER_REFUSED = "peer_refused"  # V8, caller side
    ACCEPT = "accept"  # V7, callee side: channelInviteAccept
    REFUSE = "refuse"  # V8, callee side: channelInviteRefuse
    END = "end"  # V9: channelInviteEnd by this party
    PEER_ENDED = "peer_ended"  # V9: the other party ended it (end signal or RTM cancel)
    OFFLINE_TIMEOUT = "offline_timeout"  # V3: not received within 20 s
    ANSWER_TIMEOUT = "answer_timeout"  # V6: not answered within _timeout (either side's clock)
    PEER_GONE = "peer_gone"  # V12: the peer's session ended (seen OFFLINE)
    FAILED = "failed"  # RTM reported the invitation failed, or V4 at once
    SESSION_ENDED = "session_ended"  # V12: this party's session ends
    DTMF = "dtmf"  # V10: digits sent within a received or accepted call


S, E = CallState, CallEvent
_LIVE = (S.OUT_SENT, S.OUT_RINGING, S.OUT_ACCEPTED, S.IN_RINGING, S.IN_ACCEPTED)
_KNOWN_TO_PEER = (S.OUT_RINGING, S.OUT_ACCEPTED, S.IN_RINGING, S.IN_ACCEPTED)

#: Every allowed (state, event) -> next state; anything else is illegal and changes nothing.
TRANSITIONS: Mapping[tuple[CallState, CallEvent], CallState] = {
    (S.OUT_SENT, E.PEER_RECEIVED): S.OUT_RINGING,
    (S.OUT_SENT, E.PEER_ACCEPTED): S.OUT_ACCEPTED,
    (S.OUT_RINGING, E.PEER_ACCEPTED): S.OUT_ACCEPTED,
    (S.OUT_SENT, E.PEER_REFUSED): S.ENDED,
    (S.OUT_RINGING, E.PEER_REFUSED): S.ENDED,
    (S.OUT_SENT, E.OFFLINE_TIMEOUT): S.ENDED,
    (S.OUT_RINGING, E.ANSWER_TIMEOUT): S.ENDED,
    (S.IN_RINGING, E.ANSWER_TIMEOUT): S.ENDED,
    (S.IN_RINGING, E.ACCEPT): S.IN_ACCEPTED,
    (S.IN_RINGING, E.REFUSE): S.ENDED,
    **{(state, E.END): S.ENDED for state in _LIVE},
    **{(state, E.PEER_ENDED): S.ENDED for state in _LIVE},
    **{(state, E.FAILED): S.ENDED for state in _LIVE},
    **{(state, E.SESSION_ENDED): S.ENDED for state in _LIVE},
    **{(state, E.PEER_GONE): S.ENDED for state in _KNOWN_TO_PEER},
    **{(state, E.DTMF): state for state in _KNOWN_TO_PEER},
}


@attrs.define(eq=False)
class Call:
    """One legacy call as this instance knows it."""

    channel: str
    peer: str
    extra: str
    machine: Machine[CallState, CallEvent]
    #: The RTM invitation object (local for a caller, remote for a callee), once there is one.
    invitation: Any = None
    timers: list[Any] = attrs.field(factory=list)
    #: The peer was seen online since the call began (so a later OFFLINE ends the call).
    peer_online: bool = False

    @property
    def state(self) -> CallState:
        return self.machine.state

    @property
    def outgoing(self) -> bool:
        return self.machine.state in (S.OUT_SENT, S.OUT_RINGING, S.OUT_ACCEPTED)

    @property
    def accepted(self) -> bool:
        return self.machine.state in (S.OUT_ACCEPTED, S.IN_ACCEPTED)

    @property
    def known_to_peer(self) -> bool:
        """The peer has received the call (V9: only then is it told of an end)."""
        return self.machine.state in _KNOWN_TO_PEER

    def fire(self, event: CallEvent) -> CallState:
        """Move the call; raises ``IllegalTransition`` (nothing changed) if not allowed."""
        state = self.machine.fire(event)
        if state is S.ENDED:
            self.cancel_timers()
        return state

    def can(self, event: CallEvent) -> bool:
        return self.machine.can(event)

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


class CallRegistry:
    """The live calls of one legacy instance, by (channel, peer), in creation order."""

    def __init__(self) -> None:
        self._calls: dict[tuple[str, str], Call] = {}

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(list(self._calls.values()))

    def get(self, channel: str, peer: str) -> Call | None:
        return self._calls.get((channel, peer))

    def open(self, channel: str, peer: str, extra: str, *, outgoing: bool) -> Call:
        """A new call; (channel, peer) must be free (V5 is the caller's check)."""
        key = (channel, peer)
        if key in self._calls:
            raise ValueError(f"a call with {peer!r} in {channel!r} exists already")
        initial = S.OUT_SENT if outgoing else S.IN_RINGING
        call = Call(channel, peer, extra, Machine("legacy call", TRANSITIONS, initial))
        self._calls[key] = call
        return call

    def end(self, call: Call, event: CallEvent) -> bool:
        """Fire ``event`` (which must end the call) and forget the call; False, with
        nothing changed, if the call is not live here or the event does not apply."""
        if self._calls.get((call.channel, call.peer)) is not call or not call.can(event):
            return False
        if call.fire(event) is not S.ENDED:
            raise ValueError(f"{event.name} does not end a call")  # pragma: no cover
        del self._calls[(call.channel, call.peer)]
        return True

    def is_live(self, call: Call) -> bool:
        return self._calls.get((call.channel, call.peer)) is call

    def with_peer(self, peer: str) -> list[Call]:
        return [call for call in self._calls.values() if call.peer == peer]

    def by_invitation(self, invitation: object, *, outgoing: bool) -> Call | None:
        for call in self._calls.values():
            if call.invitation is invitation and call.outgoing is outgoing:
                return call
        return None

    def clear(self) -> list[tuple[Call, CallState]]:
        """End every call (this party's session ended, V12), in creation order: each with
        the state it was in, which decides what the peer must be told."""
        ended = [(call, call.state) for call in self._calls.values()]
        for call, _ in ended:
            call.fire(CallEvent.SESSION_ENDED)
        self._calls.clear()
        return ended
