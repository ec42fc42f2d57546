"""The byte prefilter gives the same records whether one process reads the tree or two."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.application import prescan

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


@pytest.mark.skipif(not prescan._can_fork(), reason="the second process is forked on Linux only")
def test_forked_read_matches_one_process(tmp_path: Path) -> None:
    paths = _tree(tmp_path, prescan._PARALLEL_MINIMUM + 100)
    kept: dict[Path, bytes] = {}
    records = prescan.scan(paths, REQUEST, None, kept)
    reader = prescan._Reader(REQUEST, {}, keep=True)
    alone = reader.read([str(path) for path in paths])
    assert [(r[2], r[3]) for r in alone] == [
        (sorted(records[p].words), sorted(records[p].tops)) for p in paths
    ]
    assert len(kept) == sum(1 for r in alone if r[4] is not None)
    assert all(kept[p] == p.read_bytes() for p in paths[-5:])  # from the child's half
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
