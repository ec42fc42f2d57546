"""Strings are looked for in the top-level statements that hold them, parsed on their own:
the references found are those of the whole file parsed, in every layout."""

from __future__ import annotations

import ast

import pytest
from ssot_imports.domain.parsing import split_lines
from ssot_imports.domain.scopes import string_mask
from ssot_imports.domain.segments import statement_trees
from ssot_imports.domain.strings import find_string_references, string_pattern

LAYOUTS = {
    "a decorator over lines": (
        '@patch(\n    "pkg.impl.Impl"\n)\ndef test_a(p):\n    pass\n\n\nx = 1\n',
        [2],
    ),
    "an if/else at module level": (
        'if x:\n    a = 1\nelse:\n    P = patch("pkg.impl.Impl")\n',
        [4],
    ),
    "a backslash continuation": ('P = \\\npatch("pkg.impl.Impl")\n', [2]),
    "a string statement that is not the docstring": (
        '"""Doc."""\nimport os\n"pkg.impl.Impl"\n',
        [3],
    ),
    "the docstring itself": ('"pkg.impl.Impl"\nimport os\n', [1]),
    "a call split at column 0": (
        'x = patch.multiple(\n"pkg.impl",\nImpl=1,\n)\ny = 2\n',
        [2],
    ),
    "a triple-quoted string holding column-0 code": (
        'TEXT = """\nfrom x import y\nP = 1\n"""\nQ = patch("pkg.impl.Impl")\n',
        [5],
    ),
    "several strings in one class": (
        'class T:\n    a = patch("pkg.impl.Impl")\n\n    def f(self):\n'
        '        return importlib.import_module("pkg.impl")\n',
        [2, 5],
    ),
}


def _references(trees: list[ast.Module], lines: list[int]) -> list[tuple]:
    pattern = string_pattern(["pkg.impl"])
    found = {
        (r.value, r.line, r.column, r.call)
        for tree in trees
        for r in find_string_references(tree, pattern, lines)
    }
    return sorted(found)


@pytest.mark.parametrize("case", sorted(LAYOUTS))
def test_statements_cut_out_give_the_whole_files_references(case: str) -> None:
    text, lines = LAYOUTS[case]
    split = split_lines(text)
    trees = statement_trees(split, string_mask(split), lines)
    assert trees is not None
    assert _references(trees, lines) == _references([ast.parse(text)], lines)
    assert len(_references([ast.parse(text)], lines)) == len(lines) - (
        case == "the docstring itself"
    )


def test_a_statement_that_cannot_be_cut_out_asks_for_the_whole_file() -> None:
    # Column-0 names inside a bracket, then code no cut of a few statements can parse.
    names = "".join(f"a{index}=1,\n" for index in range(12))
    text = f'x = f(\n{names}c="pkg.impl",\n{names})\n'
    split = split_lines(text)
    trees = statement_trees(split, string_mask(split), [14])
    whole = _references([ast.parse(text)], [14])
    assert whole == [("pkg.impl", 14, 2, "f(…)")]
    assert trees is None or _references(trees, [14]) == whole
