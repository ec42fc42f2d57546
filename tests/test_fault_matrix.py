"""Bad input, table-driven: every fault runs under every output format of ``check``, under
``fix --diff`` and under ``baseline``. Each run must end with the expected exit code and
the expected diagnostic code or one-line message, never a traceback, and change no file but
its own output (and the cache).

Faults that need permissions run as an unprivileged user when the tests run as root (file
modes do not stop root), in a folder that user can read.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import BASE_TREE, CONFIG_HEAD, CliResult, Project, script

FORMATS = ("text", "json", "github", "sarif")
FRAGMENTED = "from pkg.core.impl import Impl\n"


@dataclass
class Fault:
    """A fault planted in a fresh project, and what every command must say about it."""

    name: str
    plant: Callable[[Project], None]
    check: int  # the exit code of `check` (every format)
    fix: int  # of `fix --diff`
    baseline: int  # of `baseline`
    code: str | None = None  # a diagnostic every run reports (D001...)
    message: str | None = None  # or the start of the one-line error (exit 2)
    as_user: bool = False  # needs file modes to bite: run unprivileged
    arguments: list[str] = field(default_factory=list)  # added to every command
    env: dict[str, str] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)  # `check` codes that differ
    never: str | None = None  # a code no command may report (only a faulty run would)


def _unreadable_loose_file(project: Project) -> None:
    path = project.write("pkg/loose/secret.py", FRAGMENTED)
    path.chmod(0)


def _unreadable_folder(project: Project) -> None:
    project.write("pkg/app/hidden/__init__.py", "")
    project.write("pkg/app/hidden/user.py", FRAGMENTED)
    (project.root / "pkg/app/hidden").chmod(0)


def _unreadable_folder_imported_from(project: Project) -> None:
    """A module imports from a folder that cannot be read: whether the path exists cannot be
    told, and asking crashed the stale-path check (found by a fresh-user trial)."""
    project.write("pkg/app/sealed/__init__.py", "")
    project.write("pkg/app/sealed/fakes/__init__.py", "")
    project.write("pkg/app/reader.py", "from pkg.app.sealed.fakes import thing\n")
    project.write("pkg/app/user.py", FRAGMENTED)  # something to fix: `fix --diff` checks anew
    config = project.root / ".importlinter"
    text = config.read_text().replace(
        "contract_types =\n",
        "contract_types =\n"
        "    single_module_identity: ssot_imports.single_module_identity."
        "SingleModuleIdentityContract\n",
    )
    config.write_text(
        text + "\n[importlinter:contract:identity]\nname = One name\n"
        "type = single_module_identity\n"
    )
    (project.root / "pkg/app/sealed").chmod(0)


def _unreadable_package_file(project: Project) -> None:
    project.write("pkg/app/secret.py", FRAGMENTED).chmod(0)


def _dangling_link(project: Project) -> None:
    (project.root / "pkg/app/dangling.py").symlink_to("missing.py")


def _looping_link(project: Project) -> None:
    (project.root / "pkg/app/loop.py").symlink_to("loop.py")


def _syntax_error_with_import(project: Project) -> None:
    project.write("pkg/app/broken.py", FRAGMENTED + "def oops(:\n    pass\n")


def _relative_import_above_the_top(project: Project) -> None:
    """grimp's scanner panics on it (a Rust panic, not an exception naming the file)."""
    project.write("pkg/app/above.py", "from .... import x\n" + FRAGMENTED)


def _syntax_error_elsewhere(project: Project) -> None:
    project.write("pkg/app/broken.py", "def oops(:\n    pass\n")


def _undecodable(project: Project) -> None:
    project.write_bytes("pkg/app/latin.py", FRAGMENTED.encode() + b"name = '\xe9t\xe9'\n")


def _undecodable_with_coding_line(project: Project) -> None:
    # grimp words this failure otherwise ("… with encoding 'utf-8'"): the run stopped on it.
    text = b"# -*- coding: utf-8 -*-\n" + FRAGMENTED.encode() + b"name = '\xff\xfe'\n"
    project.write_bytes("pkg/app/declared.py", text)


