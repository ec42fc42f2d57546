"""Some of a run's contracts checked meanwhile in a copy of the process.

Each contract's findings are the same whichever process checks it, or checked alone
(``--contract``): a contract reads whatever may matter to it. So on a machine with two CPUs,
once the tree is read and before any import is scanned, a copy of the process takes the later
contracts (about half of the work, as the contracts measure it) and sends its results back.
If the copy fails (a contract raises there, or it dies), its contracts are checked here, in
order: the run's error is the first contract's, as in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from importlinter.domain.contract import Contract
from msgspec import Struct

from ...domain.findings import Diagnostic
from ...domain.report import ContractResult
from ..context import FindingsContract, RunContext
from ..ports import BuiltGraph, Forked, ModuleIndex, OnDemandGraph

Pair = tuple[dict[str, Any], Contract]
# A contract's result, its diagnostics, and the files it needed (None: all).
Checked = tuple[ContractResult, list[Diagnostic], "set[Path] | None"]
# How many contracts with work to do a run needs before a copy checks some of them (a copy
# costs a few milliseconds; a contract of the dense benchmark takes 20 to 30).
CONTRACTS_FOR_A_COPY = 4


def check_all(
    pairs: list[Pair],
    check: Callable[..., list[Checked]],
    graph: Any,
    index: ModuleIndex,
    built: BuiltGraph,
    roots: list[str],
    context: RunContext,
    progress: Callable[[str], None],
) -> list[Checked]:
    """Every contract checked (``check(share, first number, quiet)``), results in order;
    the graph settled and the files it parsed whole noted in the run's context."""
    copy = None
    own, theirs = pairs, []
    if _worth_a_copy(pairs, graph, context):
        context.prefilter_planned(roots)  # read once, before the copy: both use it
        cut = _balanced_cut([_planned_work(contract, context) for _, contract in pairs])
        own, theirs = pairs[:cut], pairs[cut:]
    try:
        if theirs:
            context.checking = frozenset(id(contract) for _, contract in own)
            copy = _start_copy(theirs, len(own) + 1, check, graph, index, built, context)
            progress(f"checking contracts {len(own) + 1}-{len(pairs)} in a second process")
        checked = check(own, 1)
        if isinstance(graph, OnDemandGraph):
            graph.settle()
        context.parsed_files |= _parsed_files(graph, index, built.excluded)
        if copy is not None:
            checked += _take_copy(copy, check, theirs, len(own) + 1, built, context)
    except BaseException:  # (an error, or an interrupt): the copy is not left running
        if copy is not None:
            copy.cancel()
        raise
    finally:
        context.checking = None
    return checked


def _worth_a_copy(pairs: list[Pair], graph: Any, context: RunContext) -> bool:
    """Whether a copy of this process should check some of the contracts meanwhile: enough
    of them have work to do, all are ours, the graph is read on demand and nothing of it yet
    (the copy scans what its contracts need), and a copy can be made here. Each contract's
    findings are the same checked here, in a copy, or alone (``--contract``): a contract
    reads whatever may matter to it."""
    if not all(isinstance(contract, FindingsContract) for _, contract in pairs):
        return False
    if not isinstance(graph, OnDemandGraph) or graph.scanned:
        return False
    busy = [contract for _, contract in pairs if not _kept(contract, context)]
    return len(busy) >= CONTRACTS_FOR_A_COPY and context.ports.forks.available()


def _kept(contract: Contract, context: RunContext) -> bool:
    """Whether a contract's findings of an earlier run are kept (it then reads next to
    nothing), as far as it can tell."""
    kept = getattr(contract, "has_kept_findings", None)
    return kept is not None and bool(kept(context))


def _planned_work(contract: Contract, context: RunContext) -> int:
    """A contract's share of the run's work, as it measures it (1 if it does not)."""
    measure = getattr(contract, "planned_work", None)
    if _kept(contract, context) or measure is None:
        return 1
    return max(1, int(measure(context)))


def _balanced_cut(work: list[int]) -> int:
    """Where to cut the contracts, kept in order, into this process's (before) and the
    copy's (after), so that both have about as much to do; each gets one at least."""
    total, before = sum(work), 0
    best, best_gap = 1, total
    for cut in range(1, len(work)):
        before += work[cut - 1]
        gap = abs(total - 2 * before)
        if gap < best_gap:
            best, best_gap = cut, gap
    return best


class _CopyOutcome(Struct):
    """What a copy of the process sends back: its contracts' results, and what it learned
    that the run reports (files it could not scan, files parsed whole, cache problems)."""

    checked: list[Checked]
    excluded: dict[Path, Diagnostic]
    parsed: set[Path]
    memo_problems: list[tuple[Path, str]]
    prefilter_problems: list[tuple[Path, str]]


def _start_copy(
    share: list[Pair],
    first: int,
    check: Callable[..., list[Checked]],
    graph: Any,
    index: ModuleIndex,
    built: BuiltGraph,
    context: RunContext,
) -> Forked:
    """Check ``share`` in a copy of this process, from now on."""
    ports = context.ports
    memo_seen, prefilter_seen = len(ports.memo.problems), len(ports.prefilter.problems)

    def work() -> _CopyOutcome:
        context.checking = frozenset(id(contract) for _, contract in share)
        checked = check(share, first, quiet=True)
        graph.settle()
        return _CopyOutcome(
            checked=checked,
            excluded=dict(built.excluded),
            parsed=context.parsed_files | _parsed_files(graph, index, built.excluded),
            memo_problems=ports.memo.problems[memo_seen:],
            prefilter_problems=ports.prefilter.problems[prefilter_seen:],
        )

    return ports.forks.start(work)


def _take_copy(
    done: Forked,
    check: Callable[..., list[Checked]],
    share: list[Pair],
    first: int,
    built: BuiltGraph,
    context: RunContext,
) -> list[Checked]:
    """The copy's results, merged into this run; if the copy failed (a contract raised
    there, or it died), its contracts are checked here, in order, as they would have been."""
    ok, outcome = done.result()
    if not ok:
        context.checking = None
        return check(share, first)
    for path, diagnostic in outcome.excluded.items():
        built.excluded.setdefault(path, diagnostic)
    context.parsed_files |= outcome.parsed
    context.ports.memo.problems += outcome.memo_problems
    context.ports.prefilter.problems += outcome.prefilter_problems
    return outcome.checked


def _parsed_files(graph: Any, index: ModuleIndex, excluded: dict[Path, Diagnostic]) -> set[Path]:
    """The files whose every line grimp's parser read (the modules an on-demand graph
    scanned, or every module of a whole graph), those it had to leave out excepted."""
    modules = graph.scanned if isinstance(graph, OnDemandGraph) else graph.modules
    paths = {index.path_of(module) for module in modules}
    return {path for path in paths if path is not None and path not in excluded}
