"""The legacy reconnect emulation's held pushes: released in time order at the core's
hand-over marks (C2), dropped when the session ends while the link is down (C3, L6)."""

from __future__ import annotations

from typing import Any

from adapters.signaling.reconnect import ReconnectEmulation


class _Timer:
    def cancel(self) -> None:
        pass


def _emulation() -> ReconnectEmulation:
    def call_later(delay: float, fn: Any, *args: Any) -> _Timer:
        return _Timer()

    return ReconnectEmulation(call_later, lambda attempt: None, lambda: None)


def test_held_pushes_wait_for_the_marks_of_their_time_then_the_end() -> None:
    link = _emulation()
    link.start()
    assert link.holding
    link.hold(("onInviteFailed", ("a",)), 10.0)
    link.hold(("onInviteEndByPeer", ("b",)), 20.0)
    link.cancel()
    link.reconnected()
    assert link.handing_over and link.holding, "back, but the core's hand-over is to come"
    assert link.release(9_999) == []
    assert link.release(10_000) == [("onInviteFailed", ("a",))], "a tie goes first"
    link.hold(("onInviteFailed", ("c",)), 25.0)  # made during the hand-over: waits its turn
    assert link.release(15_000) == []
    assert link.release(None) == [("onInviteEndByPeer", ("b",)), ("onInviteFailed", ("c",))]
    assert not link.holding


def test_nothing_held_nothing_waits_and_an_ended_session_drops_what_was_held() -> None:
    link = _emulation()
    link.start()
    link.cancel()
    link.reconnected()
    assert not link.holding
    link.start()
    link.hold(("onInviteFailed", ("a",)), 1.0)
    link.cancel()
    link.discard()  # kicked while the link was down (L6)
    link.reconnected()
    assert not link.holding
    assert link.release(None) == []
