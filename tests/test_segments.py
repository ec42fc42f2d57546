"""Strings are looked for in the top-level statements that hold them, parsed on their own:
the references found are those of the whole file parsed, in every layout."""

from __future__ import annotations

import ast

import pytest
from ssot_imports.application.canonical_paths.source_facts import attribute_uses, attribute_uses_in
from ssot_imports.domain.parsing import split_lines
from ssot_imports.domain.scopes import string_mask
from ssot_imports.domain.segments import cut_module, statement_trees
from ssot_imports.domain.statements import Binding, iter_file_imports
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


USES = '''\
"""A module that uses an imported module in every kind of place."""
import pkg.core.impl as impl_module
from pkg.core import impl


@decorate(impl_module.Marker)
def f(x=impl.helper()):
    return impl_module.Impl(
x)


class C(impl_module.Base):
    attribute = impl.Mode
    text = """
impl_module.NotCode
"""

    def g(self):
        handle = impl_module
        return handle


value = [impl_module.Mode,
impl.Impl]
'''


@pytest.mark.parametrize("local", ["impl_module", "impl"])
def test_attribute_uses_from_cut_statements_equal_the_whole_files(local: str) -> None:
    """A module bound by an import is looked up in the statements that spell its name, cut
    out and parsed on their own (``SourceCache.statements_holding``): its attributes and
    bare uses are those the whole file's tree gives."""
    source = "impl" if local == "impl" else "pkg.core.impl"
    binding = next(
        b
        for b in _bindings(USES)
        if b.local == local and (b.source, b.name) in {(source, None), ("pkg.core", "impl")}
    )
    lines = split_lines(USES)
    spelled = [number for number, line in enumerate(lines, 1) if local in line]
    trees = statement_trees(lines, string_mask(lines), spelled)
    assert trees is not None
    cut = attribute_uses_in([s for tree in trees for s in tree.body], binding)
    whole = attribute_uses(ast.parse(USES), binding, lines)
    assert (cut.attributes, cut.bare) == (whole.attributes, whole.bare)
    expected = {
        "impl_module": ({"Marker": 6, "Impl": 8, "Base": 12, "Mode": 23}, True),
        "impl": ({"helper": 7, "Mode": 13, "Impl": 24}, False),
    }
    assert (cut.attributes, cut.bare) == expected[local]


def _bindings(text: str) -> list[Binding]:
    return [
        binding
        for statement in iter_file_imports(
            ast.parse(text),
            importer="pkg.app.user",
            importer_is_package=False,
            lines=split_lines(text),
        )
        for binding in statement.bindings
    ]


def test_a_cut_module_holds_the_wanted_statements_as_the_whole_file_parses_them() -> None:
    """``fix`` parses only the statements it needs, as one module: the same statements, at
    the same lines, as in the whole file's tree, and none of the stand-ins for what comes
    before each cut; fewer than two statements is no module (one could look alone)."""
    lines = split_lines(USES)
    whole = ast.parse(USES)
    wanted = [2, 6, 18]  # an import, a decorator line, a line inside a class's method
    module = cut_module(lines, string_mask(lines), wanted)
    assert module is not None
    expected = [s for s in whole.body if s.lineno in (2, 7, 12)]
    assert [ast.dump(s, include_attributes=True) for s in module.body] == [
        ast.dump(s, include_attributes=True) for s in expected
    ]
    assert cut_module(lines, string_mask(lines), [2]) is None
