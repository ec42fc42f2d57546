"""Inline suppressions, end to end through the CLI: what they silence, what is wrong with them
(SSOT011 unused, SSOT012 invalid), the options that govern them, and `fix` removing the unused."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from conftest import CONFIG_HEAD, Project, run_tool, script

CONSUMER = """\
from pkg.core.impl import Impl  # ssot-imports: ignore[SSOT001] -- the old path is tested
from pkg.core.impl import Mode  # noqa: F401, SSOT001
from pkg.core.api import Manager  # ssot-imports: ignore[SSOT001]
from pkg.core.impl import (  # ssot-imports: ignore[SSOT001, SSOT005]
    helper,
)
from pkg.core.impl import Mode as M2  # ssot-imports: ignore
from pkg.core.impl import Impl as I3  # ssot-imports: ignore[SSOT999]
from pkg.core.impl import helper as h4  # noqa
TEXT = "from pkg.core.impl import Impl  # ssot-imports: ignore[SSOT001]"
"""


def report(project: Project, *options: str) -> dict:
    result = project.cli("check", "--no-cache", "--format", "json", *options)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def with_session_options(project: Project, *options: str) -> None:
    """The project's config with these lines added to its ``[importlinter]`` section."""
    project.config(head=CONFIG_HEAD + "".join(f"{option}\n" for option in options))


def findings(data: dict) -> list[tuple[int, str, str]]:
    return [(v["line"], v["code"], v["message"]) for v in data["violations"]]


def test_what_each_form_does(project: Project) -> None:
    project.write("pkg/app/consumer.py", CONSUMER)
    data = report(project)
    assert findings(data) == [
        (7, "SSOT001", findings(data)[0][2]),
        (8, "SSOT001", findings(data)[1][2]),
        (9, "SSOT001", findings(data)[2][2]),
        (3, "SSOT011", "SSOT001 is suppressed here, but no such finding is on this line"),
        (4, "SSOT011", "SSOT005 is suppressed here, but no such finding is on this line"),
        (
            7,
            "SSOT012",
            "a bare `# ssot-imports: ignore` names no code: write `ignore[CODE]` (or set "
            "`ssot_allow_blanket_suppressions = true`)",
        ),
        (
            8,
            "SSOT012",
            "unknown code SSOT999: `ssot-imports rule --all` lists the codes and names",
        ),
    ]
    # A noqa comment without codes (line 9) and a `#` inside a string (line 10) silence nothing of ours.
    assert [(s["line"], s["suppression"]) for s in data["suppressed"]] == [
        (
            1,
            {
                "line": 1,
                "style": "ssot-imports",
                "codes": ["SSOT001"],
                "reason": "the old path is tested",
            },
        ),
        (2, {"line": 2, "style": "noqa", "codes": ["SSOT001"], "reason": None}),
        # On the first line of a multi-line statement: the whole statement.
        (5, {"line": 4, "style": "ssot-imports", "codes": ["SSOT001", "SSOT005"], "reason": None}),
    ]
    assert data["summary"]["suppressed"] == 3
    contracts = {c["id"]: (c["type"], c["kept"], c["violations"]) for c in data["contracts"]}
    assert contracts == {
        "ssot": ("canonical_import", False, 3),
        "inline-suppressions": ("suppressions", False, 4),
    }
    schema = json.loads(
        resources.files("ssot_imports").joinpath("output/report.schema.json").read_text()
    )
    jsonschema.validate(data, schema)


def test_the_options_that_govern_suppressions(project: Project) -> None:
    project.write("pkg/app/consumer.py", CONSUMER)
    with_session_options(
        project, "ssot_allow_blanket_suppressions = true", "ssot_require_suppression_reasons = true"
    )
    data = report(project)
    # Only the suppression with a reason is honoured; the others are reported as invalid.
    assert [s["line"] for s in data["suppressed"]] == [1]
    invalid = [(v["line"], v["message"]) for v in data["violations"] if v["code"] == "SSOT012"]
    assert [line for line, _ in invalid] == [2, 3, 4, 7, 8]
    assert {message for _, message in invalid if "reason" in message} == {
        "`ssot_require_suppression_reasons` is set and this gives no reason: add `-- why` "
        "after the codes"
    }


