"""Fixture trees written in tmp_path and checked with the real import-linter, grimp and libcst."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from ssot_imports import api
from ssot_imports.api import CheckRequest
from ssot_imports.cli import main
from ssot_imports.domain.report import CheckReport

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

CONFIG_HEAD = """\
[importlinter]
root_packages =
    pkg
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract
"""

# A canonical module that re-exports one class under three names and a second object.
BASE_TREE = {
    "pkg/__init__.py": "",
    "pkg/core/__init__.py": "",
    "pkg/core/impl.py": """\
        class Impl:
            pass


        class Mode:
            pass


        def helper():
            return 1


        def _helper():
            return 2
        """,
    "pkg/core/api.py": """\
        from pkg.core.impl import Impl as _Impl
        from pkg.core.impl import Mode

        Manager = _Impl
        Impl = _Impl
        Alias = Manager

        __all__ = ["Manager", "Impl", "Alias", "Mode"]
        """,
    "pkg/app/__init__.py": "",
}


@dataclass
class CliResult:
    code: int
    out: str
    err: str


class Project:
    """A project root in tmp_path: files, a config, and ways to check it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def tree(self, files: dict[str, str]) -> None:
        for relative, text in files.items():
            self.write(relative, text)

    def config(self, options: str = "", head: str = CONFIG_HEAD, extra: str = "") -> Path:
        contract = textwrap.dedent(
            """\
            [importlinter:contract:ssot]
            name = SSOT
            type = canonical_import
            canonical_module = pkg.core.api
            implementation_modules =
                pkg.core.impl
            """
        )
        text = head + "\n" + contract + textwrap.dedent(options) + "\n" + textwrap.dedent(extra)
        return self.write(".importlinter", text)

    def check(self, **request: object) -> CheckReport:
        options = {"use_cache": False, **request}
        return api.check(
            CheckRequest(
                config=str(self.root / ".importlinter"),
                project_root=self.root,
                **options,  # type: ignore[arg-type]
            )
        )

    def cli(self, *args: str, cwd: Path | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        previous = Path.cwd()
        os.chdir(cwd or self.root)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(list(args))
        finally:
            os.chdir(previous)
        return CliResult(code, out.getvalue(), err.getvalue())


def facade_project(
    root: Path, tree: dict[str, str], canonical: str, implementation: str, contract: str
) -> Project:
    """A project of its own: ``tree``, and one canonical_import contract named ``contract``."""
    project = Project(root)
    project.root.mkdir()
    project.tree(tree)
    project.write(
        ".importlinter",
        f"{CONFIG_HEAD}\n[importlinter:contract:{contract}]\nname = {contract}\n"
        f"type = canonical_import\ncanonical_module = {canonical}\n"
        f"implementation_modules =\n    {implementation}\n",
    )
    return project


def toml_config(*options: str) -> str:
    """The conftest contract as a ``pyproject.toml``, with these option lines added to it."""
    return (
        "[tool.importlinter]\n"
        'root_packages = ["pkg"]\n'
        'contract_types = ["canonical_import: '
        'ssot_imports.canonical_import.CanonicalImportContract"]\n\n'
        "[[tool.importlinter.contracts]]\n"
        'id = "ssot"\nname = "SSOT"\ntype = "canonical_import"\n'
        'canonical_module = "pkg.core.api"\nimplementation_modules = ["pkg.core.impl"]\n'
        + "".join(f"{option}\n" for option in options)
    )


def findings(report: CheckReport) -> list[tuple[str, int, str, str | None]]:
    """(path, line, kind, symbol) of every violation: what tests assert exactly."""
    return [(v.path, v.line, v.kind, v.symbol) for v in report.violations]


def run_tool(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    before: Callable[[], object] | None = None,
) -> CliResult:
    """Run an installed console script for real, in a subprocess (``before``: run in it
    first, as ``preexec_fn``)."""
    completed = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=before,
        timeout=300,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


# A git identity and config of the tests' own: commits work on any machine, and the user's
# settings never leak in.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    """Run git for real in ``cwd``; its output (the test fails if git does)."""
    result = run_tool(["git", *args], cwd=cwd, env=GIT_IDENTITY)
    assert result.code == 0, result.err
    return result.out


def script(name: str) -> str:
    """The path of a console script installed beside the running Python."""
    return str(Path(sys.executable).parent / name)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    result = Project(tmp_path / "project")
    result.root.mkdir()
    result.tree(BASE_TREE)
    result.config()
    return result
