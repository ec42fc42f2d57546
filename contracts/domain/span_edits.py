"""Edits applied to exact spans of text, for the common cases where that is all a fix needs.

Rewriting a file with libcst means parsing it, visiting every node and printing it again:
about a third of a second for a 20 KB file. Most fixes change one name or one string: here
those are applied to the exact characters ``ast`` locates, and every other byte stays. The
result must be what the libcst codemod (``rewrite``) would write; whenever an edit needs more
than a span (a statement split, a name joining an earlier import of the same module), this
gives up and the codemod does the whole file. A test compares both on many files.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Sequence

from msgspec import Struct

from .edits import (
    ChainEdit,
    CommentEdit,
    Edit,
    FromImportEdit,
    ImportedName,
    ModuleEdit,
    StringEdit,
)
from .outline import Outline
from .parsing import split_lines
from .strings import dotted_name
from .suppressions import comment_alone

_STRING = re.compile(r"([rRbBuU]{0,2})('''|\"\"\"|'|\")(.*)\2", re.DOTALL)
_FROM_MODULE = re.compile(r"(\s*from\s+)(\.*[\w.]*?)(\s+import\b)")
_ALIAS = re.compile(r"([\w.]+)(?:(\s+as\s+)(\w+))?")


# What a line to be removed is replaced with until every other edit is made (a comment):
# other edits count lines. ``without_dropped`` removes the marked lines last.
DROPPED = "# ssot-imports: this line goes"


# Comments that say something to a tool (kept whatever goes around them).
_DIRECTIVE = re.compile(
    r"\s*#\s*(?:fmt|isort|noqa|type|pylint|pragma|ruff|mypy|pyright|ssot-imports)\b"
)


def without_dropped(text: str) -> str:
    """``text`` without the lines marked ``DROPPED`` (a comment after the mark stays).

    A statement dropped inside a function or class that made a paragraph of its own (a blank
    line or nothing after it) takes the comment lines just above it along, as libcst does
    with a statement's leading lines, and one blank line, so that no comment is left about
    nothing and no block starts with a blank line. At module level, and when code follows
    directly, the comments stay: they may head a group of imports, or the code after.
    """
    if DROPPED not in text:
        return text
    lines = split_lines(text)
    dropped = {number for number, line in enumerate(lines) if line.strip().startswith(DROPPED)}
    # A comment after a statement that goes stays, on a line of its own (but what applied to
    # that line only: ``noqa``, ``type: ignore``).
    kept: dict[int, str] = {}
    for number in dropped:
        line = lines[number]
        after_mark = line.strip()[len(DROPPED) :].strip()
        alone = comment_alone(line, after_mark) if after_mark.startswith("#") else ""
        if alone:
            kept[number] = alone
    dropped -= kept.keys()
    gone = set(dropped)
    for last in sorted(dropped):
        if last + 1 in dropped:
            continue  # not the end of a run of dropped lines
        first = last
        while first - 1 in dropped:
            first -= 1
        indent = _indentation(lines[first])
        after = last + 1
        if indent == 0 or (after < len(lines) and lines[after].strip()):
            continue
        top = first
        while top > 0 and _plain_comment(lines[top - 1], indent):
            top -= 1
        gone.update(range(top, first))
        before = lines[top - 1].strip() if top > 0 else ""
        follows = next((line for line in lines[after + 1 :] if line.strip()), "")
        if (
            after < len(lines)
            and (not before or before.endswith(":"))
            and _indentation(follows) == indent
        ):
            gone.add(after)  # the paragraph's blank line
    return "".join(
        kept.get(number, line) for number, line in enumerate(lines) if number not in gone
    )


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _plain_comment(line: str, indent: int) -> bool:
    """A comment line of prose at ``indent`` (no quote in it: it cannot end a string)."""
    stripped = line.strip()
    return (
        stripped.startswith("#")
        and _indentation(line) == indent
        and not stripped.startswith(DROPPED)
        and _DIRECTIVE.match(line) is None
        and "'" not in line
        and '"' not in line
    )


class SpanChange(Struct):
    line: int  # 0-based
    start: int  # character offsets in that line
    end: int
    text: str


def apply_span_edits(text: str, tree: ast.Module, edits: Sequence[tuple[str, Edit]]) -> str | None:
    """``text`` with every edit applied to its span, or None if one of them needs the codemod.

    ``tree`` is ``text`` parsed by ``ast``. Every edit must find its place, as it would in the
    codemod; the keys are those of ``rewrite.apply_edits``.
    """
    plan = plan_span_edits(text, tree, edits)
    if plan.needs_codemod:
        return None
    applied = plan.apply(text, plan.changes)
    return None if applied is None else without_dropped(applied)


class SpanPlan(Struct):
    """For each edit (by key), the span changes that make it, or its need of the codemod."""

    changes: dict[str, list[SpanChange]]
    needs_codemod: list[str]

    @staticmethod
    def apply(text: str, changes: dict[str, list[SpanChange]]) -> str | None:
        """``text`` with the changes of the given edits made (None if two overlap)."""
        every = [change for found in changes.values() for change in found]
        spans = sorted((c.line, c.start, c.end) for c in every)
        for before, after in itertools.pairwise(spans):
            if before[0] == after[0] and before[2] > after[1]:
                return None  # two edits on one span
        lines = split_lines(text)
        for change in sorted(every, key=lambda c: (c.line, c.start), reverse=True):
            line = lines[change.line]
            lines[change.line] = line[: change.start] + change.text + line[change.end :]
        return "".join(lines)


def plan_span_edits(
    text: str,
    tree: ast.Module,
    edits: Sequence[tuple[str, Edit]],
    outline: Outline | None = None,
) -> SpanPlan:
    """For each edit, its span changes or its need of the codemod. ``outline``: the tree's,
    when the caller has it already."""
    lines = split_lines(text)
    locator = _Locator(tree, {edit.line for _, edit in edits}, outline or Outline(tree))
    for _, edit in edits:
        if isinstance(edit, FromImportEdit):
            locator.moving.setdefault(edit.module, set()).add(edit.line)
    plan = SpanPlan({}, [])
    for key, edit in edits:
        found = _changes_for(edit, lines, locator)
        if found is None:
            plan.needs_codemod.append(key)
        else:
            plan.changes[key] = found
    return plan


class _Locator:
    """The import statements and string constants of a tree, by line, with their block.

    Only the top-level statements holding one of the ``lines`` asked about are walked (and
    the module's own imports listed): an edit is never looked for anywhere else.
    """

    def __init__(self, tree: ast.Module, lines: set[int], outline: Outline) -> None:
        self.imports: dict[int, list[tuple[ast.stmt, list[ast.stmt]]]] = {}
        # Every line of each ``from`` statement, with the statement and its block.
        self.spanning: dict[int, list[tuple[ast.ImportFrom, list[ast.stmt]]]] = {}
        self.moving: dict[str, set[int]] = {}  # the lines of names each module is to take
        self._outline = outline
        self.tree = tree
        self._strings: dict[int, list[ast.Constant]] = {}
        for node in tree.body:
            self._note_import(node, tree.body)
        walked: set[int] = set()
        for line in sorted(lines):
            top = outline.holding(line)
            if top is not None and id(top) not in walked:
                walked.add(id(top))
                self._walk_inside(top)

    def strings(self, line: int) -> list[ast.Constant]:
        """The string constants that start on ``line``: only the innermost statement holding
        the line is walked, not the whole tree."""
        if line not in self._strings:
            found: list[ast.Constant] = []
            top = self._outline.holding(line)
            statement = None if top is None else _innermost([top], line)
            if statement is not None:
                found = [
                    node
                    for node in ast.walk(statement)
                    if isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.lineno == line
                ]
            self._strings[line] = found
        return self._strings[line]

    def _note_import(self, node: ast.stmt, body: list[ast.stmt]) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            self.imports.setdefault(node.lineno, []).append((node, body))
        if isinstance(node, ast.ImportFrom):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                self.spanning.setdefault(line, []).append((node, body))

    def _walk(self, body: list[ast.stmt]) -> None:
        for node in body:
            self._note_import(node, body)
            self._walk_inside(node)

    def _walk_inside(self, node: ast.stmt) -> None:
        for name in ("body", "orelse", "finalbody"):
            child = getattr(node, name, None)
            if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
                self._walk(child)
        for handler in getattr(node, "handlers", ()) or ():
            self._walk(handler.body)
        for case in getattr(node, "cases", ()) or ():
            self._walk(case.body)


def _innermost(body: list[ast.stmt], line: int) -> ast.stmt | None:
    """The deepest statement whose lines hold ``line``."""
    for node in body:
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            inner = [
                child
                for name in ("body", "orelse", "finalbody")
                for child in getattr(node, name, None) or ()
                if isinstance(child, ast.stmt)
            ]
            for holder in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]:
                inner += holder.body
            return _innermost(inner, line) or node
        if node.lineno > line:
            return None
    return None


def _changes_for(edit: Edit, lines: list[str], locator: _Locator) -> list[SpanChange] | None:
    if isinstance(edit, CommentEdit):
        return _comment_change(edit, lines)
    if isinstance(edit, ChainEdit):
        return _chain_changes(edit, lines, locator.tree)
    if isinstance(edit, StringEdit):
        return _string_change(edit, lines, locator)
    if isinstance(edit, ModuleEdit):
        return _module_change(edit, lines, locator)
    return _from_change(edit, lines, locator)


def _characters(line: str, offset: int) -> int:
    """A UTF-8 byte offset (as ``ast`` gives it) as a character offset."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="replace"))


def _string_change(
    edit: StringEdit, lines: list[str], locator: _Locator
) -> list[SpanChange] | None:
    for node in locator.strings(edit.line):
        if node.value != edit.value or node.end_lineno != node.lineno:
            continue
        line = lines[node.lineno - 1]
        start = _characters(line, node.col_offset)
        end = _characters(line, node.end_col_offset or 0)
        literal = _STRING.fullmatch(line[start:end])
        if literal is None or literal.group(3) != edit.value:
            return None  # escapes, concatenation: the codemod knows the literal's parts
        prefix, quote = literal.group(1), literal.group(2)
        return [SpanChange(node.lineno - 1, start, end, f"{prefix}{quote}{edit.new_value}{quote}")]
    return None


def _chain_changes(edit: ChainEdit, lines: list[str], tree: ast.Module) -> list[SpanChange] | None:
    """Every read of ``chain.attribute`` rewritten, each where ``ast`` puts it; None when one
    is not written plainly on one line (the codemod does not do these: the finding stays)."""
    renamed = dict(edit.attributes)
    changes = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr in renamed
            and dotted_name(node.value) == edit.chain
        ):
            continue
        if node.end_lineno != node.lineno:
            return None
        line = lines[node.lineno - 1]
        start = _characters(line, node.col_offset)
        end = _characters(line, node.end_col_offset or 0)
        if line[start:end] != f"{edit.chain}.{node.attr}":
            return None
        text = f"{edit.new_chain}.{renamed[node.attr]}"
        changes.append(SpanChange(node.lineno - 1, start, end, text))
    return changes or None


