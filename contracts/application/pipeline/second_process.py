"""Some of a run's contracts checked meanwhile in a copy of the process.

Each contract's findings are the same whichever process checks it, or checked alone
(``--contract``): a contract reads whatever may matter to it. So on a machine with two CPUs,
once the tree is read and before any import is scanned, a copy of the process takes the later
contracts (about half of the work, as the contracts' planned modules measure it) and sends its
results back. The modules the contracts of both processes will read are scanned once, here, and
sent to the copy as each scan ends (``OnDemandGraph.share_scans``). If the copy fails (a
contract raises there, or it dies), its contracts are checked here, in order: the run's error
is the first contract's, as in one process.
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
from ..ports import BuiltGraph, Forked, ModuleIndex, OnDemandGraph, SharedScansSender

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
    sender: SharedScansSender | None = None
    own, theirs = pairs, []
    planned: list[set[str]] = []
    if _worth_a_copy(pairs, graph, context):
        context.prefilter_planned(roots)  # read once, before the copy: both use it
        planned = [_planned_modules(contract, graph, context) for _, contract in pairs]
        cut = _balanced_cut(planned)
        own, theirs = pairs[:cut], pairs[cut:]
    try:
        if theirs:
            context.checking = frozenset(id(contract) for _, contract in own)
            # The modules both processes would scan are scanned here and sent to the copy
            # (first those its first contract with work to do reads).
            shared = set().union(*planned[: len(own)]) & set().union(*planned[len(own) :])
            _work_out_shared(pairs, graph, context)
            sharing = graph.share_scans(shared) if shared else None
            copy = _start_copy(theirs, len(own) + 1, check, graph, index, built, context, sharing)
            if sharing is not None:
                first = next((modules for modules in planned[len(own) :] if modules), set())
                sender = graph.send_shared(sharing, first)
            once = f" ({len(shared)} modules both read are scanned here only)" if shared else ""
            progress(f"checking contracts {len(own) + 1}-{len(pairs)} in a second process{once}")
        checked = check(own, 1)
        if isinstance(graph, OnDemandGraph):
            graph.settle()
        context.parsed_files |= _parsed_files(_read_whole(graph), index, built.excluded)
        if sender is not None:
            sender.close()  # (sent long ago, unless a shared module was never read here)
        if copy is not None:
            checked += _take_copy(copy, check, theirs, len(own) + 1, index, built, context)
    except BaseException:  # (an error, or an interrupt): the copy is not left running
        if copy is not None:
            copy.cancel()  # (first: a scan being sent to it then ends at once)
        if sender is not None:
            sender.close()
        raise
    finally:
        context.checking = None
    return checked


def _worth_a_copy(pairs: list[Pair], graph: Any, context: RunContext) -> bool:
    """Whether a copy of this process should check some of the contracts meanwhile: enough of them
    have work to do, all are ours, the graph is read on demand and nothing of it yet (the
    copy scans what its contracts need, but for what this one sends it), and a copy can be
    made here. Each contract's findings are the same checked here, in a copy, or alone
    (``--contract``): a contract reads whatever may matter to it."""
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


def _planned_modules(contract: Contract, graph: Any, context: RunContext) -> set[str]:
    """The modules a contract will have the graph read first, as far as it tells (none when
    its findings of an earlier run are kept: it then reads next to nothing)."""
    planned = getattr(contract, "planned_modules", None)
    if planned is None or _kept(contract, context):
        return set()
    return set(planned(graph, context))


def _work_out_shared(pairs: list[Pair], graph: Any, context: RunContext) -> None:
    """Have the contracts work out what their checks share now, before the copy is made,
    rather than each process on first use."""
    for _, contract in pairs:
        work_out = getattr(contract, "work_out_shared", None)
        if work_out is not None and not _kept(contract, context):
            work_out(graph, context)


# Scanning a module costs about twice as much as checking it as a candidate (0.34 and 0.14 ms
# for the dense benchmark's 20 KB files).
_SCAN_WEIGHT = 2


def _balanced_cut(planned: list[set[str]]) -> int:
    """Where to cut the contracts, kept in order, into this process's (before) and the
    copy's (after), so that both have about as much to do; each gets one at least. Each
    process checks its contracts' candidates; this one scans the modules its contracts read
    (those the copy's read too included: it sends them), the copy the rest."""
    every = len(set().union(*planned))
    total = sum(len(modules) + 1 for modules in planned)
    seen: set[str] = set()
    checked = 0
    best, best_gap = 1, None
    for cut in range(1, len(planned)):
        seen |= planned[cut - 1]
        checked += len(planned[cut - 1]) + 1
        here = _SCAN_WEIGHT * len(seen) + checked
        there = _SCAN_WEIGHT * (every - len(seen)) + total - checked
        gap = abs(here - there)
        if best_gap is None or gap < best_gap:
            best, best_gap = cut, gap
    return best


class _CopyOutcome(Struct):
    """What a copy of the process sends back: its contracts' results, and what it learned
    that the run reports (files it could not scan, files parsed whole, cache problems)."""

    checked: list[Checked]
    excluded: dict[Path, Diagnostic]
    scanned: set[str]  # the modules grimp's parser read whole there
    vouched: list[str]  # the other files parsed whole there (``RunContext.parsed_files``)
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
    sharing: Any = None,
) -> Forked:
    """Check ``share`` in a copy of this process, from now on (the modules of ``sharing``
    come from this process)."""
    ports = context.ports
    memo_seen, prefilter_seen = len(ports.memo.problems), len(ports.prefilter.problems)

    def work() -> _CopyOutcome:
        if sharing is not None:
            graph.expect_shared(sharing)
        context.checking = frozenset(id(contract) for _, contract in share)
        checked = check(share, first, quiet=True)
        graph.settle()
        return _CopyOutcome(
            checked=checked,
            excluded=dict(built.excluded),
            # (Module names and text: a path takes ten times as long to load.)
            scanned=_read_whole(graph),
            vouched=sorted(str(path) for path in context.parsed_files),
            memo_problems=ports.memo.problems[memo_seen:],
            prefilter_problems=ports.prefilter.problems[prefilter_seen:],
        )

    return ports.forks.start(work)


def _take_copy(
    done: Forked,
    check: Callable[..., list[Checked]],
    share: list[Pair],
    first: int,
    index: ModuleIndex,
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
    context.parsed_files |= _parsed_files(outcome.scanned, index, built.excluded)
    context.parsed_files |= {Path(text) for text in outcome.vouched}
    context.ports.memo.problems += outcome.memo_problems
    context.ports.prefilter.problems += outcome.prefilter_problems
    return outcome.checked


def _read_whole(graph: Any) -> set[str]:
    """The modules grimp's parser read whole: those an on-demand graph scanned, or every
    module of a whole graph."""
    return set(graph.scanned if isinstance(graph, OnDemandGraph) else graph.modules)


def _parsed_files(
    modules: set[str], index: ModuleIndex, excluded: dict[Path, Diagnostic]
) -> set[Path]:
    """The files of ``modules`` whose every line grimp's parser read, those it had to leave
    out excepted."""
    paths = {index.path_of(module) for module in modules}
    return {path for path in paths if path is not None and path not in excluded}
