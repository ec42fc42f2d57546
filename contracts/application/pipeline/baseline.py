"""Baselines: accept today's violations, fail on new ones, and only ever shrink.

A baseline is a committed JSON file with one entry per violation, keyed by fingerprint. The
fingerprint ignores lines, so entries survive unrelated edits; two identical violations in one
module have distinct fingerprints (occurrence 0 and 1), so they are counted, not merged.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from ...domain.errors import UsageError
from ...domain.findings import Violation
from ...domain.report import CheckReport
from ..ports import Files

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".ssot-imports-baseline.json"
CONFIG_OPTION = "ssot_baseline"
_ENTRY_KEYS = ("fingerprint", "contract", "kind", "path")


class Baseline(Struct):
    """Accepted findings read from a baseline file (their fingerprints and where they were)."""

    path: Path
    entries: list[dict[str, Any]]


def entry_of(violation: Violation) -> dict[str, Any]:
    """A baseline entry: the fingerprint plus what a reviewer needs to read the diff."""
    return {
        "fingerprint": violation.fingerprint,
        "contract": violation.contract_id,
        "kind": violation.kind,
        "path": violation.path,
        "importer": violation.importer,
        "imported": violation.imported,
        "symbol": violation.symbol,
        "statement": " ".join(violation.statement.split()),
    }


def _sort_key(entry: dict[str, Any]) -> tuple:
    return (
        entry["contract"],
        entry["path"],
        entry["kind"],
        str(entry.get("symbol") or ""),
        entry["fingerprint"],
    )


def load_baseline(files: Files, path: Path) -> Baseline:
    """Read a baseline; anything unexpected is a one-line UsageError naming the file."""
    try:
        text = files.read_bytes(path).decode("utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"baseline {path}: no such file (create it with `ssot-imports baseline`)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"baseline {path}: cannot read ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"baseline {path}: not JSON ({error.msg} at line {error.lineno})"
        ) from None
    if not isinstance(data, dict):
        raise UsageError(
            f"baseline {path}: not a baseline (a JSON object with 'version' and 'violations' "
            f"was expected, not a {type(data).__name__})"
        )
    if data.get("version") != BASELINE_VERSION:
        raise UsageError(
            f"baseline {path}: unsupported version {data.get('version')!r} "
            f"(expected {BASELINE_VERSION})"
        )
    entries = data.get("violations")
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in _ENTRY_KEYS)
        for entry in entries
    ):
        raise UsageError(
            f"baseline {path}: 'violations' must be a list of entries with "
            + ", ".join(f"'{k}'" for k in _ENTRY_KEYS)
        )
    return Baseline(path, entries)


def write_baseline(files: Files, path: Path, entries: list[dict[str, Any]]) -> None:
    """Write sorted entries, atomically."""
    data = {
        "version": BASELINE_VERSION,
        "tool": "ssot-imports",
        "violations": sorted(entries, key=_sort_key),
    }
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        files.write(path, text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"baseline {path}: cannot write ({error.strerror})") from None


def _checked_entries(report: CheckReport, baseline: Baseline) -> list[dict[str, Any]]:
    """Entries of the contracts this run checked (``--contract`` may select a few), in files it
    could check, of the rules and files it reports: an entry of a file that could not be read,
    or left out by ``--select`` or ``check FILE``, is neither fixed nor dropped. An entry of a
    contract the config no longer has can never occur again: it counts as fixed."""
    checked = {contract.id for contract in report.contracts}
    configured = report.configured or checked
    unchecked = {diagnostic.path for diagnostic in report.blocking}
    return [
        entry
        for entry in baseline.entries
        if (entry["contract"] in checked or entry["contract"] not in configured)
        and entry["path"] not in unchecked
        and (report.scope is None or report.scope.includes_entry(entry))
    ]


def apply_baseline(report: CheckReport, baseline: Baseline) -> None:
    """Mark baselined violations ``unchanged`` and list the entries that no longer occur."""
    entries = _checked_entries(report, baseline)
    remaining = Counter(entry["fingerprint"] for entry in entries)
    for contract in report.contracts:
        marked = []
        for violation in contract.violations:
            if remaining[violation.fingerprint] > 0:
                remaining[violation.fingerprint] -= 1
                marked.append(replace(violation, baseline_state="unchanged"))
            else:
                marked.append(violation)
        contract.violations = marked
    fixed = []
    for entry in entries:
        if remaining[entry["fingerprint"]] > 0:
            remaining[entry["fingerprint"]] -= 1
            fixed.append(entry)
    report.fixed = sorted(fixed, key=_sort_key)


class BaselineUpdate(Struct):
    """How a baseline changed when written again: the counts a user is told."""

    kept: int
    removed: int
    added: int


def updated_entries(
    report: CheckReport, baseline: Baseline | None, add_new: bool
) -> tuple[list[dict[str, Any]], BaselineUpdate]:
    """The entries of a refreshed baseline: fixed ones dropped, new ones only if asked."""
    current = [entry_of(v) for v in report.violations]
    if baseline is None:
        return current, BaselineUpdate(kept=0, removed=0, added=len(current))
    apply_baseline(report, baseline)
    checked = set(map(id, _checked_entries(report, baseline)))
    untouched = [entry for entry in baseline.entries if id(entry) not in checked]
    kept = [entry_of(v) for v in report.violations if v.baseline_state == "unchanged"]
    new = [entry_of(v) for v in report.violations if v.baseline_state == "new"]
    entries = untouched + kept + (new if add_new else [])
    return entries, BaselineUpdate(
        kept=len(kept), removed=len(report.fixed), added=len(new) if add_new else 0
    )
