"""GitHub output within GitHub's limits: 10 annotations per level and step, a step summary far
below 1 MiB, on a real tree with 10,000 findings; the pull request's files annotated first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import BASE_TREE, Project, git

FILES, PER_FILE = 1000, 10


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """1,000 files with 10 implementation imports each: 10,000 violations."""
    project = Project(tmp_path_factory.mktemp("crowded") / "project")
    project.root.mkdir()
    project.tree(BASE_TREE)
    project.config()
    body = "".join(f"from pkg.core.impl import Impl as Name{n}\n" for n in range(PER_FILE))
    for number in range(FILES):
        project.write(f"pkg/app/m{number:04}.py", body)
    return project


def test_ten_thousand_findings_stay_within_githubs_limits(
    crowded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.delenv("GITHUB_BASE_REF", raising=False)
    sarif = tmp_path / "report.sarif"
    result = crowded.cli("check", "--no-cache", "--format", "github", "--sarif", str(sarif))
    assert result.code == 1
    lines = result.out.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert [line.split(",")[0] for line in errors] == ["::error file=pkg/app/m0000.py"] * 10
    assert not [line for line in lines if line.startswith("::warning")]
    notices = [line for line in lines if line.startswith("::notice")]
    assert notices == [
        "::notice title=more findings::9990 more findings than GitHub shows as annotations "
        "(10 per level and step) are listed in the log above, the job summary and the SARIF "
        "report"
    ]
    # Every finding is still in the log, and all of them in SARIF.
    logged = [line for line in lines if re.match(r"pkg/app/m\d{4}\.py:\d+:\d+: SSOT001 ", line)]
    assert len(logged) == 9990
    assert logged[0].startswith("pkg/app/m0001.py:1:27: SSOT001 implementation-import: `Impl`")
    # With its suggestion, labelled as the annotations label it.
    assert logged[0].endswith(" (fix: from pkg.core.api import Manager)")
    assert ",line=1,col=27," in errors[0]  # the annotations give the same place
    assert len(json.loads(sarif.read_text())["runs"][0]["results"]) == 10_000

    text = summary.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 256 * 1024  # GitHub rejects a summary over 1 MiB
    assert "| SSOT | ❌ broken | 10000 | 0 |" in text
    by_rule = text.split("### New violations by rule")[1].split("###")[0]
    assert re.findall(r"^\| \[(\S+) [^]]+\]\(.+\) \| (\d+) \| (\d+) \|$", by_rule, re.M) == [
        ("SSOT001", "10000", "10000")
    ]
    by_file = text.split("### New violations by file")[1].split("###")[0]
    rows = re.findall(r"^\| `(pkg/app/m\d{4}\.py)` \| (\d+) \|$", by_file, re.M)
    assert rows == [(f"pkg/app/m{n:04}.py", "10") for n in range(50)]
    assert "| 950 more files | 9500 |" in by_file
    details = text.split("### New violations (the first 100 of 10000;")[1]
    assert len(re.findall(r"^\| `pkg/app/m\d{4}\.py:\d+` \| SSOT001 ", details, re.M)) == 100


def test_the_overflow_names_only_what_this_run_writes(
    crowded: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a job summary or a SARIF file, the notice names the log alone; run from the
    repository's root (``--path``), the log lines carry the same prefix as the annotations
    (both found by a fresh-user trial)."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_BASE_REF", raising=False)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(crowded.root.parent))
    result = crowded.cli("check", "--no-cache", "--format", "github", "--path", str(crowded.root))
    lines = result.out.splitlines()
    assert [line for line in lines if line.startswith("::notice")] == [
        "::notice title=more findings::9990 more findings than GitHub shows as annotations "
        "(10 per level and step) are listed in the log above"
    ]
    assert lines[0].startswith("::error file=project/pkg/app/m0000.py,line=1,")
    logged = [line for line in lines if re.match(r"project/pkg/app/m\d{4}\.py:\d+:\d+: ", line)]
    assert len(logged) == 9990


def test_a_summary_that_cannot_be_written_is_not_named(
    crowded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GITHUB_STEP_SUMMARY`` in a folder that does not exist: the notice does not send the
    reader to a summary that is never written (a fresh-user trial), and the run says so."""
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    monkeypatch.delenv("GITHUB_BASE_REF", raising=False)
    result = crowded.cli("check", "--no-cache", "--format", "github")
    notices = [line for line in result.out.splitlines() if line.startswith("::notice")]
    assert notices[-1].endswith("are listed in the log above")
    assert result.code == 2
    assert result.err.strip().endswith("cannot append the summary (No such file or directory)")


