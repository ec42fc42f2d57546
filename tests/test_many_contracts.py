"""Many façades in one config: one read of the tree, and the same findings as one at a time.

A consolidation programme declares a contract per façade (or one ``canonical_imports``
contract listing them). Running them together must find exactly what each finds alone:
violations with their fingerprints and fixes, coverage, diagnostics.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, CliResult, Project, findings, run_tool, script
from ssot_imports.adapters.forks import can_fork
from ssot_imports.application.pipeline.second_process import _balanced_cut
from ssot_imports.domain.errors import UsageError
from ssot_imports.domain.findings import Coverage
from ssot_imports.domain.report import CheckReport

HEAD = """\
[importlinter]
root_packages =
    pkg
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract
    canonical_imports: ssot_imports.canonical_import.CanonicalImportsContract
    single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract
"""

FACADES = {
    "hub": ("pkg.ws.api", "pkg.ws.impl"),
    "engine": ("pkg.eng.service", "pkg.eng.engine"),
    "ids": ("pkg.ids.manager", "pkg.ids.core"),
}

TREE = {
    "pkg/__init__.py": "",
    "pkg/ws/__init__.py": "",
    "pkg/ws/impl.py": "class Hub:\n    pass\n",
    "pkg/ws/api.py": "from pkg.ws.impl import Hub\n\n__all__ = ['Hub']\n",
    "pkg/ws/legacy.py": "from pkg.ws.impl import Hub  # old path\n",
    "pkg/eng/__init__.py": "",
    "pkg/eng/engine.py": "class Engine:\n    pass\n\n\ndef make_engine():\n    return Engine()\n",
    "pkg/eng/service.py": "from pkg.eng.engine import Engine, make_engine\n",
    "pkg/ids/__init__.py": "",
    "pkg/ids/core.py": "class IdManager:\n    pass\n",
    "pkg/ids/manager.py": "from .core import IdManager\n",
    "pkg/app/__init__.py": "",
    # Every façade's names in one file, right and wrong.
    "pkg/app/one.py": """\
        from pkg.ws.api import Hub
        from pkg.eng.engine import Engine
        from pkg.ids.manager import IdManager as Ids

        HUB, ENGINE, IDS = Hub, Engine, Ids
        """,
    "pkg/app/two.py": """\
        import pkg.eng.engine as eng
        from pkg.ws.legacy import Hub
        from pkg.ids.core import IdManager


        def build():
            return eng.Engine(), Hub(), IdManager()
        """,
    "pkg/app/broken.py": "from pkg.eng.engine import Engine\n\n\ndef broken(:\n",
    # A folder without __init__.py: read directly, outside the graph.
    "pkg/tests/test_paths.py": """\
        from unittest import mock

        from pkg.ws.impl import Hub


        @mock.patch("pkg.ids.core.IdManager")
        def test_hub(manager):
            assert Hub
        """,
}

EXPECTED = [
    ("pkg/app/one.py", 2, "implementation-import", "Engine"),
    ("pkg/app/two.py", 1, "implementation-module-import", "pkg.eng.engine"),
    ("pkg/app/one.py", 3, "renamed-import", "IdManager"),
    ("pkg/app/two.py", 3, "implementation-import", "IdManager"),
    ("pkg/tests/test_paths.py", 6, "string-reference", "pkg.ids.core.IdManager"),
    ("pkg/app/two.py", 2, "shim-import", "Hub"),
    ("pkg/tests/test_paths.py", 3, "implementation-import", "Hub"),
    ("pkg/ws/legacy.py", 1, "implementation-import", "Hub"),
]


def _contract(contract_id: str, canonical: str, implementation: str) -> str:
    return (
        f"\n[importlinter:contract:{contract_id}]\nname = {contract_id}\n"
        f"type = canonical_import\ncanonical_module = {canonical}\n"
        f"implementation_modules =\n    {implementation}\n"
    )


IDENTITY = "\n[importlinter:contract:identity]\nname = identity\ntype = single_module_identity\n"


@pytest.fixture
def many(tmp_path: Path) -> Project:
    project = Project(tmp_path / "many")
    project.root.mkdir()
    project.tree({path: textwrap.dedent(text) for path, text in TREE.items()})
    contracts = "".join(_contract(name, *pair) for name, pair in FACADES.items())
    project.write(".importlinter", HEAD + contracts + IDENTITY)
    return project


def _result(report: CheckReport, contract_id: str) -> tuple:
    """Everything a contract's result says, but its duration."""
    (result,) = [r for r in report.contracts if r.id == contract_id]
    violations = [
        (v.path, v.line, v.column, v.rule, v.symbol, v.suggestion, v.fingerprint, v.message)
        for v in result.violations
    ]
    return violations, result.coverage, result.warnings, result.kept


