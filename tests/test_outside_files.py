"""Files outside the root packages (scripts, backups, loose files): `include` and `exclude`
globs, `.gitignore` respected, counted apart in the coverage."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import BASE_TREE, Project, findings, git, script

IMPL_IMPORT = "from pkg.core.impl import Mode\n\nprint(Mode)\n"


@pytest.fixture
def scripts(project: Project) -> Project:
    project.tree(BASE_TREE)
    project.tree(
        {
            "scripts/migrate.py": IMPL_IMPORT,
            "scripts/deep/cleanup.py": "import pkg.core.impl as impl\n\nprint(impl.Mode)\n",
            "scripts/fine.py": "from pkg.core.api import Mode\n",
            "tool.py": IMPL_IMPORT,
            "ignored_tool.py": IMPL_IMPORT,
            "backup_2024/old.py": IMPL_IMPORT,
            # A patch string needs the syntax tree (is it a docstring?): this one has none.
            "scripts/broken.py": 'TARGET = "pkg.core.impl.Mode"\ndef oops(:\n',
            ".gitignore": "ignored_tool.py\n",
        }
    )
    git(project.root, "init", "-q")
    return project


OPTIONS = """\
include =
    scripts/**/*.py
    *.py
    backup*/**/*.py
exclude =
    backup*/**
"""


def test_included_files_are_checked_and_counted_apart(scripts: Project) -> None:
    scripts.config(OPTIONS)
    report = scripts.check()
    assert findings(report) == [
        ("scripts/deep/cleanup.py", 1, "implementation-module-import", "pkg.core.impl"),
        ("scripts/migrate.py", 1, "implementation-import", "Mode"),
        ("tool.py", 1, "implementation-import", "Mode"),
    ]
    (contract,) = report.contracts
    outside = contract.coverage.outside
    # scripts/migrate, scripts/deep/cleanup, scripts/fine, scripts/broken and tool.py; not
    # the git-ignored file, nor the excluded backup folder, nor the root package's files.
    assert (outside.in_scope, outside.checked, outside.skipped) == (5, 4, {"syntax-error": 1})
    assert contract.coverage.in_scope == 5  # the root package alone, as before
    assert [(d.kind, d.path, d.blocking) for d in report.diagnostics] == [
        ("syntax-error", "scripts/broken.py", True)
    ]


def test_outside_coverage_in_text_and_json(scripts: Project) -> None:
    scripts.config(OPTIONS)
    text = scripts.cli("check", "--no-cache")
    assert "  outside the roots: 4 of 5 files checked (80.0%); skipped: 1 syntax-error" in (
        text.out
    )
    data = json.loads(scripts.cli("check", "--no-cache", "--format", "json").out)
    schema = resources.files("ssot_imports").joinpath("output/report.schema.json").read_text()
    jsonschema.validate(data, json.loads(schema))
    assert data["contracts"][0]["coverage"]["outside"] == {
        "in_scope": 5,
        "checked": 4,
        "percent": 80.0,
        "skipped": {"syntax-error": 1},
    }


def test_gitignore_can_be_ignored_and_a_glob_matching_nothing_is_a_warning(
    scripts: Project,
) -> None:
    scripts.config("include =\n    *.py\n    scriptz/**/*.py\nrespect_gitignore = false\n")
    report = scripts.check()
    assert [path for path, *_ in findings(report)] == ["ignored_tool.py", "tool.py"]
    assert report.contracts[0].warnings == ["include glob 'scriptz/**/*.py' matches no Python file"]
    # A glob whose files are all left out says so too.
    scripts.config("include =\n    ignored_tool.py\n    pkg/**/*.py\n")
    assert scripts.check().contracts[0].warnings == [
        "include glob 'ignored_tool.py' matches only files left out (excluded, ignored by git, "
        "or in the root packages)",
        "include glob 'pkg/**/*.py' matches only files left out (excluded, ignored by git, or "
        "in the root packages)",
    ]


def test_without_include_nothing_outside_is_read(scripts: Project) -> None:
    scripts.config()
    report = scripts.check()
    assert findings(report) == []
    assert report.contracts[0].coverage.outside is None


def test_fix_rewrites_included_files_and_the_warm_run_sees_their_changes(
    scripts: Project,
) -> None:
    scripts.config(OPTIONS)
    scripts.cli("check")  # fills the cache
    result = scripts.cli("fix")
    assert result.code == 1, result.out  # the broken script is left
    assert (scripts.root / "scripts/migrate.py").read_text() == IMPL_IMPORT.replace(
        "pkg.core.impl", "pkg.core.api"
    )
    assert (scripts.root / "backup_2024/old.py").read_text() == IMPL_IMPORT  # excluded
    assert (scripts.root / "ignored_tool.py").read_text() == IMPL_IMPORT  # git-ignored
    # A warm run after an edit outside the roots sees it.
    scripts.write("scripts/new.py", IMPL_IMPORT)
    warm = scripts.check(use_cache=True)
    assert ("scripts/new.py", 1, "implementation-import", "Mode") in findings(warm)
    assert findings(warm) == findings(scripts.check())


@pytest.mark.parametrize("pattern", ["../*.py", "/tmp/*.py"])
def test_a_glob_leaving_the_project_is_one_clear_error(
    scripts: Project, tmp_path: Path, pattern: str
) -> None:
    (tmp_path / "elsewhere.py").write_text(IMPL_IMPORT)
    scripts.config(f"include =\n    {pattern}\n")
    result = scripts.cli("check")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"ssot-imports: error: {scripts.root / '.importlinter'} line 13: contract 'ssot': option "
        f"'include' = '{pattern}': a glob is relative to the project root, without `..`"
    ]


