"""The command line's reporting options, end to end: --select/--ignore, --exit-zero, --quiet,
--color, check FILE..., --since REF. Each asserts the exact findings and the exit code."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE_TREE, GIT_IDENTITY, Project, git, run_tool, script

FRAGMENTED = {
    "pkg/app/a.py": "from pkg.core.impl import Impl\n",
    "pkg/app/b.py": "import pkg.core.impl\n",
    "pkg/app/c.py": 'from unittest import mock\n\nPATCH = mock.patch("pkg.core.impl.Mode")\n',
    "pkg/app/d.py": "from pkg.core.api import Alias\n",
}
ALL = [
    ("pkg/app/a.py", 1, "SSOT001"),
    ("pkg/app/b.py", 1, "SSOT002"),
    ("pkg/app/c.py", 3, "SSOT007"),
    ("pkg/app/d.py", 1, "SSOT004"),
]


@pytest.fixture
def fragmented(project: Project) -> Project:
    project.tree(FRAGMENTED)
    return project


def found(result) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    """(path, line, code) of the violations a --format json run reports as new."""
    report = json.loads(result.out)
    return [
        (v["path"], v["line"], v["code"])
        for v in report["violations"]
        if v["baseline_state"] == "new"
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), ALL),
        (("--select", "SSOT001"), ALL[:1]),
        (("--select", "ssot00"), ALL),
        (("--select", "SSOT001,SSOT002"), ALL[:2]),
        (("--select", "SSOT001", "--select", "SSOT007"), [ALL[0], ALL[2]]),
        (("--select", "secondary-name"), ALL[3:]),
        (("--ignore", "SSOT007"), [ALL[0], ALL[1], ALL[3]]),
        # The more specific selector wins; at the same length, --ignore does.
        (("--ignore", "SSOT", "--select", "SSOT002"), ALL[1:2]),
        (("--select", "SSOT00", "--ignore", "SSOT00"), []),
        (("--select", "ALL", "--ignore", "SSOT0"), []),
        (("--select", "D"), []),
    ],
)
def test_select_and_ignore(
    fragmented: Project, options: tuple[str, ...], expected: list[tuple[str, int, str]]
) -> None:
    result = fragmented.cli("check", "--no-cache", "--format", "json", *options)
    assert found(result) == expected
    assert result.code == (1 if expected else 0)
    contract = json.loads(result.out)["contracts"][0]
    assert contract["kept"] is (not expected)


def test_unknown_selector_is_a_usage_error(fragmented: Project) -> None:
    result = fragmented.cli("check", "--no-cache", "--select", "SSOT9")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "ssot-imports: error: --select 'SSOT9': no rule code starts with it "
        "(did you mean SSOT013?)\n"
    )
    result = fragmented.cli("check", "--no-cache", "--ignore", "nothing-like-it")
    assert result.code == 2
    assert result.err.startswith("ssot-imports: error: --ignore 'nothing-like-it': no rule code")


def test_an_ignored_rule_never_hides_a_file_that_was_not_checked(fragmented: Project) -> None:
    fragmented.write("pkg/app/broken.py", "from pkg.core.impl import (\n")
    result = fragmented.cli("check", "--no-cache", "--format", "json", "--ignore", "D")
    assert result.code == 1
    report = json.loads(result.out)
    assert [(d["path"], d["code"], d["blocking"]) for d in report["diagnostics"]] == [
        ("pkg/app/broken.py", "D001", True)
    ]


@pytest.mark.parametrize(
    ("options", "shown", "code"),
    [
        ((), True, 1),
        (("--select", "SSOT001"), True, 1),  # a selection of finding rules keeps the tool's word
        (("--select", "shim-import,SSOT00"), True, 1),
        (("--ignore", "D006"), False, 1),
        (("--ignore", "D"), False, 1),
        (("--select", "SSOT001", "--ignore", "D0"), False, 1),
        (("--select", "D001"), False, 0),  # a selection naming D codes narrows them
        (("--select", "SSOT001,D006"), True, 1),
    ],
)
def test_a_damaged_cache_is_reported_unless_its_code_is_left_out(
    fragmented: Project, options: tuple[str, ...], shown: bool, code: int
) -> None:
    """A damaged cache (D006, found by a fresh-user trial: `--select SSOT001` hid it) is told
    under a selection of finding rules; only `--ignore`, or a `--select` of D codes, leaves it
    out, as for any code."""
    assert fragmented.cli("check").code == 1  # writes the cache
    cache = fragmented.root / ".import_linter_cache" / "ssot-imports"
    damaged = sorted(cache.glob("findings-*.json"))
    assert damaged
    for path in damaged:
        path.write_text("{")
    result = fragmented.cli("check", "--format", "json", *options)
    codes = [(d["code"], d["blocking"]) for d in json.loads(result.out)["diagnostics"]]
    assert codes == ([("D006", False)] * len(damaged) if shown else [])
    assert result.code == code  # (a D006 never fails a run)


def test_select_narrows_fix_too(fragmented: Project) -> None:
    result = fragmented.cli("fix", "--no-cache", "--select", "SSOT004")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines() == ["fixed 1 violation in 1 file", "  pkg/app/d.py: 1 fixed"]
    assert (fragmented.root / "pkg/app/d.py").read_text() == ("from pkg.core.api import Manager\n")
    assert (fragmented.root / "pkg/app/a.py").read_text() == FRAGMENTED["pkg/app/a.py"]


def test_exit_zero(fragmented: Project) -> None:
    result = fragmented.cli("check", "--no-cache", "--format", "json", "--exit-zero")
    assert result.code == 0
    assert found(result) == ALL
    summary = json.loads(result.out)["summary"]
    assert (summary["exit_code"], summary["broken"]) == (0, 1)
    broken_config = fragmented.cli("check", "--no-cache", "--exit-zero", "--config", "nope.ini")
    assert broken_config.code == 2


def test_quiet_prints_the_findings_only(fragmented: Project) -> None:
    result = fragmented.cli("check", "--no-cache", "--quiet", "--select", "SSOT001")
    assert result.code == 1
    assert result.err == ""
    assert result.out.splitlines() == [
        "  pkg/app/a.py:1:27: SSOT001 implementation-import",
        "    `Impl` is taken from implementation module `pkg.core.impl`; its canonical path is "
        "`pkg.core.api.Manager` (the file calls it `Impl`: `fix` renames its uses to `Manager`)",
        "    | from pkg.core.impl import Impl",
        "    fix: from pkg.core.api import Manager",
    ]
    clean = fragmented.cli("check", "--no-cache", "-q", "--select", "SSOT010")
    assert (clean.code, clean.out, clean.err) == (0, "", "")
    github = fragmented.cli("check", "--no-cache", "-q", "--format", "github")
    assert [line.split(",")[0] for line in github.out.splitlines()] == [
        "::error file=pkg/app/a.py",
        "::error file=pkg/app/b.py",
        "::error file=pkg/app/c.py",
        "::error file=pkg/app/d.py",
    ]


RED_CODE = "\x1b[1;31mSSOT001\x1b[0m"


@pytest.mark.parametrize(
    ("choice", "environment", "coloured"),
    [
        ("always", {}, True),
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
        ("auto", {}, False),  # the output is not a terminal
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"NO_COLOR": "1"}, False),
    ],
)
def test_color_choice(
    fragmented: Project,
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
    environment: dict[str, str],
    coloured: bool,
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = fragmented.cli("check", "--no-cache", "--select", "SSOT001", "--color", choice)
    assert result.code == 1
    assert (RED_CODE in result.out) is coloured
    assert ("\x1b[" in result.out) is coloured
    if coloured:
        assert "\x1b[1;32mKEPT\x1b[0m" not in result.out
        assert "\x1b[1;31mBROKEN\x1b[0m" in result.out
        assert "\x1b[32mfrom pkg.core.api import Manager\x1b[0m" in result.out


@pytest.mark.parametrize(("no_color", "coloured"), [("", True), ("1", False)])
def test_color_on_a_real_terminal(fragmented: Project, no_color: str, coloured: bool) -> None:
    """``auto`` on a pseudo-terminal: coloured, unless NO_COLOR is set."""
    leader, follower = pty.openpty()
    environment = {
        key: value for key, value in os.environ.items() if key not in {"FORCE_COLOR", "NO_COLOR"}
    }
    environment.update(TERM="xterm", NO_COLOR=no_color)
    process = subprocess.Popen(
        [script("ssot-imports"), "check", "--no-cache", "--select", "SSOT001"],
        cwd=fragmented.root,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 1
    text = output.decode()
    assert "SSOT001 implementation-import" in text.replace(RED_CODE, "SSOT001")
    assert (RED_CODE in text) is coloured


def test_check_files_reports_those_files_only(fragmented: Project) -> None:
    # A shim elsewhere in the tree: a file given alone is still judged with it.
    fragmented.write("pkg/shims/__init__.py", "")
    fragmented.write("pkg/shims/compat.py", "from pkg.core.api import Manager\n")
    fragmented.write("pkg/app/e.py", "from pkg.shims.compat import Manager\n")
    result = fragmented.cli(
        "check", "--no-cache", "--format", "json", "pkg/app/a.py", "pkg/app/e.py"
    )
    assert found(result) == [("pkg/app/a.py", 1, "SSOT001"), ("pkg/app/e.py", 1, "SSOT003")]
    assert result.code == 1
    folder = fragmented.cli("check", "--no-cache", "--format", "json", "pkg/app")
    assert [f[0] for f in found(folder)] == [
        "pkg/app/a.py",
        "pkg/app/b.py",
        "pkg/app/c.py",
        "pkg/app/d.py",
        "pkg/app/e.py",
    ]
    clean = fragmented.cli("check", "--no-cache", "--format", "json", "pkg/core/api.py")
    assert (found(clean), clean.code) == ([], 0)
    # Relative to where the command runs, as pre-commit and shells pass them.
    inside = fragmented.cli(
        "check", "--no-cache", "--format", "json", "--path", "../..", "a.py",
        cwd=fragmented.root / "pkg/app",
    )  # fmt: skip
    assert found(inside) == [("pkg/app/a.py", 1, "SSOT001")]


def test_check_files_errors(fragmented: Project, tmp_path: Path) -> None:
    missing = fragmented.cli("check", "--no-cache", "pkg/app/nope.py")
    assert (missing.code, missing.err) == (
        2,
        "ssot-imports: error: pkg/app/nope.py: no such file or directory\n",
    )
    outside = tmp_path / "elsewhere.py"
    outside.write_text("")
    for command in (["check"], ["fix"], ["fix", "--diff"]):
        result = fragmented.cli(*command, "--no-cache", str(outside))
        assert result.code == 2, command
        assert result.err == (
            f"ssot-imports: error: {outside}: outside the project root {fragmented.root}\n"
        )
        assert result.out == ""


def test_check_files_with_a_baseline_counts_nothing_else_as_fixed(fragmented: Project) -> None:
    assert fragmented.cli("baseline", "--no-cache").code == 0
    fragmented.write("pkg/app/f.py", "from pkg.core.impl import Mode\n")
    result = fragmented.cli(
        "check", "--no-cache", "--format", "json", "--strict-baseline", "pkg/app/f.py"
    )
    report = json.loads(result.out)
    assert found(result) == [("pkg/app/f.py", 1, "SSOT001")]
    assert report["fixed"] == []
    assert result.code == 1
    old = fragmented.cli(
        "check", "--no-cache", "--format", "json", "--strict-baseline", "pkg/app/a.py"
    )
    assert (found(old), json.loads(old.out)["fixed"], old.code) == ([], [], 0)


# --since: a real repository, its merge base read from git.


@pytest.fixture
def history(fragmented: Project) -> Project:
    """``main`` with the fragmented tree; ``feature`` adds one violation and keeps the rest."""
    git(fragmented.root, "init", "-q", "-b", "main")
    git(fragmented.root, "add", "-A")
    git(fragmented.root, "commit", "-q", "-m", "base")
    git(fragmented.root, "checkout", "-q", "-b", "feature")
    fragmented.write("pkg/app/new.py", "from pkg.core.impl import Mode\n")
    git(fragmented.root, "add", "-A")
    git(fragmented.root, "commit", "-q", "-m", "feature")
    git(fragmented.root, "checkout", "-q", "main")
    fragmented.write("pkg/app/later.py", "from pkg.core.impl import Impl\n")
    git(fragmented.root, "add", "-A")
    git(fragmented.root, "commit", "-q", "-m", "main moves on")
    git(fragmented.root, "checkout", "-q", "feature")
    return fragmented


def test_since_reports_only_what_the_branch_adds(history: Project) -> None:
    # Edits not yet committed count too; main's later commit (after the merge base) does not.
    history.write(
        "pkg/app/d.py", "from pkg.core.api import Alias\nfrom pkg.core.impl import Impl\n"
    )
    result = history.cli("check", "--no-cache", "--format", "json", "--since", "main")
    assert found(result) == [("pkg/app/d.py", 2, "SSOT001"), ("pkg/app/new.py", 1, "SSOT001")]
    assert result.code == 1
    states = sorted((v["path"], v["baseline_state"]) for v in json.loads(result.out)["violations"])
    assert states == [
        ("pkg/app/a.py", "unchanged"),
        ("pkg/app/b.py", "unchanged"),
        ("pkg/app/c.py", "unchanged"),
        ("pkg/app/d.py", "new"),
        ("pkg/app/d.py", "unchanged"),
        ("pkg/app/new.py", "new"),
    ]
    text = history.cli("check", "--no-cache", "--since", "main")
    assert "accepted by main (merge base " in text.out
    assert "pkg/app/a.py:1: SSOT001 implementation-import `Impl` [existing]" in text.out
    assert text.out.splitlines()[-1].startswith(
        "Summary: 1 broken, 0 kept · 2 new violations (2 fixable) · 4 existing"
    )
    # The working tree is never touched by reading the base.
    assert git(history.root, "status", "--porcelain") == " M pkg/app/d.py\n"


def test_since_passes_when_nothing_is_new(history: Project) -> None:
    (history.root / "pkg/app/new.py").unlink()
    result = history.cli("check", "--no-cache", "--since", "main", "-q")
    assert (result.code, result.out) == (0, "")


def test_since_annotates_changed_files_first(history: Project) -> None:
    result = history.cli("check", "--no-cache", "--format", "github", "--since", "main")
    assert result.code == 1
    assert [line.split(",")[0] for line in result.out.splitlines() if line.startswith("::")] == [
        "::error file=pkg/app/new.py"
    ]


@pytest.mark.parametrize(
    ("setup", "reference", "message"),
    [
        ("none", "main", "--since: {root} is not in a git repository"),
        ("repo", "no-such-branch", "--since no-such-branch: no such commit, branch or tag in"),
        ("empty", "main", "--since main: the repository has no commit yet"),
        ("unrelated", "other", "--since other: no merge base with HEAD (the two have no common"),
    ],
)
def test_since_errors(fragmented: Project, setup: str, reference: str, message: str) -> None:
    root = fragmented.root
    if setup != "none":
        git(root, "init", "-q", "-b", "main")
    if setup in {"repo", "unrelated"}:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base")
    if setup == "unrelated":
        git(root, "checkout", "-q", "--orphan", "other")
        git(root, "commit", "-q", "-m", "unrelated")
        git(root, "checkout", "-q", "main")
    result = fragmented.cli("check", "--no-cache", "--since", reference)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("ssot-imports: error: " + message.format(root=root))
    assert len(result.err.splitlines()) == 1


def test_since_in_a_shallow_clone_says_so(history: Project, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(
        tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", "-b", "feature",
        f"file://{history.root}", str(clone),
    )  # fmt: skip
    result = Project(clone).cli("check", "--no-cache", "--since", "origin/main")
    assert result.code == 2
    assert result.err.startswith(
        "ssot-imports: error: --since origin/main: no merge base with HEAD; the clone is "
        "shallow: fetch the history (actions/checkout with fetch-depth: 0"
    )


def test_since_when_the_base_cannot_be_checked(history: Project) -> None:
    """A root package that the base did not have yet: one line, never "all new"."""
    history.write(".importlinter", history.root.joinpath(".importlinter").read_text().replace(
        "root_packages =\n    pkg\n", "root_packages =\n    pkg\n    extra\n"
    ))  # fmt: skip
    history.write("extra/__init__.py", "")
    result = history.cli("check", "--no-cache", "--since", "main")
    assert result.code == 2
    assert result.err.startswith("ssot-imports: error: --since main: the merge base ")
    assert "cannot be checked:" in result.err and "'extra': no such package" in result.err


def test_since_excludes_a_baseline(history: Project) -> None:
    result = run_tool(
        [script("ssot-imports"), "check", "--since", "main", "--baseline", "x.json"],
        cwd=history.root,
    )
    assert result.code == 2
    assert "argument --baseline: not allowed with argument --since" in result.err


def test_pre_commit_hook_reports_the_committed_files_only(tmp_path: Path) -> None:
    """A real ``git commit`` through pre-commit with this project's hook definition."""
    import yaml

    repository = Project(tmp_path / "repo")
    repository.root.mkdir()
    repository.tree(BASE_TREE)
    repository.config()
    repo_root = Path(__file__).resolve().parent.parent
    hook = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text())[0]
    assert hook["pass_filenames"] is True
    local = {**hook, "language": "system", "args": ["--no-cache"]}
    repository.write(
        ".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]})
    )
    environment = {
        **GIT_IDENTITY,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
    }

    def commit(*paths: str, verify: bool = True) -> subprocess.CompletedProcess[str]:
        git(repository.root, "add", *paths)
        flags = [] if verify else ["--no-verify"]
        return subprocess.run(
            ["git", "commit", "-q", "-m", "change", *flags],
            cwd=repository.root,
            capture_output=True,
            text=True,
            env={**os.environ, **environment},
            timeout=300,
        )

    git(repository.root, "init", "-q", "-b", "main")
    installed = run_tool([script("pre-commit"), "install"], cwd=repository.root, env=environment)
    assert installed.code == 0, installed.err
    # Fragmentation already in the tree, committed before the hook mattered.
    repository.write("pkg/app/old.py", "from pkg.core.impl import Impl\n")
    assert commit("-A", verify=False).returncode == 0
    # A commit touching one clean file passes although old.py is still fragmented.
    repository.write("pkg/app/clean.py", "from pkg.core.api import Manager\n")
    clean = commit("pkg/app/clean.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # A commit touching one fragmented file fails on that file, and names no other.
    repository.write("pkg/app/bad.py", "from pkg.core.impl import Mode\n")
    rejected = commit("pkg/app/bad.py")
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode == 1, output
    located = [line.strip() for line in output.splitlines() if ": SSOT" in line]
    assert located == ["pkg/app/bad.py:1:27: SSOT001 implementation-import"]


def test_since_without_git_installed(history: Project, tmp_path: Path) -> None:
    bin_only = tmp_path / "bin"
    bin_only.mkdir()
    (bin_only / "ssot-imports").symlink_to(script("ssot-imports"))
    result = subprocess.run(
        [str(bin_only / "ssot-imports"), "check", "--no-cache", "--since", "main"],
        cwd=history.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(bin_only)},
        timeout=300,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "ssot-imports: error: --since: git is not installed (it reads the base)\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--select", ""], "ssot-imports: error: --select '': give rule codes or prefixes"),
        (["--ignore="], "ssot-imports: error: --ignore '': give rule codes or prefixes"),
        (["--since", " "], "ssot-imports: error: --since '': give a git reference"),
        (["--color", "sometimes"], "ssot-imports check: error: argument --color: invalid choice"),
        (
            ["--since", "main", "--no-baseline"],
            "ssot-imports check: error: argument --no-baseline: not allowed with argument --since",
        ),
        (["--min-coverage", "abc"], "ssot-imports check: error: argument --min-coverage: not a"),
    ],
)
def test_usage_errors_are_one_line(fragmented: Project, arguments: list[str], message: str) -> None:
    result = run_tool([script("ssot-imports"), "check", "--no-cache", *arguments], fragmented.root)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(message)
    assert len(result.err.splitlines()) == 1