def test_a_blanket_suppression_where_allowed(project: Project) -> None:
    project.write(
        "pkg/app/consumer.py",
        "from pkg.core.impl import Impl as Other  # ssot-imports: ignore\n"
        "import os  # ssot-imports: ignore\n",
    )
    with_session_options(project, "ssot_allow_blanket_suppressions = true")
    data = report(project)
    assert [s["line"] for s in data["suppressed"]] == [1]
    assert findings(data) == [
        (2, "SSOT011", "this blanket suppression silences no finding on its line")
    ]


@pytest.mark.parametrize(
    ("options", "unused", "suppressed"),
    [
        ((), [3, 4], 3),
        # The analysis covers every rule: SSOT005 silences nothing whatever is reported.
        (("--ignore", "SSOT005"), [3, 4], 3),
        (("--select", "SSOT011"), [3, 4], 0),
        (("--select", "SSOT001"), [], 3),  # SSOT011 itself not selected
        (("--select", "SSOT001", "pkg/app/other.py"), [], 0),  # another file
    ],
)
def test_suppressions_are_narrowed_like_every_finding(
    project: Project, options: tuple[str, ...], unused: list[int], suppressed: int
) -> None:
    project.write("pkg/app/consumer.py", CONSUMER)
    project.write("pkg/app/other.py", "import os\n")
    data = report(project, *options)
    assert [v["line"] for v in data["violations"] if v["code"] == "SSOT011"] == unused
    assert data["summary"]["suppressed"] == len(data["suppressed"]) == suppressed
    # The result of wrong suppressions is there only when it has findings to show.
    assert ("inline-suppressions" in [c["id"] for c in data["contracts"]]) is bool(unused)


def test_fix_removes_what_suppresses_nothing(project: Project) -> None:
    source = (
        "from pkg.core.api import Manager  # ssot-imports: ignore[SSOT001]\n"
        "from pkg.core.impl import (  # ssot-imports: ignore[SSOT001, SSOT005] -- old path\n"
        "    Mode,\n"
        ")\n"
        "from pkg.core.api import Alias as Manager2  # noqa: E501, SSOT001\n"
        "# ssot-imports: ignore[SSOT001]\n"
        "x = (Manager, Mode, Manager2)\n"
    )
    path = project.write("pkg/app/consumer.py", source)
    result = project.cli("fix", "--no-cache")
    assert result.code == 0, result.out
    # The unused codes go (the whole comment when none is left, a comment line becomes
    # blank); the second import of the same object merges into the first, its comment too.
    assert path.read_text() == (
        "from pkg.core.api import Manager\n"
        "from pkg.core.impl import (  # ssot-imports: ignore[SSOT001] -- old path\n"
        "    Mode,\n"
        ")\n"
        "x = (Manager, Mode, Manager)\n"
    )
    assert project.cli("fix", "--no-cache").out.startswith("fixed 0 violations in 0 files")
    after = report(project)
    assert (after["summary"]["violations"], after["summary"]["suppressed"]) == (0, 1)


def test_sarif_marks_suppressed_results(project: Project) -> None:
    project.write("pkg/app/consumer.py", CONSUMER)
    result = project.cli("check", "--no-cache", "--format", "sarif")
    results = json.loads(result.out)["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["suppressions"] for r in suppressed] == [
        [{"kind": "inSource", "status": "accepted", "justification": "the old path is tested"}],
        [{"kind": "inSource", "status": "accepted"}],
        [{"kind": "inSource", "status": "accepted"}],
    ]
    text = project.cli("check", "--no-cache").out
    assert text.splitlines()[-1] == (
        "Summary: 2 broken, 0 kept · 7 violations (5 fixable) · 3 suppressed · 0 diagnostics "
        "· 6 files"
    )


def test_plain_lint_imports_honours_them(project: Project) -> None:
    project.write(
        "pkg/app/consumer.py",
        "from pkg.core.impl import Impl  # ssot-imports: ignore[SSOT001] -- tested on purpose\n"
        "from pkg.core.impl import Mode\n",
    )
    result = run_tool([script("lint-imports"), "--no-cache"], project.root)
    assert result.code == 1
    assert "pkg/app/consumer.py:2" in result.out
    assert "pkg/app/consumer.py:1" not in result.out
    project.write("pkg/app/consumer.py", "from pkg.core.impl import Impl  # noqa: SSOT001\n")
    result = run_tool([script("lint-imports"), "--no-cache"], project.root)
    assert result.code == 0, result.out


