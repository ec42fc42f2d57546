"""Run every contract of a config on one graph and collect structured results.

This is what ``ssot-imports check`` does instead of ``lint-imports``: the same config and
contract classes (built-in and custom), but a graph that survives broken files, one record
per violation, per-contract coverage and timings, and no printing. Everything outside the
process (config files, contract classes, the graph, files) comes through the run's ports.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grimp.exceptions import GrimpException
from importlinter.domain.contract import Contract, ContractCheck, InvalidContractOptions
from importlinter.domain.helpers import MissingImport
from msgspec import Struct
from msgspec.structs import replace

from ...domain import rules
from ...domain.errors import ConfigurationError, UsageError, did_you_mean
from ...domain.findings import Coverage, Diagnostic, Violation, said_lazy, with_fingerprints
from ...domain.report import CheckReport, ContractResult
from ...domain.selection import ReportScope, narrow_report
from ..context import FindingsContract, PlanningContract, RunContext
from ..ports import BuiltGraph, Config, Configs, ContractFindings, ModuleIndex
from .options import root_packages_of, unrecognized_options
from .second_process import Checked, Pair, check_all
from .suppressing import SuppressionSettings, apply_suppressions
from .unseen_files import UnseenFiles


class CheckRequest(Struct):
    """What a check was asked to do: the config, which contracts, the cache, what to report."""

    config: str | None
    project_root: Path
    contract_ids: tuple[str, ...] = ()
    use_cache: bool = True
    progress: Callable[[str], None] = lambda message: None
    # What to report (rule codes, files); the analysis itself always covers the whole tree.
    scope: ReportScope | None = None


def run_check(request: CheckRequest, context: RunContext) -> CheckReport:
    """Check every selected contract of the config; ``context.project_root`` is the root."""
    ports = context.ports
    timings: dict[str, float] = {}
    started = time.perf_counter()
    root = context.project_root
    config = ports.configs.read(ports.configs.find(request.config, [root]))
    roots = root_packages_of(config.session_options)
    if not roots:
        raise UsageError(f"{config.path}: [importlinter] sets no root_packages")
    config.session_options["root_packages"] = roots
    selected = _select(config, request.contract_ids)

    with ports.environment.on_sys_path(root):
        types = ports.contract_types.load(config)
        for package in roots:
            if "." in package or not ports.environment.is_package(package):
                raise UsageError(
                    f"{ports.configs.locate(config.path, '', 'root_packages')}: "
                    f"option 'root_packages' = {package!r}: "
                    f"no such package under {root}"
                )
        contracts = [_instantiate(config, options, types, ports.configs) for options in selected]
        index = context.index(roots)
        request.progress("building the import graph")
        graph_started = time.perf_counter()
        built = _graph_for(contracts, config, index, context)
        context.excluded_files = built.excluded  # an on-demand graph adds to it as it reads
        graph = built.graph
        timings["graph"] = time.perf_counter() - graph_started
        files = index.files()
        graph_coverage = _LazyCoverage(files, graph, index, context)

        for contract in contracts:
            if isinstance(contract, PlanningContract):
                contract.plan(graph, context)  # one read of the tree for all of them
        pairs = list(zip(selected, contracts, strict=True))

        def check(share: list[Pair], first: int, quiet: bool = False) -> list[Checked]:
            checked = []
            for number, (options, contract) in enumerate(share, first):
                if not quiet:
                    say = f"checking contract {number}/{len(pairs)}: {options['name']}"
                    request.progress(say)
                started_at = time.perf_counter()
                result, found, wanted = _run_contract(
                    config, options, contract, graph, index, graph_coverage, context
                )
                result.duration_ms = 1000 * (time.perf_counter() - started_at)
                checked.append((result, found, wanted))
            return checked

        checked = check_all(pairs, check, graph, index, built, roots, context, request.progress)
        results: list[ContractResult] = []
        diagnostics: list[Diagnostic] = []
        needed: set[Path] | None = set()  # the files some contract needed (None: all)
        wanted_by: list[set[Path] | None] = []  # each contract's
        for result, found, wanted in checked:
            needed = None if needed is None or wanted is None else needed | wanted
            timings[f"contract {result.id}"] = result.duration_ms / 1000
            results.append(result)
            wanted_by.append(wanted)
            diagnostics += found
        diagnostics += built.excluded.values()  # an on-demand graph finds them as it reads
        diagnostics += [
            Diagnostic(rules.CACHE_IGNORED, context.display_path(path), problem)
            for path, problem in [*ports.prefilter.problems, *ports.memo.problems]
        ]
        _, unreachable = graph_coverage.get()

    if any(not result.checks_unreachable for result in results) and unreachable:
        unseen = UnseenFiles(index, context.display_path)
        diagnostics += [
            Diagnostic(rules.UNCHECKED_FILE, context.display_path(path), unseen.why(path))
            for path in unreachable
        ]
    diagnostics = _mark_blocking(diagnostics, needed, set(built.excluded), index, context)
    # (Each file once: a file two contracts could not read has a diagnostic from each.)
    blocking = list(dict.fromkeys(d.path for d in diagnostics if d.blocking))
    for result, wanted in zip(results, wanted_by, strict=True):
        # The files that may hide one of its findings: needed by it and not checked.
        mine = None if wanted is None else {context.display_path(path) for path in wanted}
        result.unchecked_files = sum(1 for path in blocking if mine is None or path in mine)
    timings["total"] = time.perf_counter() - started
    report = CheckReport(
        config_path=config.path,
        project_root=root,
        root_packages=roots,
        contracts=results,
        diagnostics=_unique(diagnostics),
        timings=timings,
        files_in_scope=len(files),
        session_options=config.session_options,
        configured=frozenset(str(options["id"]) for options in config.contracts_options),
    )
    try:
        settings = SuppressionSettings.from_session(config.session_options)
    except ConfigurationError as error:
        where = ports.configs.locate(config.path, "", error.option)
        raise UsageError(f"{where}: {error}") from None
    # The codes this run could report: a suppression of another code is not unused, only
    # out of this run's sight (`--contract`).
    reported = {
        code
        for options, contract in zip(selected, contracts, strict=True)
        for code in _reported_codes(options, contract)
    }
    apply_suppressions(report, context, roots, settings, reported)
    if request.scope is not None:
        narrow_report(report, request.scope)
    return report


def _reported_codes(options: dict[str, Any], contract: Contract) -> frozenset[str]:
    """The rule codes a contract reports its findings under."""
    ours = getattr(contract, "reported_codes", None)
    if ours is not None:
        return frozenset(ours)
    built_in = rules.BUILT_IN_CONTRACTS.get(options["type"])
    return frozenset({(built_in or rules.CONTRACT_BROKEN).code})


def _mark_blocking(
    diagnostics: list[Diagnostic],
    needed: set[Path] | None,
    left_out: set[Path],
    index: ModuleIndex,
    context: RunContext,
) -> list[Diagnostic]:
    """A file that could not be read fails the run when some contract needed it; so does
    whatever the walk could not look at (an unreadable folder may hold anything)."""
    walk_problems = {context.display_path(path) for path, _ in index.problems}
    wanted = None if needed is None else {context.display_path(path) for path in needed}
    marked = []
    for diagnostic in diagnostics:
        blocking = diagnostic.path in walk_problems or (
            diagnostic.rule in rules.UNREADABLE and (wanted is None or diagnostic.path in wanted)
        )
        marked.append(replace(diagnostic, blocking=True) if blocking else diagnostic)
    return marked


def _graph_for(
    contracts: list[Contract], config: Config, index: ModuleIndex, context: RunContext
) -> BuiltGraph:
    """grimp's whole graph, or one read on demand when every contract is ours and reads only
    the imports its prefilter points to (the same findings, without scanning every file)."""
    graphs = context.ports.graphs
    include_external = _flag(config, "include_external_packages")
    exclude_type_checking = _flag(config, "exclude_type_checking_imports")
    if (
        contracts
        and not include_external
        and all(
            isinstance(contract, FindingsContract) and not _reads_whole_graph(contract)
            for contract in contracts
        )
        and graphs.on_demand_available()
    ):
        return graphs.on_demand(index, exclude_type_checking_imports=exclude_type_checking)
    return graphs.whole(
        index,
        include_external_packages=include_external,
        exclude_type_checking_imports=exclude_type_checking,
    )


def _reads_whole_graph(contract: Contract) -> bool:
    """Ours need every import of the graph only when they have ignored imports to match."""
    return bool(getattr(contract, "ignore_imports", None))


def _instantiate(
    config: Config, options: dict[str, Any], types: dict[str, type[Contract]], configs: Configs
) -> Contract:
    """Build a contract from its options; bad options fail here, before the graph is built
    (each error names the line setting the option, when it can be found)."""
    contract_id = str(options["id"])

    def where(option: str) -> str:
        return f"{configs.locate(config.path, contract_id, option)}: contract '{contract_id}'"

    if options["type"] not in types:
        known = ", ".join(sorted(types))
        close = did_you_mean(str(options["type"]), types)
        raise UsageError(
            f"{where('type')}: unknown type '{options['type']}' (known: {known}){close}"
        )
    cls = types[options["type"]]
    unknown = unrecognized_options(cls, options)
    if unknown:
        option, problem = next(iter(unknown.items()))
        raise UsageError(f"{where(option)}: option '{option}': {problem}")
    try:
        return cls(
            name=options["name"], session_options=config.session_options, contract_options=options
        )
    except InvalidContractOptions as error:
        problems = "; ".join(
            f"option '{k}'{f' = {options[k]!r}' if k in options else ''}: {v}"
            for k, v in error.errors.items()
        )
        raise UsageError(f"{where(next(iter(error.errors)))}: {problems}") from None


def _run_contract(
    config: Config,
    options: dict[str, Any],
    contract: Contract,
    graph: Any,
    index: ModuleIndex,
    graph_coverage: _LazyCoverage,
    context: RunContext,
) -> tuple[ContractResult, list[Diagnostic], set[Path] | None]:
    contract_id, contract_type = options["id"], options["type"]
    where = f"{config.path}: contract '{contract_id}'"
    try:
        if isinstance(contract, FindingsContract):
            # Ours copy the graph themselves before changing it (for ignore_imports).
            findings = contract.analyse(graph, context)
        else:
            # import-linter hands every contract its own copy of the graph.
            check = contract.check(copy.deepcopy(graph), verbose=False)
            findings = _builtin_findings(contract_type, check, graph, index, context)
            if not check.kept and not findings.violations:
                findings.violations = [_opaque_violation(config, options, context)]
    except ConfigurationError as error:
        place = context.ports.configs.locate(config.path, str(contract_id), error.option)
        raise UsageError(f"{place}: {error}") from None
    except (MissingImport, ValueError, KeyError, GrimpException) as error:
        raise UsageError(f"{where}: {error}") from None
    if not isinstance(contract, FindingsContract):
        findings.coverage = graph_coverage.get()[0]
    stamped = [
        said_lazy(replace(violation, contract_id=contract_id, contract_name=options["name"]))
        for violation in findings.violations
    ]
    result = ContractResult(
        id=contract_id,
        name=options["name"],
        type=contract_type,
        kept=findings.kept,
        violations=with_fingerprints(stamped),
        coverage=findings.coverage,
        warnings=findings.warnings,
        ignored_imports=findings.ignored_imports,
        checks_unreachable="unreachable" not in findings.coverage.skipped,
        guidance=_text(options.get("broken_contract_guidance")),
    )
    diagnostics = [
        replace(d, contract_id=d.contract_id or contract_id) for d in findings.diagnostics
    ]
    return result, diagnostics, findings.needed


def _builtin_findings(
    contract_type: str, check: ContractCheck, graph: Any, index: ModuleIndex, context: RunContext
) -> ContractFindings:
    def display_module(module: str) -> str:
        path = index.path_of(module)
        return context.display_path(path) if path else module

    violations = context.ports.builtin_findings.violations(
        contract_type, check.metadata, graph, display_module
    )
    findings = ContractFindings(
        violations=violations,
        diagnostics=[],
        coverage=Coverage(),
        warnings=list(check.warnings),
        ignored_imports=check.ignored_import_count or 0,
    )
    return findings


def _opaque_violation(config: Config, options: dict[str, Any], context: RunContext) -> Violation:
    return Violation(
        rule=rules.CONTRACT_BROKEN,
        path=context.display_path(config.path),
        line=1,
        importer="",
        imported="",
        message=f"contract '{options['name']}' ({options['type']}) is broken; its type "
        "exposes no structured findings: run lint-imports for its own report",
    )


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


def _text(value: Any) -> str:
    """An option's text; import-linter reads a value of several lines as a list of lines."""
    if isinstance(value, list | tuple):
        return "\n".join(str(line) for line in value)
    return str(value or "").strip()


def _flag(config: Config, option: str) -> bool:
    return str(config.session_options.get(option, "")).lower() == "true"


class _LazyCoverage:
    """The graph's coverage, worked out when first asked for: after the contracts have run, an
    on-demand graph knows which files it could not read."""

    def __init__(
        self, files: list[Path], graph: Any, index: ModuleIndex, context: RunContext
    ) -> None:
        self.files, self.graph, self.index, self.context = files, graph, index, context
        self._value: tuple[Coverage, list[Path]] | None = None

    def get(self) -> tuple[Coverage, list[Path]]:
        if self._value is None:
            self._value = self._work_out()
        return self._value

    def _work_out(self) -> tuple[Coverage, list[Path]]:
        """Coverage of graph-only contracts, and the files the graph cannot see."""
        coverage = Coverage(in_scope=len(self.files))
        unreachable = []
        excluded_files = self.context.excluded_files
        for path in self.files:
            excluded = excluded_files.get(path) if excluded_files else None
            if excluded is not None:
                coverage.skipped[excluded.kind] = coverage.skipped.get(excluded.kind, 0) + 1
                continue
            module = self.index.module_of(path)
            if module in self.graph.modules and self.index.path_of(module) == path:
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
