"""``bench_core`` runs as its README says: every side completes its work (no timing here)."""

from __future__ import annotations

import pytest

from benchmarks import bench_core


def test_calls_per_unit_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    bench_core.count_calls(members=8, messages=40)
    out = capsys.readouterr().out
    assert "peer message:" in out and "fan-out delivery (8 members):" in out
    assert "calls per unit" in out


def test_every_side_of_both_figures_completes_its_work() -> None:
    peer = bench_core.bench_peer(rounds=1, min_seconds=0.001)
    fan = bench_core.bench_fanout(members=8, rounds=1, min_seconds=0.001)
    for result in (peer, fan):
        assert set(result.rates) == {
            "core threaded",
            "core deterministic",
            "SimpleQueue hand-off",
            bench_core.BASELINE,
        }
        assert all(rate > 0 for rates in result.rates.values() for rate in rates)