@pytest.mark.parametrize(
    ("line", "suppressed", "after_fix"),
    [
        # Two directives in one comment: the unused one goes, the used one stays.
        (
            "from pkg.core.impl import Impl  # ssot-imports: ignore[SSOT005] "
            "# ssot-imports: ignore[SSOT001]",
            ["SSOT001"],
            "from pkg.core.impl import Impl  # ssot-imports: ignore[SSOT001]",
        ),
        # A rule name stands for its code; codes in any case; duplicates once; NOQA.
        (
            "from pkg.core.impl import Impl  # ssot-imports: ignore[implementation-import, "
            "ssot001]",
            ["SSOT001"],
            None,
        ),
        ("from pkg.core.impl import Impl  # NOQA: SSOT001", ["SSOT001"], None),
        # A reason may hold a `#`; a directive after it ends it.
        (
            "from pkg.core.impl import Impl  # ssot-imports: ignore[SSOT001] -- see #1104  "
            "# noqa: E501",
            ["SSOT001"],
            None,
        ),
    ],
)
def test_forms_and_fixes(
    project: Project, line: str, suppressed: list[str], after_fix: str | None
) -> None:
    path = project.write("pkg/app/consumer.py", line + "\n")
    data = report(project)
    assert [s["code"] for s in data["suppressed"]] == suppressed
    if "#1104" in line:
        assert data["suppressed"][0]["suppression"]["reason"] == "see #1104"
    if after_fix is None:
        assert data["violations"] == []
        return
    assert project.cli("fix", "--no-cache").code == 0
    assert path.read_text() == after_fix + "\n"
    again = report(project)
    assert (again["violations"], [s["code"] for s in again["suppressed"]]) == ([], suppressed)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "ssot_allow_blanket_suppressions = maybe",
            "option 'ssot_allow_blanket_suppressions' = 'maybe': expected true or false "
            "(or yes/no, on/off, 1/0)",
        ),
        (
            "ssot_allow_blanket_supressions = true",
            "option 'ssot_allow_blanket_supressions' = 'true': no such option of "
            "ssot-imports; did you mean 'ssot_allow_blanket_suppressions'?",
        ),
    ],
)
def test_a_wrong_option_is_a_usage_error(project: Project, option: str, message: str) -> None:
    with_session_options(project, option)
    result = project.cli("check", "--no-cache")
    assert (result.code, result.out) == (2, "")
    assert result.err.strip().endswith(message)
    assert len(result.err.splitlines()) == 1


def test_the_findings_about_suppressions_cannot_be_suppressed(project: Project) -> None:
    project.write("pkg/app/consumer.py", "import os  # ssot-imports: ignore[SSOT011]\n")
    assert findings(report(project)) == [
        (
            1,
            "SSOT012",
            "SSOT011 cannot be suppressed: it is about suppressions or unchecked files",
        )
    ]


def test_a_run_of_some_contracts_leaves_the_others_suppressions_alone(tmp_path) -> None:
    """``--contract`` runs a subset: a suppression of another contract's code is out of
    sight, neither used nor unused, and ``fix`` keeps it."""
    import shutil

    from conftest import EXAMPLES

    demo = tmp_path / "demo"
    shutil.copytree(EXAMPLES, demo, ignore=shutil.ignore_patterns(".*cache*", "__pycache__"))
    project = Project(demo)
    data = report(project, "--contract", "single-module-identity")
    assert [v["code"] for v in data["violations"]] == ["SSOT010", "SSOT013"]
    legacy = demo / "netra_backend/tests/unit/test_legacy_path.py"
    before = legacy.read_text()
    project.cli("fix", "--no-cache", "--contract", "single-module-identity")
    assert legacy.read_text() == before


def test_a_noqa_keeps_its_reason_and_a_partly_invalid_one_silences_nothing(
    project: Project,
) -> None:
    path = project.write(
        "pkg/app/consumer.py",
        "from pkg.core.impl import Impl  # noqa: E501, SSOT001, SSOT005 -- typing only\n"
        "from pkg.core.impl import Mode  # ssot-imports: ignore[SSOT001, SSOT999] -- mixed\n",
    )
    data = report(project)
    assert [(s["line"], s["code"]) for s in data["suppressed"]] == [(1, "SSOT001")]
    assert [(v["line"], v["code"]) for v in data["violations"]] == [
        (2, "SSOT001"),
        (1, "SSOT011"),
        (2, "SSOT012"),
    ]
    project.cli("fix", "--no-cache", "--select", "SSOT011")
    assert path.read_text().splitlines()[0] == (
        "from pkg.core.impl import Impl  # noqa: E501, SSOT001 -- typing only"
    )
