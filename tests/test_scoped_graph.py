"""A config of only our contracts reads the imports of the prefilter's candidates (a scoped
graph); it must find exactly what the same contracts find on grimp's whole graph.

A built-in contract in the config makes ``ssot-imports check`` build the whole graph, so each
tree is checked twice, with and without one, and the findings of our contracts compared.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
import threading
from pathlib import Path

import grimp
import pytest
from conftest import CONFIG_HEAD, EXAMPLES, REPO, Project, run_tool, script
from ssot_imports import api
from ssot_imports.adapters.grimp_internals import on_demand_reading_available
from ssot_imports.adapters.locator import ModuleLocator
from ssot_imports.adapters.scoped_graph import ScopedGraph
from ssot_imports.adapters.shared_scans import ScanReceiver, ScanSender
from ssot_imports.api import CheckRequest
from ssot_imports.domain.prefilter import FactFinder, Request, in_import_context
from ssot_imports.domain.report import CheckReport

sys.path.insert(0, str(REPO / "bench"))
from generate import generate

WHOLE_GRAPH = """
[importlinter:contract:whole-graph]
name = Any built-in contract makes the whole graph
type = forbidden
source_modules =
    {source}
forbidden_modules =
    {forbidden}
"""


def _check(root: Path, config: Path) -> CheckReport:
    return api.check(CheckRequest(config=str(config), project_root=root, use_cache=False))


def _ours(report: CheckReport) -> dict[str, object]:
    return {
        result.id: (
            sorted(
                (v.kind, v.path, v.line, v.column, v.symbol, v.via, v.suggestion, v.message)
                for v in result.violations
            ),
            result.coverage,
        )
        for result in report.contracts
        if result.id != "whole-graph"
    }


def _both(root: Path, config: Path, source: str, forbidden: str) -> tuple[CheckReport, ...]:
    assert (
        on_demand_reading_available()
    )  # else both runs would build the whole graph and prove nothing
    scoped = _check(root, config)
    whole_config = config.with_name("whole.ini")
    whole_config.write_text(
        config.read_text() + WHOLE_GRAPH.format(source=source, forbidden=forbidden)
    )
    whole = _check(root, whole_config)
    return scoped, whole


def _located(report: CheckReport, *prefixes: str) -> list[tuple[str, int, str]]:
    """(path, line, kind) of every violation, sorted; only under ``prefixes`` when given."""
    return sorted(
        (v.path, v.line, v.kind)
        for result in report.contracts
        for v in result.violations
        if not prefixes or v.path.startswith(prefixes)
    )


def _diagnostics(report: CheckReport) -> list[tuple[str, str, int | None]]:
    return sorted((d.kind, d.path, d.line) for d in report.diagnostics)


def test_benchmark_tree_same_findings_both_ways(tmp_path: Path) -> None:
    planted = generate(tmp_path, 400, seed=7)
    config = tmp_path / "ssot.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    mono\ncontract_types =\n"
        "    canonical_import: ssot_imports.canonical_import.CanonicalImportContract\n"
        "    single_module_identity: "
        "ssot_imports.single_module_identity.SingleModuleIdentityContract\n\n"
        "[importlinter:contract:ssot]\nname = SSOT\ntype = canonical_import\n"
        "canonical_module = mono.core.ws.manager_api\n"
        "implementation_modules =\n    mono.core.ws.manager_impl\n\n"
        "[importlinter:contract:identity]\nname = Identity\ntype = single_module_identity\n"
    )
    scoped, whole = _both(tmp_path, config, "mono.core.ws.util", "mono.core.ws.legacy")
    assert _ours(scoped) == _ours(whole)
    kinds: dict[str, int] = {}
    for result in scoped.contracts:
        for violation in result.violations:
            kinds[violation.kind] = kinds.get(violation.kind, 0) + 1
    assert kinds == {
        "implementation-import": planted.implementation_import,
        "shim-import": planted.shim_import,
        "renamed-import": planted.renamed_import,
        "secondary-name": planted.secondary_name,
        "string-reference": planted.string_reference,
        "shadow-root": planted.shadow_root,
    }


def test_demo_same_findings_both_ways(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".import_linter_cache"))
    config = tmp_path / "demo.ini"
    config.write_text((EXAMPLES / ".importlinter").read_text())
    scoped, whole = _both(
        root,
        config,
        "netra_backend.app.websocket_core.unified_manager",
        "netra_backend.app.routes",
    )
    assert _ours(scoped) == _ours(whole)
    assert sum(len(result.violations) for result in scoped.contracts) == 20


# Every way an import can hide from a byte prefilter, and a shim whose alias is only met
# while following the graph.
TRICKY_TREE = {
    "pkg/__init__.py": "",
    "pkg/core/__init__.py": "",
    "pkg/core/impl.py": "class Impl:\n    pass\n",
    "pkg/core/api.py": "from pkg.core.impl import Impl as Manager\n\n__all__ = ['Manager']\n",
    "pkg/app/__init__.py": "",
    # Parenthesised over several lines: the implementation's name is alone on its line.
    "pkg/app/multiline.py": "from pkg.core import (\n    impl,\n)\n\nX = impl.Impl\n",
    # After a docstring line and a `;`; the docstring mentions the path in prose.
    "pkg/app/semicolon.py": '"""Uses pkg.core.impl."""; import pkg.core.impl\n',
    # Only a docstring: not an import, and not a candidate.
    "pkg/app/prose.py": '"""See pkg.core.impl for the real thing."""\n',
    # A shim that renames, and a consumer that spells only the new name.
    "pkg/app/legacy.py": "from pkg.core.api import Manager as Mgr\n",
    "pkg/app/consumer.py": "from pkg.app.legacy import Mgr\n\nmgr = Mgr()\n",
    "pkg/app/module_user.py": "import pkg.app.legacy as legacy\n\nmgr = legacy.Mgr()\n",
    # Lazy and TYPE_CHECKING imports of the implementation.
    "pkg/app/lazy.py": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from pkg.core.impl import Impl\n\n\ndef f():\n"
        "    from pkg.core.impl import Impl\n    return Impl\n"
    ),
    # A package re-exporting through a star import (allowed: it takes from the canonical
    # module), and a child taking the names from it with `from . import *`.
    "pkg/star/__init__.py": "from pkg.core.api import *\n",
    "pkg/star/child.py": "from . import *\n\nprint(Manager)\n",
    # Old Mac line endings.
    "pkg/app/carriage.py": "'''doc'''\rfrom pkg.core.impl import Impl\r",
}


def _tricky_project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    project.root.mkdir()
    for relative, text in TRICKY_TREE.items():
        project.write_bytes(relative, text.encode())  # bytes: the CR line endings stay
    return project


def test_tricky_imports_same_findings_both_ways(tmp_path: Path) -> None:
    project = _tricky_project(tmp_path)
    config = project.config()
    scoped, whole = _both(project.root, config, "pkg.app.prose", "pkg.app.carriage")
    assert _ours(scoped) == _ours(whole)
    assert _diagnostics(scoped) == _diagnostics(whole)
    assert _located(scoped) == [
        ("pkg/app/carriage.py", 2, "implementation-import"),
        ("pkg/app/consumer.py", 1, "shim-import"),
        ("pkg/app/lazy.py", 4, "implementation-import"),
        ("pkg/app/lazy.py", 8, "implementation-import"),
        ("pkg/app/legacy.py", 1, "renamed-import"),
        ("pkg/app/module_user.py", 1, "shim-import"),
        ("pkg/app/multiline.py", 2, "implementation-module-import"),
        ("pkg/app/semicolon.py", 1, "implementation-module-import"),
        ("pkg/star/child.py", 1, "shim-import"),
    ]


@pytest.mark.parametrize(
    ("shim", "user"),
    [
        ("pkg/app/l\u00e9gacy.py", "from pkg.app import l\u00e9gacy\nx = l\u00e9gacy.Legacy\n"),
        (
            "pkg/app/\u0928\u093e\u092e.py",
            "import pkg.app.\u0928\u093e\u092e as compat\nx = compat.Legacy\n",
        ),
        ("pkg/app/legacy.py", "from pkg.app import\x0clegacy\nx = legacy.Legacy\n"),
    ],
)
def test_a_shim_imported_as_a_module_by_any_name_is_found_both_ways(
    tmp_path: Path, shim: str, user: str
) -> None:
    """The prefilter's import names are Python's: a name beyond ASCII (NFKC), and a form feed
    between words (a trial found the scoped graph missing these shim imports)."""
    project = Project(tmp_path / "project")
    project.root.mkdir()
    for relative, text in TRICKY_TREE.items():
        if relative.startswith(("pkg/__init__", "pkg/core/", "pkg/app/__init__", "pkg/app/prose")):
            project.write_bytes(relative, text.encode())
    project.write_bytes(shim, b"from pkg.core.api import Manager\nLegacy = Manager\n")
    project.write_bytes("pkg/app/user.py", user.encode())
    scoped, whole = _both(project.root, project.config(), "pkg.app.prose", "pkg.core.impl")
    assert _ours(scoped) == _ours(whole)
    assert ("pkg/app/user.py", 1, "shim-import") in _located(scoped)


def test_two_root_packages_same_findings_both_ways(tmp_path: Path) -> None:
    project = _tricky_project(tmp_path)
    project.tree(
        {
            "other/__init__.py": "",
            "other/user.py": "from pkg.core.impl import Impl\nfrom pkg.app.legacy import Mgr\n",
            "other/loose/script.py": "from pkg.core import impl\n",
        }
    )
    head = CONFIG_HEAD.replace("    pkg\n", "    pkg\n    other\n")
    config = project.config(head=head)
    scoped, whole = _both(project.root, config, "pkg.app.prose", "other.user")
    assert _ours(scoped) == _ours(whole)
    assert _located(scoped, "other/") == [
        ("other/loose/script.py", 1, "implementation-module-import"),
        ("other/user.py", 1, "implementation-import"),
        ("other/user.py", 2, "shim-import"),
    ]


def test_type_checking_imports_excluded_the_same_both_ways(tmp_path: Path) -> None:
    project = _tricky_project(tmp_path)
    head = CONFIG_HEAD.replace(
        "[importlinter]\n", "[importlinter]\nexclude_type_checking_imports = true\n"
    )
    config = project.config(head=head)
    scoped, whole = _both(project.root, config, "pkg.app.prose", "pkg.app.carriage")
    assert _ours(scoped) == _ours(whole)
    lazy = sorted(v.line for r in scoped.contracts for v in r.violations if "lazy" in v.path)
    assert lazy == [8]  # the TYPE_CHECKING import on line 4 is left out


def test_syntax_error_in_a_candidate_is_reported_scoped(tmp_path: Path) -> None:
    project = _tricky_project(tmp_path)
    project.write("pkg/app/broken.py", "from pkg.core.api import Manager\ndef f(:\n")
    report = _check(project.root, project.config())
    assert ("syntax-error", "pkg/app/broken.py", 2) in _diagnostics(report)


def test_a_file_grimps_scanner_panics_on_is_left_out_the_same_both_ways(tmp_path: Path) -> None:
    """grimp's scanner panics (it does not raise) on a relative import above the top package,
    and names no file: both graphs scan halves until the file is found, and leave it out
    with a diagnostic (the whole graph stopped the run with exit 2: found by a trial)."""
    project = _tricky_project(tmp_path)
    project.write("pkg/app/above.py", "from .... import x\nfrom pkg.core.impl import Impl\n")
    scoped, whole = _both(project.root, project.config(), "pkg.app.prose", "pkg.app.carriage")
    assert _ours(scoped) == _ours(whole)
    assert _diagnostics(scoped) == _diagnostics(whole)
    left_out = [d for d in whole.diagnostics if d.path == "pkg/app/above.py"]
    assert [
        (d.kind, d.message.startswith("grimp's scanner could not read it (")) for d in left_out
    ] == [("unreadable-file", True)]
    assert left_out[0].message.endswith(
        ": the relative import on line 1 goes above the top package"
    )
    assert ("pkg/app/above.py", 2, "implementation-import") not in _located(whole)
    assert ("pkg/app/carriage.py", 2, "implementation-import") in _located(whole)


@pytest.mark.parametrize("built_in", [False, True])
def test_a_panic_of_grimps_scanner_leaves_one_line_on_standard_error(
    tmp_path: Path, built_in: bool
) -> None:
    """Its panics (one per half scanned again, a stack each with RUST_BACKTRACE) said on
    standard error what the D005 says; only the run's own line is left (a trial)."""
    project = _tricky_project(tmp_path)
    project.write("pkg/app/above.py", "from .... import x\nfrom pkg.core.impl import Impl\n")
    config = project.config()
    if built_in:
        config.write_text(
            config.read_text()
            + WHOLE_GRAPH.format(source="pkg.app.prose", forbidden="pkg.app.carriage")
        )
    result = run_tool(
        [script("ssot-imports"), "check", "--no-cache"], project.root, {"RUST_BACKTRACE": "1"}
    )
    assert result.code == 1
    said = (
        "ssot-imports: 1 file(s) could not be checked and may hide violations; the first: "
        "pkg/app/above.py: grimp's scanner could not read it (range end index "
        "18446744073709551615 out of range for slice of length 3): the relative import on "
        "line 1 goes above the top package"
    )
    if built_in:  # (the whole graph is built with standard error quiet)
        assert result.err.splitlines() == [said]
    else:  # (scans run beside the check's own output: only the halves' panics are quiet)
        assert result.err.splitlines()[-1] == said
        assert result.err.count("panicked at") <= 1


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"from a import impl\n", True),
        (b"from a import (\n    impl,\n)\n", True),
        (b'"""About impl."""\n', False),
        (b"# impl is old\n", False),
        (b"    '''\n    impl in prose\n", True),  # a prose line inside a string counts
        (b'"""doc"""; import a.impl\n', True),
        (b"x = 1\r'''doc'''\rimport impl\r", True),
        (b'r"""impl"""\n', True),  # a string prefix: counted, never missed
        (b"", False),
    ],
)
def test_import_context(source: bytes, expected: bool) -> None:
    assert in_import_context(source, b"impl") is expected


