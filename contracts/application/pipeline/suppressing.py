"""Inline suppressions applied to a check's findings, and the suppressions that are wrong.

Runs after every contract, on the whole report: a finding whose line (or whose statement's
first line) carries a suppression naming its code leaves the report for ``suppressed``, with
the suppression's reason. A suppression that silences nothing (SSOT011, fixable) or that
cannot be honoured (SSOT012) is itself a finding, under an ``inline-suppressions`` result.

Only the files whose bytes spell a marker are read (the prefilter knows which), and only
their comments: ``tokenize`` tells a comment from a ``#`` in a string.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from ...domain import rules
from ...domain.edits import CommentEdit
from ...domain.errors import ConfigurationError, did_you_mean
from ...domain.findings import Coverage, Violation, with_fingerprints
from ...domain.parsing import SourceError, parse_python
from ...domain.prefilter import Request
from ...domain.report import CheckReport, ContractResult
from ...domain.suppressions import (
    MARKER_WORDS,
    MARKERS,
    NOQA_PATTERN,
    Suppression,
    read_comment,
    without_unused,
)
from ..context import RunContext
from .baseline import CONFIG_OPTION as BASELINE_OPTION

# The request that tells which files may hold a suppression (every scan of a run looks for
# these words too, so this one is answered from the records already made).
MARKER_REQUEST = Request(words=MARKER_WORDS, patterns=(NOQA_PATTERN,))
RESULT_ID = "inline-suppressions"
# Codes a suppression cannot name: the findings about suppressions themselves, and
# diagnostics (a file that could not be checked is never silenced).
_NOT_SUPPRESSIBLE = {rules.UNUSED_SUPPRESSION.code, rules.INVALID_SUPPRESSION.code} | {
    rule.code for rule in rules.ALL_RULES if rule.is_diagnostic
}
SUPPRESSIBLE = frozenset(rule.code for rule in rules.ALL_RULES) - _NOT_SUPPRESSIBLE
# Every code, and every rule name, to its code (``ignore[string-reference]`` works too).
_CODES_BY_NAME = {
    **{rule.code: rule.code for rule in rules.ALL_RULES},
    **{rule.name: rule.code for rule in rules.ALL_RULES},
}
_OPTIONS = ("ssot_allow_blanket_suppressions", "ssot_require_suppression_reasons")
# Every `ssot_` option of the `[importlinter]` section (the others are misspelt).
_SESSION_OPTIONS = (*_OPTIONS, BASELINE_OPTION)


class SuppressionSettings(Struct):
    """The ``[importlinter]`` options that govern suppressions."""

    allow_blanket: bool = False  # ssot_allow_blanket_suppressions
    require_reasons: bool = False  # ssot_require_suppression_reasons

    @classmethod
    def from_session(cls, session: dict[str, Any]) -> SuppressionSettings:
        """Read from the ``[importlinter]`` section; raises ConfigurationError for a value
        that is not a boolean, or an ``ssot_`` option that does not exist."""
        for option in session:
            if str(option).startswith("ssot_") and option not in _SESSION_OPTIONS:
                hint = did_you_mean(str(option), _SESSION_OPTIONS)
                raise ConfigurationError(
                    str(option), session[option], f"no such option of ssot-imports{hint}"
                )
        return cls(
            allow_blanket=_flag(session, "ssot_allow_blanket_suppressions"),
            require_reasons=_flag(session, "ssot_require_suppression_reasons"),
        )


class _FileSuppressions(Struct):
    """One file's inline suppressions, read when a finding in it is first met."""

    path: Path
    display: str
    module: str
    lines: list[str]
    by_line: dict[int, list[Suppression]]
    starts: dict[int, int]  # a line of a multi-line statement -> the statement's first line
    used: dict[int, set[str]] = field(default_factory=dict)  # id(suppression) -> codes used


