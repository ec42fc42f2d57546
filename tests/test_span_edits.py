"""Edits on exact spans write exactly what the libcst codemod writes, wherever they apply; on
the demo and on a dense benchmark tree they apply to most files."""

from __future__ import annotations

import ast
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import libcst
import pytest
from conftest import EXAMPLES, REPO
from msgspec.structs import replace
from ssot_imports import api
from ssot_imports.api import CheckRequest
from ssot_imports.application.pipeline.fixing import rewrite_source
from ssot_imports.domain.edits import (
    AttributeEdit,
    FromImportEdit,
    ImportedName,
    ModuleEdit,
    StringEdit,
)
from ssot_imports.domain.rewrite import apply_edits
from ssot_imports.domain.span_edits import apply_span_edits

sys.path.insert(0, str(REPO / "bench"))
from generate import generate
from run import DENSE_FIVE, ssot_config


def _both(text: str, edits: list) -> tuple[str | None, str, set[str]]:
    keyed = [(str(index), edit) for index, edit in enumerate(edits)]
    spans = apply_span_edits(text, ast.parse(text), keyed)
    codemod = apply_edits(libcst.parse_module(text), keyed)
    return spans, codemod.module.code, codemod.applied


@pytest.mark.parametrize(
    ("text", "edits", "applies"),
    [
        (
            "import os\nfrom pkg.impl import Impl  # keep\n",
            [FromImportEdit(2, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),))],
            True,
        ),
        (
            "from pkg.api import Other\nfrom pkg.impl import Impl\n",  # joins the earlier import
            [FromImportEdit(2, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),))],
            False,
        ),
        (
            "from pkg.impl import Impl, helper\n",  # a split
            [FromImportEdit(1, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),))],
            False,
        ),
        (
            "from pkg.api import Alias  as  Local\n",  # renamed in place, spacing kept
            [FromImportEdit(1, "Alias", "Local", "pkg.api", (ImportedName("Manager", "Local"),))],
            True,
        ),
        (
            "from ..core import impl as um\n",
            [FromImportEdit(1, "impl", "um", "..core", (ImportedName("api", "um"),))],
            True,
        ),
        (
            "import pkg.impl as um, os\n",
            [ModuleEdit(1, "pkg.impl", "pkg.api", alias="um")],
            True,
        ),
        (
            "from app.x import (a,\n    b)\n",
            [ModuleEdit(1, "app.x", "root.app.x", names=(ImportedName("a", "a"),))],
            True,
        ),
        (
            "def test():\n    with patch(r'pkg.impl.Impl'):\n        pass\n",
            [StringEdit(2, "pkg.impl.Impl", "pkg.api.Manager")],
            True,
        ),
        ("x = 'pkg.impl' 'Impl'\n", [StringEdit(1, "pkg.implImpl", "pkg.api")], False),
        (
            "def f():\n    from pkg.impl import Impl  # noqa\n    return Impl\n",  # dropped
            [FromImportEdit(2, "Impl", "Impl", "pkg.api", ())],
            True,
        ),
        (
            "def f():\n    from pkg.impl import Impl\n",  # alone in its block: `pass`
            [FromImportEdit(2, "Impl", "Impl", "pkg.api", ())],
            False,
        ),
        (
            "x = 1; from pkg.impl import Impl\n",  # two statements on one line: in place
            [FromImportEdit(1, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),))],
            True,
        ),
    ],
)
def test_span_edits_match_the_codemod_or_step_aside(text: str, edits: list, applies: bool) -> None:
    spans, codemod, applied = _both(text, edits)
    assert (spans is not None) is applies
    if spans is not None:
        assert spans == codemod
        assert len(applied) == len(edits)


def test_span_edits_on_real_shaped_trees(tmp_path: Path) -> None:
    """Every fixable finding of the demo and of a dense tree: grouped by file, the span edits
    (where they apply) give the codemod's bytes, and they apply to most files."""
    demo = tmp_path / "demo"
    shutil.copytree(EXAMPLES, demo)
    tree = tmp_path / "dense"
    generate(tree, 900, seed=2, profile="dense")
    (tree / ".importlinter").write_text(ssot_config(DENSE_FIVE))
    compared = fast = 0
    for root in (demo, tree):
        report = api.check(
            CheckRequest(config=str(root / ".importlinter"), project_root=root, use_cache=False)
        )
        by_file: dict[str, list] = defaultdict(list)
        for violation in report.violations:
            if violation.fixable and not isinstance(violation.edit, AttributeEdit):
                # Renamed uses are another pass (tests/test_renames.py): compared without.
                edit = violation.edit
                if isinstance(edit, FromImportEdit):
                    edit = replace(edit, rename_to=None)
                if isinstance(edit, StringEdit):  # its uses are checked by the same pass
                    edit = replace(edit, exposes=None)
                by_file[violation.path].append(edit)
        for relative, edits in sorted(by_file.items()):
            text = (root / relative).read_text()
            spans, codemod, applied = _both(text, edits)
            compared += 1
            if spans is not None:
                fast += 1
                assert spans == codemod, relative
            # What fix writes (span edits, the codemod on the head of the file for the rest)
            # is what the codemod writes on the whole file.
            keyed = [(str(index), edit) for index, edit in enumerate(edits)]
            rewritten = rewrite_source(text.encode(), keyed)
            written, written_applied = rewritten.data, rewritten.applied
            assert (written.decode(), written_applied) == (codemod, applied), relative
    assert compared > 50
    assert fast > compared * 0.6, (fast, compared)
    print(f"{fast} of {compared} files by span edits")


