"""The rule catalogue is the one source of every rule's text: docs/rules.md is generated from it,
each rule has what ruff's rules have, and `ssot-imports rule` prints it."""

from __future__ import annotations

import re

from conftest import REPO, Project
from ssot_imports.domain.rules import ALL_RULES, RULES_BY_CODE, Fixability, rules_markdown

DOCS = REPO / "docs" / "rules.md"


def _sections() -> dict[str, str]:
    text = DOCS.read_text()
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    return {part.splitlines()[0].strip(): part for part in parts}


def _github_anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    assert DOCS.read_text() == rules_markdown(), (
        "docs/rules.md is out of date: run `ssot-imports rule --markdown > docs/rules.md`"
    )


def test_every_rule_has_a_section_with_why_and_fix() -> None:
    sections = _sections()
    for rule in ALL_RULES:
        heading = f"{rule.code} {rule.kind}"
        assert heading in sections, heading
        body = sections[heading]
        assert "**What it flags.**" in body and "**Why.**" in body and "**How to fix.**" in body
        assert rule.help_uri.endswith("#" + _github_anchor(heading))
    assert len(sections) == len(ALL_RULES)


def test_every_ssot_rule_has_an_example_and_a_stated_fixability() -> None:
    ours = [rule for rule in ALL_RULES if rule.code.startswith("SSOT")]
    assert [rule.code for rule in ours] == [
        "SSOT001",
        "SSOT002",
        "SSOT003",
        "SSOT004",
        "SSOT005",
        "SSOT006",
        "SSOT007",
        "SSOT008",
        "SSOT010",
        "SSOT011",
        "SSOT012",
        "SSOT013",
    ]
    for rule in ours:
        assert rule.example and rule.fixed_example, rule.code
        assert rule.summary.endswith((".", ")")) and rule.why.endswith(".")
    # Every kind of ours can be fixed, at least where a rename is provably safe, except a
    # suppression that cannot be honoured: only its author knows which codes and why.
    never = {rule.code for rule in ours if rule.fixability is Fixability.NEVER}
    assert never == {"SSOT012"}
    assert len(RULES_BY_CODE) == len(ALL_RULES)  # codes are unique


def test_rule_command_prints_one_rule_every_rule_or_the_docs(project: Project) -> None:
    one = project.cli("rule", "ssot003")
    assert one.code == 0
    assert one.out.startswith("## SSOT003 shim-import\n\n**What it flags.** A canonical object")
    assert project.cli("rule", "shim-import").out == one.out  # by name too
    listing = project.cli("rule", "--all")
    assert listing.code == 0
    assert [line.split()[0] for line in listing.out.splitlines()] == [r.code for r in ALL_RULES]
    assert project.cli("rule", "--markdown").out == rules_markdown()
    wrong = project.cli("rule", "SSOT0001")
    assert (wrong.code, wrong.out) == (2, "")
    assert (
        wrong.err
        == "ssot-imports: error: rule 'SSOT0001': no such rule code (did you mean SSOT001?)\n"
    )
