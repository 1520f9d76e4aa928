"""The malformed-frame driver (benchmarks/fuzz_node.py), small: a real node answers every
malformed message with its error frames, closes nothing, logs no traceback, still serves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_a_node_answers_generated_malformed_frames_and_logs_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "fuzz_node.py"),
         "--count", "1500", "--seed", "14", "--connections", "2", "--json"],
        check=False, capture_output=True, text=True, timeout=600, cwd=REPO,
    )  # fmt: skip
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["messages"] == 1500
    assert report["unanswered"] == 0 and report["unexpected_frames"] == 0, report
    assert report["connections_closed"] == 0, report
    assert report["tracebacks_in_log"] == 0, report
    assert report["still_serves"] is True
    # The generator reaches every kind of defect, lone surrogates included.
    codes = {"bad_text", "bad_json", "bad_field", "bad_batch", "unknown_type", "wrong_direction",
             "missing_field", "unknown_field", "bad_frame"}  # fmt: skip
    assert codes <= set(report["errors_by_code"]), report
    assert report["ok"] is True and done.returncode == 0
