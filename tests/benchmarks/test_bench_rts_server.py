"""``bench_rts_server`` runs as its README row says: every side of both figures delivers
every message to every receiver (small rooms; no timing here)."""

from __future__ import annotations

import pytest

from benchmarks import bench_rts_server


@pytest.mark.parametrize("deterministic", [False, True])
def test_every_side_of_both_figures_completes_its_work(deterministic: bool) -> None:
    figures = bench_rts_server.bench(
        broadcast_members=5, batch_users=6, rounds=2, min_seconds=0.001,
        deterministic=deterministic,
    )  # fmt: skip
    assert len(figures) == 2
    for result, latencies in figures.values():
        assert len(result.rates) == 2 and bench_rts_server.RTM_SIDE in result.rates
        assert all(len(rates) == 2 and min(rates) > 0 for rates in result.rates.values())
        for side, repeats in latencies.items():
            assert repeats and all(repeats), side
