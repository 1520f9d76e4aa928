"""Running ``sig2rtm`` as a user does: a child process, optionally with extras hidden."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["REPO", "run_cli"]

REPO = Path(__file__).resolve().parents[2]

#: Installed in the child before the CLI runs: imports of these top-level modules fail as
#: they do in an installation without the extra (``pip install -e .`` alone).
_BLOCKER = """
import importlib.abc, sys
class _Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _Hide())
from sig2rtm.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def run_cli(
    *args: str,
    hide: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: float = 120,
    cwd: Path = REPO,
) -> subprocess.CompletedProcess[str]:
    """``sig2rtm ARGS`` in a child process with the modules ``hide`` names missing."""
    code = f"HIDDEN = {set(hide)!r}\n" + _BLOCKER
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=environment,
        check=False,
    )