@pytest.mark.parametrize(
    ("source", "tops", "paths"),
    [
        (b"from a.b import c\nimport d.e, f\n", ["a", "d", "f"], ["a.b", "d.e"]),
        (b"try: from a.b import c\nexcept ImportError: pass\n", ["a"], ["a.b"]),
        (b"if TYPE_CHECKING: import a.b\n", ["a"], ["a.b"]),
        (b"x = 1; import a.b; from .c.d import e\n", ["a"], [".c.d", "a.b"]),
        (b"def f(): from a.b import c\n", ["a"], ["a.b"]),
        (b"lazy import a.b\n\fimport c.d\rimport e\n", ["a", "c", "e"], ["a.b", "c.d"]),
        (b"\xef\xbb\xbfimport a.b\n", ["a"], ["a.b"]),  # a byte order mark first
        (b"print('x;'); import a.b\nif s != '#': from c.d import e\n", ["a", "c"], ["a.b", "c.d"]),
        (
            b"import\\\n    a.b\nfrom.x import y\nfrom c . d import e\n",
            ["a", "c"],
            [".x", "a.b", "c.d"],
        ),
        (b"import os\rfrom a.b import c\r", ["a", "os"], ["a.b"]),
        # Not where a statement starts: `raise ... from`, prose, the `import` of a `from`.
        (b"raise X from a.b\nNote: from c.d import e\n", [], []),
    ],
)
def test_the_records_name_every_import_statements_module(
    source: bytes, tops: list[str], paths: list[str]
) -> None:
    """The first names and dotted paths of a file's imports, wherever a statement can start:
    what the scoped graph looks a shim's importers up by, and the stale-path check reads."""
    _, found_tops, _, found_paths = FactFinder(Request(words=("x",))).facts(source)
    assert (found_tops, found_paths) == (tops, paths)