def _diagnostics(report: CheckReport) -> list[tuple]:
    return sorted((d.rule.code, d.path, d.line, d.message, d.blocking) for d in report.diagnostics)


def test_each_contract_finds_what_the_planted_tree_holds(many: Project) -> None:
    report = many.check()
    by_contract = {
        r.id: [(v.path, v.line, v.kind, v.symbol) for v in r.violations] for r in report.contracts
    }
    assert by_contract == {
        "hub": [
            ("pkg/app/two.py", 2, "shim-import", "Hub"),
            ("pkg/tests/test_paths.py", 3, "implementation-import", "Hub"),
            ("pkg/ws/legacy.py", 1, "implementation-import", "Hub"),
        ],
        "engine": [
            ("pkg/app/one.py", 2, "implementation-import", "Engine"),
            ("pkg/app/two.py", 1, "implementation-module-import", "pkg.eng.engine"),
        ],
        "ids": [
            ("pkg/app/one.py", 3, "renamed-import", "IdManager"),
            ("pkg/app/two.py", 3, "implementation-import", "IdManager"),
            ("pkg/tests/test_paths.py", 6, "string-reference", "pkg.ids.core.IdManager"),
        ],
        "identity": [],
    }
    assert [d.path for d in report.diagnostics] == ["pkg/app/broken.py"]


def _alone_equals_together(project: Project) -> None:
    """Each contract run alone gives its result in the full run; the full run's diagnostics
    are those of its contracts alone (a file only one contract needed to read is reported
    when that one runs)."""
    together = project.check()
    diagnostics: set[tuple] = set()
    for result in together.contracts:
        alone = project.check(contract_ids=(result.id,))
        assert _result(alone, result.id) == _result(together, result.id), result.id
        diagnostics.update(_diagnostics(alone))
    assert sorted(diagnostics) == _diagnostics(together)


def test_a_contract_alone_finds_what_it_finds_with_the_others(many: Project) -> None:
    _alone_equals_together(many)
    assert _diagnostics(many.check(contract_ids=("engine",))) == [
        ("D001", "pkg/app/broken.py", 4, "syntax error: def broken(:", True)
    ]
    assert _diagnostics(many.check(contract_ids=("hub",))) == []


def test_contracts_together_read_the_tree_once(many: Project) -> None:
    """The prefilter (one pass over every file's bytes) runs once for all façades: the
    cache it leaves holds one scan, made for the union of their requests."""
    many.check(use_cache=True)
    scans = list((many.root / ".import_linter_cache").rglob("prescan-*.json"))
    assert len(scans) == 1, scans


def test_demo_contracts_alone_equal_together(tmp_path: Path) -> None:
    demo = Project(tmp_path / "demo")
    shutil.copytree(EXAMPLES, demo.root)
    _alone_equals_together(demo)


def _dense_facades(tmp_path: Path, planted: int) -> tuple[Project, list]:
    """The benchmark's multi-façade tree at 400 files: the dense profile, ``planted`` façade
    pairs planted in it, and a config with a contract for the hub and each pair."""
    sys.path.insert(0, str(REPO / "bench"))
    import facades
    import many_facades
    from generate import generate

    project = Project(tmp_path / "dense")
    project.root.mkdir()
    generate(project.root, 400, seed=3, profile="dense")
    pairs = facades.plant_facades(project.root, planted, seed=3)
    ours, _ = many_facades.configs(pairs, planted + 1)
    project.write(".importlinter", ours)
    return project, pairs


def test_dense_tree_with_many_facades_alone_equals_together(tmp_path: Path) -> None:
    """The benchmark's multi-façade tree (a dense profile with planted pairs): each contract
    alone finds what it finds in the run of all of them, and each finds what was planted."""
    project, pairs = _dense_facades(tmp_path, 3)
    together = project.check()
    assert [r.id for r in together.contracts] == ["relay", *(pair.area for pair in pairs)]
    for pair, result in zip(pairs, together.contracts[1:], strict=True):
        kinds = [v.kind for v in result.violations]
        planted = pair.planted
        # One of each kind per pair at this size, and the legacy shim's own import.
        assert kinds.count("implementation-import") == planted["implementation"] + 1
        assert kinds.count("implementation-module-import") == planted["module"]
        assert kinds.count("shim-import") == planted["shim"]
        assert kinds.count("renamed-import") == planted["renamed"]
        assert kinds.count("string-reference") == planted["string"]
    _alone_equals_together(project)


