"""SARIF 2.1.0 output for code scanning: one rule per finding kind, one result per violation.

SARIF is a JSON document; building it as plain dictionaries keeps the runtime dependencies to
import-linter, grimp and libcst. The tests validate the output against the official schema.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..domain.findings import Violation
from ..domain.report import CheckReport
from ..domain.rules import ALL_RULES, DOCS_URL, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(rule: Rule) -> dict[str, Any]:
    words = rule.kind.replace("-", " ").title().replace(" ", "")
    return {
        "id": rule.code,
        "name": words,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": f"{rule.why} How to fix: {rule.how_to_fix}",
            "markdown": f"**Why:** {rule.why}\n\n**How to fix:** {rule.how_to_fix}\n\n"
            f"[Rule documentation]({rule.help_uri})",
        },
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": "warning" if rule.is_diagnostic else "error"},
        "properties": {"kind": rule.kind, "tags": ["imports", "ssot"]},
    }


def _result(violation: Violation, rule_index: dict[str, int], prefix: str) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(violation.line, 1)}
    if violation.column is not None:
        region["startColumn"] = violation.column + 1
    text = violation.message
    if violation.suggestion:
        text += f" Fix: {violation.suggestion}"
    elif violation.unfixable_reason:
        text += f" No automatic fix: {violation.unfixable_reason}"
    result: dict[str, Any] = {
        "ruleId": violation.code,
        "ruleIndex": rule_index[violation.code],
        "level": "error",
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": prefix + violation.path,
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"ssotImports/v1": violation.fingerprint},
        "baselineState": violation.baseline_state,
        "properties": {
            "contract": violation.contract_id,
            "kind": violation.kind,
            "importer": violation.importer,
            "imported": violation.imported,
            "fixable": violation.fixable,
            "fixSafety": violation.fix_safety,
        },
    }
    if violation.suggestion:
        result["properties"]["suggestion"] = violation.suggestion
    return result


def _suppressed(
    violation: Violation, suppression: Any, rule_index: dict[str, int], prefix: str
) -> dict[str, Any]:
    """A finding an inline comment silences: in the log, marked as suppressed in source."""
    result = _result(violation, rule_index, prefix)
    entry: dict[str, Any] = {"kind": "inSource", "status": "accepted"}
    if suppression.reason:
        entry["justification"] = suppression.reason
    result["suppressions"] = [entry]
    return result


def sarif_data(report: CheckReport, include_baselined: bool = True) -> dict[str, Any]:
    rule_index = {rule.code: index for index, rule in enumerate(ALL_RULES)}
    prefix = report.workspace_prefix
    violations = [v for v in report.violations if include_baselined or v.baseline_state == "new"]
    notifications = [
        {
            "level": "error" if d.blocking else "warning",
            "descriptor": {"id": d.code, "index": rule_index[d.code]},
            "message": {"text": f"{d.kind}: {d.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": prefix + d.path, "uriBaseId": "%SRCROOT%"},
                        **({"region": {"startLine": d.line}} if d.line else {}),
                    }
                }
            ],
        }
        for d in report.diagnostics
        if d.path
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssot-imports",
                        "version": __version__,
                        "informationUri": DOCS_URL.rsplit("/blob/", 1)[0],
                        "rules": [_rule(rule) for rule in ALL_RULES],
                    }
                },
                "automationDetails": {"id": "ssot-imports/"},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": [
                    *(_result(v, rule_index, prefix) for v in violations),
                    *(_suppressed(v, s, rule_index, prefix) for v, s in report.suppressed),
                ],
            }
        ],
    }


def render_sarif(report: CheckReport) -> str:
    return json.dumps(sarif_data(report), indent=2) + "\n"
