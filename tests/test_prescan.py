"""The byte prefilter gives the same records whether one process reads the tree or two."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import run_tool
from ssot_imports.application import prescan

REQUEST = prescan.Request(
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
from ssot_imports.application import prescan
request = prescan.Request(
    words=("Manager", "import *"),
    patterns=(("rebinding", r"\\bas\\s+(Manager)\\b", ("as Manager",)),),
    import_words=("impl",),
)
paths = sorted(Path(sys.argv[1]).rglob("*.py"))
forked = prescan._can_fork()
kept = {}
records = prescan.scan(paths, request, None, kept)
alone = prescan._Reader(request, {}, keep=True).read([str(p) for p in paths])
print(json.dumps({
    "forked": forked,
    "files": len(paths),
    "same": [(r[2], r[3]) for r in alone]
    == [(sorted(records[p].words), sorted(records[p].tops)) for p in paths],
    "kept": all(kept[p] == p.read_bytes() for p in paths),
}))
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="the second process is forked on Linux with two CPUs or more",
)
def test_forked_read_matches_one_process(tmp_path: Path) -> None:
    paths = _tree(tmp_path / "tree", prescan._PARALLEL_MINIMUM + 100)
    result = run_tool([sys.executable, "-c", FORKED_READ, str(tmp_path / "tree")], cwd=tmp_path)
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "forked": True,
        "files": len(paths),
        "same": True,
        "kept": True,
    }


def test_records_say_what_each_file_holds(tmp_path: Path) -> None:
    paths = _tree(tmp_path, 30)
    records = prescan.scan(paths, REQUEST, None)
    record = records[paths[15]]  # 15: spells Manager, imports impl, renames to Manager
    assert record.words == {"Manager", "rebinding:Manager", "import:impl"}
    assert record.tops == {"os", "pkg"}
    assert records[paths[11]].tops == {"os", "json", "pkg"}
    assert records[paths[1]].words == frozenset()  # the implementation only in prose


def test_cache_is_used_and_refreshed(tmp_path: Path) -> None:
    paths = _tree(tmp_path, 30)
    cache = tmp_path / "cache"
    first = prescan.scan(paths, REQUEST, cache)
    paths[3].write_text("x = 1\n")
    second = prescan.scan(paths, REQUEST, cache)
    assert second[paths[3]].words == frozenset() and first[paths[3]].words
    assert {p: second[p] for p in paths if p != paths[3]} == {
        p: first[p] for p in paths if p != paths[3]
    }