def test_scoped_graph_reads_only_what_it_is_asked(tmp_path: Path) -> None:
    project = _tricky_project(tmp_path)
    sys.path.insert(0, str(project.root))
    try:
        locator = ModuleLocator(["pkg"])
        graph = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        assert "pkg.app.consumer" in graph.modules and "pkg.star.child" in graph.modules
        assert graph.find_modules_that_directly_import("pkg.app.legacy") == set()
        graph.read_imports_of(["pkg.app.consumer", "pkg.app.lazy"])
        assert graph.find_modules_that_directly_import("pkg.app.legacy") == {"pkg.app.consumer"}
        assert [
            d["line_number"]
            for d in graph.get_import_details(importer="pkg.app.lazy", imported="pkg.core.impl")
        ] == [4, 8]
        assert graph.direct_import_exists(importer="pkg.app", imported="pkg.core", as_packages=True)
        assert graph.scanned == {"pkg.app.consumer", "pkg.app.lazy"}
    finally:
        sys.path.remove(str(project.root))


def test_names_met_late_are_found_through_the_imported_names(tmp_path: Path) -> None:
    """A shim's new name (`Mgr`) and its use as a module (`legacy.Mgr`) are found from the
    prefilter's record of imported names, cold and warm, with no bytes kept or searched."""
    project = _tricky_project(tmp_path)
    config = project.config()

    def run(cache: bool) -> list[tuple[str, int, str]]:
        report = api.check(
            CheckRequest(config=str(config), project_root=project.root, use_cache=cache)
        )
        return sorted((v.path, v.line, v.kind) for v in report.violations)

    first = run(cache=True)
    assert ("pkg/app/consumer.py", 1, "shim-import") in first  # from legacy import Mgr
    assert ("pkg/app/module_user.py", 1, "shim-import") in first  # legacy.Mgr
    assert run(cache=True) == first  # the warm run answers from the cached records
    project.write("pkg/app/late.py", "from pkg.app.legacy import Mgr\n")
    project.write("pkg/app/late_module.py", "from pkg.app import legacy as old\nold.Mgr()\n")
    expected = sorted(
        [
            *first,
            ("pkg/app/late.py", 1, "shim-import"),
            ("pkg/app/late_module.py", 1, "shim-import"),
        ]
    )
    assert run(cache=True) == expected
    assert run(cache=False) == expected
    cache = project.root / ".import_linter_cache" / "ssot-imports"
    assert sorted(path.name.split("-")[0] for path in cache.iterdir()) == ["findings", "prescan"]