def _nul_byte(project: Project) -> None:
    project.write_bytes("pkg/app/nul.py", FRAGMENTED.encode() + b"x = 1\x00\n")


def _multi_line_root_package(project: Project) -> None:
    text = (project.root / ".importlinter").read_text()
    project.write(".importlinter", text.replace("root_packages =", "root_package ="))
    project.write("pkg/app/user.py", FRAGMENTED)


def _crlf(project: Project) -> None:
    project.write_bytes(
        "pkg/app/crlf.py", b"import os\r\n\r\n" + FRAGMENTED.encode().replace(b"\n", b"\r\n")
    )


def _cr_only(project: Project) -> None:
    project.write_bytes(
        "pkg/app/cr.py", b"import os\r\r" + FRAGMENTED.encode().replace(b"\n", b"\r")
    )


def _ten_megabytes(project: Project) -> None:
    functions = (f"def helper_{i}(value):\n    return value * {i}\n\n" for i in range(10**6))
    text, size = [FRAGMENTED], len(FRAGMENTED)
    while size < 10 * 1024 * 1024:
        text.append(next(functions))
        size += len(text[-1])
    project.write("pkg/app/huge.py", "".join(text))


def _ten_thousand_files(project: Project) -> None:
    folder = project.root / "pkg/many"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for index in range(10_000):
        (folder / f"m{index}.py").write_text(f"VALUE = {index}\n")
    (folder / "m9999.py").write_text(FRAGMENTED)


def _non_ascii_path(project: Project) -> None:
    project.write("pkg/app/modülé.py", FRAGMENTED)


def _stdlib_named_package(project: Project) -> None:
    project.write("pkg/json/__init__.py", "")
    project.write("pkg/json/codec.py", "import json\nfrom email.mime.text import MIMEText\n")
    project.write("pkg/app/user.py", "from pkg.json import codec\n" + FRAGMENTED)


