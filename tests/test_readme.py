"""Every code block of README.md runs as shown and prints what the README says it prints.

Python blocks run as scripts; a ```text block right after a code block is the output it
must print (a line ``…`` stands for lines left out). Console blocks run in order, on a fresh
copy of the project with its own virtualenv, as a newcomer would: gateways they start run
in the background (and must stop cleanly on SIGTERM), commands ending in ``&`` run beside
the next ones, ``cd`` moves the shell. Only what cannot be run inside a test is rewritten,
and only as listed here: fixed ports become free ones, Redis is a private redis-server, a
placeholder path becomes a test fixture, and ``./scripts/test`` (which runs this very test)
is not run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from tests.rtm.netkit import RedisServer, free_port

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"

#: Commands a test cannot run, with the reason.
NOT_RUN = {"./scripts/test": "runs the whole suite, this test included"}
#: Placeholders of the README -> what the test uses instead.
PLACEHOLDER_PATH = ("path/to/app", "tests/migration_audit/fixtures/project/android")
SKIP = "…"


@attrs.frozen
class Block:
    lang: str
    text: str
    line: int
    #: The ```text block printed by this one, if the README shows it.
    output: str | None = None


#: README sections whose blocks another test runs, with what they need (the real legacy SDK
#: in its own virtualenv): tests/sig2rtm/test_readme_legacy.py.
RUN_ELSEWHERE = frozenset({"## The original legacy SDKs, unmodified"})


def test_the_sections_run_elsewhere_have_their_test() -> None:
    legacy = (REPO / "tests" / "sig2rtm" / "test_readme_legacy.py").read_text(encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    for heading in RUN_ELSEWHERE:
        assert heading in text.splitlines()
        assert f'SECTION = "{heading}"' in legacy  # that test reads this very section


def readme_blocks() -> list[Block]:
    """The fenced code blocks, each with the ```text block that follows it, if any."""
    found: list[Block] = []
    lines = README.read_text(encoding="utf-8").splitlines()
    index = 0
    elsewhere = False
    while index < len(lines):
        if lines[index].startswith("## "):
            elsewhere = lines[index] in RUN_ELSEWHERE
        fence = re.fullmatch(r"```(\w*)", lines[index])
        if not fence:
            index += 1
            continue
        if elsewhere:  # that section's test runs its blocks (with what they need)
            index = lines.index("```", index + 1) + 1
            continue
        start = index + 1
        end = lines.index("```", start)
        lang, text = fence.group(1), "\n".join(lines[start:end]) + "\n"
        index = end + 1
        if lang == "text":
            assert found, f"README.md:{start}: an output block follows no code block"
            last = found[-1]
            found[-1] = attrs.evolve(last, output=text)
        else:
            found.append(Block(lang, text, start))
    return found


def assert_prints(actual: str, expected: str, where: str) -> None:
    """``actual`` holds ``expected``'s lines in order; ``…`` lines skip any number of lines,
    and a block not ending in ``…`` must match to the end."""
    have = actual.splitlines()
    chunks: list[list[str]] = [[]]
    for line in expected.splitlines():
        if line == SKIP:
            chunks.append([])
        else:
            chunks[-1].append(line)
    at = 0
    for number, chunk in enumerate(chunks):
        if not chunk:
            continue
        anchored = number == 0
        positions = [at] if anchored else range(at, len(have) - len(chunk) + 1)
        match = next((i for i in positions if have[i : i + len(chunk)] == chunk), None)
        assert match is not None, (
            f"{where}: the README shows output that the command does not print:\n"
            + "\n".join(chunk)
            + "\n--- it printed ---\n"
            + actual
        )
        at = match + len(chunk)
    if chunks[-1]:
        assert at == len(have), f"{where}: printed more than the README shows:\n{actual}"


def test_the_readme_has_the_blocks_this_test_runs() -> None:
    blocks = readme_blocks()
    assert {b.lang for b in blocks} == {"python", "console"}, "a block this test cannot run"
    assert sum(b.lang == "python" for b in blocks) >= 2
    assert all(b.output for b in blocks if b.lang == "python"), "each snippet shows its output"


