"""Small helpers shared by the contract types: session options and the lint-imports report."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from importlinter.application.output import console
from importlinter.domain import fields
from rich.markup import escape

from ..domain.findings import Violation


def root_packages_of(session_options: Mapping[str, Any]) -> list[str]:
    """``root_packages`` as a list, whichever way the config spelled it."""
    value = session_options.get("root_packages", session_options.get("root_package", []))
    if isinstance(value, str):
        return [part for part in value.split() if part]
    return list(value)


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
            _print(f"    fix: {violation.suggestion}", style="green")
        if violation.unfixable_reason:
            _print(f"    no automatic fix: {violation.unfixable_reason}")
        _print("")


def _print(text: str, style: str | None = None) -> None:
    console.print(escape(text), style=style, soft_wrap=True, highlight=False)


def unrecognized_options(cls: type, options: Mapping[str, Any]) -> dict[str, str]:
    """Options a contract type does not declare, each with a suggestion when one is close.

    Older import-linter versions ignore such options; a misspelled option must fail instead.
    """
    known = {"id", "name", "type"} | {
        name for name in dir(cls) if isinstance(getattr(cls, name, None), fields.Field)
    }
    errors = {}
    for option in sorted(set(options) - known):
        close = difflib.get_close_matches(option, sorted(known), n=1)
        errors[option] = "Unrecognized option." + (f" Did you mean '{close[0]}'?" if close else "")
    return errors
