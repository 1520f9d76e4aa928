"""Call invitations: rows V1-V12 of docs/legacy-semantics.md.

A call is keyed by its channel and the unordered pair of accounts, so at most one exists per
channel and pair whoever invited. Its life: *sent* (waiting in the callee's mailbox) ->
*received* (ringing; answer countdown) -> *accepted* (until someone ends it). Refusal,
ending, failure and timeouts remove it. Who "knows" a call matters for who is told about
its end: the caller always, the callee once it has received it.
"""

from __future__ import annotations

import enum
from functools import partial
from typing import Protocol

import attrs

from legacy_signaling.codes import ECODE, INVITE_OFFLINE_WAIT_S
from legacy_signaling.identity import invite_options, legacy_uid
from legacy_signaling.reference.scheduler import Action, Timer
from legacy_signaling.reference.session import Session

__all__ = ["Call", "CallState", "Hub", "Invitations"]

#: Native ``channelInviteEnd`` has no extra, so the peer's ``onInviteEndByPeer`` gets "".
_NO_EXTRA = ""


class CallState(enum.Enum):
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"


@attrs.define(eq=False)
class Call:
    channel: str
    caller: str
    callee: str
    extra: str
    answer_timeout: float
    state: CallState = CallState.SENT
    timer: Timer | None = None

    @property
    def key(self) -> tuple[str, frozenset[str]]:
        return _key(self.channel, self.caller, self.callee)

    def knows(self, account: str) -> bool:
        return account == self.caller or (
            account == self.callee and self.state is not CallState.SENT
        )

    def other(self, account: str) -> str:
        return self.callee if account == self.caller else self.caller


def _key(channel: str, a: str, b: str) -> tuple[str, frozenset[str]]:
    return channel, frozenset((a, b))


class Hub(Protocol):
    """What invitations need from the server."""

    def session(self, account: str) -> Session | None:
        """The account's session, connected or not."""

    def reachable(self, account: str) -> Session | None:
        """The account's session if its connection is up."""

    def post(self, account: str, call: Call) -> None:
        """Put ``call`` in the account's mailbox."""

    def withdraw(self, account: str, call: Call) -> None:
        """Take ``call`` out of the account's mailbox if it is there."""

    def later(self, delay: float, action: Action) -> Timer:
        """Run ``action`` after ``delay`` seconds."""