def apply_suppressions(
    report: CheckReport,
    context: RunContext,
    roots: list[str],
    settings: SuppressionSettings,
    reported: set[str],
) -> None:
    """Move suppressed findings to ``report.suppressed``; report the wrong suppressions.
    ``reported``: the codes the contracts of this run report. Their analysis covers every
    rule whatever the report is narrowed to, so a code among those that no finding of this
    run has on the line is unused; another code is out of this run's sight."""
    candidates, files = _load(context, roots)
    if not files:
        return
    for contract in report.contracts:
        kept, suppressed = _split(contract.violations, files, settings)
        report.suppressed += suppressed
        if contract.violations and not kept:
            contract.kept = True
        contract.violations = kept
    findings = [
        finding for file in files.values() for finding in _findings(file, settings, reported)
    ]
    if findings:
        name = "Inline suppressions name their codes and silence something"
        stamped = [replace(f, contract_id=RESULT_ID, contract_name=name) for f in findings]
        report.contracts.append(
            ContractResult(
                id=RESULT_ID,
                name=name,
                type="suppressions",
                kept=False,
                violations=with_fingerprints(stamped),
                coverage=Coverage(in_scope=len(candidates), checked=len(candidates)),
            )
        )


def without_suppressed(
    violations: list[Violation],
    context: RunContext,
    roots: list[str],
    settings: SuppressionSettings,
) -> list[Violation]:
    """The findings no inline suppression silences (what plain ``lint-imports`` reports)."""
    _, files = _load(context, roots)
    return _split(violations, files, settings)[0] if files else violations


def _load(context: RunContext, roots: list[str]) -> tuple[list[Path], dict[str, _FileSuppressions]]:
    """The files that may hold a suppression, and the suppressions of those that do."""
    records = context.prefilter(roots, MARKER_REQUEST)
    candidates = sorted(
        path for path, record in records.items() if not record.words.isdisjoint(MARKERS)
    )
    index = context.index(roots)
    files: dict[str, _FileSuppressions] = {}
    for path in candidates:
        found = _read(path, context, index.module_of(path) or "")
        if found is not None and found.by_line:
            files[found.display] = found
    return candidates, files


def _split(
    violations: list[Violation],
    files: dict[str, _FileSuppressions],
    settings: SuppressionSettings,
) -> tuple[list[Violation], list[tuple[Violation, Suppression]]]:
    """The findings kept, and those suppressed (noting, per suppression, what it used)."""
    kept: list[Violation] = []
    suppressed: list[tuple[Violation, Suppression]] = []
    for violation in violations:
        suppression = _matching(violation, files.get(violation.path), settings)
        if suppression is None:
            kept.append(violation)
            continue
        suppressed.append((violation, suppression))
        files[violation.path].used.setdefault(id(suppression), set()).add(violation.code)
    return kept, suppressed


def _read(path: Path, context: RunContext, module: str) -> _FileSuppressions | None:
    try:
        source = context.ports.files.read_source(path)
    except SourceError:
        return None  # the check reported it already
    by_line: dict[int, list[Suppression]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source.text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None  # a file that does not tokenize is a syntax error, reported as such
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        line, column = token.start
        for suppression in read_comment(token.string, line, column, _CODES_BY_NAME, SUPPRESSIBLE):
            by_line.setdefault(line, []).append(suppression)
    return _FileSuppressions(
        path,
        context.display_path(path),
        module,
        source.lines,
        by_line,
        _statement_starts(source.text) if by_line else {},
    )


def _statement_starts(text: str) -> dict[int, int]:
    """For each line of a statement (or decorator) spanning several, its first line."""
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return {}
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        spans = []
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):
            spans.append((node.lineno, node.end_lineno or node.lineno))
        for decorator in getattr(node, "decorator_list", ()) or ():
            spans.append((decorator.lineno, decorator.end_lineno or decorator.lineno))
        for first, last in spans:
            for line in range(first + 1, last + 1):
                starts.setdefault(line, first)
    return starts


def _honoured(suppression: Suppression, settings: SuppressionSettings) -> bool:
    if suppression.unknown or suppression.unsuppressible:
        return False  # an invalid suppression silences nothing
    if suppression.bare:
        return settings.allow_blanket and _has_reason(suppression, settings)
    return _has_reason(suppression, settings) and bool(suppression.codes)


