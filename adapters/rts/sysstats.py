"""``onSysStats`` figures: the process's and the machine's real CPU and memory use.

Read from ``/proc`` (Linux): CPU use over the interval since the previous reading (the
process's ``utime + stime`` from ``/proc/self/stat`` against the machine's busy and total
jiffies of ``/proc/stat``), the process's resident set (``/proc/self/status`` VmRSS) and
the machine's memory (``/proc/meminfo``). No extra dependency is needed. Where ``/proc`` does
not exist the reader degrades, clearly and once: the process's CPU and peak memory from the
``resource`` module, the machine-wide figures 0, ``SysStats.source == "resource"``, and one
log line says so.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from .handlers import SysStats

__all__ = ["SysStatsReader"]

log = logging.getLogger("sig2rtm.rts")

_MB = 1024 * 1024


def _read(path: str) -> str:
    return Path(path).read_text(encoding="ascii", errors="replace")


def _meminfo() -> dict[str, float]:
    out = {}
    for line in _read("/proc/meminfo").splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts:
            out[key] = float(parts[0]) * 1024  # kB
    return out


def _machine_jiffies() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot."""
    fields = [float(x) for x in _read("/proc/stat").splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    total = sum(fields[:8])
    return total - idle, total


def _process_jiffies() -> float:
    text = _read("/proc/self/stat")
    fields = text[text.rindex(")") + 2 :].split()
    return float(fields[11]) + float(fields[12])  # utime, stime (fields 14, 15)


def _rss_bytes() -> float:
    for line in _read("/proc/self/status").splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1]) * 1024
    return 0.0


class SysStatsReader:
    """Reads one :class:`SysStats` per call; CPU use is over the time since the last call."""

    def __init__(self, proc: str = "/proc") -> None:
        """``proc``: where procfs is (a directory without it gives the degraded figures)."""
        self.cores = os.cpu_count() or 1
        self.proc = proc == "/proc" and Path(proc, "self", "stat").exists()
        if not self.proc:
            log.info("onSysStats: no /proc here; process figures from resource, machine 0")
        self._last = self._cpu_sample()

    def _cpu_sample(self) -> tuple[float, float, float]:
        """(process CPU seconds, machine busy, machine total) — jiffies on /proc."""
        if self.proc:
            busy, total = _machine_jiffies()
            return _process_jiffies(), busy, total
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        now = time.monotonic()
        return usage.ru_utime + usage.ru_stime, 0.0, now * self.cores

    def read(self) -> SysStats:
        process, busy, total = self._cpu_sample()
        last_process, last_busy, last_total = self._last
        self._last = (process, busy, total)
        span = max(total - last_total, 1e-9)
        app = min(1.0, max(0.0, (process - last_process) / span))
        machine = min(1.0, max(0.0, (busy - last_busy) / span)) if self.proc else 0.0
        if self.proc:
            info = _meminfo()
            full = info.get("MemTotal", 0.0)
            free = info.get("MemAvailable", info.get("MemFree", 0.0))
            rss = _rss_bytes()
            source = "/proc"
        else:
            import resource

            full = free = 0.0
            rss = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
            source = "resource"
        used = max(full - free, 0.0)
        return SysStats(
            cpu_cores=self.cores,
            cpu_app_usage=app,
            cpu_total_usage=max(machine, app) if self.proc else 0.0,
            memory_usage=rss / _MB,
            full_memory=full / _MB,
            total_memory_usage=used / _MB,
            free_memory=free / _MB,
            memory_ratio=100.0 * rss / full if full else 0.0,
            total_memory_ratio=100.0 * used / full if full else 0.0,
            source=source,
        )
