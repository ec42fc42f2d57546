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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...domain import rules
from ...domain.edits import CommentEdit
from ...domain.findings import Coverage, Violation, with_fingerprints
from ...domain.parsing import SourceError
from ...domain.prefilter import Request
from ...domain.report import CheckReport, ContractResult
from ...domain.suppressions import (
    MARKER,
    MARKERS,
    NOQA_PATTERN,
    Suppression,
    read_comment,
    without_codes,
)
from ..context import RunContext

# The request that tells which files may hold a suppression (every scan of a run looks for
# these words too, so this one is answered from the records already made).
MARKER_REQUEST = Request(words=(MARKER,), patterns=(NOQA_PATTERN,))
RESULT_ID = "inline-suppressions"
# Codes a suppression cannot name: the findings about suppressions themselves.
_NOT_SUPPRESSIBLE = {rules.UNUSED_SUPPRESSION.code, rules.INVALID_SUPPRESSION.code}


@dataclass
class SuppressionSettings:
    """The ``[importlinter]`` options that govern suppressions."""

    allow_blanket: bool = False  # ssot_allow_blanket_suppressions
    require_reasons: bool = False  # ssot_require_suppression_reasons

    @classmethod
    def from_session(cls, session: dict[str, Any]) -> SuppressionSettings:
        return cls(
            allow_blanket=_flag(session.get("ssot_allow_blanket_suppressions")),
            require_reasons=_flag(session.get("ssot_require_suppression_reasons")),
        )


@dataclass
class _FileSuppressions:
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
    checked_codes: set[str],
) -> None:
    """Move suppressed findings to ``report.suppressed``; report the wrong suppressions.
    ``checked_codes``: the codes this run reports (an unused suppression of another code is
    not a finding: the run could not have seen one)."""
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
        finding for file in files.values() for finding in _findings(file, settings, checked_codes)
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
    known = set(rules.RULES_BY_CODE) - _NOT_SUPPRESSIBLE
    files: dict[str, _FileSuppressions] = {}
    for path in candidates:
        found = _read(path, context, index.module_of(path) or "", known)
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


def _read(
    path: Path, context: RunContext, module: str, known: set[str]
) -> _FileSuppressions | None:
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
        for suppression in read_comment(token.string, line, column, known):
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
        tree = ast.parse(text)
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
    file: _FileSuppressions, settings: SuppressionSettings, checked_codes: set[str]
) -> list[Violation]:
    found = []
    for _, suppressions in sorted(file.by_line.items()):
        for suppression in suppressions:
            problem = _problem(suppression, settings)
            if problem is not None:
                found.append(_finding(file, suppression, rules.INVALID_SUPPRESSION, problem))
                continue
            used = file.used.get(id(suppression), set())
            if suppression.bare:
                if not used:
                    edit = _removal(suppression, list(suppression.codes))
                    message = "this blanket suppression silences no finding on its line"
                    found.append(
                        _finding(file, suppression, rules.UNUSED_SUPPRESSION, message, edit)
                    )
                continue
            unused = [c for c in suppression.codes if c not in used and c in checked_codes]
            if unused:
                names = ", ".join(unused)
                message = f"{names} is suppressed here, but no such finding is on this line"
                if len(unused) > 1:
                    message = f"{names} are suppressed here, but no such findings are on this line"
                edit = _removal(suppression, unused)
                found.append(
                    _finding(file, suppression, rules.UNUSED_SUPPRESSION, message, edit, unused)
                )
    return found


def _problem(suppression: Suppression, settings: SuppressionSettings) -> str | None:
    """Why a suppression cannot be honoured (None: it can)."""
    if suppression.unknown:
        codes = ", ".join(suppression.unknown)
        return f"unknown code {codes}: `ssot-imports rule --all` lists the codes"
    if suppression.bare and not settings.allow_blanket:
        return (
            "a bare `# ssot-imports: ignore` names no code: write `ignore[CODE]` (or set "
            "`ssot_allow_blanket_suppressions = true`)"
        )
    if not _has_reason(suppression, settings):
        how = (
            "add `-- why` after it"
            if suppression.style == "ssot-imports"
            else "write `# ssot-imports: ignore[CODE] -- why` instead"
        )
        return f"`ssot_require_suppression_reasons` is set and this gives no reason: {how}"
    return None


def _removal(suppression: Suppression, unused: list[str]) -> CommentEdit:
    return CommentEdit(
        suppression.line,
        suppression.column,
        suppression.comment,
        without_codes(suppression, unused),
    )


def _finding(
    file: _FileSuppressions,
    suppression: Suppression,
    rule: rules.Rule,
    message: str,
    edit: CommentEdit | None = None,
    codes: list[str] | None = None,
) -> Violation:
    listed = ",".join(codes if codes is not None else suppression.codes) or "*"
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


def _flag(value: object) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes", "on"} if value is not None else False
