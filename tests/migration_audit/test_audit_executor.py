"""Parallel scanning: results in order, a stuck worker is killed, a crashed one is isolated."""

from __future__ import annotations

import time
from pathlib import Path

from migration_audit.executor import Executor, chunk_size_for
from migration_audit.model import Analysis, Task
from migration_audit.scanner import ScanContext
from tests.migration_audit.audit_support import crashing_scan, hanging_scan, stub_catalogue

CODE = (
    "class A { AgoraAPIOnlySignal api; void f() { api.messageInstantSend(p, 0, m, i); } }\n"
)


def make_tasks(root: Path, names: list[str]) -> list[Task]:
    tasks = []
    for name in names:
        path = root / f"{name}.java"
        path.write_text(CODE, "utf-8")
        tasks.append(Task(str(path), path.name, "java", path.stat().st_size))
    return tasks


def context(timeout: float = 10.0) -> ScanContext:
    return ScanContext(stub_catalogue().indexes, 1_000_000, timeout)


def test_parallel_results_are_in_task_order(tmp_path: Path) -> None:
    tasks = make_tasks(tmp_path, [f"f{i:03d}" for i in range(40)])
    progress: list[int] = []
    results = Executor(context(), jobs=2, chunk_size=3, on_progress=progress.append).run(tasks)
    assert [r.relpath for r in results] == [t.relpath for t in tasks]
    assert all(r.analysis is Analysis.FULL and len(r.findings) == 1 for r in results)
    assert sum(progress) == len(tasks)


def test_serial_and_parallel_agree(tmp_path: Path) -> None:
    tasks = make_tasks(tmp_path, [f"f{i}" for i in range(10)])
    serial = Executor(context(), jobs=1).run(tasks)
    parallel = Executor(context(), jobs=2).run(tasks)
    assert [(r.relpath, r.findings) for r in serial] == [(r.relpath, r.findings) for r in parallel]


def test_stuck_worker_is_killed_and_its_file_reported(tmp_path: Path) -> None:
    names = [f"a{i}" for i in range(6)] + ["hang"] + [f"b{i}" for i in range(6)]
    tasks = make_tasks(tmp_path, names)
    started = time.monotonic()
    results = Executor(
        context(timeout=2.0), jobs=2, scan=hanging_scan, chunk_size=2, grace=1.0
    ).run(tasks)
    elapsed = time.monotonic() - started
    assert elapsed < 30
    by_name = {r.relpath: r for r in results}
    assert len(results) == len(tasks)
    hung = by_name["hang.java"]
    assert hung.analysis is Analysis.FALLBACK
    assert "stalled" in hung.reason
    # the text search still finds the distinctive call, at low confidence
    assert [(f.api, f.confidence.value) for f in hung.findings] == [("messageInstantSend", "low")]
    others = [r for r in results if r.relpath != "hang.java"]
    assert all(r.analysis is Analysis.FULL for r in others)


def test_crashing_worker_is_isolated(tmp_path: Path) -> None:
    names = [f"a{i}" for i in range(5)] + ["crash"] + [f"b{i}" for i in range(5)]
    tasks = make_tasks(tmp_path, names)
    results = Executor(context(), jobs=2, scan=crashing_scan, chunk_size=4).run(tasks)
    by_name = {r.relpath: r for r in results}
    assert len(results) == len(tasks)
    crashed = by_name["crash.java"]
    assert crashed.analysis is Analysis.FALLBACK
    assert "crashed" in crashed.reason
    assert all(r.analysis is Analysis.FULL for name, r in by_name.items() if name != "crash.java")


def test_chunk_size_balances_and_caps() -> None:
    assert chunk_size_for(10, 2) == 1
    assert chunk_size_for(5000, 2) == 64
    assert chunk_size_for(800, 2) == 50
