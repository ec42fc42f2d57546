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


def test_readme_documents_every_option_once() -> None:
    """The option table lists each option of every command in exactly one row, and the
    commands that take it."""
    import argparse

    from ssot_imports.cli import build_parser

    readme = (REPO / "README.md").read_text()
    table = readme.split("Every option, once", 1)[1].split("\n\n", 2)[1]
    rows: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        options, commands = line.split(" | ")[0:2]
        for option in (text.split()[0] for text in re.findall(r"`([^`]+)`", options)):
            assert option not in rows, f"{option} is documented twice"
            rows[option] = {c.strip() for c in commands.split(",")}
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    expected: dict[str, set[str]] = {}
    for command, sub in subparsers.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            names = action.option_strings or [f"{action.metavar}..."]
            if action.dest == "code":
                names = ["CODE"]
            for name in names:
                expected.setdefault(name, set()).add(command)
    assert rows == expected


def test_no_paragraph_of_the_readme_is_there_twice() -> None:
    """An edit that adds a paragraph twice is caught here (it happened once)."""
    from collections import Counter

    text = (REPO / "README.md").read_text()
    paragraphs = Counter(p.strip() for p in text.split("\n\n") if len(p.strip()) > 80)
    assert [p[:60] for p, count in paragraphs.items() if count > 1] == []
