"""Human-readable report, grouped by contract the way ``lint-imports`` groups it."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from ..domain.findings import Coverage, Diagnostic, Violation
from ..domain.parsing import split_lines
from ..domain.report import CheckReport, ContractResult
from ..domain.rules import NO_INIT, UNCHECKED_FILE
from .colour import Painter, plain


def render_text(report: CheckReport, quiet: bool = False, paint: Painter = plain) -> str:
    """The report; ``quiet`` keeps the new findings and the diagnostics of unchecked files
    only (no header, coverage, baselined list or summary)."""
    if quiet:
        lines = [
            line
            for contract in report.contracts
            for violation in contract.new_violations
            for line in _violation_lines(violation, paint)
        ]
        lines += [_diagnostic_line(d, paint) for d in report.blocking]
        return "".join(line + "\n" for line in lines)
    lines = [
        printable(
            f"ssot-imports check · config {_relative(report.config_path)} · "
            f"root {_relative(report.project_root)}"
        ),
        "",
    ]
    for contract in report.contracts:
        lines += _contract_block(contract, report.accepted_by, paint)
    lines += _fixed_block(report)
    lines += _diagnostics_block(report.diagnostics, paint)
    lines.append(paint(summary_line(report), "heading"))
    return "\n".join(lines) + "\n"


def printable(text: str) -> str:
    """A line with its control characters (a NUL byte from a file) escaped, never raw."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == "\t" else repr(char)[1:-1] for char in text
    )


def suggestion_label(violation: Violation) -> str:
    """What a suggestion is: a fix, an unsafe one, or one to make by hand (``fix`` cannot
    tell it is safe)."""
    if violation.unfixable_reason:
        return "by hand"
    if violation.fix_safety == "unsafe":
        return "fix (unsafe: `fix --unsafe-fixes`)"
    return "fix"


def _violation_lines(violation: Violation, paint: Painter) -> list[str]:
    column = f":{violation.column + 1}" if violation.column is not None else ""
    where = printable(f"{violation.path}:{violation.line}{column}")
    lines = [f"  {paint(where, 'path')}: {paint(violation.code, 'code')} {violation.kind}"]
    lines.append(f"    {printable(violation.message)}")
    for statement_line in split_lines(violation.statement):  # (a form feed is no line break)
        statement_line = statement_line.rstrip("\r\n")
        lines.append(paint(f"    | {printable(statement_line)}", "quote"))
    if violation.suggestion:
        label = suggestion_label(violation)
        lines.append(f"    {label}: {paint(printable(violation.suggestion), 'fix')}")
    if violation.unfixable_reason:
        lines.append(f"    no automatic fix: {printable(violation.unfixable_reason)}")
    return lines


def _diagnostic_line(diagnostic: Diagnostic, paint: Painter) -> str:
    where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
    blocking = " [not checked: may hide violations]" if diagnostic.blocking else ""
    code = paint(diagnostic.code, "code" if diagnostic.blocking else "warning")
    return (
        f"  {paint(printable(where), 'path')}: {code} {diagnostic.kind}: "
        f"{printable(diagnostic.message)}{blocking}"
    )


def _contract_block(contract: ContractResult, accepted_by: str, paint: Painter) -> list[str]:
    new = contract.new_violations
    baselined = len(contract.violations) - len(new)
    counts = []
    if new:
        counts.append(
            f"{len(new)} {'new ' if baselined else ''}violation{'s' if len(new) != 1 else ''}"
        )
    if baselined:
        counts.append(f"{baselined} baselined")
    if not contract.passed:
        status = paint("BROKEN", "broken")
    elif contract.unchecked_files:  # kept, as far as it could see: not green
        unchecked = contract.unchecked_files
        files = f"{unchecked} file{'s' if unchecked != 1 else ''}"
        status = paint(f"NOT FULLY CHECKED ({files} it needs could not be checked)", "broken")
    else:
        status = paint("KEPT", "kept")
    lines = [
        printable(f"{contract.name} [{contract.id}] ")
        + status
        + (f" ({', '.join(counts)})" if counts else "")
    ]
    lines.append(f"  coverage: {coverage_text(contract.coverage)}")
    if contract.coverage.outside is not None:
        lines.append(f"  outside the roots: {coverage_text(contract.coverage.outside)}")
    for warning in contract.warnings:
        lines.append(printable(f"  warning: {warning}"))
    lines.append("")
    for violation in new:
        lines += _violation_lines(violation, paint)
        lines.append("")
    accepted = [v for v in contract.violations if v.baseline_state != "new"]
    if accepted:
        lines.append(f"  accepted by {accepted_by} (not failing):")
        for violation in accepted:
            symbol = f" `{violation.symbol}`" if violation.symbol else ""
            lines.append(
                printable(
                    f"    {violation.path}:{violation.line}: {violation.code} {violation.kind}"
                    f"{symbol} [{'baselined' if accepted_by == 'the baseline' else 'existing'}]"
                )
            )
        lines.append("")
    rules = sorted({v.rule for v in new}, key=lambda r: r.code)
    for rule in rules:
        lines.append(f"  {rule.code} {rule.kind}: {rule.help_uri}")
    if contract.guidance and not contract.passed:
        lines += ["", *(printable(f"  {line}") for line in contract.guidance.splitlines())]
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
        lines.append(printable(f"  {entry['path']}: {entry['kind']}{symbol} [{entry['contract']}]"))
    lines.append("")
    return lines


