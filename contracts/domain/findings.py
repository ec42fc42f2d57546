"""Structured results: what a contract found, in a shape every output format can use."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

from msgspec import Struct, field
from msgspec.structs import replace

from .edits import Edit
from .rules import Rule


class Violation(Struct, frozen=True):
    """One broken rule at one place in the code.

    ``edit`` is the fix, as data; the suggestion shown to people is rendered from it. A fix
    that cannot be applied automatically says why in ``unfixable_reason``.

    ``identity`` holds what the fingerprint is made of: the things that make this violation
    this violation (what is imported, by whom, under which name), never its line.
    """

    rule: Rule
    path: str
    line: int
    importer: str
    imported: str
    message: str
    statement: str = ""
    column: int | None = None
    symbol: str | None = None
    via: str | None = None
    edit: Edit | None = None
    unfixable_reason: str | None = None
    contract_id: str = ""
    contract_name: str = ""
    identity: tuple[str, ...] = ()
    fingerprint: str = ""
    baseline_state: str = "new"

    @property
    def kind(self) -> str:
        return self.rule.name

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def suggestion(self) -> str | None:
        """The fixed line (or string), in the file's own style (a lazy import stays lazy)."""
        if self.edit is None:
            return None
        text = self.edit.render()
        if text.startswith(("from ", "import ")) and _LAZY_STATEMENT.match(self.statement):
            return f"lazy {text}"
        return text

    @property
    def fix_safety(self) -> str | None:
        """ "safe", "unsafe" (applied only with ``--unsafe-fixes``), or None: no fix."""
        if not self.fixable:
            return None
        return "safe" if getattr(self.edit, "safe", True) else "unsafe"

    @property
    def fixable(self) -> bool:
        """Whether ``ssot-imports fix`` applies ``edit``: there is one and nothing blocks it."""
        return self.edit is not None and self.unfixable_reason is None

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column or 0, self.kind, self.symbol or "")


class Diagnostic(Struct, frozen=True):
    """Something that limited the check (a file that could not be read, a blind spot)."""

    rule: Rule
    path: str
    message: str
    line: int | None = None
    contract_id: str = ""
    # The file may hold a finding that could not be looked for: the run cannot pass.
    blocking: bool = False

    @property
    def kind(self) -> str:
        return self.rule.name

    @property
    def code(self) -> str:
        return self.rule.code


class Coverage(Struct):
    """How much of the tree a contract actually looked at, and why the rest was skipped."""

    in_scope: int = 0
    checked: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    # The files outside the root packages that the contract includes by glob, counted apart.
    outside: Coverage | None = None

    @property
    def percent(self) -> float:
        return 100.0 if not self.in_scope else 100.0 * self.checked / self.in_scope


_LAZY_STATEMENT = re.compile(r"\s*lazy[ \t]+(?:import|from)\b")


def said_lazy(violation: Violation) -> Violation:
    """A finding on a lazy import (PEP 810) says so: the import runs at first use, so the
    module it names may fail, or be loaded twice, long after start-up."""
    if _LAZY_STATEMENT.match(violation.statement) and not violation.message.startswith("lazy"):
        return replace(violation, message=f"lazy import: {violation.message}")
    return violation


def with_fingerprints(violations: Iterable[Violation]) -> list[Violation]:
    """Give each violation a fingerprint that ignores lines but counts duplicates.

    Two identical violations in one module get occurrence numbers 0 and 1, in source order,
    so a baseline counts them instead of merging them.
    """
    ordered = sorted(violations, key=Violation.sort_key)
    seen: Counter[tuple[str, ...]] = Counter()
    result = []
    for violation in ordered:
        key = (
            violation.contract_id,
            violation.kind,
            violation.importer,
            violation.imported,
            violation.symbol or "",
            *violation.identity,
        )
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\x1f".join((*key, str(occurrence))).encode()).hexdigest()
        result.append(replace(violation, fingerprint=digest[:20]))
    return result