def _read_only_tree(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)
    for path in [project.root, *project.root.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def _read_only_config_folder(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)
    project.root.chmod(0o555)


def _unreadable_config(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)
    (project.root / ".importlinter").chmod(0)


def _config_not_utf8(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)
    config = project.root / ".importlinter"
    config.write_bytes(config.read_bytes() + b"# caf\xe9\n")


def _broken_baseline(project: Project) -> None:
    project.write(".ssot-imports-baseline.json", '{"version": 1, "violations": [')


def _path_is_a_file(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)


def _output_folder_missing(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)


def _vanishing_file(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)
    project.write("pkg/app/vanishing.py", FRAGMENTED)


def _unwritable_step_summary(project: Project) -> None:
    project.write("pkg/app/user.py", FRAGMENTED)


FAULTS = [
    Fault(
        "unreadable file, no __init__ on the way",
        _unreadable_loose_file,
        1,
        1,
        1,
        "D005",
        as_user=True,
    ),
    Fault("unreadable package folder", _unreadable_folder, 1, 1, 1, "D005", as_user=True),
    Fault(
        "unreadable folder imported from",
        _unreadable_folder_imported_from,
        1,
        1,
        1,
        "D005",
        as_user=True,
        # Whether the import's module exists cannot be told: never a stale import, not even
        # in the tree `fix --diff` lays out (a fresh-user trial saw one there).
        never="SSOT013",
    ),
    Fault("unreadable file in a package", _unreadable_package_file, 1, 1, 1, "D005", as_user=True),
    Fault("dangling .py link in a package", _dangling_link, 1, 1, 1, "D005"),
    Fault("self-looping .py link in a package", _looping_link, 1, 1, 1, "D005"),
    Fault(
        "syntax error in a file with a fragmented import",
        _syntax_error_with_import,
        1,
        1,
        1,
        "D001",
    ),
    Fault("syntax error in a file that names nothing checked", _syntax_error_elsewhere, 0, 0, 0),
    Fault(
        "a relative import above the top package", _relative_import_above_the_top, 1, 1, 1, "D005"
    ),
    Fault("bytes that are not UTF-8", _undecodable, 1, 1, 1, "D002"),
    Fault(
        "bytes that are not the declared encoding",
        _undecodable_with_coding_line,
        1,
        1,
        1,
        "D002",
    ),
    Fault("a NUL byte in a file", _nul_byte, 1, 1, 1, "D001"),
    Fault("root_package with a multi-line value", _multi_line_root_package, 1, 1, 0, "SSOT001"),
    Fault("Windows line endings", _crlf, 1, 1, 0, "SSOT001"),
    Fault("CR-only line endings", _cr_only, 1, 1, 0, "SSOT001"),
    Fault("a 10 MB file", _ten_megabytes, 1, 1, 0, "SSOT001"),
    Fault("10,000 files in one folder", _ten_thousand_files, 1, 1, 0, "SSOT001"),
    Fault("a module path with non-ASCII characters", _non_ascii_path, 1, 1, 0, "SSOT001"),
    Fault("a package folder named like a stdlib module", _stdlib_named_package, 1, 1, 0, "SSOT001"),
    Fault(
        "the whole tree read-only",
        _read_only_tree,
        1,
        1,
        2,
        "SSOT001",
        message="baseline ",
        as_user=True,
    ),
    Fault(
        "config and baseline folder read-only",
        _read_only_config_folder,
        1,
        1,
        2,
        "SSOT001",
        message="baseline ",
        as_user=True,
    ),
    Fault("a broken baseline file", _broken_baseline, 2, 0, 0, message="baseline "),
    Fault(
        "an unreadable config",
        _unreadable_config,
        2,
        2,
        2,
        message=".importlinter: cannot read the file: Permission denied",
        as_user=True,
    ),
    Fault(
        "a config that is not UTF-8",
        _config_not_utf8,
        2,
        2,
        2,
        message=".importlinter: cannot read the file: not UTF-8 (invalid continuation byte)",
    ),
    Fault(
        "--path names a file",
        _path_is_a_file,
        2,
        2,
        2,
        message="--path ",
        arguments=["--path", "pkg/app/user.py"],
    ),
    Fault("a file deleted between the prefilter and the scan", _vanishing_file, 1, 1, 1, "D005"),
    Fault(
        "GITHUB_STEP_SUMMARY cannot be written",
        _unwritable_step_summary,
        1,
        1,
        0,
        "SSOT001",
        message="GITHUB_STEP_SUMMARY",
        env={"GITHUB_STEP_SUMMARY": "/proc/no-such/summary.md"},
        by_format={"github": 2},
    ),
]

# `check --output` into a folder that does not exist: one line, exit 2, in every format.
OUTPUT_MISSING = Fault(
    "--output into a missing folder", _output_folder_missing, 2, 1, 0, message="no-such-folder/"
)


def _unprivileged() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


@pytest.fixture
def root() -> Iterator[Path]:
    """A folder every user can read (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="ssot-faults-"))
    folder.chmod(0o777)  # the unprivileged user writes its outputs here
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)


def _project(root: Path) -> Project:
    project = Project(root / "project")
    project.root.mkdir()
    project.tree(BASE_TREE)
    project.config(head=CONFIG_HEAD)
    # Open to the unprivileged user too: it writes the cache and the baseline there.
    for path in [project.root, *project.root.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    return project


def _run(project: Project, arguments: list[str], fault: Fault) -> CliResult:
    """The installed command, in a subprocess (unprivileged for the faults that need it:
    through ``setpriv``, which also drops root's groups)."""
    command = [script("ssot-imports"), *arguments]
    if fault.as_user and os.geteuid() == 0:
        user = _unprivileged()
        setpriv = shutil.which("setpriv")
        if user is None or setpriv is None:
            pytest.skip("running as root with no unprivileged user (or no setpriv) to run as")
        command = [
            setpriv,
            f"--reuid={user.pw_uid}",
            f"--regid={user.pw_gid}",
            "--clear-groups",
            *command,
        ]
    environment = {
        name: value for name, value in os.environ.items() if name != "GITHUB_STEP_SUMMARY"
    }
    environment.update({"HOME": str(project.root.parent), **fault.env})
    completed = subprocess.run(
        command,
        cwd=project.root,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def _contents(project: Project) -> dict[str, bytes | None]:
    """Every file's bytes (None where the file cannot be read), the cache left out."""
    found: dict[str, bytes | None] = {}
    for current, folders, files in os.walk(project.root):
        folders[:] = [f for f in folders if f != ".import_linter_cache"]
        for name in files:
            path = Path(current, name)
            try:
                found[str(path.relative_to(project.root))] = path.read_bytes()
            except OSError:
                found[str(path.relative_to(project.root))] = None
    return found


def _commands(fault: Fault, output: Path) -> list[tuple[str, list[str], int]]:
    commands = []
    for form in FORMATS:
        arguments = ["check", "--format", form, *fault.arguments]
        if fault is OUTPUT_MISSING:
            arguments += ["--output", str(output.parent / "no-such-folder" / "report")]
        commands.append((f"check {form}", arguments, fault.by_format.get(form, fault.check)))
    commands.append(("fix --diff", ["fix", "--diff", *fault.arguments], fault.fix))
    commands.append(("baseline", ["baseline", *fault.arguments], fault.baseline))
    return commands


def _plant_vanishing(project: Project) -> None:
    """Delete a candidate file once the prefilter has read it, before the graph scans it:
    done inside the run with a sitecustomize hook on the prefilter's reader (the only way to
    hit that moment from outside the process)."""
    hook = project.root.parent / "hooks"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(
        textwrap.dedent(
            f"""\
            from pathlib import Path
            from ssot_imports.adapters import prefilter_reader

            _scan = prefilter_reader.PrefilterReader.scan

            def scan(self, files, request):
                records = _scan(self, files, request)
                Path({str(project.root / "pkg/app/vanishing.py")!r}).unlink(missing_ok=True)
                return records

            prefilter_reader.PrefilterReader.scan = scan
            """
        )
    )


@pytest.mark.parametrize("fault", [*FAULTS, OUTPUT_MISSING], ids=lambda fault: fault.name)
def test_fault(fault: Fault, root: Path) -> None:
    project = _project(root)
    fault.plant(project)
    if fault.plant is _vanishing_file:
        _plant_vanishing(project)
        fault.env = {**fault.env, "PYTHONPATH": str(project.root.parent / "hooks")}
    output = project.root.parent / "report.out"
    for label, arguments, expected in _commands(fault, output):
        if fault.plant is _vanishing_file:
            project.write("pkg/app/vanishing.py", FRAGMENTED)  # back for each run
        before = _contents(project)
        result = _run(project, arguments, fault)
        where = f"{fault.name} / {label}"
        assert "Traceback" not in result.out + result.err, where
        assert "internal error" not in result.err, where
        assert result.code == expected, (where, result.code, result.err[-500:])
        if expected == 2:
            assert result.err.count("\n") == 1, (where, result.err)
            assert result.err.startswith("ssot-imports: error: "), (where, result.err)
            if fault.message:
                assert fault.message in result.err, (where, result.err)
        elif fault.code and label.startswith("check"):
            assert fault.code in result.out, (where, result.out[-800:])
            if label == "check json":
                data = json.loads(result.out)
                codes = {d["code"] for d in data["diagnostics"]} | {
                    v["code"] for v in data["violations"]
                }
                assert fault.code in codes, where
                if fault.code.startswith("D") and expected == 1:
                    assert any(d["blocking"] for d in data["diagnostics"]), where
                # A file two contracts could not read is one file they could not check.
                blocking = {d["path"] for d in data["diagnostics"] if d["blocking"]}
                for contract in data["contracts"]:
                    assert contract.get("unchecked_files", 0) <= len(blocking), where
        if fault.never and label != "check sarif":  # (SARIF lists every rule it knows)
            assert fault.never not in result.out + result.err, (where, result.err[-800:])
        assert "\x00" not in result.out + result.err, where
        after = _contents(project)
        ignored = ["pkg/app/vanishing.py"] if fault.plant is _vanishing_file else []
        if label == "baseline":
            ignored.append(".ssot-imports-baseline.json")  # its output
        for name in ignored:
            before.pop(name, None)
            after.pop(name, None)
        assert after == before, (where, sorted(set(after) ^ set(before)))


def test_the_matrix_is_wide_enough() -> None:
    assert len(FAULTS) + 1 >= 20
    assert len(_commands(FAULTS[0], Path("out"))) == len(FORMATS) + 2
