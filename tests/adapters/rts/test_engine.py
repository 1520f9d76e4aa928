"""The engine's own behaviour: onSysStats every 2 s, row errors named, callbacks isolated."""

from __future__ import annotations

import os

import pytest

import rtm
from adapters.rts.engine import SYS_STATS_PERIOD_S
from adapters.rts.handlers import IRTSEventHandler, SysStats
from mapping_tables.codegen import RowError
from rtm.objects import server_message
from tests.adapters.rts.kit import EngineHandler, Rts


def test_sys_stats_every_two_seconds(rts: Rts) -> None:
    engine = rts.engine("alice")
    handler = engine.handler
    assert isinstance(handler, EngineHandler)
    rts.world.advance(SYS_STATS_PERIOD_S - 0.01)
    assert handler.stats == []
    rts.world.advance(0.01)
    assert len(handler.stats) == 1
    rts.world.advance(2 * SYS_STATS_PERIOD_S)
    assert len(handler.stats) == 3
    stats = handler.stats[-1]
    assert isinstance(stats, SysStats)
    assert stats.cpu_cores == os.cpu_count()
    assert 0.0 <= stats.cpu_app_usage <= stats.cpu_total_usage <= 1.0
    assert stats.source == "/proc"
    assert stats.memory_usage > 1.0  # this process's resident set, MB
    assert stats.full_memory > stats.memory_usage
    assert 0.0 < stats.memory_ratio < 100.0
    engine.destroyRTS()
    rts.world.advance(2 * SYS_STATS_PERIOD_S)
    assert len(handler.stats) == 3  # none after destroy


def test_a_failing_callback_is_logged_and_the_next_one_still_runs(
    rts: Rts, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[int] = []

    class Broken(IRTSEventHandler):
        def onLoginResult(self, uid: str, error_code: int, elapsed: int) -> None:
            raise RuntimeError("app bug")

        def onNetworkTypeChanged(self, type: int) -> None:
            seen.append(type)

    engine = rts.engine("alice")
    engine.setRtsEventHandler(Broken())
    engine.login("t", "alice")
    rts.world.run()
    assert "exception in RTS callback onLoginResult" in caplog.text
    assert seen == [1]


def test_a_row_error_names_the_table_line(rts: Rts) -> None:
    engine = rts.engine("alice")
    with pytest.raises(RowError, match=r"rts\.toml:\d+: event row onMessageSendResult"):
        engine.on_rtm_event(
            "IRtmServiceEventHandler.onSendMessageResult",
            {"messageId": 1, "errorCode": 4242},  # no [[code]] row for it
            None,
            "",
            "",
        )


def test_a_server_message_for_a_room_not_joined_is_dropped_with_a_log_line(
    rts: Rts, caplog: pytest.LogCaptureFixture
) -> None:
    (alice,) = rts.online("alice")
    rts.room(alice, "lobby", "alice/lobby")  # created, not joined
    caplog.set_level("INFO", logger="sig2rtm.rts")
    message = server_message(rtm.RtmMessage("for the lobby").payload(), 0, False, "lobby")
    params = {"peerId": "biz", "message": message}
    alice.on_rtm_event("IRtmServiceEventHandler.onMessageReceivedFromPeer", params, None, "", "")
    rts.world.run()
    assert rts.trace.of("alice/lobby") == []
    assert rts.args("alice", "onMessageReceived") == []
    assert "a server message for room 'lobby', which is not joined: dropped" in caplog.text
