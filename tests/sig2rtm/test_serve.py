"""``sig2rtm serve``: settings from flags, environment and file; JSON logs; SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rtm import net
from sig2rtm.cli import main
from tests.rtm.netkit import APP, REPO, GatewayProcess, RedisServer, free_port, wait_until


def test_bad_settings_exit_2_naming_the_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--backend", "mysql://x"]) == 2
    assert "memory or redis://" in capsys.readouterr().err


def test_a_missing_config_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--config", str(tmp_path / "none.toml")]) == 2
    assert "config file" in capsys.readouterr().err


def test_serve_runs_from_file_and_environment_and_stops_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('node_id = "from-file"\nping_interval = 2.5\n')
    node = GatewayProcess(
        "--config", str(config), env={"SIG2RTM_NODE_ID": "from-env", "SIG2RTM_LOG_LEVEL": "info"}
    )
    try:
        base = node.url.replace("ws://", "http://")
        with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
            assert response.read() == b"ready\n"
        assert node.terminate() == 0
        wait_until(lambda: any("gateway stopped" in line for line in node.log), 5)
        records = [json.loads(line) for line in node.log if line.startswith("{")]
        listening = next(r for r in records if r["msg"] == "gateway listening")
        assert listening["node"] == "from-env", "the environment wins over the file"
        assert {"ts", "level", "logger"} <= listening.keys()
    finally:
        node.close()


def test_serve_gives_up_waiting_for_redis_with_one_line() -> None:
    """Nothing at the Redis address: a bounded, logged wait, then one line and exit 1."""
    from tests.sig2rtm.clikit import run_cli

    url = f"redis://127.0.0.1:{free_port()}/0"
    done = run_cli("serve", "--port", "0", "--backend", url, "--backend-wait", "1.5",
                   "--plain-logs")  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    waits = [line for line in lines if "waiting for redis at" in line]
    assert 2 <= len(waits) <= 8, "each try is logged, with a doubling delay"
    assert lines[-1] == (
        f"sig2rtm serve: redis at {url} did not answer within 1.5 s ({len(waits) + 1} "
        "attempts): start it, or point --backend at it"
    )


def test_sigterm_while_waiting_for_redis_exits_0() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sig2rtm", "serve", "--port", "0", "--plain-logs",
         "--backend", f"redis://127.0.0.1:{free_port()}/0"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    while "waiting for redis" not in proc.stderr.readline():
        pass
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "gateway stopped" in err
    assert out == "", "it never listened"


def test_redis_down_refuses_logins_with_a_reason_and_sigterm_is_clean() -> None:
    import rtm

    server = RedisServer()
    node = GatewayProcess(
        "--backend", server.url, "--heartbeat", "0.2", "--plain-logs",
        env={"SIG2RTM_LOG_LEVEL": "info"},
    )  # fmt: skip
    core = net.connect_core(node.url)
    try:
        results: list[tuple[str, object]] = []

        def login(user: str) -> None:
            client = rtm.RtmClient.createInstance(APP, rtm.RtmClientListener(), core)
            client.login(
                None,
                user,
                rtm.ResultCallback.of(
                    lambda _: results.append((user, "ok")),
                    lambda e: results.append((user, (e.errorCode, e.errorDescription))),
                ),
            )

        login("before")
        wait_until(lambda: ("before", "ok") in results, 10, "a login while Redis is up")
        server.kill()
        base = node.url.replace("ws://", "http://")
        wait_until(lambda: _status(base + "/readyz") == 503, 10, "/readyz to say not ready")
        login("during")
        refused = wait_until(lambda: [r for u, r in results if u == "during"], 10)[0]
        assert refused == (
            rtm.LOGIN_ERR_CODE.LOGIN_ERR_REJECTED,
            "service unavailable: its backend is unreachable; try again later",
        )
        code = node.terminate()
        node._reader.join(10)
        log = "".join(node.log)
        assert code == 0, log
        assert "gateway stopped" in log
        assert "Traceback" not in log
        assert "login of 'during' refused: service unavailable" in log  # the reason, logged
    finally:
        core.close()
        node.close()
        server.close()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_serve_with_the_business_server_api() -> None:
    """``--http-port`` serves the API; its key comes from the environment here."""
    import httpx

    node = GatewayProcess("--http-port", "0", env={"SIG2RTM_SERVER_API_KEY": f"{APP}:k3y"})
    try:
        (banner,) = [line for line in node.banner if line.startswith("business-server API on")]
        base = banner.split()[-1]
        body = {"AppId": APP, "From": "biz", "To": "nobody", "Binary": False, "Message": "x"}
        query = {"Action": "SendUnicast", "Version": "2023-07-20"}
        with httpx.Client(base_url=base, trust_env=False) as http:
            wrong, right = ({"Authorization": f"Bearer {key}"} for key in ("no", "k3y"))
            refused = http.post("/", params=query, json=body, headers=wrong)
            offline = http.post("/", params=query, json=body, headers=right)
            spec = http.get("/openapi.json")
        assert refused.status_code == 401
        assert offline.json()["ResponseMetadata"]["Error"]["Code"] == "UserNotOnline"
        assert spec.json()["info"]["title"] == "sig2rtm business-server API"
    finally:
        assert node.terminate() == 0