def _comment_change(edit: CommentEdit, lines: list[str]) -> list[SpanChange] | None:
    """The comment that ends line ``edit.line``, changed or removed (with the blanks before
    it). The comment must be exactly where the check saw it."""
    if not 0 < edit.line <= len(lines):
        return None
    line = lines[edit.line - 1]
    end = len(line.rstrip("\r\n"))
    if line[edit.column : end] != edit.comment:
        return None
    if edit.new_comment:
        return [SpanChange(edit.line - 1, edit.column, end, edit.new_comment)]
    if not line[: edit.column].strip():
        return [SpanChange(edit.line - 1, 0, end, DROPPED)]  # a line of its own: it goes
    start = len(line[: edit.column].rstrip(" \t"))
    return [SpanChange(edit.line - 1, start, end, "")]


def _simple(node: ast.stmt, lines: list[str]) -> bool:
    """One statement alone on its line(s): no `;`, no backslash, no compound header."""
    first = lines[node.lineno - 1]
    head = first[: _characters(first, node.col_offset)]
    last = lines[(node.end_lineno or node.lineno) - 1]
    tail = last[_characters(last, node.end_col_offset or 0) :].strip()
    return (
        head.strip() == ""
        and (tail == "" or tail.startswith("#"))
        and "\\" not in "".join(lines[node.lineno - 1 : node.end_lineno or node.lineno])
    )


