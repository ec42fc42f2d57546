"""SSOT013 stale-import: imports and resolved strings naming modules that do not exist."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import Project, findings

CONFIG = """\
[importlinter]
root_packages =
    pkg
contract_types =
    single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract

[importlinter:contract:identity]
name = One name per module
type = single_module_identity
"""

TREE = {
    "pkg/__init__.py": "",
    "pkg/core/__init__.py": "from pkg.core.helpers import helper\n",
    "pkg/core/helpers.py": "def helper():\n    return 1\n",
    "pkg/core/api.py": "class Manager:\n    pass\n\n\nclass Mode:\n    pass\n",
    # A folder without __init__.py: a namespace package, whose modules exist.
    "pkg/ns/thing.py": "X = 1\n",
    "pkg/app/__init__.py": "",
    "pkg/app/a.py": """\
        from pkg.manager import Manager, Mode
        from pkg.core.api import Manager as Current
        from .gone import thing
        import pkg.core.old_helpers
        from pkg.ns import thing as namespace_thing
        from pkg.ns.thing import X
        from email.mime.textx import Y

        try:
            from pkg.legacy.api import Manager as Fallback
        except ImportError:
            Fallback = None


        def build():
            from pkg.app.old import Manager as Old

            return Old, Current, Manager, Mode, thing, namespace_thing, X, Y, Fallback


        USES = pkg.core.old_helpers
        """,
    # A test folder without __init__.py: read directly, outside the graph.
    "pkg/tests/test_paths.py": """\
        import importlib
        import logging
        import sys
        from unittest import mock

        import pytest

        from pkg.manager import Manager

        LOG = logging.getLogger("pkg.audit")
        sys.modules["pkg.fake"] = object()


        @mock.patch("pkg.core.api.Manager")
        @mock.patch("pkg.manager.Manager")
        @mock.patch("pkg.core.helper")
        @mock.patch("pkg.core.missing_thing.run")
        def test_paths(*mocks):
            assert importlib.import_module("pkg.old_mod") and Manager


        def test_the_old_paths_are_gone():
            # Failing imports are what these assert: not stale paths.
            with pytest.raises(ImportError):
                from pkg.manager import Manager
            with pytest.raises(ModuleNotFoundError):
                importlib.import_module("pkg.old_mod")
        """,
}


def _bare(root: Path, tree: dict[str, str]) -> Project:
    """A project of only ``tree``, with the identity contract."""
    project = Project(root)
    project.root.mkdir()
    project.tree(tree)
    project.write(".importlinter", CONFIG)
    return project


def _project(root: Path, options: str = "canonical_modules =\n    pkg.core.api\n") -> Project:
    project = Project(root)
    project.root.mkdir()
    project.tree({path: textwrap.dedent(text) for path, text in TREE.items()})
    project.write(".importlinter", CONFIG + options)
    return project


@pytest.fixture
def stale(tmp_path: Path) -> Project:
    return _project(tmp_path / "stale")


EXPECTED = [
    ("pkg/app/a.py", 1, "stale-import", "pkg.manager"),
    ("pkg/app/a.py", 3, "stale-import", "pkg.app.gone"),
    ("pkg/app/a.py", 4, "stale-import", "pkg.core.old_helpers"),
    ("pkg/app/a.py", 10, "stale-import", "pkg.legacy.api"),
    ("pkg/app/a.py", 16, "stale-import", "pkg.app.old"),
    ("pkg/tests/test_paths.py", 8, "stale-import", "pkg.manager"),
    ("pkg/tests/test_paths.py", 15, "stale-import", "pkg.manager.Manager"),
    ("pkg/tests/test_paths.py", 17, "stale-import", "pkg.core.missing_thing.run"),
    ("pkg/tests/test_paths.py", 19, "stale-import", "pkg.old_mod"),
]


def test_every_stale_path_is_found_and_nothing_else(stale: Project) -> None:
    report = stale.check()
    assert findings(report) == EXPECTED
    by_line = {(v.path, v.line): v for v in report.violations}
    # Canonical objects: an automatic fix to the façade (unsafe inside `try:`).
    first = by_line[("pkg/app/a.py", 1)]
    assert first.suggestion == "from pkg.core.api import Manager, Mode"
    assert first.fix_safety == "safe"
    assert "probably meant `pkg.core.api`" in first.message
    fallback = by_line[("pkg/app/a.py", 10)]
    assert fallback.suggestion == "from pkg.core.api import Manager as Fallback"
    assert fallback.fix_safety == "unsafe"
    assert "the import always fails (any fallback for it always runs)" in fallback.message
    assert by_line[("pkg/app/a.py", 16)].suggestion == "from pkg.core.api import Manager as Old"
    # Other names: the closest module, by hand.
    gone = by_line[("pkg/app/a.py", 3)]
    assert gone.edit is None and gone.unfixable_reason
    helpers = by_line[("pkg/app/a.py", 4)]
    assert helpers.edit is None
    assert "probably meant `pkg.core.helpers`" in helpers.message
    # Strings resolved like imports.
    patched = by_line[("pkg/tests/test_paths.py", 15)]
    assert patched.suggestion == '"pkg.core.api.Manager"'
    missing = by_line[("pkg/tests/test_paths.py", 17)]
    assert missing.imported == "pkg.core.missing_thing" and missing.edit is None
    assert by_line[("pkg/tests/test_paths.py", 19)].imported == "pkg.old_mod"


def test_without_canonical_modules_nothing_is_fixed_automatically(tmp_path: Path) -> None:
    report = _project(tmp_path / "plain", options="").check()
    assert findings(report) == EXPECTED
    assert all(v.edit is None for v in report.violations)
    first = report.violations[0]
    # The existing module whose last name is `manager`... there is none: the closest name.
    assert first.unfixable_reason


def test_stale_imports_can_be_turned_off(tmp_path: Path) -> None:
    report = _project(tmp_path / "off", options="check_stale_imports = false\n").check()
    assert findings(report) == []


def test_a_misspelt_canonical_module_is_one_clear_error(tmp_path: Path) -> None:
    project = _project(tmp_path / "typo", options="canonical_modules =\n    pkg.core.apx\n")
    result = project.cli("check")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"ssot-imports: error: {project.root / '.importlinter'} line 10: contract 'identity': option "
        "'canonical_modules' = 'pkg.core.apx': is not a module of the root packages (pkg); "
        "did you mean 'pkg.core.api'?"
    ]


def test_fix_points_the_stale_paths_of_canonical_objects_at_the_facade(stale: Project) -> None:
    result = stale.cli("fix")
    assert result.code == 1, result.err  # the ones without a fix are left
    text = (stale.root / "pkg/app/a.py").read_text()
    assert text.startswith("from pkg.core.api import Manager, Mode\n")
    assert "    from pkg.core.api import Manager as Old\n" in text
    assert "from pkg.legacy.api import Manager as Fallback" in text  # unsafe: kept
    tests = (stale.root / "pkg/tests/test_paths.py").read_text()
    assert 'mock.patch("pkg.core.api.Manager")\n@mock.patch("pkg.core.helper")' in tests
    left = [(path, line, symbol) for path, line, _, symbol in findings(stale.check())]
    assert ("pkg/app/a.py", 1, "pkg.manager") not in left
    assert [symbol for _, _, symbol in left] == [
        "pkg.app.gone",
        "pkg.core.old_helpers",
        "pkg.legacy.api",
        "pkg.core.missing_thing.run",
        "pkg.old_mod",
    ]
    # The fixed files still compile.
    for path in ("pkg/app/a.py", "pkg/tests/test_paths.py"):
        compile((stale.root / path).read_text(), path, "exec")


def test_a_module_removed_since_the_baseline_is_a_new_finding(tmp_path: Path) -> None:
    project = Project(tmp_path / "removed")
    project.root.mkdir()
    project.tree(
        {
            "pkg/__init__.py": "",
            "pkg/old.py": "VALUE = 1\n",
            "pkg/user.py": "from pkg.old import VALUE\n",
        }
    )
    project.write(".importlinter", CONFIG)
    baseline = project.root / "baseline.json"
    assert project.cli("baseline", "--output", str(baseline)).code == 0
    assert project.cli("check", "--baseline", str(baseline)).code == 0
    (project.root / "pkg/old.py").unlink()
    result = project.cli("check", "--baseline", str(baseline), "--format", "json")
    assert result.code == 1
    (violation,) = json.loads(result.out)["violations"]
    assert (violation["path"], violation["line"], violation["code"]) == (
        "pkg/user.py",
        1,
        "SSOT013",
    )
    assert violation["baseline_state"] == "new"


def test_the_checked_tree_is_never_imported(stale: Project) -> None:
    """Static analysis only: a module that would fail on import is read, never run."""
    stale.write("pkg/app/boom.py", "raise SystemExit('imported!')\nfrom pkg.nowhere import x\n")
    result = subprocess.run(
        [sys.executable, "-m", "ssot_imports", "check", "--no-cache", "--format", "json"],
        cwd=stale.root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    paths = [(v["path"], v["line"]) for v in json.loads(result.stdout)["violations"]]
    assert ("pkg/app/boom.py", 2) in paths


def test_an_installed_package_of_the_same_top_name_is_not_a_stale_path(tmp_path: Path) -> None:
    """A root package named like an installed one (here `pre_commit`, a dev dependency this
    process never imports): what the installed package provides is not stale; what neither
    has is."""
    project = Project(tmp_path / "shadowing")
    project.root.mkdir()
    project.tree(
        {
            "pre_commit/__init__.py": "",
            "pre_commit/own.py": "VALUE = 1\n",
            "pre_commit/user.py": (
                "from pre_commit.clientlib import load_config\nfrom pre_commit.nothere import X\n"
            ),
        }
    )
    project.write(".importlinter", CONFIG.replace("    pkg\n", "    pre_commit\n"))
    assert findings(project.check()) == [
        ("pre_commit/user.py", 2, "stale-import", "pre_commit.nothere")
    ]


def test_the_command_line_reports_them_with_exit_code_1(stale: Project) -> None:
    result = stale.cli("check", "--no-cache", "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert [(v["path"], v["line"], v["code"], v["kind"]) for v in data["violations"]] == [
        (path, line, "SSOT013", kind) for path, line, kind, _ in EXPECTED
    ]
    assert data["contracts"][0]["coverage"]["percent"] == 100.0


def test_imports_that_do_not_start_their_line_are_read_too(tmp_path: Path) -> None:
    """An import after a one-line block's header (``try:``, ``if TYPE_CHECKING:``, ``def
    f():``) or after a ``;`` is an import all the same: the prefilter's record of the file
    names it, so a second name of a module and a stale path there are found."""
    project = _bare(
        tmp_path / "one-line",
        {
            "pkg/__init__.py": "",
            "pkg/core/__init__.py": "",
            "pkg/core/api.py": "class Manager:\n    pass\n",
            "pkg/app/__init__.py": "",
            "pkg/app/a.py": (
                "from typing import TYPE_CHECKING\n"
                "try: from core.api import Manager\n"
                "except ImportError: Manager = None\n"
                "if TYPE_CHECKING: import pkg.core.gone\n"
                "x = 1; import pkg.old_mod\n"
                "def late(): from pkg.retired import thing; return thing\n"
                "import sys; sys.path.insert(0, 'pkg'); import core.api as shadow\n"
            ),
            "pkg/app/bom.py": "\ufefffrom core.api import Manager\n",
            "pkg/app/old_mac.py": "import os\rfrom pkg.gone_too import X\r",
        },
    )
    assert findings(project.check()) == [
        ("pkg/app/a.py", 2, "shadow-root", "core.api"),
        ("pkg/app/a.py", 4, "stale-import", "pkg.core.gone"),
        ("pkg/app/a.py", 5, "stale-import", "pkg.old_mod"),
        ("pkg/app/a.py", 6, "stale-import", "pkg.retired"),
        ("pkg/app/a.py", 7, "shadow-root", "core.api"),
        ("pkg/app/bom.py", 1, "shadow-root", "core.api"),
        ("pkg/app/old_mac.py", 2, "stale-import", "pkg.gone_too"),
    ]


def test_compiled_modules_and_stubs_are_not_stale(tmp_path: Path) -> None:
    """A compiled extension module (built for any Python, or a Windows ``.pyd``) is imported by
    Python; a type stub answers an import type checkers alone read (``if TYPE_CHECKING:``), not
    one that runs (a helper's trial found both called stale)."""
    project = _bare(
        tmp_path / "compiled",
        {
            "pkg/__init__.py": "",
            "pkg/app/__init__.py": "",
            "pkg/app/a.py": (
                "from typing import TYPE_CHECKING\n"
                "import pkg._speedups\nfrom pkg._native import run\n"
                "if TYPE_CHECKING:\n    from pkg.typed import Shape\n"
                "from pkg.typed import Box\n"
            ),
        },
    )
    (project.root / "pkg/_speedups.cpython-312-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    (project.root / "pkg/_native.pyd").write_bytes(b"MZ")
    project.write("pkg/typed.pyi", "class Shape: ...\nclass Box: ...\n")
    assert findings(project.check()) == [("pkg/app/a.py", 6, "stale-import", "pkg.typed")]


def test_type_checking_imports_follow_the_session_option(tmp_path: Path) -> None:
    """With import-linter's ``exclude_type_checking_imports = true``, an import under ``if
    TYPE_CHECKING:`` counts for no contract: neither a second name nor a stale path."""
    project = _bare(
        tmp_path / "typed",
        {
            "pkg/__init__.py": "",
            "pkg/core/__init__.py": "",
            "pkg/core/api.py": "class Manager:\n    pass\n",
            "pkg/app/__init__.py": "",
            "pkg/app/a.py": (
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                "    from core.api import Manager\n    import pkg.gone\n"
            ),
        },
    )
    assert findings(project.check()) == [
        ("pkg/app/a.py", 4, "shadow-root", "core.api"),
        ("pkg/app/a.py", 5, "stale-import", "pkg.gone"),
    ]
    excluding = "[importlinter]\nexclude_type_checking_imports = true\n"
    project.write(".importlinter", CONFIG.replace("[importlinter]\n", excluding, 1))
    assert findings(project.check()) == []
