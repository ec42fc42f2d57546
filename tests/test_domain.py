"""The domain on its own: no files, no graph, no command line."""

from __future__ import annotations

import ast
import textwrap

import libcst
import pytest
from ssot_imports.domain import rules
from ssot_imports.domain.edits import FromImportEdit, ImportedName, ModuleEdit, StringEdit
from ssot_imports.domain.exports import ObjectRef, derive_exports
from ssot_imports.domain.findings import Violation, with_fingerprints
from ssot_imports.domain.modules import expression_matches, relative_name, resolve_relative
from ssot_imports.domain.parsing import logical_line, parse_logical_line
from ssot_imports.domain.prefilter import FactFinder, Request, in_import_context
from ssot_imports.domain.rewrite import apply_edits
from ssot_imports.domain.statements import (
    Binding,
    ImportStatement,
    iter_file_imports,
    quick_bindings,
)
from ssot_imports.domain.suggestions import from_module, swap_module


def test_edits_render_the_suggested_line() -> None:
    move = FromImportEdit(3, "Impl", "Manager", "..core.api", (ImportedName("Manager", "Manager"),))
    assert move.render() == "from ..core.api import Manager"
    assert not move.renames_local
    keep = FromImportEdit(3, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),))
    assert keep.render() == "from pkg.api import Manager as Impl"
    assert keep.renames_local is False
    rename = FromImportEdit(3, "Manager", "WSM", "pkg.api", (ImportedName("Manager", "Manager"),))
    assert rename.renames_local
    assert ModuleEdit(1, "pkg.impl", "pkg.api", alias="um").render() == "import pkg.api as um"
    assert ModuleEdit(1, "pkg.impl", "pkg.api").render() == "import pkg.api"
    shadow = ModuleEdit(1, "app.x", "root.app.x", names=(ImportedName("a", "b"),))
    assert shadow.render() == "from root.app.x import a as b"
    assert StringEdit(5, "pkg.impl.X", "pkg.api.X").render() == '"pkg.api.X"'


def test_suggestions_keep_the_files_style() -> None:
    statement = ImportStatement(1, 1, "from ..core import impl as um", True, 2, "core", ())
    assert from_module("pkg.core.api", statement, "pkg.app.user", False) == "..core.api"
    assert from_module("other.api", statement, "pkg.app.user", False) == "other.api"
    binding = Binding("pkg.core", "impl", "um", 1, 20)
    edit = swap_module("pkg.core.api", binding, statement, "pkg.app.user", False)
    assert edit.render() == "from ..core import api as um"
    plain = ImportStatement(1, 1, "import pkg.core.impl", False, 0, None, ())
    spelled = Binding("pkg.core.impl", None, "pkg", 1, 7)
    assert swap_module("pkg.core.api", spelled, plain, "x", False).render() == "import pkg.core.api"


def test_fingerprints_ignore_lines_and_count_duplicates() -> None:
    def violation(line: int) -> Violation:
        return Violation(rules.SHIM_IMPORT, "a.py", line, "pkg.a", "pkg.shim", "m", symbol="X")

    first = with_fingerprints([violation(1), violation(9)])
    moved = with_fingerprints([violation(4), violation(20)])
    assert [v.fingerprint for v in first] == [v.fingerprint for v in moved]
    assert first[0].fingerprint != first[1].fingerprint  # occurrence 0 and 1
    assert first[0].kind == "shim-import" and first[0].code == "SSOT003"
    assert first[0].suggestion is None and not first[0].fixable


def test_a_finding_is_fixable_only_with_an_edit_and_nothing_blocking_it() -> None:
    edit = StringEdit(1, "a.b", "a.c")
    base = {"rule": rules.STRING_REFERENCE, "path": "t.py", "line": 1, "importer": "t"}
    fixable = Violation(**base, imported="a", message="m", edit=edit)
    blocked = Violation(**base, imported="a", message="m", edit=edit, unfixable_reason="no")
    assert (fixable.fixable, fixable.suggestion) == (True, '"a.c"')
    assert (blocked.fixable, blocked.suggestion) == (False, '"a.c"')


def test_relative_imports_resolve_and_are_expressed_back() -> None:
    assert resolve_relative("pkg.app.user", False, 1, "other") == "pkg.app.other"
    assert resolve_relative("pkg.app", True, 2, None) == "pkg"
    assert resolve_relative("pkg", False, 2, "x") is None  # climbs above the top package
    assert relative_name("pkg.core.api", "pkg.app.user", False, 2) == "core.api"
    assert relative_name("other.api", "pkg.app.user", False, 2) is None
    assert expression_matches("pkg.*.user", "pkg.app.user")
    assert expression_matches("pkg.**", "pkg.app.user")
    assert not expression_matches("pkg.*", "pkg.app.user")