def test_the_command_exits_with_all_its_output_written(project: Project) -> None:
    """The installed command skips the interpreter's teardown at exit (``os._exit``): what it
    printed is flushed first, however long (3,000 findings through a pipe), and the exit
    code is the run's. ``python -m ssot_imports`` is the same command."""
    body = "".join(f"from pkg.core.impl import Impl as Name{n}\n" for n in range(10))
    for number in range(300):
        project.write(f"pkg/app/m{number:03}.py", body)
    for command in ([script("ssot-imports")], [sys.executable, "-m", "ssot_imports"]):
        result = run_tool([*command, "check", "--no-cache", "--format", "json"], project.root)
        assert result.code == 1, result.err
        report = json.loads(result.out)
        assert report["summary"]["violations"] == 3000
        assert len(report["violations"]) == 3000
        clean = run_tool([*command, "check", "--no-cache", "--select", "SSOT010"], project.root)
        assert (clean.code, clean.err) == (0, "")
        assert clean.out.endswith(
            "Summary: 0 broken, 1 kept · 0 violations (0 fixable) · 0 diagnostics · 305 files\n"
        )


def test_a_closed_standard_output_is_a_usage_error_unless_the_report_goes_to_a_file(
    fragmented: Project,
) -> None:
    """Started with stdout closed (`>&-`): one line and exit 2, not an internal error and a
    traceback (found by a fresh-user trial); with --output the report is written there."""
    command = f"{script('ssot-imports')} check --no-cache"
    closed = subprocess.run(
        ["bash", "-c", f"{command} >&-"], cwd=fragmented.root, capture_output=True, text=True
    )
    assert (closed.returncode, closed.stderr) == (
        2,
        "ssot-imports: error: standard output is closed; pass --output FILE\n",
    )
    report = fragmented.root / "report.txt"
    written = subprocess.run(
        ["bash", "-c", f"{command} --output {report} >&-"],
        cwd=fragmented.root,
        capture_output=True,
        text=True,
    )
    assert (written.returncode, written.stderr) == (1, "")
    assert "pkg/app/a.py:1:27: SSOT001 implementation-import" in report.read_text()
