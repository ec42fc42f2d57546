"""Every finding kind is documented the way ruff documents a rule, and the links resolve."""

from __future__ import annotations

import re

from conftest import REPO
from ssot_imports.domain.rules import ALL_RULES


def _sections() -> dict[str, str]:
    text = (REPO / "docs" / "rules.md").read_text()
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    return {part.splitlines()[0].strip(): part for part in parts}


def _github_anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def test_every_rule_has_a_section_with_why_and_fix() -> None:
    sections = _sections()
    for rule in ALL_RULES:
        heading = f"{rule.code} {rule.kind}"
        assert heading in sections, heading
        body = sections[heading]
        assert "**What it flags.**" in body and "**Why.**" in body and "**How to fix.**" in body
        assert rule.help_uri.endswith("#" + _github_anchor(heading))
    assert len(sections) == len(ALL_RULES)
