"""The use cases as Python functions: what the command line calls, and what scripts may call.

Each builds a run context (``configuration``) for the project root and hands it to the
application; the process-wide settings a run needs (its garbage collector pause) live here.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from .adapters.environment import workspace_prefix
from .adapters.files import LocalFiles
from .application.pipeline import baseline as baselines
from .application.pipeline.checking import CheckRequest, run_check
from .application.pipeline.since import check_since as check_since_reference
from .configuration import run_context
from .domain.errors import UsageError
from .domain.report import CheckReport, FixReport

__all__ = [
    "CheckRequest",
    "check",
    "check_since",
    "fix",
    "load_baseline",
    "write_baseline",
]


def check(request: CheckRequest) -> CheckReport:
    """Run every selected contract of the config over ``request.project_root``."""
    root = _project_root(request)
    with _collector_paused():
        report = run_check(request, run_context(root, use_cache=request.use_cache))
    report.workspace_prefix = workspace_prefix(root)
    return report


def check_since(request: CheckRequest, reference: str) -> CheckReport:
    """Like ``check``, with the violations the merge base with ``reference`` already had
    marked existing: only the new ones fail."""
    from .adapters.git import GitRevisions

    root = _project_root(request)
    quiet = replace(request, progress=lambda message: None)

    def check_base(base_root: Path, config: Path) -> CheckReport:
        request.progress(f"checking the merge base with {reference}")
        base_request = replace(
            quiet, config=str(config), project_root=base_root, use_cache=False, scope=None
        )
        with _collector_paused():
            return run_check(base_request, run_context(base_root, use_cache=False))

    return check_since_reference(reference, GitRevisions(root), lambda: check(request), check_base)


def fix(
    request: CheckRequest,
    paths: list[str],
    diff_only: bool,
    before_write: Callable[[Path], None] = lambda path: None,
    unsafe: bool = False,
    jobs: int | None = None,
) -> FixReport:
    """Apply every fixable violation's edit under ``paths`` (none: the whole tree); ``jobs``
    processes rewrite the files (None: one per CPU when there are many)."""
    # libcst is needed only here: a check does not pay for importing it.
    from .application.pipeline.fixing import run_fix

    root = _project_root(request)
    roots = []
    for given in paths:
        resolved = Path(given).resolve()
        if not resolved.exists():
            raise UsageError(f"{given}: no such file or directory")
        if resolved != root and root not in resolved.parents:
            raise UsageError(f"{given}: outside the project root {root}")
        roots.append(resolved)
    contexts: list = []

    def new_context():  # type: ignore[no-untyped-def]
        # The check after the rewrite reads again only the files whose size or time changed.
        after = contexts[-1] if contexts else None
        contexts.append(run_context(root, use_cache=request.use_cache, after=after, jobs=jobs))
        return contexts[-1]

    with _collector_paused():
        return run_fix(
            request,
            new_context,
            roots,
            diff_only,
            before_write,
            unsafe,
            context_at=lambda mirror: run_context(mirror, use_cache=False),
        )


def load_baseline(path: Path) -> baselines.Baseline:
    return baselines.load_baseline(LocalFiles(), path)


def write_baseline(path: Path, entries: list[dict[str, Any]]) -> None:
    baselines.write_baseline(LocalFiles(), path, entries)


def _project_root(request: CheckRequest) -> Path:
    root = request.project_root.resolve()
    if root.is_file():
        raise UsageError(f"--path {request.project_root}: a file; give the project's directory")
    if not root.is_dir():
        raise UsageError(f"--path {request.project_root}: no such directory")
    return root


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A check allocates a few objects per file (paths, prefilter records, statements) and
    keeps almost all of them to the end; the cyclic collector would re-scan them over and
    over (about a quarter of the CPU time at 50,000 files) to find next to no garbage. It is
    paused for the run and resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
