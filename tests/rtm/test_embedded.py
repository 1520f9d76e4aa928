"""The embedded default core, the process-wide default, and the in-process transport
(frames are queued, never delivered inside send())."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import rtm
from rtm import protocol as p
from rtm.embedded import URL_ENV, EmbeddedCore, InProcTransport, default_core, set_default_core
from rtm.scheduler import DeterministicScheduler, ThreadedScheduler
from rtm.service.memory import MemoryBackend

APP = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def no_default() -> Iterator[None]:
    set_default_core(None)
    yield
    set_default_core(None)


def test_deterministic_core_parts() -> None:
    core = EmbeddedCore.deterministic()
    assert isinstance(core.scheduler, DeterministicScheduler)
    assert isinstance(core.backend, MemoryBackend)
    assert core.service.scheduler is core.scheduler
    core.close()  # nothing to stop


def test_clients_without_a_core_use_the_default(no_default: None) -> None:
    core = EmbeddedCore.deterministic()
    set_default_core(core)
    assert default_core() is core
    client = rtm.RtmClient()
    assert client.core is core
    service = rtm.createRtmService()
    assert service.core is core


def test_default_core_is_created_once_and_is_threaded(
    no_default: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    core = default_core()
    try:
        assert default_core() is core
        assert isinstance(core, EmbeddedCore)
        assert isinstance(core.scheduler, ThreadedScheduler)
    finally:
        assert isinstance(core, EmbeddedCore)
        core.close()


def test_gateway_url_without_the_network_transport_is_a_clear_error(
    no_default: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_ENV, "ws://127.0.0.1:1")
    monkeypatch.setitem(sys.modules, "rtm.net", None)  # make the import fail
    monkeypatch.delattr(rtm, "net", raising=False)  # ... also when another test imported it
    with pytest.raises(SystemExit, match=r"^sig2rtm: SIG2RTM_URL=ws://127.0.0.1:1 needs the "
                       r"'server' extra .*: pip install 'sig2rtm\[server\]'$"):  # fmt: skip
        default_core()


def test_run_until_idle_on_a_threaded_core_waits_for_callbacks() -> None:
    core = EmbeddedCore()
    try:
        seen: list[str] = []
        core.scheduler.call_soon(core.scheduler.deliver, seen.append, "x")
        core.run_until_idle()
        assert seen == ["x"]
    finally:
        core.close()


REPO = Path(__file__).resolve().parents[2]

LEGACY_APP = """
from adapters.signaling import getInstance
getInstance("my-app-id")
print("got an instance")
"""


@pytest.mark.parametrize("url", ["garbage", "http://127.0.0.1:9000"])
def test_a_bad_sig2rtm_url_stops_the_app_with_one_line(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LEGACY_APP],
        env={**os.environ, "PYTHONPATH": str(REPO), "SIG2RTM_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"sig2rtm: SIG2RTM_URL: {url!r} is not a ws:// or wss:// URL "
        "(a gateway's address, like ws://127.0.0.1:9000)"
    )


# --- the in-process transport ----------------------------------------------------------


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
    assert isinstance(transport, InProcTransport)
    transport.close()
    # The session still exists until the service runs the close; a frame routed to it
    # meanwhile is dropped, not handed to the closed client.
    core.backend.deliver(transport.session, p.Result(1, 0))
    core.run_until_idle()
    assert got == []
    assert core.service.session_count == 0
