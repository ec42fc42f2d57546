"""The import name is ``ssot_imports``: a checked project whose own top-level package is called
``contracts`` (the folder name of this project's source) is checked like any other, by
``ssot-imports check`` and by plain ``lint-imports``, whether ssot-imports is installed
editable (this environment) or from a wheel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import REPO, Project, run_tool, script

CONFIG = """\
[importlinter]
root_packages =
    contracts
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract

[importlinter:contract:ssot]
name = One path to the API
type = canonical_import
canonical_module = contracts.core.api
implementation_modules =
    contracts.core.impl
"""

TREE = {
    "contracts/__init__.py": "",
    "contracts/core/__init__.py": "",
    "contracts/core/impl.py": "class Impl:\n    pass\n",
    "contracts/core/api.py": "from contracts.core.impl import Impl\n\n__all__ = ['Impl']\n",
    "contracts/app/__init__.py": "",
    "contracts/app/user.py": "from contracts.core.impl import Impl\n",
}


def _project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "own-contracts")
    project.root.mkdir()
    project.tree(TREE)
    project.write(".importlinter", CONFIG)
    return project


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ssot-imports built as a wheel and installed into a folder of its own (no editable
    finder involved): put first on PYTHONPATH, it is what both commands import."""
    target = tmp_path_factory.mktemp("installed")
    result = run_tool(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            ".",
        ],
        cwd=REPO,
    )
    assert result.code == 0, result.err
    assert (target / "ssot_imports" / "canonical_import.py").is_file()
    assert not (target / "contracts").exists()  # only the distinctive name is installed
    return target


@pytest.mark.parametrize("install", ["editable", "wheel"])
def test_a_project_with_its_own_contracts_package_is_checked(
    tmp_path: Path, install: str, request: pytest.FixtureRequest
) -> None:
    project = _project(tmp_path)
    env = {"PYTHONPATH": ""}
    if install == "wheel":
        env["PYTHONPATH"] = str(request.getfixturevalue("wheel_install"))
        where = run_tool(
            [sys.executable, "-c", "import ssot_imports; print(ssot_imports.__file__)"],
            cwd=project.root,
            env=env,
        )
        assert where.out.startswith(env["PYTHONPATH"]), where.out
    ours = run_tool([script("ssot-imports"), "check", "--no-cache"], cwd=project.root, env=env)
    assert ours.code == 1, ours.err
    assert "contracts/app/user.py:1:33: SSOT001 implementation-import" in ours.out
    assert "fix: from contracts.core.api import Impl" in ours.out
    theirs = run_tool([script("lint-imports"), "--no-logo"], cwd=project.root, env=env)
    assert theirs.code == 1, theirs.out + theirs.err
    assert "contracts/app/user.py:1: SSOT001 implementation-import" in theirs.out
    assert "Contracts: 0 kept, 1 broken." in theirs.out


def test_every_source_folder_is_a_declared_package() -> None:
    """A non-editable install ships only the packages pyproject.toml lists."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = sorted(
        ".".join(("ssot_imports", *init.parent.relative_to(REPO / "contracts").parts))
        for init in (REPO / "contracts").rglob("__init__.py")
    )
    assert declared["package-dir"] == {"ssot_imports": "contracts"}
    assert sorted(declared["packages"]) == folders
