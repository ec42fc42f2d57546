"""Run every contract of a config on one graph and collect structured results.

This is what ``ssot-imports check`` does instead of ``lint-imports``: the same config and
contract classes (built-in and custom), but a graph that survives broken files, one record
per violation, per-contract coverage and timings, and no printing.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import importlib.util
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grimp import ImportGraph
from grimp.exceptions import GrimpException
from importlinter.domain.contract import Contract, ContractCheck, InvalidContractOptions
from importlinter.domain.helpers import MissingImport

from ..adapters.config import Config, find_config, read_config
from ..adapters.graph_builder import build_graph
from ..adapters.scoped_graph import ScopedGraph, packages_from_walk
from ..adapters.scoped_graph import available as scoped_graph_available
from ..adapters.source import ModuleLocator
from ..domain import rules
from ..domain.errors import ConfigurationError, UsageError
from ..domain.findings import Coverage, Diagnostic, Violation, with_fingerprints
from .builtin_records import builtin_violations
from .contract_base import ReportingContract
from .reporting import root_packages_of, unrecognized_options
from .settings import settings

BUILT_IN_TYPES = {
    name: rule.contract_class
    for name, rule in rules.BUILT_IN_CONTRACTS.items()
    if rule.contract_class
}


@dataclass
class CheckRequest:
    config: str | None
    project_root: Path
    contract_ids: tuple[str, ...] = ()
    use_cache: bool = True
    progress: Callable[[str], None] = lambda message: None


@dataclass
class ContractResult:
    id: str
    name: str
    type: str
    kept: bool
    violations: list[Violation]
    coverage: Coverage
    warnings: list[str] = field(default_factory=list)
    ignored_imports: int = 0
    duration_ms: float = 0.0
    checks_unreachable: bool = False

    @property
    def new_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.baseline_state == "new"]

    @property
    def passed(self) -> bool:
        """Kept, or broken only by violations a baseline accepts."""
        return self.kept or (bool(self.violations) and not self.new_violations)


@dataclass
class CheckReport:
    config_path: Path
    project_root: Path
    root_packages: list[str]
    contracts: list[ContractResult]
    diagnostics: list[Diagnostic]
    timings: dict[str, float]
    files_in_scope: int
    session_options: dict[str, Any] = field(default_factory=dict)
    # Baseline entries that no longer occur (filled in when a baseline is used).
    fixed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        return [v for contract in self.contracts for v in contract.violations]

    @property
    def broken(self) -> list[ContractResult]:
        return [contract for contract in self.contracts if not contract.passed]


def run_check(request: CheckRequest) -> CheckReport:
    # A check allocates a few objects per file (paths, prefilter records, statements) and keeps
    # almost all of them to the end; the cyclic collector would re-scan them over and over
    # (about a quarter of the CPU time at 50,000 files) to find next to no garbage. It is
    # paused for the check and resumes afterwards.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_check(request)
    finally:
        if enabled:
            gc.enable()


def _run_check(request: CheckRequest) -> CheckReport:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    root = request.project_root.resolve()
    if not root.is_dir():
        raise UsageError(f"--path {request.project_root}: no such directory")
    config = read_config(find_config(request.config, [Path.cwd(), root]))
    roots = root_packages_of(config.session_options)
    if not roots:
        raise UsageError(f"{config.path}: [importlinter] sets no root_packages")
    config.session_options["root_packages"] = roots
    selected = _select(config, request.contract_ids)

    with _on_sys_path(root):
        types = _contract_types(config)
        _check_root_packages(roots, root, config.path)
        cache = root / ".import_linter_cache"
        settings.reset(root, cache / "ssot-imports" if request.use_cache else None)
        contracts = [_instantiate(config, options, types) for options in selected]
        locator = settings.locator(roots)
        request.progress("building the import graph")
        graph_started = time.perf_counter()
        graph, excluded = _graph_for(
            contracts, config, locator, cache if request.use_cache else None
        )
        timings["graph"] = time.perf_counter() - graph_started
        files = locator.files()
        graph_coverage = _LazyCoverage(files, graph, locator)

        results: list[ContractResult] = []
        diagnostics: list[Diagnostic] = []
        for index, (options, contract) in enumerate(zip(selected, contracts, strict=True), 1):
            request.progress(f"checking contract {index}/{len(selected)}: {options['name']}")
            contract_started = time.perf_counter()
            result, found = _run_contract(config, options, contract, graph, locator, graph_coverage)
            result.duration_ms = 1000 * (time.perf_counter() - contract_started)
            timings[f"contract {options['id']}"] = result.duration_ms / 1000
            results.append(result)
            diagnostics += found
        if isinstance(graph, ScopedGraph):
            graph.wait()
        diagnostics += excluded.values()  # a scoped graph finds unreadable files as it reads
        _, unreachable = graph_coverage.get()

    if any(not result.checks_unreachable for result in results):
        diagnostics += [
            Diagnostic(
                rules.UNCHECKED_FILE,
                settings.display_path(path),
                "outside the import graph: a folder on the way has no __init__.py",
            )
            for path in unreachable
        ]
    timings["total"] = time.perf_counter() - started
    return CheckReport(
        config_path=config.path,
        project_root=root,
        root_packages=roots,
        contracts=results,
        diagnostics=_unique(diagnostics),
        timings=timings,
        files_in_scope=len(files),
        session_options=config.session_options,
    )


def _graph_for(
    contracts: list[Contract], config: Config, locator: ModuleLocator, cache: Path | None
) -> tuple[ImportGraph | ScopedGraph, dict[Path, Diagnostic]]:
    """grimp's whole graph, or a scoped one when every contract is ours and reads only the
    imports its prefilter points to (the same findings, without scanning every file)."""
    roots = list(locator.roots)
    include_external = _flag(config, "include_external_packages")
    exclude_type_checking = _flag(config, "exclude_type_checking_imports")
    if (
        contracts
        and scoped_graph_available()
        and not include_external
        and all(
            isinstance(contract, ReportingContract) and not contract.reads_whole_graph()
            for contract in contracts
        )
    ):
        graph = ScopedGraph(
            roots,
            packages=packages_from_walk(locator.roots, locator.files(), locator.linked_directories),
            exclude_type_checking_imports=exclude_type_checking,
            display=settings.display_path,
            module_of=locator.module_of,
            on_excluded=lambda path, diagnostic: settings.excluded_files.update(
                {path: diagnostic.rule}
            ),
        )
        return graph, graph.excluded
    built = build_graph(
        roots,
        cache_dir=None if cache is None else str(cache),
        include_external_packages=include_external,
        exclude_type_checking_imports=exclude_type_checking,
        display=settings.display_path,
    )
    settings.excluded_files = {path: d.rule for path, d in built.excluded.items()}
    return built.graph, built.excluded


def _instantiate(
    config: Config, options: dict[str, Any], types: dict[str, type[Contract]]
) -> Contract:
    """Build a contract from its options; bad options fail here, before the graph is built."""
    where = f"{config.path}: contract '{options['id']}'"
    if options["type"] not in types:
        known = ", ".join(sorted(types))
        raise UsageError(f"{where}: unknown type '{options['type']}' (known: {known})")
    cls = types[options["type"]]
    unknown = unrecognized_options(cls, options)
    if unknown:
        option, problem = next(iter(unknown.items()))
        raise UsageError(f"{where}: option '{option}': {problem}")
    try:
        return cls(
            name=options["name"], session_options=config.session_options, contract_options=options
        )
    except InvalidContractOptions as error:
        problems = "; ".join(f"option '{k}': {v}" for k, v in error.errors.items())
        raise UsageError(f"{where}: {problems}") from None


def _run_contract(
    config: Config,
    options: dict[str, Any],
    contract: Contract,
    graph: ImportGraph,
    locator: ModuleLocator,
    graph_coverage: _LazyCoverage,
) -> tuple[ContractResult, list[Diagnostic]]:
    contract_id, contract_type = options["id"], options["type"]
    where = f"{config.path}: contract '{contract_id}'"
    try:
        # import-linter hands every contract its own copy of the graph; ours only mutate it
        # for ignore_imports and copy it themselves then.
        own_graph = graph if isinstance(contract, ReportingContract) else copy.deepcopy(graph)
        check = contract.check(own_graph, verbose=False)
    except ConfigurationError as error:
        raise UsageError(f"{config.path}: {error}") from None
    except (MissingImport, ValueError, KeyError, GrimpException) as error:
        raise UsageError(f"{where}: {error}") from None

    own = check.metadata.get("violations")
    if isinstance(own, list) and all(isinstance(v, Violation) for v in own):
        violations = list(own)
        coverage = check.metadata.get("coverage") or graph_coverage.get()[0]
        diagnostics = list(check.metadata.get("diagnostics", []))
    else:
        violations = builtin_violations(
            contract_type, check.metadata, graph, lambda m: _display_module(locator, m)
        )
        coverage, diagnostics = graph_coverage.get()[0], []
    if not check.kept and not violations:
        violations = [_opaque_violation(config, options, check)]
    stamped = [_stamp(violation, contract_id, options["name"]) for violation in violations]
    result = ContractResult(
        id=contract_id,
        name=options["name"],
        type=contract_type,
        kept=check.kept,
        violations=with_fingerprints(stamped),
        coverage=coverage,
        warnings=list(check.warnings),
        ignored_imports=check.ignored_import_count,
        checks_unreachable="unreachable" not in coverage.skipped,
    )
    return result, [_stamp_diagnostic(d, contract_id) for d in diagnostics]


def _stamp(violation: Violation, contract_id: str, name: str) -> Violation:
    return replace(violation, contract_id=contract_id, contract_name=name)


def _stamp_diagnostic(diagnostic: Diagnostic, contract_id: str) -> Diagnostic:
    return replace(diagnostic, contract_id=diagnostic.contract_id or contract_id)


def _opaque_violation(config: Config, options: dict[str, Any], check: ContractCheck) -> Violation:
    return Violation(
        rule=rules.CONTRACT_BROKEN,
        path=settings.display_path(config.path),
        line=1,
        importer="",
        imported="",
        message=f"contract '{options['name']}' ({options['type']}) is broken; its type "
        "exposes no structured findings: run lint-imports for its own report",
    )


def _display_module(locator: ModuleLocator, module: str) -> str:
    path = locator.path_of(module)
    return settings.display_path(path) if path else module


def _select(config: Config, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    if not ids:
        return config.contracts_options
    known = {options["id"]: options for options in config.contracts_options}
    missing = [i for i in ids if i not in known]
    if missing:
        raise UsageError(
            f"--contract {missing[0]}: no such contract in {config.path} (ids: {', '.join(known)})"
        )
    return [known[i] for i in dict.fromkeys(ids)]


def _contract_types(config: Config) -> dict[str, type[Contract]]:
    """The contract classes by type name: the built-in ones the config uses (or, to list
    them in an error, all of them) and every declared custom one."""
    types: dict[str, type[Contract]] = {}
    used = {options.get("type") for options in config.contracts_options}
    everything = not used <= {*BUILT_IN_TYPES, *_declared_names(config)}
    for name, dotted in BUILT_IN_TYPES.items():
        if name in used or everything:
            with contextlib.suppress(ImportError, AttributeError):
                types[name] = _load_class(dotted)
    declared = config.session_options.get("contract_types", [])
    for entry in [declared] if isinstance(declared, str) else declared:
        name, separator, dotted = str(entry).partition(":")
        if not separator or not name.strip() or not dotted.strip():
            raise UsageError(
                f"{config.path}: option 'contract_types' = {entry!r}: "
                "expected 'name: package.module.ClassName'"
            )
        try:
            cls = _load_class(dotted.strip())
        except (ImportError, AttributeError, ValueError) as error:
            raise UsageError(
                f"{config.path}: option 'contract_types' = {entry!r}: cannot load {error}"
            ) from None
        if not (isinstance(cls, type) and issubclass(cls, Contract)):
            raise UsageError(
                f"{config.path}: option 'contract_types' = {entry!r}: not a Contract subclass"
            )
        types[name.strip()] = cls
    return types


def _declared_names(config: Config) -> set[str]:
    declared = config.session_options.get("contract_types", [])
    entries = [declared] if isinstance(declared, str) else declared
    return {str(entry).partition(":")[0].strip() for entry in entries}


def _load_class(dotted: str) -> Any:
    module_name, _, class_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


def _flag(config: Config, option: str) -> bool:
    return str(config.session_options.get(option, "")).lower() == "true"


def _check_root_packages(roots: list[str], project_root: Path, config_path: Path) -> None:
    for package in roots:
        spec = None if "." in package else importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise UsageError(
                f"{config_path}: option 'root_packages' = {package!r}: "
                f"no such package under {project_root}"
            )


@contextlib.contextmanager
def _on_sys_path(root: Path) -> Iterator[None]:
    entry = str(root)
    sys.path.insert(0, entry)
    importlib.invalidate_caches()
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)
        importlib.invalidate_caches()


class _LazyCoverage:
    """The graph's coverage, worked out when first asked for: after the contracts have run, a
    scoped graph knows which files it could not read."""

    def __init__(self, files: list[Path], graph: Any, locator: ModuleLocator) -> None:
        self.files, self.graph, self.locator = files, graph, locator
        self._value: tuple[Coverage, list[Path]] | None = None

    def get(self) -> tuple[Coverage, list[Path]]:
        if self._value is None:
            self._value = _graph_coverage(self.files, self.graph, self.locator)
        return self._value


def _graph_coverage(
    files: list[Path], graph: Any, locator: ModuleLocator
) -> tuple[Coverage, list[Path]]:
    """Coverage of graph-only contracts, and the files the graph cannot see."""
    coverage = Coverage(in_scope=len(files))
    unreachable = []
    for path in files:
        excluded = settings.excluded_files and settings.excluded_files.get(path.resolve())
        if excluded:
            coverage.skipped[excluded.name] = coverage.skipped.get(excluded.name, 0) + 1
            continue
        module = locator.module_of(path)
        if module in graph.modules and locator.path_of(module) == path:
            coverage.checked += 1
        else:
            unreachable.append(path)
    if unreachable:
        coverage.skipped["unreachable"] = len(unreachable)
    return coverage, unreachable


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen = {}
    for diagnostic in diagnostics:
        seen.setdefault((diagnostic.kind, diagnostic.path, diagnostic.line), diagnostic)
    return sorted(seen.values(), key=lambda d: (d.path, d.line or 0, d.kind))
