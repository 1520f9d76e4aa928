"""onSysStats figures: real ones from /proc, and the degraded ones without it."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from adapters.rts.sysstats import SysStatsReader


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_figures_from_proc() -> None:
    reader = SysStatsReader()
    sum(i * i for i in range(200_000))  # some CPU of this process
    stats = reader.read()
    assert stats.source == "/proc"
    assert stats.cpu_cores == os.cpu_count()
    assert 0.0 <= stats.cpu_app_usage <= stats.cpu_total_usage <= 1.0
    assert abs(stats.memory_usage - _rss_mb()) < 16  # MB, read a moment apart
    assert stats.full_memory > stats.total_memory_usage > 0
    assert stats.free_memory > 0
    expected_ratio = 100 * stats.total_memory_usage / stats.full_memory
    assert abs(stats.total_memory_ratio - expected_ratio) < 1e-6


def test_without_proc_the_figures_degrade_clearly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="sig2rtm.rts")
    reader = SysStatsReader(proc=str(tmp_path))
    stats = reader.read()
    assert "no /proc here" in caplog.text
    assert stats.source == "resource"
    assert (stats.full_memory, stats.free_memory, stats.cpu_total_usage) == (0.0, 0.0, 0.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert stats.memory_usage == pytest.approx(peak, rel=0.05)