@pytest.mark.parametrize(
    "block", [b for b in readme_blocks() if b.lang == "python"], ids=lambda b: f"line{b.line}"
)
def test_python_snippet_prints_what_the_readme_says(block: Block, tmp_path: Path) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(block.text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIG2RTM_")}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert block.output is not None
    assert_prints(done.stdout, block.output, f"README.md:{block.line}")


def test_assert_prints_matches_skips_and_ends() -> None:
    assert_prints("a\nb\nc\nd\n", "a\n…\nc\n…\n", "x")
    assert_prints("a\nb\n", "a\nb\n", "x")
    for wrong in ("a\nc\n", "b\n…\n", "a\n"):
        with pytest.raises(AssertionError):
            assert_prints("a\nb\nc\n", wrong, "x")


# --- console blocks on a fresh copy ------------------------------------------------------


def _copy_project(target: Path) -> None:
    """What a clone holds: tracked files and new ones not ignored (no .venv, no caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _commands(block: Block) -> Iterator[str]:
    for line in block.text.splitlines():
        assert line.startswith("$ "), f"README.md:{block.line}: not a command: {line!r}"
        yield line[2:]


class _Shell:
    """Runs README commands in one project copy: cwd, background jobs, substitutions."""

    def __init__(self, home: Path, redis: RedisServer) -> None:
        self.home = home
        self.cwd = home
        self.ports = {"9000": str(free_port()), "9001": str(free_port())}
        self.redis = redis
        self.servers: list[subprocess.Popen[str]] = []
        self.jobs: list[tuple[str, subprocess.Popen[str]]] = []
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SIG2RTM_", "VIRTUAL"))}
        clean.pop("PYTHONPATH", None)
        self.env = {**clean, "PATH": f"{home / '.venv' / 'bin'}{os.pathsep}{clean['PATH']}"}

    def substitute(self, command: str) -> str:
        command = re.sub(r"\s+#.*$", "", command)  # the README's comments
        command = command.replace(*PLACEHOLDER_PATH)
        command = command.replace("127.0.0.1:6379", f"127.0.0.1:{self.redis.port}")
        for fixed, free in self.ports.items():
            command = re.sub(rf"(?<![\d.]){fixed}(?!\d)", free, command)
        return command

    def run(self, command: str) -> str:
        """Run one command; its stdout (empty for background ones)."""
        text = self.substitute(command)
        if text.startswith("cd "):
            self.cwd = (self.cwd / text[3:].strip()).resolve()
            return ""
        if text.startswith("sig2rtm serve"):
            self._serve(text)
            return ""
        if text.endswith("&"):
            self.jobs.append((command, self._popen(text[:-1])))
            return ""
        done = subprocess.run(
            ["bash", "-c", text],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"$ {command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, f"$ {command}\n{done.stderr}"
        return done.stdout

    def _popen(self, text: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["bash", "-c", f"exec {text}"],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _serve(self, text: str) -> None:
        server = self._popen(text)
        self.servers.append(server)
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("listening on "), f"$ {text}: {line}{server.communicate()}"

    def finish_jobs(self) -> None:
        for command, job in self.jobs:
            out, err = job.communicate(timeout=120)
            assert job.returncode == 0, f"$ {command}\n{out[-3000:]}\n{err[-3000:]}"
        self.jobs.clear()

    def stop(self) -> None:
        """SIGTERM every gateway: each stops cleanly (exit 0, no traceback)."""
        for job in self.jobs:
            job[1].kill()
        problems = []
        for server in self.servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
            try:
                _, err = server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                _, err = server.communicate()
            if server.returncode != 0 or "Traceback" in err:
                problems.append(f"{server.args!r}: exit {server.returncode}\n{err[-3000:]}")
        assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_console_commands_run_in_order_on_a_fresh_copy(tmp_path: Path) -> None:
    home = tmp_path / "sig2rtm"
    home.mkdir()
    _copy_project(home)
    snippets = [b for b in readme_blocks() if b.lang == "python"]
    (home / "legacy_app.py").write_text(snippets[0].text, encoding="utf-8")
    redis = RedisServer()
    shell = _Shell(home, redis)
    ran, skipped = 0, []
    started = time.monotonic()
    try:
        for block in (b for b in readme_blocks() if b.lang == "console"):
            last = ""
            for command in _commands(block):
                if command in NOT_RUN:
                    skipped.append(command)
                    continue
                last = shell.run(command)
                ran += 1
                if "legacy_app.py" in command:  # the "Use it" app, now over a gateway
                    assert snippets[0].output is not None
                    assert_prints(last, snippets[0].output, f"README.md:{block.line}")
            shell.finish_jobs()
            if block.output is not None:
                assert_prints(last, block.output, f"README.md:{block.line}")
        shell.stop()
    finally:
        for server in shell.servers:
            if server.poll() is None:
                server.kill()
        redis.close()
    assert skipped == list(NOT_RUN)
    assert ran >= 12, f"ran {ran} commands in {time.monotonic() - started:.0f}s"
    assert (home / "audit.sarif").is_file() and (home / "audit.html").is_file()
