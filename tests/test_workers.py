"""Worker processes rewrite files in parallel with the same result, and a worker that dies
loses nothing: what it held is done in the main process."""

from __future__ import annotations

import filecmp
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from conftest import Project, run_tool, script
from ssot_imports.adapters.workers import ProcessWorkers, available_cpus
from ssot_imports.application.pipeline.fixing import WARM_UP_BYTES, WARM_UP_FROM, _warm_up
from ssot_imports.configuration import run_context


def _square_unless_in_a_worker(item: tuple[int, int]) -> int:
    """Dies on item 3 when run in a worker process (not in ``parent``; 0: never dies)."""
    value, parent = item
    if value == 3 and parent and os.getpid() != parent:
        os._exit(1)
    return value * value


def test_a_dying_worker_loses_nothing() -> None:
    workers = ProcessWorkers(jobs=2)
    items = [(value, os.getpid()) for value in range(10)]
    results = list(workers.map(_square_unless_in_a_worker, items, len(items)))
    assert results == [value * value for value in range(10)]
    assert workers.used == 1  # the pool broke: the rest was done here


def test_workers_keep_the_order_of_the_items() -> None:
    workers = ProcessWorkers(jobs=2)
    items = [(value, 0) for value in range(50)]
    assert list(workers.map(_square_unless_in_a_worker, items, 50)) == [
        value * value for value in range(50)
    ]
    assert workers.used == 2


def _mark(path: str) -> str:
    Path(path).touch()
    return path


def test_workers_start_on_the_first_items_before_a_result_is_asked_for(tmp_path: Path) -> None:
    """``fix`` scans the tree meanwhile: the workers must not wait for it to ask."""
    paths = [str(tmp_path / f"item-{number}") for number in range(6)]
    results = ProcessWorkers(jobs=2).map(_mark, paths, len(paths))
    deadline = time.monotonic() + 60
    while not all(map(os.path.exists, paths)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [os.path.exists(path) for path in paths] == [True] * 6
    assert list(results) == paths


def test_small_runs_stay_in_this_process() -> None:
    workers = ProcessWorkers()
    assert workers.processes_for(5) == 1
    assert ProcessWorkers(jobs=4).processes_for(2) == 2
    # Many items but little work: starting workers would cost more than it saves.
    assert workers.processes_for(500, size=500 * 1_100) == 1
    assert ProcessWorkers(jobs=2).processes_for(500, size=500 * 1_100) == 2  # asked for
    assert workers.processes_for(500, size=500 * 20_000) == available_cpus()


def test_fix_with_workers_writes_what_one_process_writes(project: Project, tmp_path: Path) -> None:
    for number in range(40):
        project.write(
            f"pkg/app/user_{number}.py",
            "from pkg.core.impl import Impl\n\n\ndef build():\n    return Impl()\n",
        )
    alone = tmp_path / "alone"
    shutil.copytree(project.root, alone)
    parallel = project.cli("fix", "--no-cache", "--jobs", "2", "--verbose")
    single = Project(alone).cli("fix", "--no-cache", "--jobs", "1")
    assert parallel.out == single.out
    # --verbose: each phase with its start time, then the time of each phase.
    timed = [line.split(":")[1].strip() for line in parallel.err.splitlines() if "timing:" in line]
    assert timed == [
        "first check",
        "rewriting files",
        "names other files read",
        "check of the result",
        "processes rewriting files",
    ]
    assert parallel.err.splitlines()[-1] == "timing: processes rewriting files: 2"
    # Progress a tenth of the files at a time, not a line per file.
    counts = [
        line.rpartition(" ")[2] for line in parallel.err.splitlines() if "fixing files" in line
    ]
    assert counts == [f"{number}/40" for number in range(4, 41, 4)]
    assert parallel.out.startswith("fixed 40 violations in 40 files\n")
    for number in range(40):
        relative = f"pkg/app/user_{number}.py"
        assert filecmp.cmp(project.root / relative, alone / relative, shallow=False)
    assert (
        (project.root / "pkg/app/user_7.py")
        .read_text()
        .startswith("from pkg.core.api import Manager\n")
    )


def test_jobs_must_be_a_positive_number(project: Project) -> None:
    result = run_tool([script("ssot-imports"), "fix", "--jobs", "0"], project.root)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(
        "ssot-imports fix: error: argument --jobs: expected a whole number of 1 or more, got '0'"
    )
    assert len(result.err.splitlines()) == 1


def test_fix_gets_workers_ready_during_the_first_check_of_a_large_tree(tmp_path: Path) -> None:
    """From ``WARM_UP_FROM`` files and about ``WARM_UP_BYTES`` under the roots, the fork
    server starts while the check runs; below either, nothing is started (such a fix is
    usually done in this process)."""

    class Recording(ProcessWorkers):
        def __init__(self) -> None:
            super().__init__()
            self.warmed: list[str] = []

        def warm_up(self, function: Callable[[Any], Any]) -> None:
            self.warmed.append(function.__name__)

    def tree(count: int, size: int) -> list[Path]:
        folder = tmp_path / f"{count}-{size}"
        folder.mkdir()
        paths = [folder / f"m{number}.py" for number in range(count)]
        for path in paths:
            with path.open("wb") as stream:
                stream.truncate(size)  # a sparse file: its size without the bytes
        return paths

    large = -(-WARM_UP_BYTES // WARM_UP_FROM)  # bytes a file for the threshold
    for count, size, expected in [
        (WARM_UP_FROM - 1, 10 * large, []),  # too few files, however large
        (WARM_UP_FROM, large // 10, []),  # enough files, too few bytes
        (WARM_UP_FROM, large, ["_rewrite"]),
    ]:
        workers = Recording()
        context = run_context(tmp_path, use_cache=False)
        context.ports.workers = workers
        paths = tree(count, size)
        _warm_up(context, SimpleNamespace(files=lambda paths=paths: paths))  # type: ignore[arg-type]
        assert workers.warmed == expected


def test_the_check_after_a_fix_takes_the_first_checks_walk(project: Project) -> None:
    first = run_context(project.root, use_cache=False)
    walks: list[object] = []
    first.on_walk = walks.append
    with first.ports.environment.on_sys_path(project.root):
        index = first.index(["pkg"])
        assert first.index(["pkg"]) is index and walks == [index]  # told once per walk
        second = run_context(project.root, use_cache=False, after=first)
        assert second.index(["pkg"]) is index
    assert (project.root / "pkg/core/api.py") in index.files()
