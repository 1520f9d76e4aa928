"""Helpers shared by the benchmark scripts: medians of repeated runs and a report table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

__all__ = ["median_rate", "report"]


def median_rate(run_once: Callable[[], int], repeats: int) -> tuple[float, list[float]]:
    """Run ``run_once`` (returns the number of units it processed) and give units/s medians."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        units = run_once()
        rates.append(units / (time.perf_counter() - start))
    return statistics.median(rates), rates


def report(rows: list[tuple[str, float, float, float]]) -> None:
    """Rows of (name, measured rate, baseline rate, goal ratio)."""
    print(f"{'benchmark':<42}{'rate/s':>14}{'baseline/s':>14}{'ratio':>8}{'goal':>8}")
    for name, rate, baseline, goal in rows:
        ratio = rate / baseline if baseline else float("nan")
        verdict = "ok" if ratio >= goal else "BELOW"
        print(f"{name:<42}{rate:>14,.0f}{baseline:>14,.0f}{ratio:>8.0%}{goal:>7.0%} {verdict}")
