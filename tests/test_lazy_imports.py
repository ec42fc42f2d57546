"""Lazy imports (PEP 810): read, classified and fixed like other imports, and said lazy.

The test Python cannot parse `lazy import` with `ast`; the files below are written as source
text and read the way the tool reads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CONFIG_HEAD, Project, findings, run_tool, script
from ssot_imports.domain.parsing import is_lazy, parse_python

# The conftest contract, and a single_module_identity contract beside it.
HEAD = CONFIG_HEAD + (
    "    single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract\n"
)
IDENTITY = """\
[importlinter:contract:identity]
name = identity
type = single_module_identity
canonical_modules =
    pkg.core.api
"""

USER = """\
lazy from pkg.core.impl import Mode
lazy import pkg.core.impl as impl_module
lazy from pkg.gone import Thing
import os


def use():
    return Mode, impl_module.Impl, Thing, os
"""


@pytest.fixture
def lazy(tmp_path: Path) -> Project:
    project = Project(tmp_path / "lazy")
    project.root.mkdir()
    project.tree(
        {
            "pkg/__init__.py": "",
            "pkg/core/__init__.py": "",
            "pkg/core/impl.py": "class Impl:\n    pass\n\n\nclass Mode:\n    pass\n",
            "pkg/core/api.py": "from pkg.core.impl import Impl, Mode\n\n__all__ = ['Impl', 'Mode']\n",
            "pkg/app/__init__.py": "",
            "pkg/app/lazy_user.py": USER,
            # A test folder without __init__.py: read directly, outside the graph.
            "pkg/tests/test_lazy.py": "lazy from pkg.core.impl import Impl\n\nIMPL = Impl\n",
        }
    )
    project.config(head=HEAD, extra=IDENTITY)
    return project


def test_lazy_imports_are_parsed_at_their_own_lines_and_columns() -> None:
    with pytest.raises(SyntaxError):
        compile(USER, "user.py", "exec")  # this Python does not read them itself
    tree = parse_python(USER)
    imports = tree.body[:4]
    assert [is_lazy(node) for node in imports] == [True, True, True, False]
    assert [(node.lineno, node.names[0].col_offset) for node in imports] == [
        (1, 31),
        (2, 12),
        (3, 26),
        (4, 7),
    ]
    assert USER.splitlines()[0][31:35] == "Mode"


def test_lazy_imports_are_reported_and_say_lazy(lazy: Project) -> None:
    report = lazy.check()
    assert findings(report) == [
        ("pkg/app/lazy_user.py", 1, "implementation-import", "Mode"),
        ("pkg/app/lazy_user.py", 2, "implementation-module-import", "pkg.core.impl"),
        ("pkg/tests/test_lazy.py", 1, "implementation-import", "Impl"),
        ("pkg/app/lazy_user.py", 3, "stale-import", "pkg.gone"),
    ]
    assert all(v.message.startswith("lazy import: ") for v in report.violations)
    assert [v.suggestion for v in report.violations[:3]] == [
        "lazy from pkg.core.api import Mode",
        "lazy import pkg.core.api as impl_module",
        "lazy from pkg.core.api import Impl",
    ]


def test_fix_keeps_lazy_imports_lazy(lazy: Project) -> None:
    result = lazy.cli("fix")
    assert result.code == 1  # the stale path has no fix
    assert (lazy.root / "pkg/app/lazy_user.py").read_text() == USER.replace(
        "pkg.core.impl", "pkg.core.api"
    )
    assert (lazy.root / "pkg/tests/test_lazy.py").read_text() == (
        "lazy from pkg.core.api import Impl\n\nIMPL = Impl\n"
    )
    assert findings(lazy.check()) == [("pkg/app/lazy_user.py", 3, "stale-import", "pkg.gone")]


def test_plain_lint_imports_reads_them_too(lazy: Project) -> None:
    result = run_tool([script("lint-imports"), "--no-logo", "--no-cache"], cwd=lazy.root)
    assert result.code == 1, result.err
    assert (
        "pkg/app/lazy_user.py:1: SSOT001 implementation-import: lazy import: `Mode` is taken "
        "from implementation module `pkg.core.impl`"
    ) in result.out
    assert "    fix: lazy from pkg.core.api import Mode\n" in result.out


def test_the_codemod_edits_lazy_statements_and_keeps_them_lazy() -> None:
    """libcst's path (the one `fix` takes for renames and for files `ast` cannot read): a
    lazy `from` and a lazy `import` are edited as their eager forms, then made lazy again."""
    import libcst
    from ssot_imports.domain.edits import FromImportEdit, ImportedName, ModuleEdit
    from ssot_imports.domain.rewrite import apply_edits

    source = "lazy  from pkg.core.impl import Mode, Impl\nlazy import pkg.core.impl as impl\n"
    edits = [
        (
            "mode",
            FromImportEdit(1, "Mode", "Mode", "pkg.core.api", (ImportedName("Mode", "Mode"),)),
        ),
        ("module", ModuleEdit(2, "pkg.core.impl", "pkg.core.api", alias="impl")),
    ]
    result = apply_edits(libcst.parse_module(source), edits)
    assert result.applied == {"mode", "module"}
    assert result.module.code == (
        "lazy  from pkg.core.impl import Impl\n"
        "from pkg.core.api import Mode\n"
        "lazy import pkg.core.api as impl\n"
    )
