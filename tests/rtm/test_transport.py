"""The in-process transport: frames are queued, never delivered inside send()."""

from __future__ import annotations

import pytest

from rtm import protocol as p
from rtm.embedded import EmbeddedCore
from rtm.scheduler import DeterministicScheduler
from rtm.transport import InProcTransport

APP = "0123456789abcdef0123456789abcdef"


def test_send_is_deferred_and_frames_come_back_through_on_frame() -> None:
    core = EmbeddedCore.deterministic()
    got: list[p.ServerFrame] = []
    transport = core.connect(got.append)
    assert isinstance(transport, InProcTransport)
    transport.send(p.Login(1, APP, "alice", None))
    assert got == []  # nothing happens inside send()
    core.run_until_idle()
    assert got == [p.Result(1, 0)]
    assert core.service.session_count == 1


def test_close_ends_the_session_and_refuses_further_frames() -> None:
    core = EmbeddedCore.deterministic()
    got: list[p.ServerFrame] = []
    transport = core.connect(got.append)
    transport.send(p.Login(1, APP, "alice", None))
    core.run_until_idle()
    watcher_frames: list[p.ServerFrame] = []
    watcher = core.connect(watcher_frames.append)
    watcher.send(p.Login(1, APP, "bob", None))
    watcher.send(p.QueryOnline(2, ("alice",)))
    core.run_until_idle()
    assert watcher_frames[-1] == p.Result(2, 0, (("alice", 0),))
    transport.close()
    transport.close()  # idempotent
    with pytest.raises(ConnectionError):
        transport.send(p.Logout(2))
    core.run_until_idle()
    assert core.service.session_count == 1
    watcher.send(p.QueryOnline(3, ("alice",)))
    core.run_until_idle()
    assert watcher_frames[-1] == p.Result(3, 0, (("alice", 2),))
    assert got == [p.Result(1, 0)]  # nothing reaches a closed transport


def test_frames_for_a_closed_link_are_dropped() -> None:
    core = EmbeddedCore(DeterministicScheduler())
    got: list[p.ServerFrame] = []
    transport = core.connect(got.append)
    transport.close()
    transport._link(p.Result(1, 0))
    assert got == []
