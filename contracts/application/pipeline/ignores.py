"""``ignore_imports`` with import-linter's meaning: matching imports leave the graph first."""

from __future__ import annotations

from collections.abc import Iterable

from grimp import ImportGraph
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain.imports import ImportExpression
from msgspec import Struct, field

from ...domain import rules
from ...domain.errors import ConfigurationError
from ...domain.findings import Diagnostic


class IgnoreRemoval(Struct):
    ignored_count: int = 0
    warnings: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def remove_ignored_imports(
    graph: ImportGraph, expressions: Iterable[ImportExpression], alerting: AlertLevel
) -> IgnoreRemoval:
    """Remove ignored imports from ``graph``; an expression matching nothing is alerted.

    With the ``error`` level (the default, as in import-linter) a stale entry fails the run,
    because an ignore that matches nothing today can hide a violation tomorrow.
    """
    removal = IgnoreRemoval()
    pairs: set[tuple[str, str]] = set()
    for expression in sorted(expressions, key=str):
        matches = graph.find_matching_direct_imports(import_expression=str(expression))
        if not matches:
            if alerting is AlertLevel.ERROR:
                raise ConfigurationError(
                    "ignore_imports", str(expression), "matches no import in the graph"
                )
            if alerting is AlertLevel.WARN:
                message = f"No matches for ignored import {expression}."
                removal.warnings.append(message)
                removal.diagnostics.append(
                    Diagnostic(rules.UNMATCHED_IGNORE, path="", message=message)
                )
            continue
        pairs.update((match["importer"], match["imported"]) for match in matches)
    for importer, imported in sorted(pairs):
        graph.remove_import(importer=importer, imported=imported)
    removal.ignored_count = len(pairs)
    return removal
