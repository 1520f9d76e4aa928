"""``sig2rtm``: --version, every default in --help, and output cut short without a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import sig2rtm
from sig2rtm.cli import EXIT_BROKEN_PIPE, main
from tests.sig2rtm.clikit import REPO


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"sig2rtm {sig2rtm.__version__}"


def test_serve_help_shows_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    options = re.findall(r"(--[a-z-]+) [A-Z_]+ ", text.split("options:")[1])
    assert "--session-grace" in options and "--backend" in options
    for option in [*options, "--plain-logs"]:
        described = text.split(f" {option} ", 1)[1].split(" --", 1)[0]
        assert "(default: " in described, option
    assert "--port PORT port for WebSocket and HTTP (0 picks a free one) (default: 9000)" in text


def test_unknown_arguments_of_an_available_command_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["tables", "--nope"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["demo"], ["demo", "--rtm"], ["tables"]])
def test_output_to_a_reader_that_left_ends_quietly(args: list[str]) -> None:
    """``sig2rtm demo | head -2``: the reader is gone (here before the first line, so the
    outcome does not depend on timing); the command ends with the broken-pipe status and
    says nothing, from the main thread or the callback threads."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sig2rtm", *args],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == EXIT_BROKEN_PIPE
