"""The README stays true: its commands are the ones CI runs, its output is what they print."""

from __future__ import annotations

import re

from conftest import REPO, Project


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_readme_shows_the_real_demo_output(tmp_path) -> None:
    readme = (REPO / "README.md").read_text()
    demo = readme.split("## Run on the demo", 1)[1]
    command = _blocks(demo, "bash")[0].strip()
    assert command == "ssot-imports check --path examples"
    result = Project(tmp_path).cli(*command.split()[1:], "--no-cache", cwd=REPO)
    assert result.code == 1
    assert _blocks(demo, "text")[0] == result.out


def test_ci_runs_exactly_the_readme_install_and_test_commands() -> None:
    readme = (REPO / "README.md").read_text()
    install = _blocks(readme.split("## Install", 1)[1], "bash")[0].strip()
    test = _blocks(readme.split("## Test", 1)[1], "bash")[0].strip()
    commands = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == [install, test]