def test_quick_bindings_read_simple_lines_and_refuse_the_rest() -> None:
    assert quick_bindings("from .impl import A, B as C", "pkg.core.x", lambda: False) == [
        Binding("pkg.core.impl", "A", "A", 0, -1),
        Binding("pkg.core.impl", "B", "C", 0, -1),
    ]
    assert quick_bindings("import a.b as c, d", "x", lambda: False) == [
        Binding("a.b", None, "c", 0, -1),
        Binding("d", None, "d", 0, -1),
    ]
    for text in ("from x import (A,", "import a; import b", "from x import a \\"):
        assert quick_bindings(text, "x", lambda: False) is None


def test_file_imports_know_their_scope() -> None:
    source = textwrap.dedent(
        """\
        import os
        if TYPE_CHECKING:
            from pkg.impl import A
        def f():
            try:
                from pkg.impl import B
            except ImportError:
                B = None
        """
    )
    statements = list(
        iter_file_imports(
            ast.parse(source),
            importer="pkg.x",
            importer_is_package=False,
            lines=source.splitlines(keepends=True),
        )
    )
    assert [(s.line, s.module_level, s.type_checking, s.conditional) for s in statements] == [
        (1, True, False, False),
        (3, True, True, True),
        (6, False, False, False),
    ]
    assert statements[1].text == "from pkg.impl import A"


def test_logical_lines_span_parentheses() -> None:
    lines = ["x = 1\n", "    from a import (\n", "        B,  # note\n", "    )\n", "y = 2\n"]
    line = logical_line(lines, 2)
    assert (line.start, line.end, line.indent) == (2, 4, 4)
    tree = parse_logical_line(line)
    assert tree is not None and isinstance(tree.body[0], ast.ImportFrom)


def test_exports_follow_aliases_and_dunder_all() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """\
            from pkg.impl import _Impl
            WebSocketManager = _Impl
            UnifiedWebSocketManager = _Impl
            __all__ = ["WebSocketManager", "UnifiedWebSocketManager"]
            """
        )
    )
    exports = derive_exports(
        tree,
        module="pkg.api",
        is_package=False,
        implementation_modules=["pkg.impl"],
        is_module=lambda name: False,
        include_type_checking=True,
        only=(),
        extra=(),
        preferred=(),
    )
    impl = ObjectRef("pkg.impl", "_Impl")
    assert exports.names["WebSocketManager"] == exports.names["UnifiedWebSocketManager"] == impl
    assert exports.preferred_name(impl) == "WebSocketManager"


def test_prefilter_facts_from_bytes() -> None:
    request = Request(("Manager", "import *"), import_words=("impl",))
    words, tops, imported, paths = FactFinder(request).facts(
        b'"""see pkg.impl in prose"""\nimport os, json as j\nfrom pkg.impl import Manager\n'
        b"from a.b import (\n    C,\n    D as E,\n)\nx = 1; import q.r\n"
        b"    from ..up import F\nfrom . import G\nimport s . t as u, v\n"
    )
    assert words == ["Manager", "import:impl"]
    assert tops == ["a", "json", "os", "pkg", "q", "s", "v"]
    # Every name an import takes or binds: module parts, names, `as` names (`;` lines too).
    assert imported == [
        "C",
        "D",
        "E",
        "F",
        "G",
        "Manager",
        "j",
        "json",
        "os",
        "q",
        "r",
        "s",
        "t",
        "u",
        "v",
    ]
    # The module paths with a dot, of import statements (indented, after `;` too).
    assert paths == [".", "..up", "a.b", "pkg.impl", "q.r", "s.t"]
    assert not in_import_context(b'# from pkg.impl import X\n"pkg.impl"\n', b"impl")
    assert in_import_context(b"x = 1; from pkg.impl import X\n", b"impl")
    assert Request(("a", "b")).covers(Request(("a",)))
    assert not Request(("a",)).covers(Request(("a",), import_words=("impl",)))


@pytest.mark.parametrize(
    ("source", "edit", "expected"),
    [
        (
            "from pkg.impl import Impl, helper  # keep\n",
            FromImportEdit(1, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),)),
            "from pkg.impl import helper  # keep\nfrom pkg.api import Manager as Impl\n",
        ),
        (
            "import pkg.impl as um\n\n\nx = um.Impl\n",
            ModuleEdit(1, "pkg.impl", "pkg.api", alias="um"),
            "import pkg.api as um\n\n\nx = um.Impl\n",
        ),
        (
            "patch('pkg.impl.Impl')\n",
            StringEdit(1, "pkg.impl.Impl", "pkg.api.Manager"),
            "patch('pkg.api.Manager')\n",
        ),
    ],
)
def test_rewrite_applies_structured_edits(source: str, edit: object, expected: str) -> None:
    result = apply_edits(libcst.parse_module(source), [("key", edit)])  # type: ignore[list-item]
    assert result.module.code == expected
    assert result.applied == {"key"}


def test_an_edit_that_finds_nothing_is_not_applied() -> None:
    edit = StringEdit(2, "pkg.impl.Impl", "pkg.api.Manager")  # wrong line
    result = apply_edits(libcst.parse_module("patch('pkg.impl.Impl')\n"), [("key", edit)])
    assert result.applied == set()
    assert result.module.code == "patch('pkg.impl.Impl')\n"
