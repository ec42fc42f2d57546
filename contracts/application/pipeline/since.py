"""``check --since REF``: report only the violations that are new since the merge base with a
git reference, so a pull request is judged on what it adds, with no committed baseline.

The base is checked with today's config and contracts, from its files as git stores them,
written to a temporary folder (the working tree is never touched); a violation of the working
tree whose fingerprint the base already had is marked existing, like a baselined one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...domain.errors import UsageError
from ...domain.report import CheckReport
from ..ports import Revisions
from .baseline import Baseline, apply_baseline, entry_of


def check_since(
    reference: str,
    revisions: Revisions,
    check_head: Callable[[], CheckReport],
    check_base: Callable[[Path, Path], CheckReport],
) -> CheckReport:
    """``check_base(root, config)`` checks the base tree at ``root`` with the head's config."""
    base = revisions.merge_base(reference)  # a bad reference fails before the long check
    report = check_head()
    import tempfile  # here: only `--since` needs it (a plain check starts faster)

    with tempfile.TemporaryDirectory(prefix="ssot-imports-base-") as folder:
        root = revisions.write_tree(base, Path(folder))
        try:
            reference_report = check_base(root, report.config_path)
        except UsageError as error:
            raise UsageError(
                f"--since {reference}: the merge base {base[:12]} cannot be checked: {error}"
            ) from None
    mark_existing(report, reference_report, f"{reference} (merge base {base[:12]})")
    report.changed = frozenset(revisions.changed_paths(base))
    return report


def mark_existing(report: CheckReport, reference: CheckReport, label: str) -> None:
    """Violations the reference had are existing ones; none of its own is reported."""
    entries = [entry_of(violation) for violation in reference.violations]
    apply_baseline(report, Baseline(Path(label), entries))
    report.fixed = []
    report.accepted_by = label
