"""GitHub Actions output: workflow-command annotations and a Markdown job summary, both kept
within what GitHub accepts.

GitHub shows 10 error, 10 warning and 10 notice annotations per step (50 per job) and drops
the rest silently, in the order printed; it rejects a step summary over 1 MiB. So the
annotations put the files the pull request changed first and stop at the limit, saying how
many more the summary and SARIF hold; the rest of the findings are still printed as plain log
lines. The summary groups findings by rule and by file and caps its rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from ..domain.findings import Diagnostic, Violation
from ..domain.report import CheckReport
from ..domain.rules import RULES_BY_CODE, UNCHECKED_FILE
from .text import coverage_text, printable, suggestion_label, summary_line

# Annotations of one level GitHub shows per step.
ANNOTATIONS_PER_LEVEL = 10
# Rows of each summary table; the summary stays far below GitHub's 1 MiB per step.
SUMMARY_FILE_ROWS = 50
SUMMARY_DETAIL_ROWS = 100
CELL_CHARACTERS = 300
SUMMARY_BUDGET = 512 * 1024


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
    if violation.suggestion:  # (labelled as the text report labels it: "by hand" too)
        body += f"\n{suggestion_label(violation)}: {violation.suggestion}"
    if violation.unfixable_reason:
        body += f"\nno automatic fix: {violation.unfixable_reason}"
    return f"::error {','.join(properties)}::{_escape_data(body)}"


def _diagnostic_annotation(diagnostic: Diagnostic, prefix: str) -> str:
    properties = [f"file={_escape_property(prefix + diagnostic.path)}"]
    if diagnostic.line:
        properties.append(f"line={diagnostic.line}")
    properties.append(f"title={_escape_property(f'{diagnostic.code} {diagnostic.kind}')}")
    level = "error" if diagnostic.blocking else "warning"
    return f"::{level} {','.join(properties)}::{_escape_data(diagnostic.message)}"


def _log_line(finding: Violation | Diagnostic, prefix: str = "") -> str:
    """A finding past the annotation limit, as a plain log line (never a workflow command),
    its place written as the annotations give theirs (path from the repository's root, line,
    column)."""
    where = prefix + finding.path
    column = getattr(finding, "column", None)  # (0-based; a diagnostic has none)
    if finding.line:
        where += f":{finding.line}" + (f":{column + 1}" if column is not None else "")
    line = f"{where}: {finding.code} {finding.kind}: {finding.message}"
    if isinstance(finding, Violation) and finding.suggestion:  # (as the annotations say it)
        line += f" ({suggestion_label(finding)}: {finding.suggestion})"
    return printable(line)


def _changed_first(
    findings: list, changed: Collection[str]
) -> list:  # list[Violation | Diagnostic]
    """Findings in changed files first, each group in report order (a stable sort)."""
    return sorted(findings, key=lambda finding: finding.path not in changed)


def render_github(
    report: CheckReport,
    changed: Collection[str] = (),
    quiet: bool = False,
    elsewhere: Collection[str] = (),
) -> str:
    """Annotations for new violations and for diagnostics (baselined violations stay silent),
    at most ``ANNOTATIONS_PER_LEVEL`` of each level, the changed files' first. ``elsewhere``
    names where else every finding is written this run ("the job summary", "the SARIF
    report"), for the notice about the findings past the limit."""
    prefix = report.workspace_prefix
    blocking = [d for d in report.diagnostics if d.blocking]
    new = [v for v in report.violations if v.baseline_state == "new"]
    errors = _changed_first([*blocking, *new], changed)
    warnings = _changed_first(
        [d for d in report.diagnostics if not d.blocking and d.rule is not UNCHECKED_FILE],
        changed,
    )
    lines: list[str] = []
    overflow: list[Violation | Diagnostic] = []
    for findings in (errors, warnings):
        for finding in findings[:ANNOTATIONS_PER_LEVEL]:
            if isinstance(finding, Violation):
                lines.append(annotation(finding, prefix))
            else:
                lines.append(_diagnostic_annotation(finding, prefix))
        overflow += findings[ANNOTATIONS_PER_LEVEL:]
    lines += [_log_line(finding, prefix) for finding in overflow]
    unchecked = sum(1 for d in report.diagnostics if d.rule is UNCHECKED_FILE)
    if unchecked:
        lines.append(
            f"::notice title=unchecked files::{unchecked} Python files are outside the import "
            "graph (folders without __init__.py, names Python cannot import); see the job "
            "summary or --format text"
        )
    if overflow:
        places = ["the log above", *elsewhere]
        where = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        lines.append(
            f"::notice title=more findings::{len(overflow)} more findings than GitHub shows as "
            f"annotations ({ANNOTATIONS_PER_LEVEL} per level and step) are listed in {where}"
        )
    if not quiet:
        lines.append(summary_line(report))
    return "".join(line + "\n" for line in lines)


def _cell(text: str, limit: int = CELL_CHARACTERS) -> str:
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return printable(text.replace("|", "\\|").replace("\n", " "))


def markdown_summary(
    report: CheckReport, changed: Collection[str] = (), sarif: bool = False
) -> str:
    """The job summary: contracts, new findings by rule and by file, then the first findings
    (the changed files' first), each table capped; ``sarif``: a SARIF report holds them all."""
    holders = "the log and the SARIF report" if sarif else "the log"
    broken = len(report.broken)
    title = "passed" if not broken else f"{broken} contract{'s' if broken != 1 else ''} broken"
    lines = [
        f"## ssot-imports: {title}",
        "",
        "| Contract | Status | New violations | Baselined | Coverage |",
        "| --- | --- | --- | --- | --- |",
    ]
    for contract in report.contracts:
        new_count = len(contract.new_violations)
        baselined = len(contract.violations) - new_count
        status = "✅ kept" if contract.passed else "❌ broken"
        lines.append(
            f"| {_cell(contract.name)} | {status} | {new_count} | {baselined} | "
            f"{_cell(coverage_text(contract.coverage))} |"
        )
    new = [v for v in report.violations if v.baseline_state == "new"]
    if new:
        lines += _by_rule(new) + _by_file(new, report.workspace_prefix)
        lines += _details(_changed_first(new, changed), report.workspace_prefix, holders)
    if report.fixed:
        lines += [
            "",
            f"{len(report.fixed)} baselined violation(s) no longer occur: "
            "run `ssot-imports baseline --update`.",
        ]
    lines += ["", summary_line(report), ""]
    return _within_budget("\n".join(lines), holders)


def _within_budget(text: str, holders: str) -> str:
    """Whatever the config holds (thousands of contracts), never more than the budget."""
    data = text.encode("utf-8")
    if len(data) <= SUMMARY_BUDGET:
        return text
    kept = data[: SUMMARY_BUDGET - 200].decode("utf-8", errors="ignore").rpartition("\n")[0]
    return kept + f"\n\n(summary cut at 512 KiB; {holders} hold everything)\n"


def _by_rule(new: list[Violation]) -> list[str]:
    counts = Counter(v.code for v in new)
    fixable = Counter(v.code for v in new if v.fixable)
    lines = ["", "### New violations by rule", "", "| Rule | Violations | Fixable |"]
    lines.append("| --- | --- | --- |")
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = RULES_BY_CODE[code]
        lines.append(f"| [{code} {rule.kind}]({rule.help_uri}) | {count} | {fixable[code]} |")
    return lines


def _by_file(new: list[Violation], prefix: str) -> list[str]:
    counts = Counter(v.path for v in new)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    lines = ["", "### New violations by file", "", "| File | Violations |", "| --- | --- |"]
    for path, count in ranked[:SUMMARY_FILE_ROWS]:
        lines.append(f"| `{_cell(prefix + path)}` | {count} |")
    if len(ranked) > SUMMARY_FILE_ROWS:
        rest = ranked[SUMMARY_FILE_ROWS:]
        lines.append(f"| {len(rest)} more files | {sum(count for _, count in rest)} |")
    return lines


def _details(new: list[Violation], prefix: str, holders: str) -> list[str]:
    shown = new[:SUMMARY_DETAIL_ROWS]
    heading = "### New violations" + (
        f" (the first {len(shown)} of {len(new)}; all are in {holders})"
        if len(new) > len(shown)
        else ""
    )
    lines = ["", heading, "", "| Location | Rule | Message | Fix |", "| --- | --- | --- | --- |"]
    for v in shown:
        fix = f"`{_cell(v.suggestion)}`" if v.suggestion else _cell(v.unfixable_reason or "")
        lines.append(
            f"| `{_cell(prefix + v.path)}:{v.line}` | {v.code} {v.kind} | "
            f"{_cell(v.message)} | {fix} |"
        )
    return lines