def test_packages_from_the_walk_match_grimps_finder(tmp_path: Path) -> None:
    from ssot_imports.adapters.grimp_internals import FileSystem, find_packages
    from ssot_imports.adapters.scoped_graph import packages_from_walk

    generate(tmp_path, 300, seed=3)
    for relative in (
        "mono/my-folder/__init__.py",  # not an identifier: grimp leaves it out
        "mono/my-folder/inner.py",
        "mono/loose/deeper/__init__.py",  # under a folder without __init__.py
        "mono/core/.hidden.py",
        "mono/core/two.dots.py",
        "mono/core/ws/__pycache__/cached.py",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    sys.path.insert(0, str(tmp_path))
    try:
        locator = ModuleLocator(["mono"])
        ours = packages_from_walk(locator.roots, locator.files(), locator.linked_directories)
        theirs = find_packages(FileSystem(), ["mono"])
        assert ours is not None
        assert {m.module.name for p in ours for m in p.module_files} == {
            m.module.name for p in theirs for m in p.module_files
        }
        assert [(p.name, p.directory) for p in ours] == [(p.name, p.directory) for p in theirs]
        # Descendants are a range of the sorted names: the same as grimp's, for every module
        # (`mono.core` must not take `mono.core_x`, nor `mono.co` take `mono.core`).
        (tmp_path / "mono" / "core_x.py").write_text("")
        (tmp_path / "mono" / "co.py").write_text("")
        scoped = ScopedGraph(
            ModuleLocator(["mono"]), exclude_type_checking_imports=False, display=str
        )
        whole = grimp.build_graph("mono", cache_dir=None)
        assert scoped.modules == whole.modules
        for module in sorted(whole.modules):
            assert scoped.find_descendants(module) == whole.find_descendants(module), module
        # A linked folder is followed, as grimp's finder follows it; one back to a folder
        # above it is not (grimp's would walk round forever): the walk says where it is.
        (tmp_path / "mono" / "linked").symlink_to(tmp_path / "mono" / "core")
        relinked = ModuleLocator(["mono"])
        ours = packages_from_walk(relinked.roots, relinked.files(), relinked.linked_directories)
        theirs = find_packages(FileSystem(), ["mono"])
        assert ours is not None
        names = {m.module.name for p in ours for m in p.module_files}
        assert names == {m.module.name for p in theirs for m in p.module_files}
        assert "mono.linked" in names
        (tmp_path / "mono" / "core" / "back").symlink_to(tmp_path / "mono")
        looped = ModuleLocator(["mono"])
        assert names == {
            m.module.name
            for p in packages_from_walk(looped.roots, looped.files(), looped.linked_directories)
            or ()
            for m in p.module_files
        }
        assert [str(path.relative_to(tmp_path)) for path, _ in looped.problems] == [
            "mono/core/back",
            "mono/linked/back",
        ]
    finally:
        sys.path.remove(str(tmp_path))


def _all_edges(graph: ScopedGraph) -> dict[tuple[str, str], list[int]]:
    return {
        (importer, imported): [
            d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)
        ]
        for imported in sorted(graph.modules)
        for importer in sorted(graph.find_modules_that_directly_import(imported))
    }


