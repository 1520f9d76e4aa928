"""Line-independent fingerprints and the baseline file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migration_audit import baseline
from tests.migration_audit.audit_support import enriched

CODE = """class A {
  AgoraAPIOnlySignal api;
  void f() {
    api.channelJoin("a");
    api.channelJoin("a");
    api.logout();
  }
}
"""


def prints(code: str, path: str = "src/A.java") -> list[str]:
    return [f.fingerprint for f in enriched("java", code, path)]


def test_fingerprints_survive_moves_and_reindentation() -> None:
    base = prints(CODE)
    moved = prints("// new header\n\n" + CODE.replace("    api.", "        api."))
    assert moved == base
    assert len(set(base)) == 3  # identical lines are told apart by occurrence


def test_fingerprints_change_with_the_call_file_or_scope() -> None:
    base = set(prints(CODE))
    assert set(prints(CODE, "src/B.java")).isdisjoint(base)
    assert set(prints(CODE.replace("void f()", "void g()"))).isdisjoint(base)
    changed = prints(CODE.replace("api.logout();", "api.logout(); // now"))
    assert changed[:2] == prints(CODE)[:2] and changed[2] not in base


def test_compare_marks_new_unchanged_and_stale() -> None:
    old = enriched("java", CODE)
    entries = baseline.entries_of(old)
    new = enriched("java", CODE.replace("api.logout();", "api.messageChannelSend(c, m, i);"))
    result = baseline.compare(new, entries)
    assert [f.baseline_state for f in result.findings] == ["unchanged", "unchanged", "new"]
    assert (result.new, result.unchanged) == (1, 2)
    assert [e.api for e in result.stale] == ["logout"]


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    findings = enriched("java", CODE)
    path = tmp_path / "b.json"
    baseline.write(path, findings)
    document = json.loads(path.read_text())
    assert document["tool"] == "sig2rtm-audit" and document["version"] == 1
    assert baseline.load(path) == sorted(
        baseline.entries_of(findings), key=lambda e: (e.path, e.api, e.fingerprint)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ('{"tool": "other"}', "not a sig2rtm-audit baseline"),
        ('{"tool": "sig2rtm-audit", "version": 9, "entries": []}', "unsupported baseline version"),
        ('{"tool": "sig2rtm-audit", "version": 1, "entries": {}}', "must be a list"),
        ('{"tool": "sig2rtm-audit", "version": 1, "entries": [{"path": 1}]}', "entry 1"),
    ],
)
def test_bad_baselines_are_rejected(text: str, message: str) -> None:
    with pytest.raises(baseline.BaselineError, match=message):
        baseline.parse(text, "b.json")


def test_missing_baseline_file(tmp_path: Path) -> None:
    with pytest.raises(baseline.BaselineError, match="cannot read baseline"):
        baseline.load(tmp_path / "missing.json")
