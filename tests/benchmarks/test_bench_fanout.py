"""``bench_fanout`` runs as its README says: both sides deliver every message to every
member in processes of their own, or the run fails (no timing here)."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks import bench_fanout


def test_both_sides_deliver_to_every_member(capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(bench_fanout.bench(members=7, processes=2, rounds=1, min_seconds=0.001))
    out = capsys.readouterr().out
    assert "fan-out to 7 members (6 receivers in 2 processes" in out
    assert "gateway / broadcast, per round:" in out
    assert "gateway CPU per delivery:" in out and "broadcast CPU per delivery:" in out