def test_a_prefetch_gives_what_a_read_gives(tmp_path: Path) -> None:
    """Modules prefetched (read in a thread beside the caller) count as read once their batch
    is done and a read comes; nobody waits for them (a read asking for a module not done yet
    reads it itself, and the batch then adds nothing twice). The answers are exactly those of
    direct reads, whatever the timing; a deep copy takes every batch."""
    project = _tricky_project(tmp_path)
    sys.path.insert(0, str(project.root))
    try:
        locator = ModuleLocator(["pkg"])
        direct = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        direct.read_imports_of(["pkg.app.consumer", "pkg.app.lazy", "pkg.app.legacy"])
        fetched = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        fetched.prefetch([["pkg.app.lazy"], ["pkg.app.consumer", "pkg.app.lazy"]])
        assert fetched.scanned == set()  # not taken yet
        fetched.read_imports_of(["pkg.app.lazy", "pkg.app.legacy"])
        assert {"pkg.app.lazy", "pkg.app.legacy"} <= fetched.scanned
        copied = copy.deepcopy(fetched)
        assert copied.scanned == {"pkg.app.consumer", "pkg.app.lazy", "pkg.app.legacy"}
        fetched.read_imports_of(["pkg.app.consumer"])
        assert fetched.scanned == {"pkg.app.consumer", "pkg.app.lazy", "pkg.app.legacy"}
        assert _all_edges(fetched) == _all_edges(direct) == _all_edges(copied)
        assert _all_edges(direct)[("pkg.app.lazy", "pkg.core.impl")] == [4, 8]
        fetched.settle()
    finally:
        sys.path.remove(str(project.root))


def test_a_prefetch_that_fails_leaves_the_read_to_say_why(tmp_path: Path) -> None:
    project = _tricky_project(tmp_path)
    project.write("pkg/app/broken.py", "from pkg.core.api import Manager\ndef f(:\n")
    sys.path.insert(0, str(project.root))
    try:
        locator = ModuleLocator(["pkg"])
        graph = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        graph.prefetch([["pkg.app.broken", "pkg.app.consumer"]])
        graph.read_imports_of(["pkg.app.broken", "pkg.app.consumer"])
        assert graph.find_modules_that_directly_import("pkg.app.legacy") == {"pkg.app.consumer"}
        assert [(d.kind, d.line) for d in graph.excluded.values()] == [("syntax-error", 2)]
    finally:
        sys.path.remove(str(project.root))


def _sharing_pair(
    locator: ModuleLocator, shared: set[str], first: set[str] = frozenset()
) -> tuple[ScopedGraph, ScopedGraph, ScanSender]:
    """An original that scans ``shared`` and sends it, and a copy that expects it: one
    process plays both parts here, both ends of the pipe made by hand (after a fork, each
    process closes the end it does not use)."""
    read_end, write_end = os.pipe()
    original = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
    copied = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
    copied.receive_scans(ScanReceiver(read_end), frozenset(shared))
    sender = original.send_scans(ScanSender(frozenset(shared), write_end), frozenset(shared), first)
    return original, copied, sender


