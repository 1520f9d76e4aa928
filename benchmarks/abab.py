"""Side-by-side measurement that cannot flatter: alternation, ratios per round, the load.

Why this shape. On a shared machine the speed of Python code drifts by tens of per cent
within seconds (other processes, frequency scaling, caches). Measuring all repeats of one
side and then all of the other turns that drift into a difference between the sides. Here:

* every side is calibrated so that one repeat lasts at least ``min_seconds`` (0.3 s by
  default: long enough that timer resolution and a single scheduling hiccup do not matter);
* the sides run in rounds, A B C … A B C …, and each round gives one *ratio* per side
  against the baseline measured in the same round, so slow drift cancels out;
* the result is the median of those ratios and their spread (lowest and highest), never a
  best case;
* each side's ``run(n)`` must check that all the work it started has completed (a wait
  that timed out raises), so a lost message can never look like a fast one;
* the machine's load average and the CPU used by this process (and any processes named)
  during the rounds are printed with the result, so a reader can tell a quiet run from a
  busy one.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Comparison",
    "CpuMeter",
    "Side",
    "calibrate",
    "compare",
    "format_spread",
    "load_line",
]


@dataclass
class Side:
    """One thing measured: ``run(n)`` does ``n`` units of work, checks it completed, and
    returns the number of units to count (deliveries, messages ...)."""

    name: str
    run: Callable[[int], int]
    #: Units per repeat; found by :func:`calibrate` when 0.
    n: int = 0


@dataclass
class Comparison:
    baseline: str
    #: rates[side][round], units per second.
    rates: dict[str, list[float]] = field(default_factory=dict)
    #: Seconds of the shortest repeat of each side (checked against ``min_seconds``).
    shortest: dict[str, float] = field(default_factory=dict)
    cpu: str = ""
    load: str = ""

    def ratios(self, side: str, against: str | None = None) -> list[float]:
        """``side``'s rate over ``against``'s (default: the baseline), one per round."""
        base = self.rates[against or self.baseline]
        return [a / b for a, b in zip(self.rates[side], base, strict=True)]

    def median_ratio(self, side: str, against: str | None = None) -> float:
        return statistics.median(self.ratios(side, against))

    def median_rate(self, side: str) -> float:
        return statistics.median(self.rates[side])


def calibrate(side: Side, min_seconds: float, start: int = 16) -> int:
    """The smallest power-of-two-ish ``n`` whose run lasts ``2 * min_seconds`` or more
    (margin so that a faster repeat later still lasts ``min_seconds``)."""
    n = start
    while True:
        began = time.perf_counter()
        side.run(n)
        took = time.perf_counter() - began
        if took >= 2 * min_seconds:
            return n
        grow = 2.0 if took <= 0 else min(8.0, max(1.25, 2.2 * min_seconds / took))
        n = int(n * grow) + 1


def compare(
    sides: Sequence[Side],
    baseline: str,
    rounds: int = 7,
    min_seconds: float = 0.3,
    pids: dict[str, int] | None = None,
    between: Callable[[], object] | None = None,
) -> Comparison:
    """Run the sides in alternation for ``rounds`` rounds; ratios are against ``baseline``.

    ``between`` runs before each repeat, untimed (``gc.collect``: every repeat starts from
    the same collector state, so a full collection due to one side's garbage is not
    charged to the other).
    """
    if baseline not in {s.name for s in sides}:
        raise ValueError(f"baseline {baseline!r} is not one of the sides")
    for side in sides:
        if side.n <= 0:
            side.n = calibrate(side, min_seconds)
    result = Comparison(baseline, {s.name: [] for s in sides})
    result.shortest = {s.name: float("inf") for s in sides}
    meter = CpuMeter(pids or {})
    load_before = os.getloadavg()
    for _ in range(rounds):
        for side in sides:
            if between is not None:
                between()
            began = time.perf_counter()
            units = side.run(side.n)
            took = time.perf_counter() - began
            result.rates[side.name].append(units / took)
            result.shortest[side.name] = min(result.shortest[side.name], took)
            if took < min_seconds:  # faster than at calibration: longer repeats from now on
                side.n = int(side.n * 2 * min_seconds / max(took, 1e-6)) + 1
    result.cpu = meter.report()
    result.load = load_line(load_before, os.getloadavg())
    short = [f"{n} {t:.2f}s" for n, t in result.shortest.items() if t < min_seconds]
    if short:
        result.load += f"; WARNING repeats shorter than {min_seconds}s: {', '.join(short)}"
    return result


def format_spread(values: Sequence[float], percent: bool = True) -> str:
    """``median [low … high]`` of ratios (as per cent) or of plain numbers."""
    med, low, high = statistics.median(values), min(values), max(values)
    if percent:
        return f"{med:7.1%} [{low:.1%} … {high:.1%}]"
    return f"{med:,.0f} [{low:,.0f} … {high:,.0f}]"


def load_line(before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    cores = os.cpu_count() or 1
    return (
        f"load average {before[0]:.2f} -> {after[0]:.2f} (1 min) on {cores} cores; "
        f"5 min {after[1]:.2f}"
    )


class CpuMeter:
    """CPU used while it runs: by this process (user + system, all threads), by other
    named processes (from /proc), and by the whole machine (from /proc/stat), each as a
    share of one core over the wall time."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.wall = time.perf_counter()
        self.own = _own_cpu()
        self.others = {name: _proc_cpu(pid) for name, pid in pids.items()}
        self.machine = _machine_busy()

    def shares(self) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        out = {"this process": (_own_cpu() - self.own) / wall}
        for name, pid in self.pids.items():
            out[name] = (_proc_cpu(pid) - self.others[name]) / wall
        busy, total = _machine_busy()
        if total > self.machine[1]:
            cores = os.cpu_count() or 1
            out["whole machine"] = cores * (busy - self.machine[0]) / (total - self.machine[1])
        return out

    def report(self) -> str:
        return "CPU (cores): " + ", ".join(f"{k} {v:.2f}" for k, v in self.shares().items())


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _proc_cpu(pid: int) -> float:
    """CPU seconds of process ``pid`` (0 if it is gone or /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def _machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot; (0, 0) without /proc."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total