def _plural(project: Project, *lines: str, options: str = "") -> None:
    listed = "".join(f"    {line}\n" for line in lines)
    project.write(
        ".importlinter",
        HEAD + "\n[importlinter:contract:all]\nname = All façades\ntype = canonical_imports\n"
        f"facades =\n{listed}{options}",
    )


def test_one_contract_lists_several_facades(many: Project) -> None:
    separate = many.check()
    _plural(
        many, *(f"{canonical}: {implementation}" for canonical, implementation in FACADES.values())
    )
    combined = many.check()
    (result,) = combined.contracts
    assert sorted(findings(combined)) == sorted(
        (v.path, v.line, v.kind, v.symbol) for v in separate.violations
    )
    assert sorted(findings(combined)) == sorted(EXPECTED)
    assert sorted(v.suggestion for v in result.violations) == sorted(
        v.suggestion for v in separate.violations
    )
    # A file counts as checked when every façade checked it: the engine's check needed the
    # broken file, which the others rule out by its bytes.
    assert [c.coverage.checked for c in separate.contracts] == [16, 15, 16, 16]
    assert result.coverage == Coverage(in_scope=16, checked=15, skipped={"syntax-error": 1})


def test_shared_options_apply_to_every_facade(many: Project) -> None:
    _plural(
        many,
        *(f"{canonical}: {implementation}" for canonical, implementation in FACADES.values()),
        options="allow_renames = true\ncheck_string_references = false\n",
    )
    kinds = {kind for _, _, kind, _ in findings(many.check())}
    assert "renamed-import" not in kinds and "string-reference" not in kinds
    assert "implementation-import" in kinds


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("pkg.ws.api", "expected `canonical.module: implementation.module"),
        ("pkg.ws.api:", "expected `canonical.module: implementation.module"),
        ("pkg.ws.api: pkg.ws.impl, not a module", "expected `canonical.module"),
        ("pkg.ws.apx: pkg.ws.impl", "did you mean 'pkg.ws.api'?"),
        ("pkg.eng.service: pkg.eng.engine", "`pkg.eng.service` is listed a second time"),
    ],
)
def test_a_wrong_facade_line_is_one_clear_error(many: Project, line: str, problem: str) -> None:
    _plural(many, "pkg.eng.service: pkg.eng.engine", line)
    result = many.cli("check")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert f"contract 'all': option 'facades' = {line!r}: " in lines[0]
    assert problem in lines[0]