def test_scans_sent_to_a_copy_are_what_its_own_reads_would_find(tmp_path: Path) -> None:
    """The copy of a run's process does not scan the modules its original scans for both: they
    come through a pipe (the copy sees the file as the original scanned it), the others are
    read as usual, and a module the original could not scan is read by the copy, which says
    why itself. The answers are exactly a direct read's."""
    project = _tricky_project(tmp_path)
    project.write("pkg/app/broken.py", "from pkg.core.api import Manager\ndef f(:\n")
    sys.path.insert(0, str(project.root))
    try:
        locator = ModuleLocator(["pkg"])
        asked = ["pkg.app.consumer", "pkg.app.lazy", "pkg.app.legacy", "pkg.app.broken"]
        direct = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        direct.read_imports_of(asked)
        shared = {"pkg.app.consumer", "pkg.app.lazy", "pkg.app.broken"}
        original, copied, sender = _sharing_pair(locator, shared, first={"pkg.app.lazy"})
        original.wait()  # scanned, and sent (the broken module as one it could not scan)
        # Changed after the original scanned it: the copy gets what the original saw.
        project.write("pkg/app/consumer.py", "import pkg.core.impl\n")
        reading = threading.Thread(target=copied.read_imports_of, args=(asked,), daemon=True)
        reading.start()
        reading.join(timeout=60)  # (the sender is still open: nothing waits for its end)
        assert not reading.is_alive()
        sender.close()
        assert copied.scanned == set(asked)
        assert _all_edges(copied) == _all_edges(direct)
        assert copied.find_modules_that_directly_import("pkg.app.legacy") == {"pkg.app.consumer"}
        assert [(d.kind, d.line) for d in original.excluded.values()] == [("syntax-error", 2)]
        assert [(d.kind, d.line) for d in copied.excluded.values()] == [("syntax-error", 2)]
        # A module read after the message came is read as usual (it was never expected).
        copied.read_imports_of(["pkg.app.module_user"])
        assert copied.find_modules_that_directly_import("pkg.app.legacy") == {
            "pkg.app.consumer",
            "pkg.app.module_user",
        }
    finally:
        sys.path.remove(str(project.root))


def test_a_copy_reads_itself_what_its_original_did_not_send(tmp_path: Path) -> None:
    """An original that stops before sending (it finished, failed or was interrupted) leaves
    the copy to read the shared modules itself, as soon as it asks for one; a copy that is
    gone leaves the original's sending quiet; a deep copy of a copy takes everything shared."""
    project = _tricky_project(tmp_path)
    sys.path.insert(0, str(project.root))
    try:
        locator = ModuleLocator(["pkg"])
        asked = ["pkg.app.consumer", "pkg.app.lazy", "pkg.app.legacy"]
        direct = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        direct.read_imports_of(asked)
        read_end, write_end = os.pipe()
        copied = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        copied.receive_scans(ScanReceiver(read_end), frozenset(asked))
        ScanSender(frozenset(asked), write_end).close()
        copied.read_imports_of(asked)
        assert _all_edges(copied) == _all_edges(direct)

        _, copied, sender = _sharing_pair(locator, set(asked))
        deep = copy.deepcopy(copied)
        assert deep.scanned == set(asked)
        deep.read_imports_of(asked)
        assert _all_edges(deep) == _all_edges(direct)

        read_end, write_end = os.pipe()
        os.close(read_end)  # the copy is gone
        gone = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        gone.send_scans(ScanSender(frozenset(asked), write_end), frozenset(asked))
        gone.wait()  # no error: nobody needs them any more
        assert _all_edges(gone) == _all_edges(direct)
        sender.close()
    finally:
        sys.path.remove(str(project.root))