def test_the_pull_requests_files_are_annotated_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GITHUB_BASE_REF`` set, as on a pull_request run: the files changed since the merge
    base with ``origin/<base>`` come first, even when 12 older findings sort before them."""
    upstream = Project(tmp_path / "upstream")
    upstream.root.mkdir()
    upstream.tree(BASE_TREE)
    upstream.config()
    for number in range(12):
        upstream.write(f"pkg/app/a{number:02}.py", "from pkg.core.impl import Impl\n")
    git(upstream.root, "init", "-q", "-b", "main")
    git(upstream.root, "add", "-A")
    git(upstream.root, "commit", "-q", "-m", "base")
    clone = Project(tmp_path / "clone")
    git(tmp_path, "clone", "-q", str(upstream.root), str(clone.root))
    git(clone.root, "checkout", "-q", "-b", "feature")
    clone.write("pkg/app/z.py", "from pkg.core.impl import Mode\n")
    git(clone.root, "add", "-A")
    git(clone.root, "commit", "-q", "-m", "feature")

    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = clone.cli("check", "--no-cache", "--format", "github")
    assert result.code == 1
    errors = [line.split(",")[0] for line in result.out.splitlines() if line.startswith("::error")]
    assert errors == ["::error file=pkg/app/z.py"] + [
        f"::error file=pkg/app/a{n:02}.py" for n in range(9)
    ]
    assert "::notice title=more findings::3 more findings" in result.out
    # No pull request: report order.
    monkeypatch.delenv("GITHUB_BASE_REF")
    plain = clone.cli("check", "--no-cache", "--format", "github")
    first = [line.split(",")[0] for line in plain.out.splitlines() if line.startswith("::error")]
    assert first[0] == "::error file=pkg/app/a00.py" and "::error file=pkg/app/z.py" not in first


def test_warnings_are_capped_on_their_own() -> None:
    """Warnings have their own 10 per step, beside the errors; the rest go to the log."""
    from ssot_imports.domain import rules
    from ssot_imports.domain.findings import Diagnostic
    from ssot_imports.domain.report import CheckReport
    from ssot_imports.output.github import render_github

    diagnostics = [
        Diagnostic(rules.SYNTAX_ERROR, f"pkg/w{n:02}.py", "syntax error", line=1) for n in range(12)
    ] + [Diagnostic(rules.UNREADABLE_FILE, "pkg/x.py", "permission denied", blocking=True)]
    report = CheckReport(
        config_path=Path(".importlinter"),
        project_root=Path("."),
        root_packages=["pkg"],
        contracts=[],
        diagnostics=diagnostics,
        timings={},
        files_in_scope=13,
    )
    lines = render_github(report, changed={"pkg/w11.py"}).splitlines()
    assert [line.split(",")[0] for line in lines if line.startswith("::")] == [
        "::error file=pkg/x.py",
        "::warning file=pkg/w11.py",
        *(f"::warning file=pkg/w{n:02}.py" for n in range(9)),
        "::notice title=more findings::2 more findings than GitHub shows as annotations "
        "(10 per level and step) are listed in the log above",
    ]
    assert lines[11:13] == [
        "pkg/w09.py:1: D001 syntax-error: syntax error",
        "pkg/w10.py:1: D001 syntax-error: syntax error",
    ]
