"""Human-readable report, grouped by contract the way ``lint-imports`` groups it."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ..domain.findings import Coverage, Diagnostic
from ..domain.report import CheckReport, ContractResult
from ..domain.rules import UNCHECKED_FILE


def render_text(report: CheckReport) -> str:
    lines = [
        f"ssot-imports check · config {_relative(report.config_path)} · "
        f"root {_relative(report.project_root)}",
        "",
    ]
    for contract in report.contracts:
        lines += _contract_block(contract)
    lines += _fixed_block(report)
    lines += _diagnostics_block(report.diagnostics)
    lines.append(summary_line(report))
    return "\n".join(printable(line) for line in lines) + "\n"


def printable(text: str) -> str:
    """A line with its control characters (a NUL byte from a file) escaped, never raw."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == "\t" else repr(char)[1:-1] for char in text
    )


def _contract_block(contract: ContractResult) -> list[str]:
    new = contract.new_violations
    baselined = len(contract.violations) - len(new)
    counts = []
    if new:
        counts.append(
            f"{len(new)} {'new ' if baselined else ''}violation{'s' if len(new) != 1 else ''}"
        )
    if baselined:
        counts.append(f"{baselined} baselined")
    status = "KEPT" if contract.passed else "BROKEN"
    lines = [
        f"{contract.name} [{contract.id}] {status}" + (f" ({', '.join(counts)})" if counts else "")
    ]
    lines.append(f"  coverage: {coverage_text(contract.coverage)}")
    for warning in contract.warnings:
        lines.append(f"  warning: {warning}")
    lines.append("")
    for violation in new:
        column = f":{violation.column + 1}" if violation.column is not None else ""
        lines.append(
            f"  {violation.path}:{violation.line}{column}: {violation.code} {violation.kind}"
        )
        lines.append(f"    {violation.message}")
        for statement_line in violation.statement.splitlines():
            lines.append(f"    | {statement_line}")
        if violation.suggestion:
            lines.append(f"    fix: {violation.suggestion}")
        if violation.unfixable_reason:
            lines.append(f"    no automatic fix: {violation.unfixable_reason}")
        lines.append("")
    accepted = [v for v in contract.violations if v.baseline_state != "new"]
    if accepted:
        lines.append("  accepted by the baseline (not failing):")
        for violation in accepted:
            symbol = f" `{violation.symbol}`" if violation.symbol else ""
            lines.append(
                f"    {violation.path}:{violation.line}: {violation.code} {violation.kind}"
                f"{symbol} [baselined]"
            )
        lines.append("")
    rules = sorted({v.rule for v in new}, key=lambda r: r.code)
    for rule in rules:
        lines.append(f"  {rule.code} {rule.kind}: {rule.help_uri}")
    if contract.guidance and not contract.passed:
        lines += ["", *(f"  {line}" for line in contract.guidance.splitlines())]
    if rules:
        lines.append("")
    return lines


def _fixed_block(report: CheckReport) -> list[str]:
    if not report.fixed:
        return []
    lines = [
        f"Fixed since the baseline ({len(report.fixed)}): run `ssot-imports baseline --update`"
    ]
    for entry in report.fixed:
        symbol = f" {entry['symbol']}" if entry.get("symbol") else ""
        lines.append(f"  {entry['path']}: {entry['kind']}{symbol} [{entry['contract']}]")
    lines.append("")
    return lines


def _diagnostics_block(diagnostics: list[Diagnostic]) -> list[str]:
    if not diagnostics:
        return []
    lines = ["Diagnostics"]
    unchecked = [d for d in diagnostics if d.rule is UNCHECKED_FILE]
    for diagnostic in diagnostics:
        if diagnostic.rule is UNCHECKED_FILE:
            continue
        where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
        blocking = " [not checked: may hide violations]" if diagnostic.blocking else ""
        lines.append(
            f"  {where}: {diagnostic.code} {diagnostic.kind}: {diagnostic.message}{blocking}"
        )
    if unchecked:
        folders = Counter(d.path.rpartition("/")[0] or "." for d in unchecked)
        lines.append(
            f"  {len(unchecked)} file(s) outside the import graph "
            f"({UNCHECKED_FILE.heading}; folders without __init__.py):"
        )
        for folder, count in sorted(folders.items()):
            lines.append(f"    {folder}/ ({count} file{'s' if count != 1 else ''})")
    lines.append("")
    return lines


def _relative(path: Path) -> str:
    """A path as the user would type it from here (absolute when it is elsewhere)."""
    try:
        text = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if text.startswith("..") else text


def coverage_text(coverage: Coverage) -> str:
    text = f"{coverage.checked} of {coverage.in_scope} files checked ({coverage.percent:.1f}%)"
    if coverage.skipped:
        parts = ", ".join(f"{count} {why}" for why, count in sorted(coverage.skipped.items()))
        text += f"; skipped: {parts}"
    return text


def summary_line(report: CheckReport) -> str:
    broken = len(report.broken)
    kept = len(report.contracts) - broken
    violations = report.violations
    new = sum(1 for v in violations if v.baseline_state == "new")
    fixable = sum(1 for v in violations if v.fixable and v.baseline_state == "new")
    baselined = len(violations) - new
    parts = [
        f"{broken} broken, {kept} kept",
        f"{new} {'new ' if baselined or report.fixed else ''}violation{'s' if new != 1 else ''} "
        f"({fixable} fixable)",
    ]
    if baselined:
        parts.append(f"{baselined} baselined")
    if report.fixed:
        parts.append(f"{len(report.fixed)} fixed")
    parts.append(
        f"{len(report.diagnostics)} diagnostic{'s' if len(report.diagnostics) != 1 else ''}"
    )
    if report.blocking:
        parts.append(f"{len(report.blocking)} not checked")
    parts.append(f"{report.files_in_scope} files")
    return "Summary: " + " · ".join(parts)
