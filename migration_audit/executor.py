"""Run file scans in parallel worker processes, with a watchdog for stuck or crashed workers.

Files are sent in chunks (per-process overhead is paid per chunk, not per file). Each worker
records in shared memory which file it is on and since when. The per-file deadline inside the
scanner is cooperative (tree-sitter's progress callback, checks between stages); if a parser
loops without returning to Python, the parent sees the worker's file exceed the deadline plus
a grace period, kills the pool, reports that one file as analysed by text search only, and
restarts the pool for the files not yet done. A worker that dies (e.g. a crash in a grammar)
breaks the pool; the files it may have been on are retried one at a time in a fresh pool so
the culprit is named exactly. No file is ever dropped.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import attrs

from migration_audit.model import Analysis, FileResult, Task
from migration_audit.scanner import ScanContext, fallback_findings, scan_task, warm_up

ScanFn = Callable[[Task, ScanContext], FileResult]
ProgressFn = Callable[[int], None]

#: Seconds past the per-file deadline before the watchdog declares a worker stuck.
GRACE_SECONDS = 5.0
#: How often the parent looks at the workers' heartbeats.
POLL_SECONDS = 0.2

# Worker-process globals, set by _init_worker.
_slot = -1
_starts: Any = None
_current: Any = None


def _init_worker(starts: Any, current: Any, counter: Any) -> None:
    global _slot, _starts, _current
    with counter.get_lock():
        _slot = counter.value
        counter.value += 1
    _starts, _current = starts, current


def _run_chunk(
    items: list[tuple[int, Task]], context: ScanContext, scan: ScanFn
) -> list[tuple[int, FileResult]]:
    out: list[tuple[int, FileResult]] = []
    for index, task in items:
        if _starts is not None:
            _current[_slot] = index
            _starts[_slot] = time.monotonic()
        out.append((index, scan(task, context)))
    if _starts is not None:
        _starts[_slot] = 0.0
    return out


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chunk_size_for(count: int, jobs: int) -> int:
    """Enough chunks to balance the load, few enough to keep the per-chunk overhead low."""
    return max(1, min(64, -(-count // (jobs * 8))))


def _stalled_result(task: Task, context: ScanContext, reason: str) -> FileResult:
    """The result for a file whose worker had to be killed: a text search in the parent."""
    from migration_audit.scanner import resolve_language

    try:
        with open(task.path, "rb") as handle:
            source = handle.read()
    except OSError as exc:
        return FileResult(task.relpath, task.language, Analysis.FAILED, f"{reason}; {exc}", ())
    language = resolve_language(task.language, source[:16_384])
    index = context.indexes.get(language)
    if index is None:
        return FileResult(task.relpath, language, Analysis.FAILED, reason, ())
    findings = fallback_findings(source, index, f"not parsed: {reason}")
    return FileResult(task.relpath, language, Analysis.FALLBACK, reason, tuple(findings))


@attrs.define
class Executor:
    context: ScanContext
    jobs: int
    scan: ScanFn = scan_task
    chunk_size: int | None = None
    on_progress: ProgressFn | None = None
    grace: float = GRACE_SECONDS

    def run(self, tasks: Sequence[Task]) -> list[FileResult]:
        """Scan every task; results come back in task order."""
        results: dict[int, FileResult] = {}
        if self.jobs <= 1 or len(tasks) <= 1:
            for index, task in enumerate(tasks):
                results[index] = self.scan(task, self.context)
                self._progress(1)
            return [results[i] for i in range(len(tasks))]
        if multiprocessing.get_start_method() == "fork":
            warm_up({task.language for task in tasks}, self.context)
        pending = list(enumerate(tasks))
        try:
            while pending:
                pending = self._run_pool(pending, results, self.jobs, isolating=False)
        except OSError:
            # No process pool on this system (e.g. no /dev/shm in a sandbox): scan in-process.
            for index, task in enumerate(tasks):
                if index not in results:
                    results[index] = self.scan(task, self.context)
                    self._progress(1)
        return [results[i] for i in range(len(tasks))]

    def _progress(self, count: int) -> None:
        if self.on_progress is not None:
            self.on_progress(count)

    def _run_pool(
        self,
        items: list[tuple[int, Task]],
        results: dict[int, FileResult],
        jobs: int,
        *,
        isolating: bool,
    ) -> list[tuple[int, Task]]:
        """Run items in one pool; return the items left to run after a kill or crash."""
        ctx = multiprocessing.get_context()
        starts = ctx.Array("d", jobs, lock=False)
        current = ctx.Array("q", jobs, lock=False)
        counter = ctx.Value("i", 0)
        size = self.chunk_size or chunk_size_for(len(items), jobs)
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(starts, current, counter),
        )
        futures: dict[Future[list[tuple[int, FileResult]]], list[tuple[int, Task]]] = {
            pool.submit(_run_chunk, chunk, self.context, self.scan): chunk for chunk in chunks
        }
        by_index = dict(items)
        limit = self.context.timeout + self.grace
        try:
            while futures:
                done, _ = wait(futures, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = futures.pop(future)
                    try:
                        chunk_results = future.result()
                    except BrokenProcessPool:
                        if isolating:
                            _kill(pool)
                            return [item for item in items if item[0] not in results]
                        return self._after_crash(pool, futures, chunk, results, starts, current)
                    for index, result in chunk_results:
                        results[index] = result
                    self._progress(len(chunk_results))
                now = time.monotonic()
                stuck = [
                    int(current[slot])
                    for slot in range(jobs)
                    if starts[slot] > 0.0 and now - starts[slot] > limit
                ]
                if stuck:
                    _kill(pool)
                    for index in stuck:
                        results[index] = _stalled_result(
                            by_index[index],
                            self.context,
                            f"parser stalled past the {self.context.timeout:g}s deadline",
                        )
                        self._progress(1)
                    return _unfinished(futures, results)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return []

    def _after_crash(
        self,
        pool: ProcessPoolExecutor,
        futures: dict[Future[list[tuple[int, FileResult]]], list[tuple[int, Task]]],
        chunk: list[tuple[int, Task]],
        results: dict[int, FileResult],
        starts: Any,
        current: Any,
    ) -> list[tuple[int, Task]]:
        """A worker died: retry the files that were in flight one by one, return the rest."""
        in_flight = {int(current[s]) for s in range(len(starts)) if starts[s] > 0.0}
        _kill(pool)
        remaining = _unfinished(futures, results)
        remaining += [item for item in chunk if item[0] not in results]
        remaining.sort(key=lambda item: item[0])
        suspects = [item for item in remaining if item[0] in in_flight] or remaining[:1]
        for index, task in suspects:
            self._isolate(index, task, results)
        return [item for item in remaining if item[0] not in results]

    def _isolate(self, index: int, task: Task, results: dict[int, FileResult]) -> None:
        """Scan one suspect file alone in a fresh pool; a second crash names it."""
        single: dict[int, FileResult] = {}
        self._run_pool([(index, task)], single, 1, isolating=True)
        if index in single:
            results[index] = single[index]
        else:
            results[index] = _stalled_result(task, self.context, "the parser crashed on it")
            self._progress(1)


def _unfinished(
    futures: dict[Future[list[tuple[int, FileResult]]], list[tuple[int, Task]]],
    results: dict[int, FileResult],
) -> list[tuple[int, Task]]:
    left: list[tuple[int, Task]] = []
    for chunk in futures.values():
        left.extend(item for item in chunk if item[0] not in results)
    return sorted(left, key=lambda item: item[0])


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    for process in list(processes.values()):
        process.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)
