"""Files with a fix that no parser read whole are put to grimp's parser before the findings
are kept.

A check reads a file outside the import graph (or one an on-demand graph did not scan)
statement by statement, so a syntax error far from its imports goes unseen there, and
``fix`` would then refuse the file that the check called fixable. Each such file is read
whole by grimp's compiled parser once per analysis (the findings are kept with the memo):
one with a syntax error keeps its findings, none of them fixable, and gets a diagnostic
that does not stop the run (its imports were read).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgspec.structs import replace

from ...domain.findings import Diagnostic, Violation
from ..context import RunContext
from ..ports import ContractFindings, ModuleIndex, OnDemandGraph


def vouch_for_fixes(
    findings: ContractFindings, graph: Any, locator: ModuleIndex, context: RunContext
) -> set[Path]:
    """Check the files of ``findings``' fixes that the graph did not parse whole, marking the
    fixes in a file with a syntax error as not applicable, and noting the others in
    ``context.parsed_files``; returns the files read, whose content the findings now rest
    on."""
    scanned = graph.scanned if isinstance(graph, OnDemandGraph) else graph.modules
    root = context.project_root
    # Only the files with a fix are looked up (not every scanned module: a run of many
    # contracts asks once per contract).
    fixable = {root / v.path for v in findings.violations if v.fixable}
    unvouched = {
        path
        for path in fixable
        if path in context.excluded_files or not _scanned(path, scanned, locator)
    }
    # A file an earlier contract of the run vouched for is not read again (one that failed
    # is, and fails again); the findings rest on it all the same.
    unread = unvouched - context.parsed_files
    if not unread:
        return unvouched
    vouched, broken = context.ports.graphs.parsing_whole(sorted(unread))
    context.parsed_files |= vouched  # (``fix`` need not ask again)
    if broken:
        by_display = {diagnostic.path: diagnostic for diagnostic in broken.values()}
        findings.violations = [
            _left_unfixed(v, by_display[v.path]) if v.fixable and v.path in by_display else v
            for v in findings.violations
        ]
        findings.diagnostics = [
            *findings.diagnostics,
            *(
                replace(
                    diagnostic,
                    message=f"{diagnostic.message} (its imports were read one by one: what "
                    "they hold is reported, and `fix` leaves the file untouched)",
                )
                for diagnostic in broken.values()
            ),
        ]
    return unvouched


def _scanned(path: Path, scanned: Any, locator: ModuleIndex) -> bool:
    """Whether grimp's parser read ``path`` whole as the module it stands for."""
    module = locator.module_of(path)
    return module is not None and module in scanned and locator.path_of(module) == path


def _left_unfixed(violation: Violation, syntax_error: Diagnostic) -> Violation:
    where = f" on line {syntax_error.line}" if syntax_error.line else ""
    reason = f"the file has a syntax error{where}: `fix` leaves it untouched"
    return replace(violation, unfixable_reason=reason)
