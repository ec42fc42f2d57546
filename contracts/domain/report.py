"""The result of a check as every output format reads it: contracts, violations, coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgspec import Struct, field

from .findings import Coverage, Diagnostic, Violation


class ContractResult(Struct):
    """What one contract found, as every output format renders it."""

    id: str
    name: str
    type: str
    kept: bool
    violations: list[Violation]
    coverage: Coverage
    warnings: list[str] = field(default_factory=list)
    ignored_imports: int = 0
    duration_ms: float = 0.0
    checks_unreachable: bool = False
    # What the config says to do when this contract is broken (its broken_contract_guidance).
    guidance: str = ""
    # Files it needed that could not be checked: a finding may hide there.
    unchecked_files: int = 0

    @property
    def new_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.baseline_state == "new"]

    @property
    def passed(self) -> bool:
        """Kept, or broken only by violations a baseline accepts."""
        return self.kept or (bool(self.violations) and not self.new_violations)


class CheckReport(Struct):
    """Everything a check found, with what the formats need to place it."""

    config_path: Path
    project_root: Path
    root_packages: list[str]
    contracts: list[ContractResult]
    diagnostics: list[Diagnostic]
    timings: dict[str, float]
    files_in_scope: int
    session_options: dict[str, Any] = field(default_factory=dict)
    # The project root relative to the CI checkout ("examples/"), for annotations and SARIF.
    workspace_prefix: str = ""
    # Baseline entries that no longer occur (filled in when a baseline is used).
    fixed: list[dict[str, Any]] = field(default_factory=list)
    # What the report was narrowed to (``--select``, ``--ignore``, files): a ``ReportScope``.
    scope: Any = None
    # What accepted the violations not marked new: "the baseline", or a git reference.
    accepted_by: str = "the baseline"
    # Files changed since the git reference (``--since``): annotated first.
    changed: frozenset[str] = frozenset()
    # Findings an inline suppression silenced, each with it (a ``Suppression``).
    suppressed: list[tuple[Violation, Any]] = field(default_factory=list)
    # The ids of every contract of the config, run or not (``--contract`` runs a few).
    configured: frozenset[str] = frozenset()

    @property
    def violations(self) -> list[Violation]:
        return [v for contract in self.contracts for v in contract.violations]

    @property
    def broken(self) -> list[ContractResult]:
        return [contract for contract in self.contracts if not contract.passed]

    @property
    def blocking(self) -> list[Diagnostic]:
        """Files that may hold a finding but could not be checked: green would be a lie."""
        return [diagnostic for diagnostic in self.diagnostics if diagnostic.blocking]


class FileOutcome(Struct):
    """What ``fix`` did to one file: the fixes applied, or why it was skipped."""

    path: str
    fixed: int = 0
    skipped: str | None = None
    diff: str = ""
    # Local names a fix kept (an ``as`` stays), by violation fingerprint, with the reason.
    kept_names: dict[str, str] = field(default_factory=dict)
    # With ``--diff``: the bytes the file would get (checked in a mirror of the tree).
    rewritten: bytes | None = None
    # A canonical module: the names it was made to export (so that importers can move there).
    exported: tuple[str, ...] = ()


class FixReport(Struct):
    """What a ``fix`` run changed, and what it left for a person to do."""

    files: list[FileOutcome] = field(default_factory=list)
    left: list[tuple[Violation, str]] = field(default_factory=list)
    fixed: int = 0
    # Files the check could not read (syntax errors, undecodable): never touched.
    unreadable: list[Diagnostic] = field(default_factory=list)
    # Seconds per phase (the first check, the exposure scan, the files, the check after).
    timings: dict[str, float] = field(default_factory=dict)
    processes: int = 1  # how many processes rewrote the files

    @property
    def changed_files(self) -> list[FileOutcome]:
        return [f for f in self.files if (f.fixed or f.exported) and not f.skipped]
