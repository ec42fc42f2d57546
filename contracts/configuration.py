"""Plugs the adapters into the application's ports: one place that knows both sides.

``ssot-imports`` builds a context per run with ``run_context``; a contract that plain
``lint-imports`` runs builds ``default_context`` itself.
"""

from __future__ import annotations

from pathlib import Path

from .adapters.builtin_contracts import BuiltinContractFindings
from .adapters.config import ConfigFiles
from .adapters.contract_types import ContractClasses
from .adapters.environment import ProcessEnvironment
from .adapters.files import LocalFiles
from .adapters.forks import ForkedWork
from .adapters.graphs import GrimpGraphs
from .adapters.installed_packages import InstalledPackages
from .adapters.locator import ModuleLocator
from .adapters.memo_files import MemoFiles
from .adapters.outside_files import OutsideFiles
from .adapters.prefilter_reader import PrefilterReader
from .adapters.workers import ProcessWorkers
from .application.context import RunContext
from .application.ports import Ports

CACHE_FOLDER = ".import_linter_cache"  # import-linter's own; ours is a folder inside it


def run_context(
    project_root: Path,
    *,
    use_cache: bool,
    after: RunContext | None = None,
    jobs: int | None = None,
) -> RunContext:
    """A context for one run over the (resolved) ``project_root``; ``after``: an earlier run
    of this process over the same tree (whose files it may have rewritten, none added or
    removed), whose walks and prefilter records it reuses; ``jobs``: how
    many processes may rewrite files (None: decided by the run's size)."""
    cache = project_root / CACHE_FOLDER if use_cache else None
    context = RunContext(_ports(cache, lambda path: context.display_path(path), jobs), project_root)
    if after is not None:
        context.ports.prefilter = after.ports.prefilter
        context.ports.prefilter.problems.clear()
        context.adopt_walks(after)
    return context


def default_context() -> RunContext:
    """What plain ``lint-imports`` runs under: the working directory, and no cache of ours."""
    return run_context(Path.cwd().resolve(), use_cache=False)


def _ports(cache: Path | None, display, jobs: int | None = None) -> Ports:  # type: ignore[no-untyped-def]
    ours = None if cache is None else cache / "ssot-imports"
    return Ports(
        files=LocalFiles(),
        locate=ModuleLocator,
        prefilter=PrefilterReader(ours),
        graphs=GrimpGraphs(cache, display),
        configs=ConfigFiles(),
        contract_types=ContractClasses(),
        builtin_findings=BuiltinContractFindings(),
        installed=InstalledPackages(),
        environment=ProcessEnvironment(),
        memo=MemoFiles(ours),
        workers=ProcessWorkers(jobs),
        outside=OutsideFiles(),
        forks=ForkedWork(),
    )