def _diagnostics_block(diagnostics: list[Diagnostic], paint: Painter) -> list[str]:
    if not diagnostics:
        return []
    lines = ["Diagnostics"]
    # Files in folders without __init__.py (a quarter of a real tree) are counted by folder;
    # a file kept out for another reason (its name...) is shown with it.
    unchecked = [d for d in diagnostics if d.rule is UNCHECKED_FILE and d.message.endswith(NO_INIT)]
    grouped = {id(d) for d in unchecked}
    for diagnostic in diagnostics:
        if id(diagnostic) not in grouped:
            lines.append(_diagnostic_line(diagnostic, paint))
    if unchecked:
        # (By the folder without __init__.py the message names: a file deeper down counts
        # there, not in its own folder.)
        folders = Counter(_folder_named(d) for d in unchecked)
        lines.append(
            f"  {len(unchecked)} file(s) outside the import graph "
            f"({UNCHECKED_FILE.heading}; folders without __init__.py):"
        )
        for folder, count in sorted(folders.items()):
            lines.append(printable(f"    {folder}/ ({count} file{'s' if count != 1 else ''})"))
    lines.append("")
    return lines


def _folder_named(diagnostic: Diagnostic) -> str:
    """The folder a D003 says has no ``__init__.py`` (its file's folder if it names none)."""
    named = _NAMED_FOLDER.search(diagnostic.message)
    if named is not None:
        return named.group(1)
    return diagnostic.path.rpartition("/")[0] or "."


_NAMED_FOLDER = re.compile(r"folder (.+)/ " + re.escape(NO_INIT) + r"$")


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
    partial = sum(1 for c in report.contracts if c.passed and c.unchecked_files)
    kept = len(report.contracts) - broken - partial
    violations = report.violations
    new = sum(1 for v in violations if v.baseline_state == "new")
    fixable = [v for v in violations if v.fixable and v.baseline_state == "new"]
    unsafe = sum(1 for v in fixable if v.fix_safety == "unsafe")
    held = f", {unsafe} of them with --unsafe-fixes" if unsafe else ""
    baselined = len(violations) - new
    parts = [
        f"{broken} broken, {kept} kept" + (f", {partial} not fully checked" if partial else ""),
        f"{new} {'new ' if baselined or report.fixed else ''}violation{'s' if new != 1 else ''} "
        f"({len(fixable)} fixable{held})",
    ]
    if baselined:
        parts.append(
            f"{baselined} {'baselined' if report.accepted_by == 'the baseline' else 'existing'}"
        )
    if report.fixed:
        parts.append(f"{len(report.fixed)} fixed")
    if report.suppressed:
        parts.append(f"{len(report.suppressed)} suppressed")
    parts.append(
        f"{len(report.diagnostics)} diagnostic{'s' if len(report.diagnostics) != 1 else ''}"
    )
    if report.blocking:
        parts.append(f"{len(report.blocking)} not checked")
    outside = max(
        (c.coverage.outside.in_scope for c in report.contracts if c.coverage.outside),
        default=0,
    )
    parts.append(
        f"{report.files_in_scope} files" + (f" (+{outside} outside the roots)" if outside else "")
    )
    return "Summary: " + " · ".join(parts)
