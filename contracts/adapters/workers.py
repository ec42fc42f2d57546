"""Worker processes for CPU-bound work on many files (``fix`` rewriting hundreds of them).

Processes come from a fork server where the platform has one: a fresh interpreter that has
imported the work's module once and forks a worker per process. Forking the main process
itself is avoided, as the import graph may have started threads there. When processes cannot
be started, or one dies, the rest of the work is done in this process: slower, never lost.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a check starts no worker, and starts faster
    from concurrent.futures import Future, ProcessPoolExecutor

# Fewer items than this, or less work (in bytes of input) than this, are done in this
# process: starting workers (a fresh interpreter importing the work's module) costs about a
# quarter of a second. Measured with `fix` on 2 CPUs: 106 files of 1 KB and 32 of 20 KB took
# 0.62 and 0.57 s here against 0.90 and 0.86 s with two workers; 1,051 files of 1 KB about
# the same either way; 685 files of 20 KB 5.1 s with two workers against 5.6 to 6.1 s here.
WORTH_A_POOL = 32
WORTH_A_POOL_BYTES = 2_000_000
# Items waiting per worker: enough to keep each busy while this process does other work
# (``fix`` scans the tree for names other files read, a few tenths of a second, while the
# workers take the first files), few enough to bound what is held (a file is some tens of
# kilobytes each way: a few megabytes in all).
_QUEUED_PER_WORKER = 128


def available_cpus() -> int:
    """The CPUs this process may run on (a container's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class ProcessWorkers:
    """``jobs``: how many processes (None: one per available CPU, for large runs only)."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs
        self.used = 1  # the processes the last ``map`` ran on

    def processes_for(self, count: int, size: int | None = None) -> int:
        """How many processes ``count`` items of ``size`` bytes in all (None: unknown) get."""
        if self.jobs is not None:
            return max(1, min(self.jobs, count))
        if count < WORTH_A_POOL or (size is not None and size < WORTH_A_POOL_BYTES):
            return 1
        return min(available_cpus(), count)

    def warm_up(self, function: Callable[[Any], Any]) -> None:
        """Start the fork server now, where there is one and workers may be started: it
        imports ``function``'s module (a quarter of a second) while this process goes on,
        and workers started later fork from it at once. Nothing is lost if none is."""
        if (self.jobs is not None and self.jobs <= 1) or available_cpus() < 2:
            return
        try:
            context = _context(function)
            if context.get_start_method() == "forkserver":
                from multiprocessing import forkserver

                forkserver.ensure_running()
        except (OSError, ImportError, ValueError):
            pass  # the pool starts it, or does the work here, as before

    def map(
        self,
        function: Callable[[Any], Any],
        items: Iterable[Any],
        count: int,
        size: int | None = None,
    ) -> Iterator[Any]:
        """Starts the workers now (they boot while the caller prepares the items), and
        returns the results as an iterator."""
        processes = self.processes_for(count, size)
        self.used = processes
        if processes <= 1:
            return map(function, items)
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            pool = ProcessPoolExecutor(processes, mp_context=_context(function))
            for _ in range(processes):
                pool.submit(os.getpid)  # each submit starts a worker while none is idle
        except (OSError, ImportError, ValueError, BrokenProcessPool):
            self.used = 1
            return map(function, items)
        return _ordered(pool, function, iter(items), processes * _QUEUED_PER_WORKER, self)


def _ordered(
    pool: ProcessPoolExecutor,
    function: Callable[[Any], Any],
    items: Iterator[Any],
    window: int,
    workers: ProcessWorkers,
) -> Iterator[Any]:
    """Results in the items' order, at most ``window`` items in flight; if the pool breaks,
    the items in flight and the rest are done here. The pool is shut down at the end.

    The first ``window`` items are handed to the workers at once: they start on them as soon
    as they are up, while the caller goes on with other work before taking a result."""
    from concurrent.futures.process import BrokenProcessPool

    pending: deque[tuple[Any, Future[Any] | None]] = deque()
    broken = False

    def fill() -> None:
        nonlocal broken
        while len(pending) < window:
            item = next(items, _END)
            if item is _END:
                return
            future = None
            if not broken:
                try:
                    future = pool.submit(function, item)
                except (BrokenProcessPool, RuntimeError, OSError):
                    broken = True
            pending.append((item, future))

    def results() -> Iterator[Any]:
        nonlocal broken
        with pool:
            while pending:
                item, future = pending.popleft()
                if future is None:
                    yield function(item)
                else:
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken, workers.used = True, 1
                        yield function(item)
                fill()

    try:
        fill()
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    return results()


_END = object()


def _context(function: Callable[[Any], Any]) -> Any:
    """A fork server that has imported ``function``'s module, where there is one."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([function.__module__])
    return context
