"""Two ``sig2rtm demo --url ... --as X --peer Y`` processes, one legacy app each, talk
through a gateway process (and across two gateway nodes sharing Redis)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.rtm.netkit import REPO, GatewayProcess, RedisServer


def _demo(url: str, me: str, peer: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sig2rtm", "demo", "--url", url, "--as", me, "--peer", peer,
         "--timeout", "20", *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
    )  # fmt: skip


def _talk(alice_url: str, bob_url: str, *extra: str) -> tuple[str, str]:
    alice = _demo(alice_url, "alice", "bob", *extra)
    bob = _demo(bob_url, "bob", "alice", *extra)
    out_a, _ = alice.communicate(timeout=60)
    out_b, _ = bob.communicate(timeout=60)
    assert alice.returncode == 0, out_a
    assert bob.returncode == 0, out_b
    return out_a, out_b


def _heard(out: str, me: str, peer: str) -> None:
    assert f"{me} <- onMessageInstantReceive('{peer}', 0, 'hello {me}, from {peer}')" in out
    assert f"{me} <- onMessageChannelReceive('pair-demo', '{peer}'," in out
    assert f"sig2rtm demo: {me} and {peer} talked through the gateway" in out


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_two_demo_processes_talk_through_one_gateway(flavour: str) -> None:
    node = GatewayProcess()
    try:
        out_a, out_b = _talk(node.url, node.url, "--flavour", flavour)
    finally:
        node.close()
    _heard(out_a, "alice", "bob")
    _heard(out_b, "bob", "alice")


def test_two_demo_processes_on_two_nodes_talk_through_redis(redis_server: RedisServer) -> None:
    a = GatewayProcess("--backend", redis_server.url, "--node-id", "pair-a")
    b = GatewayProcess("--backend", redis_server.url, "--node-id", "pair-b")
    try:
        out_a, out_b = _talk(a.url, b.url)
    finally:
        a.close()
        b.close()
    _heard(out_a, "alice", "bob")
    _heard(out_b, "bob", "alice")


def test_as_without_a_gateway_is_refused_with_the_reason() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sig2rtm", "demo", "--as", "alice", "--peer", "bob"],
        check=False,
        cwd=REPO,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "--as USER needs --peer USER and --url" in done.stderr


def test_a_peer_that_never_comes_times_out_saying_so() -> None:
    node = GatewayProcess()
    try:
        lonely = _demo(node.url, "alice", "nobody", "--timeout", "1")
        out, _ = lonely.communicate(timeout=60)
    finally:
        node.close()
    assert lonely.returncode == 1
    assert "timed out after 1s waiting for nobody in pair-demo" in out
