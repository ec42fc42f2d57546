"""GitHub Actions output: workflow-command annotations and a Markdown job summary."""

from __future__ import annotations

from ..domain.findings import Violation
from ..domain.report import CheckReport
from ..domain.rules import UNCHECKED_FILE
from .text import coverage_text, printable, summary_line


def _escape_data(text: str) -> str:
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(escaped)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(violation: Violation, prefix: str) -> str:
    properties = [f"file={_escape_property(prefix + violation.path)}", f"line={violation.line}"]
    if violation.column is not None:
        properties.append(f"col={violation.column + 1}")
    properties.append(f"title={_escape_property(f'{violation.code} {violation.kind}')}")
    body = violation.message
    if violation.suggestion:
        body += f"\nfix: {violation.suggestion}"
    if violation.unfixable_reason:
        body += f"\nno automatic fix: {violation.unfixable_reason}"
    return f"::error {','.join(properties)}::{_escape_data(body)}"


def render_github(report: CheckReport) -> str:
    """Annotations for new violations and for diagnostics; baselined ones stay silent."""
    prefix = report.workspace_prefix
    lines = [annotation(v, prefix) for v in report.violations if v.baseline_state == "new"]
    unchecked = 0
    for diagnostic in report.diagnostics:
        if diagnostic.rule is UNCHECKED_FILE:
            unchecked += 1
            continue
        properties = [f"file={_escape_property(prefix + diagnostic.path)}"]
        if diagnostic.line:
            properties.append(f"line={diagnostic.line}")
        properties.append(f"title={_escape_property(f'{diagnostic.code} {diagnostic.kind}')}")
        level = "error" if diagnostic.blocking else "warning"
        lines.append(f"::{level} {','.join(properties)}::{_escape_data(diagnostic.message)}")
    if unchecked:
        lines.append(
            f"::notice title=unchecked files::{unchecked} Python files are outside the import "
            "graph (folders without __init__.py); see the job summary or --format text"
        )
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_summary(report: CheckReport) -> str:
    broken = len(report.broken)
    title = "passed" if not broken else f"{broken} contract{'s' if broken != 1 else ''} broken"
    lines = [
        f"## ssot-imports: {title}",
        "",
        "| Contract | Status | New violations | Baselined | Coverage |",
        "| --- | --- | --- | --- | --- |",
    ]
    for contract in report.contracts:
        new = sum(1 for v in contract.violations if v.baseline_state == "new")
        baselined = len(contract.violations) - new
        status = "✅ kept" if contract.kept else "❌ broken"
        lines.append(
            f"| {_cell(contract.name)} | {status} | {new} | {baselined} | "
            f"{_cell(coverage_text(contract.coverage))} |"
        )
    new_violations = [v for v in report.violations if v.baseline_state == "new"]
    if new_violations:
        prefix = report.workspace_prefix
        lines += ["", "| Location | Rule | Message | Fix |", "| --- | --- | --- | --- |"]
        for v in new_violations:
            fix = f"`{_cell(v.suggestion)}`" if v.suggestion else _cell(v.unfixable_reason or "")
            lines.append(
                f"| `{_cell(prefix + v.path)}:{v.line}` | {v.code} {v.kind} | "
                f"{_cell(v.message)} | {fix} |"
            )
    if report.fixed:
        lines += [
            "",
            f"{len(report.fixed)} baselined violation(s) no longer occur: "
            "run `ssot-imports baseline --update`.",
        ]
    lines += ["", summary_line(report), ""]
    return "\n".join(lines)