def _on_one_line(node: ast.stmt, lines: list[str]) -> bool:
    """A statement on one line that shares it (``if TYPE_CHECKING: from a import B``, ``import
    os; from a import B``): its own characters can still be changed in place (the codemod
    rewrites whole lines of statements, not a block written on its header's line)."""
    return node.end_lineno == node.lineno and "\\" not in lines[node.lineno - 1]


def _module_change(
    edit: ModuleEdit, lines: list[str], locator: _Locator
) -> list[SpanChange] | None:
    for node, _ in locator.imports.get(edit.line, ()):
        if not _simple(node, lines) and not _on_one_line(node, lines):
            return None
        line = lines[node.lineno - 1]
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == edit.dotted and alias.lineno == node.lineno:
                    start = _characters(line, alias.col_offset)
                    if not line.startswith(edit.dotted, start):
                        return None
                    return [
                        SpanChange(
                            node.lineno - 1, start, start + len(edit.dotted), edit.new_dotted
                        )
                    ]
            continue
        if node.level or node.module is None:
            continue
        if node.module == edit.dotted or edit.dotted.startswith(node.module + "."):
            found = _FROM_MODULE.match(line, _characters(line, node.col_offset))
            if found is None or found.group(2) != node.module:
                return None
            return [SpanChange(node.lineno - 1, found.start(2), found.end(2), edit.new_dotted)]
    return None


