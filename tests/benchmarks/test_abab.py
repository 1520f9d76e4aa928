"""The alternation harness of the benchmarks: order of the sides, ratios per round, checks.

No timing is asserted (the sides do no real work); what is checked is what makes the
figures honest: A B A B order, one ratio per round against the baseline of that round, and
a side that fails its completion check failing the comparison.
"""

from __future__ import annotations

import pytest

from benchmarks.abab import Comparison, CpuMeter, Side, compare, format_spread


def test_sides_alternate_and_each_round_gives_one_ratio_per_side() -> None:
    order: list[str] = []

    def side(name: str) -> Side:
        def run(n: int) -> int:
            order.append(name)
            return n

        return Side(name, run, n=3)

    result = compare([side("a"), side("b")], "b", rounds=4, min_seconds=0.0)
    assert order == ["a", "b"] * 4
    assert len(result.ratios("a")) == 4
    assert result.ratios("b") == [1.0] * 4
    assert "load average" in result.load and "CPU" in result.cpu


def test_ratios_pair_each_round_with_the_same_round_of_the_baseline() -> None:
    result = Comparison("base", {"x": [10.0, 30.0, 20.0], "base": [20.0, 30.0, 80.0]})
    assert result.ratios("x") == [0.5, 1.0, 0.25]
    assert result.median_ratio("x") == 0.5
    assert result.median_rate("base") == 30.0
    assert format_spread([0.5, 1.0, 0.25]) == "  50.0% [25.0% … 100.0%]"


def test_a_side_whose_work_did_not_complete_fails_the_comparison() -> None:
    def lost(n: int) -> int:
        raise RuntimeError("3 of 4 callbacks arrived")

    with pytest.raises(RuntimeError, match="callbacks arrived"):
        compare([Side("ok", lambda n: n, n=1), Side("lost", lost, n=1)], "ok", 1, 0.0)


def test_an_unknown_baseline_is_refused() -> None:
    with pytest.raises(ValueError, match="baseline"):
        compare([Side("a", lambda n: n, n=1)], "b")


def test_calibration_grows_the_work_until_a_repeat_is_long_enough() -> None:
    sizes: list[int] = []

    def run(n: int) -> int:
        sizes.append(n)
        return n

    compare([Side("a", run)], "a", rounds=1, min_seconds=1e-9)
    assert sizes and sizes[0] == 16  # calibrated from 16 up, then measured


def test_cpu_meter_reports_this_process_and_named_ones() -> None:
    import os

    meter = CpuMeter({"me again": os.getpid()})
    shares = meter.shares()
    assert {"this process", "me again"} <= set(shares)
    assert all(value >= 0 for value in shares.values())