# Edits the spans cannot make, at module level and in several top-level statements: the
# codemod runs on the file's head and on each such statement alone.
PIECEWISE = """\
import os
from pkg.api import Other
from pkg.impl import Impl, helper  # split: Impl joins the import above


def first():
    from pkg.api import Other
    from pkg.impl import Impl, helper
    return Impl, helper, Other


\x0c
class Second:
    def method(self):
        from pkg.impl import Impl
        return Impl

    def other(self):
        return "pkg.impl.Impl"


@decorated
def third():
    from pkg.impl import (
        Impl,  # the name
        helper,
    )
    return Impl, helper
"""


def test_the_codemod_on_parts_matches_the_codemod_on_the_whole() -> None:
    def moved(line: int) -> FromImportEdit:
        return FromImportEdit(line, "Impl", "Impl", "pkg.api", (ImportedName("Manager", "Impl"),))

    edits = [
        ("head", moved(3)),
        ("first", moved(8)),
        ("second", FromImportEdit(15, "Impl", "Impl", "pkg.api", ())),
        ("string", StringEdit(19, "pkg.impl.Impl", "pkg.api.Manager")),
        ("third", moved(25)),
    ]
    whole = apply_edits(libcst.parse_module(PIECEWISE), edits)
    parts = rewrite_source(PIECEWISE.encode(), edits)
    assert parts.data.decode() == whole.module.code
    assert parts.applied == whole.applied == {key for key, _ in edits}
    # The form feed is not a line break to Python: every edit found its line.
    assert "\x0c\nclass Second:" in parts.data.decode()


def test_a_part_that_would_not_parse_leaves_the_file_alone() -> None:
    """Each rewritten part is parsed on its own: an edit that breaks its statement (here a
    quote in a new string value) is caught there, whatever the rest of the file."""
    from ssot_imports.application.pipeline import fixing

    text = "import os\n\n\ndef f():\n    return 'pkg.impl'\n\n\nx = 1\n"
    fine = [("good", StringEdit(5, "pkg.impl", "pkg.api"))]
    assert (
        fixing.rewrite_source(text.encode(), fine).data
        == text.replace("'pkg.impl'", "'pkg.api'").encode()
    )
    with pytest.raises(fixing._BrokenRewrite):
        fixing.rewrite_source(text.encode(), [("bad", StringEdit(5, "pkg.impl", "pkg.api'x"))])


_GOES = "# ssot-imports: this line goes"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(  # a paragraph of its own at the top of a body: comment and blank go
            "def f():\n    # A lazy import.\n    GOES\n\n    return 1\n",
            "def f():\n    return 1\n",
            id="paragraph-after-header",
        ),
        pytest.param(  # between two blank lines: one of them stays
            "def f():\n    a = 1\n\n    # Why.\n    # More.\n    GOES\n\n    return a\n",
            "def f():\n    a = 1\n\n    return a\n",
            id="paragraph-between-blanks",
        ),
        pytest.param(  # code follows directly: the comment may be about it
            "def f():\n    # Set up.\n    GOES\n    m = 1\n",
            "def f():\n    # Set up.\n    m = 1\n",
            id="code-follows",
        ),
        pytest.param(  # at module level a comment may head a group of imports
            "# Legacy paths\nGOES\n\nimport os\n",
            "# Legacy paths\n\nimport os\n",
            id="module-level",
        ),
        pytest.param(  # a tool's comment, or one with a quote in it, stays
            "def f():\n    # noqa: E402\n    # don't\n    GOES\n\n    return 1\n",
            "def f():\n    # noqa: E402\n    # don't\n\n    return 1\n",
            id="directives-and-quotes",
        ),
        pytest.param(  # the end of a block: the blank line before the next one stays
            "class A:\n    x = 1\n    # Old.\n    GOES\n\ndef g():\n    pass\n",
            "class A:\n    x = 1\n\ndef g():\n    pass\n",
            id="end-of-block",
        ),
    ],
)
def test_a_dropped_paragraph_takes_its_comment_and_blank_line(before: str, after: str) -> None:
    from ssot_imports.domain.span_edits import without_dropped

    text = before.replace("GOES", _GOES)
    assert without_dropped(text) == after
    ast.parse(after)