class Invitations:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._calls: dict[tuple[str, frozenset[str]], Call] = {}

    def find(self, channel: str, a: str, b: str) -> Call | None:
        return self._calls.get(_key(channel, a, b))

    def __len__(self) -> int:
        return len(self._calls)

    # ------------------------------------------------------------------ caller

    def invite(self, caller: Session, channel: str, callee: str, extra: str) -> None:
        """V1, V3, V4, V5; the arguments were validated by the client (V13)."""
        uid = legacy_uid(callee)
        if self.find(channel, caller.account, callee) is not None:
            caller.push("onInviteFailed", channel, callee, uid, ECODE.INVITE_E_REINVITE, extra)
            return
        require_online, answer_timeout = invite_options(extra)
        target = self._hub.reachable(callee)
        if target is None and require_online:
            caller.push("onInviteFailed", channel, callee, uid, ECODE.INVITE_E_PEEROFFLINE, extra)
            return
        call = Call(channel, caller.account, callee, extra, answer_timeout)
        self._calls[call.key] = call
        if target is not None:
            self.receive(call, target)
        else:
            self._hub.post(callee, call)
            call.timer = self._hub.later(INVITE_OFFLINE_WAIT_S, partial(self._never_received, call))

    def _never_received(self, call: Call) -> None:
        """V3: the callee stayed unreachable for 20 s."""
        if self._calls.get(call.key) is not call or call.state is not CallState.SENT:
            return
        self._remove(call)
        self._hub.withdraw(call.callee, call)
        self._push(
            call.caller,
            "onInviteFailed",
            call.channel,
            call.callee,
            legacy_uid(call.callee),
            ECODE.INVITE_E_PEEROFFLINE,
            call.extra,
        )

    # ------------------------------------------------------------------ callee

    def receive(self, call: Call, callee: Session) -> None:
        """The callee's SDK gets the invitation and acks it (V1; V3 from the mailbox)."""
        if self._calls.get(call.key) is not call or call.state is not CallState.SENT:
            return
        self._cancel_timer(call)
        call.state = CallState.RECEIVED
        callee.push(
            "onInviteReceived", call.channel, call.caller, legacy_uid(call.caller), call.extra
        )
        self._push(
            call.caller,
            "onInviteReceivedByPeer",
            call.channel,
            call.callee,
            legacy_uid(call.callee),
        )
        call.timer = self._hub.later(call.answer_timeout, partial(self._unanswered, call))

    def _unanswered(self, call: Call) -> None:
        """V6: received, not answered in time."""
        if self._calls.get(call.key) is not call or call.state is not CallState.RECEIVED:
            return
        self._remove(call)
        self._push(
            call.caller,
            "onInviteFailed",
            call.channel,
            call.callee,
            legacy_uid(call.callee),
            ECODE.INVITE_E_TIMEOUT,
            call.extra,
        )
        self._push(
            call.callee,
            "onInviteEndByPeer",
            call.channel,
            call.caller,
            legacy_uid(call.caller),
            _NO_EXTRA,
        )

    def _ringing(self, callee: Session, channel: str, caller: str) -> Call | None:
        call = self.find(channel, callee.account, caller)
        if call is None or call.callee != callee.account or call.state is not CallState.RECEIVED:
            return None
        return call

    def accept(self, callee: Session, channel: str, caller: str, extra: str) -> bool:
        """V7; False when there is no ringing call from ``caller`` (V11)."""
        call = self._ringing(callee, channel, caller)
        if call is None:
            return False
        self._cancel_timer(call)
        call.state = CallState.ACCEPTED
        self._push(caller, "onInviteAcceptedByPeer", channel, callee.account, callee.uid, extra)
        return True

    def refuse(self, callee: Session, channel: str, caller: str, extra: str) -> bool:
        """V8; False when there is no ringing call from ``caller`` (V11)."""
        call = self._ringing(callee, channel, caller)
        if call is None:
            return False
        self._remove(call)
        self._push(caller, "onInviteRefusedByPeer", channel, callee.account, callee.uid, extra)
        return True

    # ------------------------------------------------------------------ either side

    def end(self, me: Session, channel: str, peer: str) -> bool:
        """V9; False when ``me`` knows no call with ``peer`` in ``channel`` (V11)."""
        call = self.find(channel, me.account, peer)
        if call is None or not call.knows(me.account):
            return False
        self._remove(call)
        me.push("onInviteEndByMyself", channel, peer, legacy_uid(peer))
        self._tell_end(call, me.account)
        return True

    def dtmf(self, me: Session, channel: str, peer: str, digits: str) -> bool:
        """V10; False unless both sides know the call (V11)."""
        call = self.find(channel, me.account, peer)
        if call is None or call.state is CallState.SENT:
            return False
        self._push(peer, "onInviteMsg", channel, me.account, me.uid, "DTMF", digits, _NO_EXTRA)
        return True

    def end_party(self, account: str) -> None:
        """V12: ``account``'s session ended; end each call it knows, in creation order."""
        for call in list(self._calls.values()):
            if call.knows(account):
                self._remove(call)
                self._tell_end(call, account)

    # ------------------------------------------------------------------ helpers

    def _tell_end(self, call: Call, ender: str) -> None:
        other = call.other(ender)
        if call.knows(other):
            self._push(
                other, "onInviteEndByPeer", call.channel, ender, legacy_uid(ender), _NO_EXTRA
            )
        else:
            self._hub.withdraw(other, call)

    def _push(self, account: str, name: str, *args: object) -> None:
        session = self._hub.session(account)
        if session is None:
            raise AssertionError(f"{account!r} is part of a live call but has no session")
        session.push(name, *args)

    def _remove(self, call: Call) -> None:
        self._cancel_timer(call)
        del self._calls[call.key]

    @staticmethod
    def _cancel_timer(call: Call) -> None:
        if call.timer is not None:
            call.timer.cancel()
            call.timer = None