def test_a_shim_with_a_common_name_is_found_however_it_is_imported(tmp_path: Path) -> None:
    """A shim called ``utils`` shares its name with other modules that many files import:
    the scoped graph reads only the files whose import lines could name the shim (its path,
    its package, a relative source), and finds what the whole graph finds."""
    project = _tricky_project(tmp_path)
    project.tree(
        {
            "pkg/shims/__init__.py": "",
            "pkg/shims/utils.py": "from pkg.core.impl import Impl as Thing\n",
            "pkg/other/__init__.py": "",
            "pkg/other/utils.py": "def helper():\n    return 1\n",
            "pkg/users/__init__.py": "",
            "pkg/users/unrelated.py": "from pkg.other import utils\nutils.helper()\n",
            "pkg/users/by_package.py": "from pkg.shims import utils\nutils.Thing()\n",
            "pkg/users/by_path.py": "import pkg.shims.utils as compat\ncompat.Thing()\n",
            "pkg/shims/sibling.py": "from . import utils\nutils.Thing()\n",
            "pkg/users/aliased.py": "from pkg.shims import utils as u\nu.Thing()\n",
            # An import that does not start its line: after a one-line block's header, a `;`.
            "pkg/users/one_line_try.py": (
                "try: import pkg.shims.utils as compat\n"
                "except ImportError: compat = None\ncompat.Thing()\n"
            ),
            "pkg/users/after_semicolon.py": "x = 1; from pkg.shims import utils\nutils.Thing()\n",
            "pkg/users/quoted_before.py": (
                "print('loading;'); import pkg.shims.utils as compat\ncompat.Thing()\n"
            ),
            "pkg/users/hash_in_header.py": (
                "if __name__ != '#': from pkg.shims import utils\nutils.Thing()\n"
            ),
            "pkg/users/bom.py": "\ufefffrom pkg.shims import utils\nutils.Thing()\n",
            "pkg/users/spaced.py": "from pkg . shims import utils\nutils.Thing()\n",
            "pkg/shims/no_space.py": "from. import utils\nutils.Thing()\n",
            "pkg/users/backslash.py": "from pkg.shims.utils import\\\n    Thing\n",
            "pkg/users/todo_comment.py": (
                "from pkg.shims import (  # see (x)\n    utils,\n)\nutils.Thing()\n"
            ),
        }
    )
    config = project.config()
    scoped, whole = _both(project.root, config, "pkg.app.prose", "pkg.app.carriage")
    assert _ours(scoped) == _ours(whole)
    assert _located(scoped, "pkg/users/", "pkg/shims/") == [
        ("pkg/shims/no_space.py", 1, "shim-import"),
        ("pkg/shims/sibling.py", 1, "shim-import"),
        ("pkg/shims/utils.py", 1, "implementation-import"),
        ("pkg/users/after_semicolon.py", 1, "shim-import"),
        ("pkg/users/aliased.py", 1, "shim-import"),
        ("pkg/users/backslash.py", 2, "shim-import"),
        ("pkg/users/bom.py", 1, "shim-import"),
        ("pkg/users/by_package.py", 1, "shim-import"),
        ("pkg/users/by_path.py", 1, "shim-import"),
        ("pkg/users/hash_in_header.py", 1, "shim-import"),
        ("pkg/users/one_line_try.py", 1, "shim-import"),
        ("pkg/users/quoted_before.py", 1, "shim-import"),
        ("pkg/users/spaced.py", 1, "shim-import"),
        ("pkg/users/todo_comment.py", 2, "shim-import"),
    ]


# Every way an import names a module: relative at each depth, a package importing its own
# modules, a module taken from its package, an object from a module, names spelled with spaces
# around the dots or across a backslash, letters beyond ASCII, another encoding.
RESOLUTION_TREE: dict[str, bytes] = {
    "pkg/__init__.py": b"from . import core\nfrom .core import impl as _impl\n",
    "pkg/core/__init__.py": b"from .impl import Impl\nfrom . import api\n",
    "pkg/core/impl.py": b"class Impl:\n    pass\n",
    "pkg/core/api.py": b"from pkg.core.impl import Impl as Manager\nfrom .. import core\n",
    "pkg/core/caf\u00e9.py": "CAFÉ = 1\n".encode(),
    "pkg/app/__init__.py": b"",
    "pkg/app/deep/__init__.py": b"from ...core import impl\nfrom ..views import render\n",
    "pkg/app/deep/leaf.py": (
        b"from ... import core\nfrom ...core.impl import Impl, Missing\nfrom . import nothing\n"
        b"import pkg . core . impl as spaced\nfrom pkg.core \\\n    import api\n"
        b"if True: import pkg.app.views; from pkg.core.api import Manager\n"
        b"def later():\n    from pkg.core import caf\xc3\xa9, impl\n"
        b"    import pkg.core.impl.Impl\n    return caf\xc3\xa9.CAF\xc3\x89\n"
    ),
    "pkg/app/views.py": (
        b"# -*- coding: latin-1 -*-\n'''caf\xe9'''\nfrom pkg.core.api import Manager\n"
        b"from pkg.app import deep, views\nimport pkg.app.deep.leaf\n"
    ),
    # Names Python reads in NFKC form (a fullwidth low line, a decomposed letter) or that are
    # not ASCII at all (Devanagari, with a combining sign).
    "pkg/my_helper.py": b"x = 1\n",
    "pkg/\u0928\u093e\u092e.py": b"x = 1\n",
    "pkg/unicode.py": (
        "from pkg import my\uff3fhelper\nfrom pkg.core import cafe\u0301\n"
        "import pkg.\u0928\u093e\u092e\n"
    ).encode(),
    # ASCII bytes that mean other text in their declared encoding, and UTF-8 bytes that mean
    # other letters in theirs.
    "pkg/\u5b9f\u88c5.py": b"x = 1\n",
    "pkg/jp.py": b"# -*- coding: iso-2022-jp -*-\nfrom pkg import \x1b$B<BAu\x1b(B\n",
    "pkg/\u00c3\u0160.py": b"x = 1\n",
    "pkg/win.py": b"# -*- coding: cp1252 -*-\nfrom pkg import \xc3\x8a\n",
    # A module that is a file and a package at once: grimp reads the file.
    "pkg/dup.py": b"from pkg import my_helper\n",
    "pkg/dup/__init__.py": b"",
}


