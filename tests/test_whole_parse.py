"""grimp's parser vouches for the files ``fix`` may parse statement by statement: exactly
those it reads whole without a syntax error."""

from __future__ import annotations

from pathlib import Path

from ssot_imports.adapters.whole_parse import files_parsing_whole


def test_only_files_that_parse_whole_are_vouched_for(tmp_path: Path) -> None:
    def write(relative: str, data: bytes) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    fine = write(
        "tests/unit/test_fine.py",
        b"from . import helpers\nimport os\n\n\ndef f():\n    return os\n",
    )
    same_stem = write("tests/other/test_fine.py", b"x = 1\n")
    late_error = write("tests/unit/test_broken.py", b"import os\n\n\ndef oops(:\n    pass\n")
    second_error = write("tests/other/test_also_broken.py", b"class (:\n")
    latin = write("scripts/latin.py", b"# caf\xe9\nx = 1\n")
    declared = write("scripts/declared.py", b"# -*- coding: latin-1 -*-\n# caf\xe9\nx = 1\n")
    dashed = write("scripts/run-me.py", b"x = 1\n")
    package = write("lib/__init__.py", b"x = 1\n")
    newer = write("lib/generic.py", b"def first[T](items: list[T]) -> T:\n    return items[0]\n")
    found, broken = files_parsing_whole(
        [fine, same_stem, late_error, second_error, latin, declared, dashed, package, newer]
    )
    # Two syntax errors, bytes that are not UTF-8 without a coding line saying so, and names
    # that cannot stand in for a module are not vouched for; a declared encoding is read, and
    # syntax newer than this Python parses (``fix`` then finds ``ast`` cannot read it).
    assert found == {fine, same_stem, declared, newer}
    assert {path: (d.code, d.line, d.message) for path, d in broken.items()} == {
        late_error: ("D001", 4, "syntax error: def oops(:"),
        second_error: ("D001", 1, "syntax error: class (:"),
    }
    assert files_parsing_whole([]) == (set(), {})