def _module_text(node: ast.ImportFrom) -> str:
    return "." * node.level + (node.module or "")


def _from_change(
    edit: FromImportEdit, lines: list[str], locator: _Locator
) -> list[SpanChange] | None:
    if not edit.names:
        return _drop_change(edit, lines, locator)
    if len(edit.names) != 1:
        return None
    for node, block in _statements_with_alias(edit, locator):
        if not isinstance(node, ast.ImportFrom):
            return None
        if not _simple(node, lines) and not _on_one_line(node, lines):
            return None
        alias = next(a for a in node.names if _is_edited(a, edit))
        changes = _alias_change(alias, edit.names[0], lines)
        if changes is None:
            return None
        source = _module_text(node)
        if edit.module == source:  # the right module, the wrong name: renamed in place
            return changes
        # Every name of the statement moves to the edit's module (one name), and no earlier
        # import of that module in the same block would take it instead.
        if len(node.names) != 1 or _has_host(node, block, edit.module, locator.moving):
            return None
        first = lines[node.lineno - 1]
        found = _FROM_MODULE.match(first, _characters(first, node.col_offset))
        if found is None or found.group(2) != source:
            return None
        return [SpanChange(node.lineno - 1, found.start(2), found.end(2), edit.module), *changes]
    return None


def _drop_change(
    edit: FromImportEdit, lines: list[str], locator: _Locator
) -> list[SpanChange] | None:
    """An import of one name, alone on its line, that goes: its line is marked to go. A
    statement alone in its block needs ``pass`` instead: the codemod writes that."""
    for node, block in _statements_with_alias(edit, locator):
        if len(node.names) != 1 or len(block) == 1 or not _simple(node, lines):
            return None
        if node.end_lineno != node.lineno:
            return None
        line = lines[node.lineno - 1]
        start = _characters(line, node.col_offset)
        end = _characters(line, node.end_col_offset or 0)
        # The statement's span only: a comment after it may have an edit of its own, and the
        # marked line goes whole anyway.
        return [SpanChange(node.lineno - 1, start, end, DROPPED)]
    return None


def _is_edited(alias: ast.alias, edit: FromImportEdit) -> bool:
    return (
        alias.lineno == edit.line
        and alias.name == edit.name
        and (alias.asname or alias.name) == edit.local
    )


def _statements_with_alias(
    edit: FromImportEdit, locator: _Locator
) -> list[tuple[ast.stmt, list[ast.stmt]]]:
    return [
        (node, block)
        for node, block in locator.spanning.get(edit.line, ())
        if any(_is_edited(alias, edit) for alias in node.names)
    ]


def _has_host(
    node: ast.ImportFrom, block: list[ast.stmt], module: str, moving: dict[str, set[int]]
) -> bool:
    """Whether the codemod would add the name to an earlier statement of the block: a
    ``from <module> import`` there already, or one that an edit turns into that."""
    for sibling in block:
        if sibling is node:
            return False
        if not isinstance(sibling, ast.ImportFrom):
            continue
        star = any(alias.name == "*" for alias in sibling.names)
        if not star and _module_text(sibling) == module:
            return True
        end = sibling.end_lineno or sibling.lineno
        if any(sibling.lineno <= line <= end for line in moving.get(module, ())):
            return True
    return False


def _alias_change(alias: ast.alias, new: ImportedName, lines: list[str]) -> list[SpanChange] | None:
    line = lines[alias.lineno - 1]
    if alias.end_lineno != alias.lineno:
        return None
    start = _characters(line, alias.col_offset)
    end = _characters(line, alias.end_col_offset or 0)
    parts = _ALIAS.fullmatch(line[start:end])
    if parts is None:
        return None
    name, between = parts.group(1), parts.group(2)
    if new.name == new.local:
        text = new.name
    elif between:
        text = f"{new.name}{between}{new.local}"
    else:
        text = f"{new.name} as {new.local}"
    if text == line[start:end]:
        return []
    return [SpanChange(alias.lineno - 1, start, end, text)] if name else None