def test_the_readme_three_facade_config_runs_as_documented(tmp_path: Path) -> None:
    """The README's `canonical_imports` example, on a tree holding its modules: one finding
    per façade for a consumer importing each implementation."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("### Many façades", 1)[1]
    config = section.split("```ini\n", 1)[1].split("```", 1)[0]
    project = Project(tmp_path / "readme")
    project.root.mkdir()
    project.write(".importlinter", config)
    lines = config.split("facades =\n", 1)[1].split("allowed_importers", 1)[0].split("\n")
    pairs = [line.strip().split(": ") for line in lines if line.strip()]
    assert len(pairs) == 3
    consumer = []
    for number, (canonical, implementation) in enumerate(pairs):
        for module in (canonical, implementation, "netra_backend.app.consumer"):
            parts = module.split(".")
            for size in range(1, len(parts)):
                project.write("/".join(parts[:size]) + "/__init__.py", "")
        project.write(implementation.replace(".", "/") + ".py", f"class Thing{number}:\n    pass\n")
        project.write(
            canonical.replace(".", "/") + ".py", f"from {implementation} import Thing{number}\n"
        )
        consumer.append(f"from {implementation} import Thing{number}\n")
    project.write("netra_backend/app/consumer.py", "".join(consumer))
    # The allowed importers: a migration may keep the old path.
    project.write("netra_backend/app/migrations/__init__.py", "")
    project.write("netra_backend/app/migrations/m0001.py", consumer[0])
    report = project.check()
    assert findings(report) == [
        ("netra_backend/app/consumer.py", line, "implementation-import", f"Thing{line - 1}")
        for line in (1, 2, 3)
    ]


def _cli(project: Project, *args: str, cpus: int | None = None) -> CliResult:
    """The command, run for real in a fresh process (a process that has scanned imports
    keeps grimp's threads, and then makes no copy of itself), on one CPU if ``cpus`` is 1."""
    on_one = (
        None if cpus != 1 else (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    )
    return run_tool([script("ssot-imports"), *args], project.root, before=on_one)


def _report(text: str) -> dict:
    """A JSON report without what differs from run to run (timings)."""
    data = json.loads(text)
    data.pop("timings", None)
    for contract in data["contracts"]:
        contract.pop("duration_ms", None)
    return data


SECOND_PROCESS = "in a second process"
needs_two_cpus = pytest.mark.skipif(
    not can_fork(), reason="a second process is made on Linux with two CPUs or more"
)


@needs_two_cpus
@pytest.mark.parametrize("tree", ["many", "dense"])
def test_contracts_a_second_process_checks_find_what_one_process_finds(
    many: Project, tmp_path: Path, tree: str
) -> None:
    """With two CPUs the later contracts are checked in a copy of the process, made once the
    tree is read: the report (every result, coverage, diagnostic) is what one process gives."""
    project = many if tree == "many" else _dense_facades(tmp_path, 3)[0]
    args = ("check", "--no-cache", "--format", "json", "--verbose")
    apart, alone = _cli(project, *args), _cli(project, *args, cpus=1)
    assert SECOND_PROCESS in apart.err
    assert SECOND_PROCESS not in alone.err
    # The modules both processes read (files that spell several façades' names) are scanned
    # in this one and sent to the copy.
    assert re.search(r"\(\d+ modules both read are scanned here only\)", apart.err)
    assert apart.code == alone.code == 1
    assert _report(apart.out) == _report(alone.out)
    assert len(_report(apart.out)["violations"]) > 5


def _broken_contract(contract_id: str) -> str:
    # The engine's façade exports nothing of the hub's implementation: found when it runs.
    return _contract(contract_id, "pkg.eng.service", "pkg.ws.impl")


@needs_two_cpus
@pytest.mark.parametrize("broken", [("zz",), ("aa", "zz")], ids=["last", "first-and-last"])
def test_a_contract_that_fails_in_the_second_process_fails_the_run_as_in_one(
    many: Project, broken: tuple[str, ...]
) -> None:
    """An error in the copy's share is the run's error, as in one process; with an earlier
    contract failing too, that one's error is the run's (the copy is stopped)."""
    contracts = "".join(_contract(name, *pair) for name, pair in FACADES.items())
    first = _broken_contract("aa") if "aa" in broken else ""
    many.write(".importlinter", HEAD + first + contracts + IDENTITY + _broken_contract("zz"))
    apart = _cli(many, "check", "--no-cache", "--verbose")
    alone = _cli(many, "check", "--no-cache", "--verbose", cpus=1)
    assert SECOND_PROCESS in apart.err
    assert apart.code == alone.code == 2
    error = [line for line in apart.err.splitlines() if line.startswith("ssot-imports:")]
    assert error == [line for line in alone.err.splitlines() if line.startswith("ssot-imports:")]
    assert len(error) == 1
    assert f"contract '{broken[0]}': option 'canonical_module'" in error[0]


def test_a_broken_canonical_module_is_worded_the_same_whichever_contract_meets_it(
    many: Project,
) -> None:
    """A canonical module that does not parse stops the run with its file, line and error,
    whether its own contract reads it first or an earlier contract's graph left it out."""
    many.write("pkg/ids/manager.py", "from pkg.ws.api import Hub\nfrom .core import (IdManager\n")
    with pytest.raises(UsageError) as together:
        many.check()
    with pytest.raises(UsageError) as alone:
        many.check(contract_ids=("ids",))
    for error in (together.value, alone.value):
        assert "contract 'ids': option 'canonical_module' = 'pkg.ids.manager': " in str(error)
        # (Python's parser and grimp's word it each their own way: line 2 or 3.)
        assert re.search(r"cannot be read: pkg/ids/manager\.py:[23]: syntax error: ", str(error))


def test_the_contracts_are_cut_where_both_processes_have_as_much_to_do() -> None:
    """This process scans what its contracts read (what the copy's read too included: it
    sends it), the copy the rest; each checks its contracts' candidates. A contract whose
    modules an earlier one reads costs only its checking."""
    ten, other, third = set(range(10)), set(range(10, 20)), set(range(20, 30))
    assert _balanced_cut([ten, set(ten), other, third]) == 2
    assert _balanced_cut([ten, other, third, set(range(30, 40))]) == 2
    assert _balanced_cut([ten, set()]) == 1  # each process gets one at least
