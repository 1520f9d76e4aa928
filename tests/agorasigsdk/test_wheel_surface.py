"""sig2rtm's ``agorasigsdk`` against the real ``agora-signaling-sdk==1.0.2`` wheel.

Both public surfaces are dumped by ``fixtures/dump_surface.py`` (modules, classes, methods
and their parameters, constants and their values): the real one in the wheel's own
virtualenv, ours here. Every difference must be in :data:`ALLOWED`, with its reason, and
every entry of :data:`ALLOWED` must still be a difference (so the list stays true).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import agorasigsdk
from agorasigsdk import message_details, web2_lbs
from tests.adapters.wire.kit import LegacyNode
from tests.rtm.netkit import REPO

DUMP = Path(__file__).with_name("fixtures") / "dump_surface.py"

_STATE = "LoginSessionState is an IntEnum: each member == 1.0.2's int, and prints its name"
_FACTORY = "keyword-only native_factory: sig2rtm's choice of native instance (an addition)"
_DEBUG = "debug_params defaults to () not []: 1.0.2's shared mutable default; both read as empty"
_RUNTIME = "run_forever()/stop() replace reactor.run()/reactor.stop() (there is no Twisted)"
_CODES = "native SDK codes 1.0.2's table lacked; an extra name breaks no import"

#: Differences from the 1.0.2 wheel, each with why.
ALLOWED: dict[str, str] = {
    "agorasigsdk.agora_signal.AgoraSignal.__init__": _FACTORY,
    "agorasigsdk.agora_signal.AgoraSignal.login": _DEBUG,
    "agorasigsdk.login_session.LoginSession.__init__": f"{_FACTORY}; {_DEBUG}",
    **{
        f"agorasigsdk.login_session_state.LoginSessionState.{name}": _STATE
        for name in ("INIT", "CONNECTING", "LOGINED", "LOGOUT", "LOGINFAILED")
    },
    "agorasigsdk:runtime": _RUNTIME,
    "agorasigsdk:run_forever": _RUNTIME,
    "agorasigsdk:stop": _RUNTIME,
    "agorasigsdk.runtime:run_forever": _RUNTIME,
    "agorasigsdk.runtime:stop": _RUNTIME,
    "agorasigsdk:GENERAL_E_LARGE_PARAM": _CODES,
    "agorasigsdk:LOGIN_E_INVALID_USER": _CODES,
    "agorasigsdk.signal_consts:GENERAL_E_LARGE_PARAM": _CODES,
    "agorasigsdk.signal_consts:LOGIN_E_INVALID_USER": _CODES,
}


def _dump(python: str | Path, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run(
        [str(python), str(DUMP)], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return _flat(json.loads(done.stdout))


def _flat(surface: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for module, names in surface["modules"].items():
        for name, value in names.items():
            out[f"{module}:{name}"] = json.dumps(value)

    def members(prefix: str, cls: dict[str, Any]) -> None:
        for name, value in cls.items():
            if isinstance(value.get("class"), dict):
                out[f"{prefix}.{name}"] = "class"
                members(f"{prefix}.{name}", value["class"])
            else:
                out[f"{prefix}.{name}"] = json.dumps(value)

    for qualname, cls in surface["classes"].items():
        members(qualname, cls)
    return out


def test_the_public_surface_matches_the_real_wheel(legacy_sdk_python: Path) -> None:
    real = _dump(legacy_sdk_python, Path("/"), {"PATH": "/usr/bin:/bin"})
    ours = _dump(sys.executable, REPO, {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert "agorasigsdk:SUCCESS" in real and "agorasigsdk.rpc.RPC.register" in real
    differences = {k for k in real.keys() | ours.keys() if real.get(k) != ours.get(k)}
    unexplained = {k: (real.get(k), ours.get(k)) for k in differences - ALLOWED.keys()}
    assert not unexplained, f"differences from agorasigsdk 1.0.2 with no reason: {unexplained}"
    assert not ALLOWED.keys() - differences, "allow-list entries that no longer differ"


def test_names_that_cannot_work_exist_and_say_why() -> None:
    with pytest.raises(NotImplementedError, match="web2"):
        agorasigsdk.RPC("app", "token")
    with pytest.raises(NotImplementedError, match="web2"):
        agorasigsdk.AgoraSignal("app").create_rpc_session("token")
    with pytest.raises(NotImplementedError, match="web2"):
        agorasigsdk.AgoraSignal("app").join_channel2("room")
    with pytest.raises(NotImplementedError, match="web2"):
        agorasigsdk.Channel2("app", "room")
    with pytest.raises(NotImplementedError, match="legacy-port"):
        agorasigsdk.ClientFactory(None, "ws://x/")
    with pytest.raises(NotImplementedError, match=r"send_cmd: .*native shim"):
        agorasigsdk.LoginSession.send_cmd(object(), "[]")


def test_the_helpers_that_can_work_behave_as_in_1_0_2() -> None:
    details = message_details.MessageDetails("msg-v2 alice bob v1:E:60 instant 1700 hi there")
    assert (details.msg_src, details.msg_dst, details.msg_type, details.msg_content) == (
        "alice",
        "bob",
        "instant",
        "hi there",
    )
    assert web2_lbs.format_websocket_url("1.2.3.4", 8000) == "ws://1-2-3-4-sig-web.agora.io:8000/"
    servers = web2_lbs.get_web2_addresses({"web": [], "web2": [["5.6.7.8", 8003]]})
    assert servers is not None and [(s.ip, s.port) for s in servers] == [("5.6.7.8", 8003)]
    url, server = web2_lbs.get_web2_url(servers)
    assert url == "ws://5-6-7-8-sig-web.agora.io:8003/" and server is servers[0]
    assert web2_lbs.get_web2_url([]) == (None, None)
    node = LegacyNode()
    try:  # query_lbs asks a real LBS: sig2rtm's, on the legacy port
        answer = web2_lbs.query_lbs("app", url=node.legacy_url)
        assert answer == {"web": [["127.0.0.1", node.legacy_port]], "web2": []}
    finally:
        node.close()


def test_importing_configures_logging_as_1_0_2_did() -> None:
    code = "import logging, agorasigsdk; r = logging.getLogger(); print(r.level, len(r.handlers))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [str(logging.INFO), "1"]
