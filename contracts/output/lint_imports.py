"""Violations as plain ``lint-imports`` prints them, through import-linter's own console."""

from __future__ import annotations

from collections.abc import Iterable

from importlinter.application.output import console
from rich.markup import escape

from ..domain.findings import Violation
from .text import suggestion_label


def print_violations(violations: Iterable[Violation]) -> None:
    """Render violations for plain ``lint-imports``: location, statement, fix.

    Printed through import-linter's own rich console so the output interleaves correctly;
    brackets (``sys.modules["x"]``) are escaped and long lines are not wrapped, so each
    ``path:line`` stays on one line for editors and scripts.
    """
    for violation in violations:
        _print(
            f"{violation.path}:{violation.line}: {violation.code} {violation.kind}: "
            f"{violation.message}",
            style="red",
        )
        for line in violation.statement.splitlines():
            _print(f"    {line}")
        if violation.suggestion:
            _print(f"    {suggestion_label(violation)}: {violation.suggestion}", style="green")
        if violation.unfixable_reason:
            _print(f"    no automatic fix: {violation.unfixable_reason}")
        _print("")


def _print(text: str, style: str | None = None) -> None:
    console.print(escape(text), style=style, soft_wrap=True, highlight=False)
