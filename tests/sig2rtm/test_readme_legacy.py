"""README's "The original legacy SDKs, unmodified" runs as shown: the serve command, the
lookup and its answer, and the 1.0.2 Python app (with the real SDK) both ways it names.

Only the port numbers are replaced by free ones (9000/9001 may be taken on a test machine).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.rtm.netkit import REPO, free_port

README = REPO / "README.md"
SECTION = "## The original legacy SDKs, unmodified"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


def _blocks(section: str, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section, re.S)


def test_readme_legacy_commands_run_as_shown(legacy_sdk_python: Path, tmp_path: Path) -> None:
    section = _section()
    console = _blocks(section, "console")[0].splitlines()
    app = _blocks(section, "python")[0]
    assert console[0] == "$ sig2rtm serve --port 9000 --legacy-port 9001"
    port, legacy = free_port(), free_port()

    def ports(text: str) -> str:
        return text.replace("9001", str(legacy)).replace("9000", str(port))

    serve = shlex.split(ports(console[0][2:]))
    node = subprocess.Popen(
        [sys.executable, "-m", "sig2rtm", *serve[1:]],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
    )
    try:
        assert node.stdout is not None
        while not node.stdout.readline().startswith("listening on "):
            assert node.poll() is None, "serve exited"
        curl, answer = console[1], console[2]
        url = shlex.split(ports(curl))[-1]
        assert curl.startswith("$ curl -s ")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read().decode() == ports(answer)
        run, printed = console[3], console[4]
        env_assignment, command = ports(run[2:]).split(" ", 1)
        name, value = env_assignment.split("=", 1)
        assert command == "python3 app.py"
        (tmp_path / "app.py").write_text(app)
        clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        done = subprocess.run(
            [str(legacy_sdk_python), "app.py"],
            cwd=tmp_path,
            env={**clean, name: value, "NO_PROXY": ""},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.stdout.strip() == printed, done.stderr[-2000:]
        # the debug switch the README names instead of HTTP_PROXY, in the one login line
        line = re.search(r"`(login\(\"alice\".*?\))`", section)
        assert line is not None
        debug = app.replace('login("alice", "_no_need_token", Callback())', ports(line.group(1)))
        assert debug != app
        (tmp_path / "app_debug.py").write_text(debug)
        done = subprocess.run(
            [str(legacy_sdk_python), "app_debug.py"],
            cwd=tmp_path,
            env=clean,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.stdout.strip() == printed, done.stderr[-2000:]
    finally:
        node.terminate()
        node.wait(15)
