"""``ssot-imports fix``: apply every fixable violation's suggestion, safely.

A file is parsed before and after the rewrite and written only if both parse, only if it did
not change on disk meanwhile, atomically and with its mode, encoding, BOM and newlines kept.
"""

from __future__ import annotations

import ast
import difflib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import libcst

from ...domain.findings import Violation
from ...domain.report import CheckReport, FileOutcome, FixReport
from ...domain.rewrite import apply_edits
from ...domain.rules import UNREADABLE
from ..context import RunContext
from ..ports import Files
from .checking import CheckRequest, run_check


def run_fix(
    request: CheckRequest,
    new_context: Callable[[], RunContext],
    paths: list[Path],
    diff_only: bool,
    before_write: Callable[[Path], None] = lambda path: None,
) -> FixReport:
    """Fix what can be fixed under ``paths`` (resolved; none: everywhere).

    Each check gets a fresh context: the second one must read the rewritten files.
    ``before_write`` runs just before each file is replaced.
    """
    context = new_context()
    files = context.ports.files
    before = run_check(request, context)
    selected = _selected(before, paths, files)
    fixable = [v for v in selected if v.fixable]
    by_path: dict[str, list[Violation]] = defaultdict(list)
    for violation in fixable:
        by_path[violation.path].append(violation)

    report = FixReport(unreadable=[d for d in before.diagnostics if d.rule in UNREADABLE])
    not_applied: dict[str, str] = {}
    for relative in sorted(by_path):
        outcome, missed = _fix_file(
            files, before.project_root, relative, by_path[relative], diff_only, before_write
        )
        report.files.append(outcome)
        report.fixed += outcome.fixed
        not_applied.update(missed)

    if diff_only:
        report.left = [
            (v, not_applied.get(v.fingerprint) or v.unfixable_reason or "not fixable")
            for v in selected
            if not (v in fixable and v.fingerprint not in not_applied)
        ]
    else:
        after = run_check(request, new_context())
        skipped = {f.path: f.skipped for f in report.files if f.skipped}
        report.left = [
            (v, skipped.get(v.path) or v.unfixable_reason or "not fixable automatically")
            for v in _selected(after, paths, files)
        ]
    return report


def _selected(report: CheckReport, roots: list[Path], files: Files) -> list[Violation]:
    if not roots:
        return report.violations
    chosen = []
    for violation in report.violations:
        location = files.resolve(report.project_root / violation.path)
        if any(location == root or root in location.parents for root in roots):
            chosen.append(violation)
    return chosen


def _fix_file(
    files: Files,
    project_root: Path,
    relative: str,
    violations: list[Violation],
    diff_only: bool,
    before_write: Callable[[Path], None],
) -> tuple[FileOutcome, dict[str, str]]:
    outcome = FileOutcome(relative)
    path = project_root / relative

    def give_up(reason: str) -> tuple[FileOutcome, dict[str, str]]:
        outcome.skipped = reason
        return outcome, {v.fingerprint: reason for v in violations}

    try:
        snapshot = files.snapshot(path)
    except OSError as error:
        return give_up(f"cannot read the file ({error.strerror})")
    try:
        module = libcst.parse_module(snapshot.data)
    except Exception:  # libcst raises several error types for unparsable input
        return give_up("the file does not parse; it was left untouched")

    edits = [(v.fingerprint, v.edit) for v in violations if v.edit is not None]
    result = apply_edits(module, edits)
    missed = {
        key: "the statement was not found where it was reported"
        for key, _ in edits
        if key not in result.applied
    }
    new_data = result.module.bytes
    if new_data == snapshot.data:
        return outcome, missed
    if not _still_parses(snapshot.data, new_data):
        return give_up("the rewritten file would not parse; it was left untouched")
    outcome.fixed = len(result.applied)
    if diff_only:
        outcome.diff = _unified_diff(relative, module, result.module)
        return outcome, missed
    before_write(path)
    if not files.unchanged_since(snapshot):
        return give_up("the file changed on disk during the run; it was left untouched")
    try:
        files.replace(snapshot, new_data)
    except OSError as error:
        return give_up(f"cannot write the file ({error.strerror})")
    return outcome, missed


def _still_parses(old: bytes, new: bytes) -> bool:
    try:
        libcst.parse_module(new)
    except Exception:
        return False
    try:
        ast.parse(old)
    except SyntaxError:
        return True  # newer syntax than this Python reads: libcst's parse has to do
    try:
        ast.parse(new)
    except SyntaxError:
        return False
    return True


def _unified_diff(relative: str, old: libcst.Module, new: libcst.Module) -> str:
    return "".join(
        difflib.unified_diff(
            old.code.splitlines(keepends=True),
            new.code.splitlines(keepends=True),
            fromfile=f"a/{relative}",
            tofile=f"b/{relative}",
        )
    )