def test_a_scan_of_a_few_files_finds_what_a_scan_given_every_module_finds(
    tmp_path: Path,
) -> None:
    """grimp's scanner is given, for a scan of a few files, only the modules they name and
    those above them (``ScanScope``): each import resolves exactly as with every module."""
    from ssot_imports.adapters.grimp_internals import scanner
    from ssot_imports.adapters.scan_scope import FEW_FILES, ScanScope

    project = Project(tmp_path / "project")
    for relative, data in RESOLUTION_TREE.items():
        project.write_bytes(relative, data)
    sys.path.insert(0, str(project.root))
    try:
        locator = ModuleLocator(["pkg"])
        graph = ScopedGraph(locator, exclude_type_checking_imports=False, display=str)
        packages = graph._packages
        scope = ScanScope(packages)
        files = {
            module_file.module.name: module_file for p in packages for module_file in p.module_files
        }
        assert len(files) == 17

        def scan(modules: list[str], given: object) -> set[tuple[str, str, int, str]]:
            found = scanner()(
                [files[m] for m in modules],
                found_packages=given,
                include_external_packages=False,
                exclude_type_checking_imports=False,
            )
            return {
                (d.importer.name, d.imported.name, d.line_number, d.line_contents)
                for imports in found.values()
                for d in imports
            }

        batches = [[m] for m in sorted(files)] + [["pkg.app.deep.leaf", "pkg.app.views"]]
        everything = {"pkg.app.views", "pkg.jp", "pkg.win"}  # (their words cannot be read)
        for batch in batches:
            given = scope.packages_for(batch)
            assert (given is packages) == bool(everything.intersection(batch)), batch
            assert scan(batch, given) == scan(batch, packages), batch
        found = {
            module: {imported for _, imported, _, _ in scan([module], scope.packages_for([module]))}
            for module in ("pkg.unicode", "pkg.jp", "pkg.win", "pkg.dup")
        }
        assert found == {
            "pkg.unicode": {"pkg.my_helper", "pkg.core.caf\u00e9", "pkg.\u0928\u093e\u092e"},
            "pkg.jp": {"pkg.\u5b9f\u88c5"},
            "pkg.win": {"pkg.\u00c3\u0160"},
            "pkg.dup": {"pkg.my_helper"},
        }
        leaf = scan(["pkg.app.deep.leaf"], scope.packages_for(["pkg.app.deep.leaf"]))
        assert {(imported, line) for _, imported, line, _ in leaf} == {
            ("pkg.core", 1),
            ("pkg.core.impl", 2),
            ("pkg.app.deep", 3),
            ("pkg.core.impl", 4),
            ("pkg.core.api", 5),
            ("pkg.app.views", 7),
            ("pkg.core.api", 7),
            ("pkg.core.caf\u00e9", 9),
            ("pkg.core.impl", 9),
            ("pkg.core.impl", 10),
        }
        many = sorted(files)[: FEW_FILES + 1]
        assert scope.packages_for(many) is packages  # (more files: every module, as grimp's)
    finally:
        sys.path.remove(str(project.root))


def test_a_linked_folder_is_checked_and_a_link_above_is_said_both_ways(tmp_path: Path) -> None:
    """Python and grimp import the modules of a linked folder under the link's name: they are
    checked (they counted as nothing before). A link back to a folder above it is not
    followed (grimp's walk went round forever) and is a diagnostic; so is a link to nothing,
    with the whole graph too (it stopped the run with an internal error)."""
    project = _tricky_project(tmp_path)
    outside = tmp_path / "elsewhere" / "linked"
    outside.mkdir(parents=True)
    (outside / "__init__.py").write_text("")
    (outside / "user.py").write_text("from pkg.core.impl import Impl\n")
    (project.root / "pkg" / "app" / "linked").symlink_to(outside)
    (outside / "again").symlink_to(project.root / "pkg")
    (project.root / "pkg" / "app" / "dangling.py").symlink_to("missing.py")
    config = project.config()
    scoped, whole = _both(project.root, config, "pkg.app.prose", "pkg.app.carriage")
    assert _ours(scoped) == _ours(whole)
    assert ("pkg/app/linked/user.py", 1, "implementation-import") in _located(scoped)
    for report in (scoped, whole):
        assert [(d.code, d.path) for d in report.diagnostics if d.code == "D005"] == [
            ("D005", "pkg/app/dangling.py"),
            ("D005", "pkg/app/linked/again"),
        ]
