"""The byte prefilter gives the same records whether one process reads the tree or two."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import run_tool
from ssot_imports.adapters.prefilter_reader import PARALLEL_MINIMUM, PrefilterReader
from ssot_imports.application.canonical_paths.record_index import RecordIndex
from ssot_imports.domain.prefilter import Request

REQUEST = Request(
    words=("Manager", "import *"),
    patterns=(("rebinding", r"\bas\s+(Manager)\b", ("as Manager",)),),
    import_words=("impl",),
)


def _tree(root: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        path = root / f"pkg{index % 7}" / f"mod{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = [f'"""Module {index}: see pkg.impl in prose."""\n', "import os\n"]
        if index % 3 == 0:
            text.append("from pkg.core import Manager\n")
        if index % 5 == 0:
            text.append("from pkg.core.impl import Impl as Manager\n")
        if index % 11 == 0:
            text.append("import json, pkg.other as other\n")
        path.write_text("".join(text))
        paths.append(path)
    return paths


# Run in a fresh interpreter: the forked read is used only in a process with no other thread,
# and earlier tests leave grimp's scanner threads in this one.
FORKED_READ = """
import json, sys
from pathlib import Path
from ssot_imports.adapters.prefilter_reader import PrefilterReader, can_fork, read_one_process
from ssot_imports.domain.prefilter import Request
request = Request(
    words=("Manager", "import *"),
    patterns=(("rebinding", r"\\bas\\s+(Manager)\\b", ("as Manager",)),),
    import_words=("impl",),
)
paths = sorted(Path(sys.argv[1]).rglob("*.py"))
forked = can_fork()
records = PrefilterReader(None).scan(paths, request)
alone = read_one_process(request, paths)
print(json.dumps({
    "forked": forked,
    "files": len(paths),
    "same": [list(r) for r in alone]
    == [[sorted(records[p].words), sorted(records[p].tops), sorted(records[p].imported),
         sorted(records[p].paths)] for p in paths],
}))
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="the second process is forked on Linux with two CPUs or more",
)
def test_forked_read_matches_one_process(tmp_path: Path) -> None:
    paths = _tree(tmp_path / "tree", PARALLEL_MINIMUM + 100)
    result = run_tool([sys.executable, "-c", FORKED_READ, str(tmp_path / "tree")], cwd=tmp_path)
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "forked": True,
        "files": len(paths),
        "same": True,
    }


def test_records_say_what_each_file_holds(tmp_path: Path) -> None:
    paths = _tree(tmp_path, 30)
    records = PrefilterReader(None).scan(paths, REQUEST)
    record = records[paths[15]]  # 15: spells Manager, imports impl, renames to Manager
    assert record.words == {"Manager", "rebinding:Manager", "import:impl"}
    assert set(record.tops) == {"os", "pkg"}
    assert set(records[paths[11]].tops) == {"os", "json", "pkg"}
    assert records[paths[1]].words == frozenset()  # the implementation only in prose


def test_record_index_finds_each_file_by_its_record(tmp_path: Path) -> None:
    paths = _tree(tmp_path, 30)
    paths[0].unlink()  # listed, then gone: its record says it could not be read
    records = PrefilterReader(None).scan(paths, REQUEST)
    shared: dict = {}
    index = RecordIndex.of(records, shared)
    assert RecordIndex.of(records, shared) is index  # built once a run
    # Each file found by a record word is one that holds it, and each holder is found.
    for word in ("Manager", "import:impl", "rebinding:Manager"):
        expected = {path for path, record in records.items() if word in record.words}
        assert index.spelling([word]) == expected
    assert index.spelling(["Manager"]) == {p for i, p in enumerate(paths) if i and i % 3 == 0} | {
        p for i, p in enumerate(paths) if i and i % 5 == 0
    }
    assert index.importing(["other"]) == {paths[11], paths[22]}
    assert index.importing(["Impl"]) == {p for i, p in enumerate(paths) if i and i % 5 == 0}
    assert index.unreadable == [paths[0]]
    assert not index.spelling(["nobody"]) and not index.importing(["nobody"])


def test_cache_is_used_and_refreshed(tmp_path: Path) -> None:
    paths = _tree(tmp_path, 30)
    reused, changed = paths[3], paths[6]  # both spell Manager, and nothing else asked for
    reader = PrefilterReader(tmp_path / "cache")
    first = reader.scan(paths, REQUEST)
    assert first[reused].words == first[changed].words == {"Manager"}
    # Same size and modification time, other bytes: the cache answers without reading it.
    stamp = reused.stat()
    reused.write_text(reused.read_text().replace("Manager", "Nobody!"))
    os.utime(reused, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    # A real change (another size): the file is read again.
    changed.write_text("x = 1\n")
    second = reader.scan(paths, REQUEST)
    assert second[reused].words == {"Manager"}  # reused: proves the file was not read
    assert second[changed].words == frozenset()
    assert {p: second[p] for p in paths if p != changed} == {
        p: first[p] for p in paths if p != changed
    }
    assert PrefilterReader(None).scan(paths, REQUEST)[reused].words == frozenset()
