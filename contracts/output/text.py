"""Human-readable report, grouped by contract the way ``lint-imports`` groups it."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ..application.checking import CheckReport, ContractResult
from ..domain.findings import Coverage, Diagnostic
from ..domain.rules import rule_for


def render_text(report: CheckReport) -> str:
    lines = [
        f"ssot-imports check · config {_relative(report.config_path)} · "
        f"root {_relative(report.project_root)}",
        "",
    ]
    for contract in report.contracts:
        lines += _contract_block(contract)
    lines += _diagnostics_block(report.diagnostics)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _contract_block(contract: ContractResult) -> list[str]:
    status = "KEPT" if contract.kept else "BROKEN"
    count = len(contract.violations)
    counted = f" ({count} violation{'s' if count != 1 else ''})" if count else ""
    lines = [f"{contract.name} [{contract.id}] {status}{counted}"]
    lines.append(f"  coverage: {coverage_text(contract.coverage)}")
    for warning in contract.warnings:
        lines.append(f"  warning: {warning}")
    lines.append("")
    for violation in contract.violations:
        column = f":{violation.column + 1}" if violation.column is not None else ""
        marker = "" if violation.baseline_state == "new" else f" [{violation.baseline_state}]"
        lines.append(
            f"  {violation.path}:{violation.line}{column}: {violation.code} "
            f"{violation.kind}{marker}"
        )
        lines.append(f"    {violation.message}")
        for statement_line in violation.statement.splitlines():
            lines.append(f"    | {statement_line}")
        if violation.suggestion:
            lines.append(f"    fix: {violation.suggestion}")
        if violation.unfixable_reason:
            lines.append(f"    no automatic fix: {violation.unfixable_reason}")
        lines.append("")
    rules = sorted({rule_for(v.kind) for v in contract.violations}, key=lambda r: r.code)
    for rule in rules:
        lines.append(f"  {rule.code} {rule.kind}: {rule.help_uri}")
    if rules:
        lines.append("")
    return lines


def _diagnostics_block(diagnostics: list[Diagnostic]) -> list[str]:
    if not diagnostics:
        return []
    lines = ["Diagnostics"]
    unchecked = [d for d in diagnostics if d.kind == "unchecked-file"]
    for diagnostic in diagnostics:
        if diagnostic.kind == "unchecked-file":
            continue
        where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
        lines.append(f"  {where}: {diagnostic.code} {diagnostic.kind}: {diagnostic.message}")
    if unchecked:
        folders = Counter(d.path.rpartition("/")[0] or "." for d in unchecked)
        lines.append(
            f"  {len(unchecked)} file(s) outside the import graph "
            f"({rule_for('unchecked-file').code} unchecked-file; folders without __init__.py):"
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
        f"{new} violation{'s' if new != 1 else ''} ({fixable} fixable)",
    ]
    if baselined:
        parts.append(f"{baselined} baselined")
    parts.append(
        f"{len(report.diagnostics)} diagnostic{'s' if len(report.diagnostics) != 1 else ''}"
    )
    parts.append(f"{report.files_in_scope} files")
    return "Summary: " + " · ".join(parts)
