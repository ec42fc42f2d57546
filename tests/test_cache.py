"""Warm runs (the cache of prefilter records and findings present) give exactly the findings of
a cold run, on a tree of the dense benchmark profile, after each kind of change a working copy
sees: an edit that matters, one that does not, a new file, a deleted file, a renamed file, a
new shim. A damaged cache is ignored, with a diagnostic, and never changes a result."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import REPO
from ssot_imports import api
from ssot_imports.api import CheckRequest
from ssot_imports.domain.report import CheckReport

sys.path.insert(0, str(REPO / "bench"))
import dense
from generate import generate
from run import DENSE_FIVE, ssot_config

CONFIG = ssot_config(DENSE_FIVE)  # the benchmark's own configuration of a dense tree

Outcome = tuple[list[tuple], list[tuple], list[tuple]]


def _outcome(report: CheckReport) -> Outcome:
    violations = sorted(
        (v.contract_id, v.kind, v.path, v.line, v.column, v.symbol, v.message, v.suggestion)
        for v in report.violations
    )
    diagnostics = sorted((d.kind, d.path, d.line or 0, d.message) for d in report.diagnostics)
    coverage = [(c.id, c.coverage.in_scope, c.coverage.checked) for c in report.contracts]
    return violations, diagnostics, coverage


def _check(root: Path, cache: bool) -> Outcome:
    request = CheckRequest(config=str(root / ".importlinter"), project_root=root, use_cache=cache)
    return _outcome(api.check(request))


def _same_warm_and_cold(root: Path) -> Outcome:
    warm = _check(root, cache=True)
    cold = _check(root, cache=False)
    assert warm == cold
    return cold


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dense")
    generate(root, 600, seed=11, profile="dense")
    (root / ".importlinter").write_text(CONFIG)
    return root


def test_warm_equals_cold_after_each_kind_of_change(tree: Path) -> None:
    first = _same_warm_and_cold(tree)
    assert first[0], "the dense tree has planted violations"
    again = _check(tree, cache=True)  # unchanged: answered from the cache
    assert again == first

    # An edit no check cares about: same findings.
    touched = tree / dense.TOUCH_FILE
    touched.write_text(touched.read_text() + "\n# reviewed\n")
    assert _same_warm_and_cold(tree) == first

    # An edit that adds a violation to that same file.
    touched.write_text(
        touched.read_text() + f"\nfrom {dense.IMPLEMENTATION} import UnifiedRelayManager\n"
    )
    edited = _same_warm_and_cold(tree)
    assert len(edited[0]) == len(first[0]) + 1

    # A new file with a violation, in a folder without __init__.py.
    loose = tree / "tests" / "loose_new" / "test_new.py"
    loose.parent.mkdir()
    loose.write_text(
        f"def test_it():\n    from {dense.IMPLEMENTATION} import UnifiedRelayManager\n"
    )
    added = _same_warm_and_cold(tree)
    assert len(added[0]) == len(edited[0]) + 1

    # A deleted file that held a violation.
    doomed = next(
        v[2]
        for v in added[0]
        if v[1] == "implementation-import" and v[2] != str(loose.relative_to(tree))
    )
    held = sum(1 for v in added[0] if v[2] == doomed)
    (tree / doomed).unlink()
    deleted = _same_warm_and_cold(tree)
    # Its findings go; the imports of it that other files hold become stale paths.
    module = doomed.removesuffix(".py").replace("/", ".")
    stale = [v for v in deleted[0] if v not in added[0]]
    assert {(v[1], v[5]) for v in stale} <= {("stale-import", module)}
    assert len(deleted[0]) == len(added[0]) - held + len(stale)

    # A renamed file: its findings move with it.
    moved_from = touched
    moved_to = touched.with_name("app_settings_renamed.py")
    moved_from.rename(moved_to)
    renamed = _same_warm_and_cold(tree)
    assert any(v[2].endswith("app_settings_renamed.py") for v in renamed[0])
    assert not any(v[2] == dense.TOUCH_FILE for v in renamed[0])

    # A module that becomes a shim, and a file importing through it.
    (tree / "backend" / "app" / "core" / "new_shim.py").write_text(
        f"from {dense.CANONICAL} import RelayManager as Relay\n"
    )
    (tree / "backend" / "app" / "core" / "shim_user.py").write_text(
        "from backend.app.core.new_shim import Relay\n"
    )
    shimmed = _same_warm_and_cold(tree)
    assert ("ssot", "shim-import", "backend/app/core/shim_user.py", 1) in [
        v[:4] for v in shimmed[0]
    ]

    # The cache keeps no entry for files that are gone.
    cache = tree / ".import_linter_cache" / "ssot-imports"
    (prescan,) = cache.glob("prescan-*.json")
    kept = set(json.loads(prescan.read_text()))
    assert str(tree / doomed) not in kept and str(moved_from) not in kept
    assert str(moved_to) in kept


def test_the_cache_answers_without_reading_unchanged_files(tree: Path) -> None:
    """Proof of reuse: a file changed behind the cache's back (same size, time and inode)
    keeps its cached answer; a real change (another size) is seen."""
    cold = _check(tree, cache=True)
    culprit = tree / "backend" / "app" / "core" / "sneaky.py"
    culprit.write_text(f"from {dense.IMPLEMENTATION} import UnifiedRelayManager\n")
    with_culprit = _check(tree, cache=True)
    assert len(with_culprit[0]) == len(cold[0]) + 1
    stamp = culprit.stat()
    culprit.write_text("x = 'unified_relay_manager_renamed'\n".ljust(stamp.st_size - 1) + "\n")
    os.utime(culprit, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert culprit.stat().st_size == stamp.st_size
    assert _check(tree, cache=True) == with_culprit  # answered from the cache
    culprit.write_text("x = 1\n")
    warm = _check(tree, cache=True)
    assert warm == _check(tree, cache=False)
    assert warm[:2] == cold[:2]  # the violation is gone again (one more file is covered)
    culprit.unlink()


def test_a_damaged_cache_is_ignored_with_a_diagnostic(tree: Path) -> None:
    expected = _check(tree, cache=False)
    _check(tree, cache=True)
    cache = tree / ".import_linter_cache" / "ssot-imports"
    for path in cache.glob("*.json"):
        path.write_text(path.read_text()[: len(path.read_text()) // 2])  # a torn write
    (cache / ".prescan-leftover.json.tmp").write_text("{")  # a crash's temporary file
    report = api.check(
        CheckRequest(config=str(tree / ".importlinter"), project_root=tree, use_cache=True)
    )
    violations, _, coverage = _outcome(report)
    assert (violations, coverage) == (expected[0], expected[2])
    ignored = [d for d in report.diagnostics if d.kind == "cache-ignored"]
    assert sorted(d.path.rsplit("/", 1)[-1].split("-")[0] for d in ignored) == [
        "findings",
        "findings",
        "prescan",
    ]
    assert all(d.code == "D006" and "it was ignored" in d.message for d in ignored)
    # The next run has a sound cache again, and nothing to say about it.
    assert _check(tree, cache=True) == expected


def test_a_findings_cache_of_another_shape_is_ignored_with_a_diagnostic(tree: Path) -> None:
    """Valid JSON that is no findings document (found by a fresh-user trial: it was a silent
    miss) says so once; a merely stale one (another key) is replaced without a word."""
    expected = _check(tree, cache=False)
    _check(tree, cache=True)
    cache = tree / ".import_linter_cache" / "ssot-imports"
    (wrong, *_) = sorted(cache.glob("findings-*.json"))
    _assert_ignored_as_unexpected(tree, wrong, '{"key": 1, "violations": "x"}', expected)
    stale = json.loads(wrong.read_text())  # rewritten by that run
    stale["key"] = "another"
    wrong.write_text(json.dumps(stale))
    assert _check(tree, cache=True) == expected
    # The same for the prefilter's records (a fresh-user trial's `{"version": 1}`).
    (records, *_) = sorted(cache.glob("prescan-*.json"))
    _assert_ignored_as_unexpected(tree, records, '{"version": 1}', expected)


def _assert_ignored_as_unexpected(
    tree: Path, cache_file: Path, text: str, expected: Outcome
) -> None:
    """With ``text`` in ``cache_file``, a cached run finds what a cold one does and says once
    that the file was ignored."""
    cache_file.write_text(text)
    report = api.check(
        CheckRequest(config=str(tree / ".importlinter"), project_root=tree, use_cache=True)
    )
    assert _outcome(report)[0] == expected[0]
    assert [(d.code, d.path.rsplit("/", 1)[-1], d.message) for d in report.diagnostics] == [
        ("D006", cache_file.name, "unexpected content; it was ignored")
    ]


def test_a_link_to_nothing_removed_is_no_longer_reported(tree: Path) -> None:
    """A ``.py`` link to nothing has no record (the walk leaves it out, with a diagnostic):
    once it is gone, the kept findings that counted it must not come back. (They did when
    the run that kept them was a full one: a file with a syntax error added and removed
    first, so that the link's run found no findings to reuse. Found by a fresh-user trial.)"""
    expected = _check(tree, cache=False)
    _check(tree, cache=True)
    broken = tree / "backend" / "app" / "core" / "broken.py"
    broken.write_text("def broken(:\n")
    _check(tree, cache=True)
    broken.unlink()
    link = tree / "backend" / "app" / "core" / "dangling.py"
    link.symlink_to("missing.py")
    with_link = _check(tree, cache=True)
    assert with_link == _check(tree, cache=False)
    assert [d[:2] for d in with_link[1] if d[1].endswith("dangling.py")] == [
        ("unreadable-file", "backend/app/core/dangling.py")
    ]
    link.unlink()
    assert _check(tree, cache=True) == expected
