"""The JSON report: a versioned, documented shape (schema in ``report.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from .. import __version__
from ..domain.codec import edit_to_json
from ..domain.findings import Coverage, Diagnostic, Violation
from ..domain.report import CheckReport

SCHEMA_VERSION = 1


def violation_record(violation: Violation) -> dict[str, Any]:
    return {
        "contract": violation.contract_id,
        "contract_name": violation.contract_name,
        "code": violation.code,
        "kind": violation.kind,
        "path": violation.path,
        "line": violation.line,
        "column": None if violation.column is None else violation.column + 1,
        "importer": violation.importer,
        "imported": violation.imported,
        "symbol": violation.symbol,
        "via": violation.via,
        "statement": violation.statement,
        "message": violation.message,
        "suggestion": violation.suggestion,
        "edit": edit_to_json(violation.edit),
        "fixable": violation.fixable,
        "fix_safety": violation.fix_safety,
        "unfixable_reason": violation.unfixable_reason,
        "fingerprint": violation.fingerprint,
        "baseline_state": violation.baseline_state,
        "help_uri": violation.rule.help_uri,
    }


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "code": diagnostic.code,
        "kind": diagnostic.kind,
        "path": diagnostic.path,
        "line": diagnostic.line,
        "message": diagnostic.message,
        "contract": diagnostic.contract_id or None,
        "blocking": diagnostic.blocking,
    }


def report_data(report: CheckReport, exit_code: int) -> dict[str, Any]:
    violations = report.violations
    new = [v for v in violations if v.baseline_state == "new"]
    fixed = report.fixed
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "ssot-imports", "version": __version__},
        "config": str(report.config_path),
        "project_root": str(report.project_root),
        "root_packages": report.root_packages,
        "summary": {
            "exit_code": exit_code,
            "contracts": len(report.contracts),
            "broken": len(report.broken),
            "kept": len(report.contracts) - len(report.broken),
            "violations": len(violations),
            "new": len(new),
            "baselined": len(violations) - len(new),
            "fixed": len(fixed),
            "fixable": sum(1 for v in new if v.fixable),
            "diagnostics": len(report.diagnostics),
            "unchecked": len(report.blocking),
            "suppressed": len(report.suppressed),
            "files": report.files_in_scope,
        },
        "contracts": [
            {
                "id": c.id,
                "name": c.name,
                "type": c.type,
                "kept": c.kept,
                "violations": len(c.violations),
                "coverage": _coverage(c.coverage),
                "unchecked_files": c.unchecked_files,
                "warnings": c.warnings,
                "ignored_imports": c.ignored_imports,
                "duration_ms": round(c.duration_ms, 3),
            }
            for c in report.contracts
        ],
        "violations": [violation_record(v) for v in violations],
        "suppressed": [
            {
                **violation_record(violation),
                "suppression": {
                    "line": suppression.line,
                    "style": suppression.style,
                    "codes": list(suppression.codes),
                    "reason": suppression.reason,
                },
            }
            for violation, suppression in report.suppressed
        ],
        "fixed": fixed,
        "diagnostics": [diagnostic_record(d) for d in report.diagnostics],
        "timings": {phase: round(seconds, 4) for phase, seconds in report.timings.items()},
    }


def render_json(report: CheckReport, exit_code: int) -> str:
    """The report, indented by two spaces, non-ASCII characters escaped: ``json.dumps`` with
    ``indent=2`` would write it the same, in Python (its compiled encoder writes compact
    JSON only), two to three times as slowly; msgspec indents the compact text."""
    compact = json.dumps(report_data(report, exit_code), separators=(",", ":"))
    return msgspec.json.format(compact.encode(), indent=2).decode() + "\n"


def _coverage(coverage: Coverage) -> dict[str, Any]:
    """A contract's coverage; the included files outside the roots under ``outside``."""
    data: dict[str, Any] = {
        "in_scope": coverage.in_scope,
        "checked": coverage.checked,
        "percent": round(coverage.percent, 2),
        "skipped": dict(sorted(coverage.skipped.items())),
    }
    if coverage.outside is not None:
        data["outside"] = _coverage(coverage.outside)
    return data
