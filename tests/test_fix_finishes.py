"""One `fix` run (safe fixes only) finishes the consolidation on a tree shaped like the real
one: it removes at least 90 % of what `check` reported, introduces no finding (compared by
fingerprint), leaves nothing for a second run, lists a reason for every finding left, and
ruff (F821 undefined name, F811 redefinition, F841 unused variable) finds nothing new."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, Project, run_tool, script

sys.path.insert(0, str(REPO / "bench"))

import run as bench_run
from generate import generate


def violations(project: Project) -> list[dict]:
    result = project.cli("check", "--no-cache", "--format", "json")
    assert result.code in (0, 1), result.err
    return json.loads(result.out)["violations"]


def ruff_counts(root: Path) -> Counter:
    """F821/F811/F841 findings by file and name. A name used under a star import is F405
    ("may be undefined") to ruff, F821 once the star import names what it binds: both count
    as the same undefined name (a star import of a module with a literal `__all__` binds
    only what that lists, so the name was undefined before as well)."""
    result = run_tool(
        [
            script("ruff"), "check", "--isolated", "--no-cache", "--select",
            "F821,F405,F811,F841", "--output-format", "json", "--exit-zero", ".",
        ],
        cwd=root,
    )  # fmt: skip
    counts: Counter = Counter()
    for finding in json.loads(result.out):
        code, message = finding["code"], finding["message"]
        if code in ("F821", "F405"):
            code, message = "undefined", message.split("`")[1]
        counts[(finding["filename"], code, message)] += 1
    return counts


def finish(project: Project) -> tuple[list[dict], list[dict], str]:
    before = violations(project)
    ruff_before = ruff_counts(project.root)
    fixed = project.cli("fix", "--no-cache")
    assert fixed.code in (0, 1), fixed.err
    after = violations(project)
    assert ruff_counts(project.root) - ruff_before == Counter()
    again = project.cli("fix", "--no-cache")
    assert again.out.splitlines()[0] == "fixed 0 violations in 0 files"
    # Every finding left is listed with its reason.
    assert "not fixable automatically" not in fixed.out
    # The check promised nothing that `fix` left undone: no finding it called safe to fix is
    # left, and none of those left is called so (the check plans the renames as `fix` does).
    promised = {v["fingerprint"] for v in before if v["fix_safety"] == "safe"}
    assert [v for v in after if v["fingerprint"] in promised or v["fix_safety"] == "safe"] == []
    for violation in after:
        assert f"{violation['path']}:{violation['line']}: {violation['code']}" in fixed.out
    return before, after, fixed.out


@pytest.mark.parametrize("roots", ["one-root", "five-root"])
def test_fix_finishes_the_dense_tree(tmp_path: Path, roots: str) -> None:
    project = Project(tmp_path / "dense")
    project.root.mkdir()
    generate(project.root, 600, seed=11, profile="dense")
    setup = bench_run.DENSE_ONE if roots == "one-root" else bench_run.DENSE_FIVE
    project.write(".importlinter", bench_run.ssot_config(setup))
    before, after, _ = finish(project)
    assert len(before) >= 20
    assert len(after) <= len(before) * 0.10, [(v["path"], v["code"]) for v in after]
    introduced = {v["fingerprint"] for v in after} - {v["fingerprint"] for v in before}
    assert introduced == set()


def test_fix_finishes_the_demo(tmp_path: Path) -> None:
    import shutil

    demo = tmp_path / "demo"
    shutil.copytree(EXAMPLES, demo, ignore=shutil.ignore_patterns(".*cache*", "__pycache__"))
    before, after, _ = finish(Project(demo))
    assert (len(before), len(after)) == (20, 2)
    assert {v["fingerprint"] for v in after} <= {v["fingerprint"] for v in before}


def test_rewrites_from_statements_cut_out_equal_those_from_whole_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fix` parses only the top-level statements an edit or a rename concerns; every
    rewrite (the diff of a dense tree with five roots, and the demo's) is the one a parse of
    the whole file gives. So does the check, which plans the renames `fix` will make (fewer
    statements still: no import that spells none of the names)."""
    import shutil

    from ssot_imports.application.pipeline import fix_preview, fixing

    dense = Project(tmp_path / "dense")
    dense.root.mkdir()
    generate(dense.root, 600, seed=11, profile="dense")
    dense.write(".importlinter", bench_run.ssot_config(bench_run.DENSE_FIVE))
    demo = tmp_path / "demo"
    shutil.copytree(EXAMPLES, demo, ignore=shutil.ignore_patterns(".*cache*", "__pycache__"))
    for project in (dense, Project(demo)):
        cut = project.cli("fix", "--no-cache", "--diff", "--jobs", "1")
        checked = project.cli("check", "--no-cache", "--format", "json")
        with monkeypatch.context() as patched:
            for module in (fixing, fix_preview):
                patched.setattr(module, "statements_needed", lambda *args, **options: None)
            whole = project.cli("fix", "--no-cache", "--diff", "--jobs", "1")
            checked_whole = project.cli("check", "--no-cache", "--format", "json")
        assert cut.out.count("\n+++ ") >= 5
        assert cut.out == whole.out
        assert _without_timings(checked.out) == _without_timings(checked_whole.out)
        if project is dense:
            # Worker processes rewrite what this process does (asked for: a tree this small
            # stays in this process by default).
            assert project.cli("fix", "--no-cache", "--diff", "--jobs", "2").out == cut.out


def _without_timings(report: str) -> dict:
    data = json.loads(report)
    del data["timings"]
    for contract in data["contracts"]:
        del contract["duration_ms"]
    return data
