"""docs/legacy-semantics.md stays executable: every row is tested, the example runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "legacy-semantics.md"


def _doc() -> str:
    assert DOC.is_file(), f"{DOC} is missing"
    return DOC.read_text(encoding="utf-8")


def test_every_decision_row_has_a_test_named_after_it() -> None:
    row_ids = re.findall(r"^\| ([A-Z]+\d+) \|", _doc(), re.MULTILINE)
    assert len(row_ids) == len(set(row_ids)), "duplicate row ids"
    assert len(row_ids) > 80
    sources = "".join(
        p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py")
    )
    test_names = " ".join(re.findall(r"def (test_\w+)", sources))
    untested = [i for i in row_ids if f"_{i.lower()}_" not in test_names]
    assert untested == []


def test_the_usage_example_runs() -> None:
    block = _doc().split("## Using the model", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    exec(compile(block, str(DOC), "exec"), {})