def test_an_included_script_python_cannot_read_fails_the_run(scripts: Project) -> None:
    """Its import statement cannot be read (an unclosed parenthesis, then a broken line):
    skipped with the reason, and blocking, as a file of the root packages would be."""
    scripts.write("scripts/bad.py", "from pkg.core.impl import (Mode,\ndef broken(:\n")
    scripts.config("include =\n    scripts/bad.py\n")
    report = scripts.check()
    outside = report.contracts[0].coverage.outside
    assert (outside.in_scope, outside.checked, outside.skipped) == (1, 0, {"syntax-error": 1})
    assert [(d.path, d.blocking) for d in report.diagnostics] == [("scripts/bad.py", True)]
    result = scripts.cli("check", "--no-cache")
    assert result.code == 1
    assert "SSOT [ssot] NOT FULLY CHECKED (1 file it needs could not be checked)" in result.out
    assert "0 broken, 0 kept, 1 not fully checked" in result.out
    assert "5 files (+1 outside the roots)" in result.out


def test_single_module_identity_reads_included_files_too(tmp_path: Path) -> None:
    """A script outside the package importing a module under a second name, and from a
    module that no longer exists."""
    project = Project(tmp_path / "identity")
    project.root.mkdir()
    project.tree(
        {
            "pkg/__init__.py": "",
            "pkg/app/__init__.py": "",
            "pkg/app/clock.py": "def now():\n    return 0\n",
            "scripts/report.py": "from app.clock import now\nfrom pkg.app.gone import old\n",
            "scripts/fine.py": "from pkg.app.clock import now\n",
        }
    )
    project.write(
        ".importlinter",
        "[importlinter]\nroot_packages =\n    pkg\ncontract_types =\n"
        "    single_module_identity: ssot_imports.single_module_identity."
        "SingleModuleIdentityContract\n\n[importlinter:contract:identity]\nname = identity\n"
        "type = single_module_identity\ninclude =\n    scripts/*.py\n",
    )
    report = project.check()
    assert findings(report) == [
        ("scripts/report.py", 1, "shadow-root", "app.clock"),
        ("scripts/report.py", 2, "stale-import", "pkg.app.gone"),
    ]
    outside = report.contracts[0].coverage.outside
    assert (outside.in_scope, outside.checked) == (2, 2)


def test_a_loose_file_is_read_for_its_imports_in_every_form_that_names_a_target(
    project: Project,
) -> None:
    """A file the graph cannot see that spells a canonical name is read for its imports,
    whatever the form of the import (each below is found); one that imports the names from
    another module has no finding, and is checked all the same."""
    project.tree(BASE_TREE)
    project.tree(
        {
            "pkg/loose/test_package_leaf.py": "from pkg.core import impl\n\nprint(impl.Mode)\n",
            "pkg/loose/test_whole_name.py": "import pkg.core.impl as i\n\nprint(i.Mode)\n",
            "pkg/loose/test_in_function.py": (
                "def f():\n    x = 1; from pkg.core.impl import Mode\n    return Mode, x\n"
            ),
            "pkg/loose/test_continued.py": "from pkg.core.impl \\\n    import Mode\n",
            "pkg/loose/test_parenthesised.py": "from pkg.core.impl import (\n    Mode,\n)\n",
            "pkg/loose/test_elsewhere.py": "from pkg.app import Mode, Impl\n\nprint(Mode, Impl)\n",
            "pkg/app/__init__.py": "Mode = Impl = None\n",
        }
    )
    project.config()
    report = project.check()
    assert findings(report) == [
        ("pkg/loose/test_continued.py", 2, "implementation-import", "Mode"),
        ("pkg/loose/test_in_function.py", 2, "implementation-import", "Mode"),
        ("pkg/loose/test_package_leaf.py", 1, "implementation-module-import", "pkg.core.impl"),
        ("pkg/loose/test_parenthesised.py", 2, "implementation-import", "Mode"),
        ("pkg/loose/test_whole_name.py", 1, "implementation-module-import", "pkg.core.impl"),
    ]
    assert report.contracts[0].coverage.skipped == {}


def test_an_import_list_never_closed_is_given_up_at_once(project: Project) -> None:
    """A comment that opens an import list it never closes (`# TODO: from pkg.core import
    (later`), then comments: the prefilter, and `fix`'s scan for names other files read,
    tried every way to cut each comment before giving the list up, and did not end within a
    minute on a 40-line file (a trial's generated files found it). Both now end at once,
    with the findings."""
    project.tree(BASE_TREE)
    notes = "# TODO: from pkg.core import (later\n" + "x = 1  # note (see below\n" * 40
    project.tree(
        {
            "pkg/app/notes.py": notes + "from pkg.core.impl import Mode\n",
            "pkg/loose/test_notes.py": notes + "from pkg.core.impl import Mode\n",
        }
    )
    project.config()
    for command in ("check", "fix"):
        completed = subprocess.run(
            [script("ssot-imports"), command, "--no-cache"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert completed.returncode == (1 if command == "check" else 0), completed.stderr
    assert (
        (project.root / "pkg/app/notes.py").read_text().endswith("from pkg.core.api import Mode\n")
    )
    assert (
        (project.root / "pkg/loose/test_notes.py")
        .read_text()
        .endswith("from pkg.core.api import Mode\n")
    )
    # (the same list in the pattern `fix` reads other files' imports with, on its own)
    probe = (
        "from ssot_imports.application.pipeline.fixing import _Exposure\n"
        f"_Exposure._FROM.findall({notes.encode()!r})\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)
