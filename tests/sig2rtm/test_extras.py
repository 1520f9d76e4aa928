"""A command missing its extra says in one line which one to install, and exits 2."""

from __future__ import annotations

import pytest

from sig2rtm.extras import EXTRA_MODULES, MissingExtra, missing_module, require
from tests.sig2rtm.clikit import run_cli


@pytest.mark.parametrize(
    ("args", "hidden", "extra"),
    [
        (("serve",), ("websockets",), "server"),
        (("serve", "--port", "0", "--backend", "redis://127.0.0.1:1/0"), ("redis",), "redis"),
        (("demo", "--url", "ws://127.0.0.1:9"), ("websockets",), "server"),
        (("audit", "."), ("tree_sitter",), "audit"),
        (("audit", ".", "-f", "html", "-o", "audit.html"), ("rich",), "audit"),
    ],
)
def test_a_missing_extra_is_one_line_naming_the_install(
    args: tuple[str, ...], hidden: tuple[str, ...], extra: str
) -> None:
    done = run_cli(*args, hide=hidden)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"pip install 'sig2rtm[{extra}]'" in lines[0]
    assert hidden[0] in lines[0]
    assert "Traceback" not in done.stderr


def test_commands_without_extras_still_run_when_extras_are_missing() -> None:
    done = run_cli("tables", hide=("websockets", "tree_sitter", "redis", "prometheus_client"))
    assert done.returncode == 0, done.stderr
    assert "| `messageInstantSend(account, uid, msg, msgID)` |" in done.stdout


def test_the_top_level_help_names_the_extra_of_an_unavailable_command() -> None:
    done = run_cli("--help", hide=("tree_sitter",))
    assert done.returncode == 0
    assert "pip install 'sig2rtm[audit]'" in " ".join(done.stdout.split())


def test_require_and_missing_module_on_this_installation() -> None:
    for extra in EXTRA_MODULES:
        assert missing_module(extra) is None, f"the test environment has every extra: {extra}"
        require(extra, "x")
    error = MissingExtra("running over a gateway", "server", "websockets")
    assert str(error) == (
        "running over a gateway needs the 'server' extra (websockets is not installed): "
        "pip install 'sig2rtm[server]'"
    )