def _has_reason(suppression: Suppression, settings: SuppressionSettings) -> bool:
    return not settings.require_reasons or suppression.reason is not None


def _matching(
    violation: Violation, file: _FileSuppressions | None, settings: SuppressionSettings
) -> Suppression | None:
    if file is None or violation.code in _NOT_SUPPRESSIBLE:
        return None
    lines = [violation.line]
    start = file.starts.get(violation.line)
    if start is not None:
        lines.append(start)
    for line in lines:
        for suppression in file.by_line.get(line, ()):
            if not _honoured(suppression, settings):
                continue
            if suppression.bare or violation.code in suppression.codes:
                return suppression
    return None


def _findings(
    file: _FileSuppressions, settings: SuppressionSettings, reported: set[str]
) -> list[Violation]:
    """The wrong suppressions of a file: each invalid directive (SSOT012), and each comment
    whose directives name codes that silenced nothing (SSOT011, one fix per comment)."""
    found = []
    for _, suppressions in sorted(file.by_line.items()):
        unused: dict[Suppression, list[str]] = {}
        for suppression in suppressions:
            problem = _problem(suppression, settings)
            if problem is not None:
                found.append(_finding(file, suppression, rules.INVALID_SUPPRESSION, problem))
                continue
            used = file.used.get(id(suppression), set())
            if suppression.bare:
                if not used:
                    unused[suppression] = []
                continue
            codes = [c for c in suppression.codes if c not in used and c in reported]
            if codes:
                unused[suppression] = codes
        if unused:
            found.append(_unused_finding(file, unused))
    return found


def _unused_finding(file: _FileSuppressions, unused: dict[Suppression, list[str]]) -> Violation:
    first = next(iter(unused))
    codes = [code for codes in unused.values() for code in codes]
    if not codes:
        message = "this blanket suppression silences no finding on its line"
    elif len(codes) == 1:
        message = f"{codes[0]} is suppressed here, but no such finding is on this line"
    else:
        message = f"{', '.join(codes)} are suppressed here, but no such findings are on this line"
    new_comment = without_unused(first.comment, unused)
    edit = CommentEdit(first.line, first.column, first.comment, new_comment)
    return _finding(file, first, rules.UNUSED_SUPPRESSION, message, edit, codes)


def _problem(suppression: Suppression, settings: SuppressionSettings) -> str | None:
    """Why a suppression cannot be honoured (None: it can)."""
    if suppression.unknown:
        names = ", ".join(suppression.unknown)
        return f"unknown code {names}: `ssot-imports rule --all` lists the codes and names"
    if suppression.unsuppressible:
        names = ", ".join(suppression.unsuppressible)
        return f"{names} cannot be suppressed: it is about suppressions or unchecked files"
    if suppression.bare and not settings.allow_blanket:
        return (
            "a bare `# ssot-imports: ignore` names no code: write `ignore[CODE]` (or set "
            "`ssot_allow_blanket_suppressions = true`)"
        )
    if not _has_reason(suppression, settings):
        return (
            "`ssot_require_suppression_reasons` is set and this gives no reason: add "
            "`-- why` after the codes"
        )
    return None


def _finding(
    file: _FileSuppressions,
    suppression: Suppression,
    rule: rules.Rule,
    message: str,
    edit: CommentEdit | None = None,
    codes: list[str] | None = None,
) -> Violation:
    listed = ",".join(codes if codes is not None else suppression.codes) or "ignore"
    return Violation(
        rule=rule,
        path=file.display,
        line=suppression.line,
        column=suppression.column,
        importer=file.module or file.display,
        imported="",
        message=message,
        statement=file.lines[suppression.line - 1].strip(),
        symbol=listed,
        edit=edit,
        identity=(suppression.style, listed),
    )


def _flag(session: dict[str, Any], option: str) -> bool:
    value = session.get(option)
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise ConfigurationError(option, value, "expected true or false (or yes/no, on/off, 1/0)")
