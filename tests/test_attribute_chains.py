"""The implementation reached as an attribute of the canonical package, never imported by
name: ``orm.session.close_all_sessions()`` after ``from sqlalchemy import orm``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, facade_project

TREE = {
    "pkg/__init__.py": "",
    "pkg/orm/__init__.py": """\
        from pkg.orm.session import Session, close_all_sessions

        __all__ = ["Session", "close_all_sessions"]
        """,
    "pkg/orm/session.py": """\
        class Session:
            pass


        def close_all_sessions():
            return 0


        def _private():
            return 1
        """,
    "pkg/app/__init__.py": "",
    "pkg/app/user.py": """\
        from pkg import orm


        def done():
            orm.session.close_all_sessions()
            return orm.session.Session(), orm.Session
        """,
    "pkg/app/dotted.py": "import pkg.orm\n\ns = pkg.orm.session.Session()\n",
    "pkg/app/aliased.py": "import pkg.orm as o\n\ns = o.session.Session\n",
    "pkg/app/bare.py": "from pkg import orm\n\nmodule = orm.session\nx = orm.session.Session\n",
    "pkg/app/private.py": "from pkg import orm\n\nx = orm.session._private()\n",
    "pkg/app/clean.py": "from pkg import orm\n\nx = orm.Session()\n",
}


@pytest.fixture
def orm(tmp_path: Path) -> Project:
    return facade_project(tmp_path / "orm", TREE, "pkg.orm", "pkg.orm.session", "orm")


def located(project: Project) -> list[tuple[str, int, str, str | None]]:
    data = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    return [(v["path"], v["line"], v["code"], v["unfixable_reason"]) for v in data["violations"]]


def test_chains_through_the_package_are_reported(orm: Project) -> None:
    assert located(orm) == [
        ("pkg/app/aliased.py", 3, "SSOT008", None),
        (
            "pkg/app/bare.py",
            4,
            "SSOT008",
            "`orm.session` itself is used (line 3); import what it is used for from `pkg.orm`",
        ),
        ("pkg/app/dotted.py", 3, "SSOT008", None),
        (
            "pkg/app/private.py",
            3,
            "SSOT008",
            "`pkg.orm` does not export `_private` as the same object",
        ),
        ("pkg/app/user.py", 5, "SSOT008", None),  # close_all_sessions
        ("pkg/app/user.py", 6, "SSOT008", None),  # Session
    ]


def test_fix_reads_them_from_the_package(orm: Project) -> None:
    result = orm.cli("fix", "--no-cache")
    assert result.out.startswith("fixed 4 violations in 3 files"), result.out
    assert (orm.root / "pkg/app/user.py").read_text().splitlines()[4:] == [
        "    orm.close_all_sessions()",
        "    return orm.Session(), orm.Session",
    ]
    assert (orm.root / "pkg/app/dotted.py").read_text().endswith("s = pkg.orm.Session()\n")
    assert (orm.root / "pkg/app/aliased.py").read_text().endswith("s = o.Session\n")
    assert [path for path, *_ in located(orm)] == ["pkg/app/bare.py", "pkg/app/private.py"]
    assert orm.cli("fix", "--no-cache").out.startswith("fixed 0 violations in 0 files")
    code = "import pkg.app.user as u, pkg.app.dotted, pkg.app.aliased; u.done()"
    run = subprocess.run([sys.executable, "-c", code], cwd=orm.root, capture_output=True)
    assert run.returncode == 0, run.stderr


def test_fix_rewrites_the_reads_of_every_function(orm: Project) -> None:
    """Every read of a chain is rewritten, in whichever top-level statement it is (`fix`
    parses only the statements an edit concerns: those spelling the chain, not only the
    first read's)."""
    path = orm.write(
        "pkg/app/two.py",
        "from pkg import orm\n\n\ndef a():\n    return orm.session.Session()\n\n\n"
        "def b():\n    return 1\n\n\ndef c():\n    return orm.session.Session\n",
    )
    assert ("pkg/app/two.py", 5, "SSOT008", None) in located(orm)
    assert "pkg/app/two.py: 1 fixed" in orm.cli("fix", "--no-cache").out
    text = path.read_text()
    assert "orm.session" not in text and text.count("orm.Session") == 2
    assert not [found for found in located(orm) if found[0] == "pkg/app/two.py"]


def test_a_name_bound_twice_is_not_rewritten(orm: Project) -> None:
    path = orm.write(
        "pkg/app/shadow.py",
        "from pkg import orm\n\n\ndef use(orm):\n    return orm.session.Session\n",
    )
    reasons = {path: reason for path, _, _, reason in located(orm)}
    assert reasons["pkg/app/shadow.py"] == (
        "`orm` is bound more than once in the file (line 4): some reads may be of something else"
    )
    before = path.read_text()
    orm.cli("fix", "--no-cache")
    assert path.read_text() == before


PITFALLS = {
    # Assigned, not read: the implementation module is changed on purpose.
    "pkg/app/store.py": "from pkg import orm\n\norm.session.Session = None\n",
    # Written over lines: reported, left to the user.
    "pkg/app/tangled.py": "from pkg import orm\n\nx = (orm.session\n     .Session)\n",
    # The same package imported twice: one finding per attribute, one fix.
    "pkg/app/twice.py": (
        "def f():\n    from pkg import orm\n    return orm.session.Session\n\n\n"
        "def g():\n    from pkg import orm\n    return orm.session.Session\n"
    ),
}


def test_pitfalls(orm: Project) -> None:
    orm.tree(PITFALLS)
    found = {(path, line): reason for path, line, _, reason in located(orm)}
    assert found[("pkg/app/store.py", 3)] == (
        "`orm.session.Session` is assigned or deleted (line 3): that changes the "
        "implementation module, on purpose"
    )
    assert found[("pkg/app/tangled.py", 3)] == (
        "`orm.session.Session` is written over several lines or with a comment (line 3): "
        "rewrite it by hand"
    )
    assert [key for key in found if key[0] == "pkg/app/twice.py"] == [("pkg/app/twice.py", 3)]
    orm.cli("fix", "--no-cache")
    assert (orm.root / "pkg/app/twice.py").read_text().count("orm.Session") == 2
    assert (orm.root / "pkg/app/store.py").read_text() == PITFALLS["pkg/app/store.py"]


def test_the_package_binding_that_name_itself_is_not_the_submodule(tmp_path: Path) -> None:
    tree = {
        **TREE,
        "pkg/orm/__init__.py": "from pkg.orm.session import Session\n\nsession = Session()\n",
    }
    project = facade_project(tmp_path / "own", tree, "pkg.orm", "pkg.orm.session", "orm")
    assert [code for _, _, code, _ in located(project)] == []


def test_whole_graph_mode_accepts_a_package_facade(orm: Project) -> None:
    """With a built-in contract, grimp's whole graph is built: the façade package importing
    its own submodule is a valid pair there too (and plain lint-imports agrees)."""
    config = (orm.root / ".importlinter").read_text()
    orm.write(
        ".importlinter",
        config.replace("contract_types =", "include_external_packages = false\ncontract_types =")
        + "ignore_imports =\n    pkg.app.clean -> pkg.orm\n",
    )
    result = orm.cli("check", "--no-cache")
    assert result.code == 1, result.err
    assert "SSOT008" in result.out
