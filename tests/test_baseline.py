"""Baseline and ratchet: accept old violations, fail on new ones, only ever shrink."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, Project, run_tool, script


@pytest.fixture
def legacy(project: Project) -> Project:
    project.tree(
        {
            "pkg/app/one.py": """\
                from pkg.core.impl import Impl as Manager

                def build():
                    return Manager()
                """,
            "pkg/app/two.py": """\
                from pkg.core.api import Impl

                def lazy_a():
                    from pkg.core.impl import Mode
                    return Mode

                def lazy_b():
                    from pkg.core.impl import Mode
                    return Mode
                """,
        }
    )
    result = project.cli("baseline", "--no-cache")
    assert result.code == 0, result.err
    assert result.out.startswith("wrote 4 baseline entries to ")
    return project


def read(project: Project) -> dict:
    return json.loads((project.root / ".ssot-imports-baseline.json").read_text())


def check(project: Project, *extra: str):
    result = project.cli(
        "check",
        "--no-cache",
        "--format",
        "json",
        "--baseline",
        ".ssot-imports-baseline.json",
        *extra,
    )
    return result, json.loads(result.out) if result.out else None


def test_baseline_file_is_versioned_sorted_and_readable(legacy: Project) -> None:
    data = read(legacy)
    assert data["version"] == 1
    assert [(e["path"], e["kind"], e["symbol"], e["statement"]) for e in data["violations"]] == [
        (
            "pkg/app/one.py",
            "implementation-import",
            "Impl",
            "from pkg.core.impl import Impl as Manager",
        ),
        ("pkg/app/two.py", "implementation-import", "Mode", "from pkg.core.impl import Mode"),
        ("pkg/app/two.py", "implementation-import", "Mode", "from pkg.core.impl import Mode"),
        ("pkg/app/two.py", "secondary-name", "Impl", "from pkg.core.api import Impl"),
    ]
    assert all(e["contract"] == "ssot" and len(e["fingerprint"]) == 20 for e in data["violations"])
    # Two identical violations in one module are counted, not merged.
    modes = [e["fingerprint"] for e in data["violations"] if e["symbol"] == "Mode"]
    assert len(set(modes)) == 2


def test_baselined_violations_pass_and_new_ones_fail(legacy: Project) -> None:
    result, data = check(legacy)
    assert result.code == 0
    assert data["summary"]["new"] == 0 and data["summary"]["baselined"] == 4
    text = legacy.cli("check", "--no-cache", "--baseline", ".ssot-imports-baseline.json")
    assert "SSOT [ssot] KEPT (4 baselined)" in text.out
    legacy.write("pkg/app/three.py", "from pkg.core import impl\n")
    result, data = check(legacy)
    assert result.code == 1
    new = [(v["path"], v["kind"]) for v in data["violations"] if v["baseline_state"] == "new"]
    assert new == [("pkg/app/three.py", "implementation-module-import")]
    text = legacy.cli("check", "--no-cache", "--baseline", ".ssot-imports-baseline.json")
    assert "SSOT [ssot] BROKEN (1 new violation, 4 baselined)" in text.out
    assert "  pkg/app/three.py:1:22: SSOT002 implementation-module-import\n" in text.out
    accepted = text.out.split("accepted by the baseline (not failing):\n")[1].split("\n\n")[0]
    assert accepted.splitlines() == [
        "    pkg/app/one.py:1: SSOT001 implementation-import `Impl` [baselined]",
        "    pkg/app/two.py:1: SSOT004 secondary-name `Impl` [baselined]",
        "    pkg/app/two.py:4: SSOT001 implementation-import `Mode` [baselined]",
        "    pkg/app/two.py:8: SSOT001 implementation-import `Mode` [baselined]",
    ]


def test_fingerprints_survive_unrelated_edits(legacy: Project) -> None:
    legacy.write(
        "pkg/app/one.py",
        """\
        \"\"\"A docstring and imports added above.\"\"\"
        import os
        import sys

        def build():
            return Manager()

        from pkg.core.impl import (
            Impl as Manager,
        )
        """,
    )
    result, data = check(legacy)
    assert result.code == 0
    assert data["summary"]["baselined"] == 4 and data["fixed"] == []


def test_moved_import_is_new_and_old_entry_is_fixed(legacy: Project) -> None:
    (legacy.root / "pkg/app/one.py").write_text("X = 1\n")
    legacy.write("pkg/app/moved.py", "from pkg.core.impl import Impl as Manager\n")
    result, data = check(legacy)
    assert result.code == 1
    assert [v["path"] for v in data["violations"] if v["baseline_state"] == "new"] == [
        "pkg/app/moved.py"
    ]
    assert [e["path"] for e in data["fixed"]] == ["pkg/app/one.py"]


def test_a_change_of_kind_or_imported_object_is_new(legacy: Project) -> None:
    legacy.write("pkg/app/one.py", "from pkg.core.impl import Mode as Manager\n")
    result, data = check(legacy)
    assert result.code == 1
    assert [
        (v["symbol"], v["baseline_state"])
        for v in data["violations"]
        if v["path"] == "pkg/app/one.py"
    ] == [("Mode", "new")]


def test_fixed_entries_strict_mode_and_update(legacy: Project) -> None:
    legacy.write(
        "pkg/app/two.py",
        "from pkg.core.api import Impl\n\ndef lazy_a():\n    from pkg.core.impl import Mode\n",
    )
    result, data = check(legacy)
    assert result.code == 0
    assert [(e["path"], e["symbol"]) for e in data["fixed"]] == [("pkg/app/two.py", "Mode")]
    text = legacy.cli("check", "--no-cache", "--baseline", ".ssot-imports-baseline.json")
    assert "Fixed since the baseline (1): run `ssot-imports baseline --update`" in text.out
    result, _ = check(legacy, "--strict-baseline")
    assert result.code == 1
    assert "1 baselined violation(s) no longer occur and --strict-baseline is set" in result.err
    legacy.write("pkg/app/new.py", "from pkg.core.impl import Impl\n")
    update = legacy.cli("baseline", "--no-cache", "--update")
    assert update.code == 0
    assert "3 kept, 1 removed as fixed, 0 added" in update.out
    assert "1 new violation(s) were not added (use --add-new to accept them)" in update.err
    assert len(read(legacy)["violations"]) == 3
    (legacy.root / "pkg/app/new.py").unlink()
    result, _ = check(legacy, "--strict-baseline")
    assert result.code == 0
    legacy.write("pkg/app/new.py", "from pkg.core.impl import Impl\n")
    added = legacy.cli("baseline", "--no-cache", "--update", "--add-new")
    assert "3 kept, 0 removed as fixed, 1 added" in added.out
    assert check(legacy)[0].code == 0


def test_entries_of_a_contract_gone_from_the_config_count_as_fixed(project: Project) -> None:
    """A contract deleted from the config can never find its baselined violations again:
    strict mode fails until they are removed (found by a fresh-user trial: they were kept
    forever, unnoticed); a contract left out by ``--contract`` keeps its entries."""
    copy = (
        "[importlinter:contract:copy]\nname = Copy\ntype = canonical_import\n"
        "canonical_module = pkg.core.api\nimplementation_modules =\n    pkg.core.impl\n"
    )
    project.config(extra=copy)
    project.write("pkg/app/one.py", "from pkg.core.impl import Impl as Manager\n")
    assert project.cli("baseline", "--no-cache").out.startswith("wrote 2 baseline entries")
    assert check(project, "--strict-baseline", "--contract", "ssot")[0].code == 0
    project.config()  # the copy deleted
    result, data = check(project)
    assert result.code == 0
    assert [(e["contract"], e["path"]) for e in data["fixed"]] == [("copy", "pkg/app/one.py")]
    result, _ = check(project, "--strict-baseline")
    assert result.code == 1
    assert "1 baselined violation(s) no longer occur and --strict-baseline is set" in result.err
    update = project.cli("baseline", "--no-cache", "--update")
    assert "1 kept, 1 removed as fixed, 0 added" in update.out
    assert [e["contract"] for e in read(project)["violations"]] == ["ssot"]
    assert check(project, "--strict-baseline")[0].code == 0


def test_baseline_named_in_the_config(legacy: Project) -> None:
    (legacy.root / ".ssot-imports-baseline.json").rename(legacy.root / "ssot-baseline.json")
    config = legacy.root / ".importlinter"
    config.write_text(
        config.read_text().replace(
            "[importlinter]\n", "[importlinter]\nssot_baseline = ssot-baseline.json\n", 1
        )
    )
    result = legacy.cli("check", "--no-cache")
    assert result.code == 0
    assert "4 baselined" in result.out
    assert legacy.cli("baseline", "--no-cache", "--update").out.startswith(
        f"updated {legacy.root / 'ssot-baseline.json'}: 4 kept"
    )


def test_every_format_marks_new_and_baselined(legacy: Project, tmp_path) -> None:
    legacy.write("pkg/app/three.py", "from pkg.core.impl import Mode\n")
    github = legacy.cli(
        "check", "--no-cache", "--format", "github", "--baseline", ".ssot-imports-baseline.json"
    )
    assert [
        line.split("::")[1].split(",")[0]
        for line in github.out.splitlines()
        if line.startswith("::error")
    ] == ["error file=pkg/app/three.py"]
    sarif = json.loads(
        legacy.cli(
            "check", "--no-cache", "--format", "sarif", "--baseline", ".ssot-imports-baseline.json"
        ).out
    )
    states = sorted(r["baselineState"] for r in sarif["runs"][0]["results"])
    assert states == ["new", "unchanged", "unchanged", "unchanged", "unchanged"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ('{"version": 99, "violations": []}', "unsupported version 99"),
        (
            "[1, 2]",
            "not a baseline (a JSON object with 'version' and 'violations' was expected, not a list)",
        ),
        (
            '{"version": 1, "violations": [{"fingerprint": 1}]}',
            "'violations' must be a list of entries",
        ),
    ],
)
def test_broken_baselines_are_one_line_errors(project: Project, content, message) -> None:
    if content is not None:
        project.write("bad.json", content)
    result = project.cli("check", "--no-cache", "--baseline", "bad.json")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err.startswith("ssot-imports: error: baseline bad.json: ")
    assert message in result.err


def test_unreadable_baseline(project: Project) -> None:
    (project.root / "dir.json").mkdir()
    result = project.cli("check", "--no-cache", "--baseline", "dir.json")
    assert result.code == 2
    assert "baseline dir.json: cannot read" in result.err


def test_the_readme_recipe_works_verbatim(project: Project) -> None:
    """The three commands of the README's baseline section, as written, in a git checkout."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Adopting on a legacy codebase", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].split() for line in block.splitlines() if line.strip()]
    assert [command[0] for command in commands] == ["ssot-imports", "git", "ssot-imports"]
    project.write("pkg/app/old.py", "from pkg.core.impl import Impl\n")
    assert run_tool(["git", "init", "-q"], cwd=project.root).code == 0
    results = []
    for command in commands:
        tool = script(command[0]) if command[0] == "ssot-imports" else command[0]
        results.append(run_tool([tool, *command[1:]], cwd=project.root))
    assert [result.code for result in results] == [0, 0, 0], [r.err for r in results]
    assert results[0].out == (
        f"wrote 1 baseline entries to {project.root / '.ssot-imports-baseline.json'}\n"
    )
    assert "1 baselined" in results[2].out
    # A new violation fails the run; fixing the old one makes the baseline stale.
    project.write("pkg/app/new.py", "from pkg.core.impl import Impl\n")
    assert run_tool([script("ssot-imports"), *commands[2][1:]], cwd=project.root).code == 1
    (project.root / "pkg/app/new.py").unlink()
    project.write("pkg/app/old.py", "from pkg.core.api import Manager\n")
    stale = run_tool([script("ssot-imports"), *commands[2][1:]], cwd=project.root)
    assert stale.code == 1 and "--strict-baseline is set" in stale.err
    assert run_tool([script("ssot-imports"), "check", "--no-baseline"], cwd=project.root).code == 0


def test_strict_baseline_without_a_baseline_is_a_usage_error(project: Project) -> None:
    result = project.cli("check", "--no-cache", "--strict-baseline")
    assert result.code == 2
    assert result.err.startswith("ssot-imports: error: --strict-baseline: no baseline to be ")
    assert result.err.count("\n") == 1
