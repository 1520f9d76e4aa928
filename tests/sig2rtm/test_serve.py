"""``sig2rtm serve``: settings from flags, environment and file; JSON logs; SIGTERM."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from sig2rtm.cli import main
from tests.rtm.netkit import GatewayProcess, wait_until


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
