"""What ``fix`` will do with each finding, worked out when the findings are made, so that a
finding promises only that.

A finding whose fix renames the file's uses of a name (``import X as Y`` becoming ``import
X``) is planned here as ``fix`` plans it, with the file's other fixes: a rename the planner
refuses (the name is bound twice, spelled in a string, imported again under ``if
TYPE_CHECKING``…) is not promised. A move keeps the ``as`` and says why; a finding whose
only fix is the rename has no fix (or an unsafe one, when ``--unsafe-fixes`` would make it).
An import a test expects to fail (``with pytest.raises(ImportError):``) is never rewritten:
its finding has no fix. Without this, ``check`` called such findings fixable and ``fix``
left them, run after run.

What another file reads from the module (``from this import Y``, ``mock.patch("…Y")``) is
known only to ``fix``, which scans the whole tree for it: that refusal is still ``fix``'s.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from msgspec.structs import replace

from ...domain import suggestions
from ...domain.edits import AttributeEdit, Edit, FromImportEdit, ModuleEdit
from ...domain.expected_failures import EXPECTED_TO_FAIL, expected_to_fail
from ...domain.findings import Violation
from ...domain.outline import Outline
from ...domain.parsing import SourceFile, is_partial, line_at
from ...domain.rename_inputs import (
    NOT_READ_BY_AST,
    attribute_renames,
    may_bind,
    statements_needed,
)
from ...domain.renames import RenamePlan, plan_renames
from ...domain.segments import cut_module
from ...domain.span_edits import plan_span_edits
from .sources import SourceCache

# What comes before an ``import`` written after a block's header or a ``;`` on its line.
_AFTER_HEADER = re.compile(r"[:;][ \t]*(?:lazy[ \t]+)?(?:from[ \t]+[\w.]+[ \t]+)?$")
# Why ``fix`` leaves an import that shares its block's header line and needs more than an
# in-place change.
_ON_HEADER = (
    "the import is written on its block's header line, where `fix` changes only its module "
    "and one name in place: rewrite it by hand"
)
# How the rename planner says that a rename is an unsafe fix (an ``__all__`` entry changes).
_UNSAFE = "(`--unsafe-fixes`)"


def preview_fixes(
    violations: list[Violation], sources: SourceCache, project_root: Path
) -> list[Violation]:
    """``violations`` with what ``fix`` will do about each: the imports a test expects to
    fail left alone, and each rename as planned."""
    by_path: dict[str, list[Violation]] = defaultdict(list)
    for violation in violations:
        if violation.fixable:
            by_path[violation.path].append(violation)
    previewed: dict[int, Violation] = {}
    for display, group in by_path.items():
        source = sources.file(project_root / display)
        if source is None:
            continue  # unreadable now: the check says so, and ``fix`` will too
        expected = _expected_failures(source, sources, group)
        for number in expected:
            previewed[id(group[number])] = _left_alone(group[number])
        stuck = _on_header_lines(source, sources, group, expected)
        for number in stuck:
            previewed[id(group[number])] = _left_alone(group[number], _ON_HEADER)
        left = expected | set(stuck)
        group = [violation for number, violation in enumerate(group) if number not in left]
        if any(_renames(violation.edit) for violation in group):
            for number, outcome in _previewed(source, sources, group).items():
                previewed[id(group[number])] = outcome
    if not previewed:
        return violations
    return [previewed.get(id(violation), violation) for violation in violations]


def _left_alone(violation: Violation, reason: str = "") -> Violation:
    """A finding ``fix`` leaves (an import a test expects to fail, by default): no fix, and no
    rename promised."""
    edit, message = violation.edit, violation.message
    if isinstance(edit, FromImportEdit) and edit.rename_to:
        message = message.replace(suggestions.rename_note(edit.local, edit.rename_to), "")
    return replace(violation, message=message, unfixable_reason=reason or EXPECTED_TO_FAIL)


def _on_header_lines(
    source: SourceFile, sources: SourceCache, group: list[Violation], skip: set[int]
) -> set[int]:
    """The places in ``group`` of the imports written on their block's header line (``if X:
    from a import B, C``, on one line or more) that ``fix`` cannot change there: its span
    edits change an import in place, the codemod rewrites whole statement lines, not a block
    on its header's line."""
    starts = _imports_after_something(source.text)
    if not starts:
        return set()  # (most files: every import starts its line)
    tree = cut_module(source.lines, sources.mask(source), starts, fewest=1)
    if tree is None:
        return set()  # (statements that cannot be cut out: ``fix`` will tell)
    on_headers = {
        line
        for compound in ast.walk(tree)
        for name in ("body", "orelse", "finalbody")
        # (a statement's blocks: a lambda's or a conditional expression's body is one value)
        for statement in _block(compound, name)
        if isinstance(statement, ast.Import | ast.ImportFrom)
        and statement.lineno == getattr(compound, "lineno", 0)
        for line in range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
    }
    shared = [
        number
        for number, violation in enumerate(group)
        if number not in skip
        and isinstance(violation.edit, FromImportEdit | ModuleEdit)
        and violation.edit.line in on_headers
    ]
    if not shared:
        return set()
    edits = [(str(number), v.edit) for number, v in enumerate(group) if v.edit is not None]
    plan = plan_span_edits(source.text, tree, edits, Outline(tree))
    return {number for number in shared if str(number) in plan.needs_codemod}


def _block(node: ast.AST, name: str) -> list[ast.stmt]:
    """The statements of ``node``'s block ``name`` (none when it is not a block)."""
    block = getattr(node, name, None)
    return block if isinstance(block, list) else []


def _imports_after_something(text: str) -> list[int]:
    """The lines where an ``import`` (or ``from … import``) follows a ``:`` or a ``;`` on its
    line: a block's header, ``x = 1;`` (or a string that looks so: the parse decides)."""
    lines: list[int] = []
    position = text.find("import")
    while position != -1:
        before = text[position - 1] if position else " "
        start = text.rfind("\n", 0, position) + 1
        head = text[start:position].lstrip()
        if (
            head
            and not (before.isalnum() or before == "_")
            and not head.startswith(("from ", "from\t", "lazy ", "#"))
            and _AFTER_HEADER.search(head)
        ):
            lines.append(line_at(text, position))
        position = text.find("import", position + 6)
    return lines


def _expected_failures(
    source: SourceFile, sources: SourceCache, group: list[Violation]
) -> set[int]:
    """The places in ``group`` of the findings whose import a test expects to fail, as
    ``fix`` tells them (from the top-level statements holding them; only in a file that spells
    an import failure at all: most are not parsed for it)."""
    if "ImportError" not in source.text and "NotFoundError" not in source.text:
        return set()
    lines = [violation.edit.line for violation in group if violation.edit is not None]
    tree = cut_module(source.lines, sources.mask(source), lines, fewest=1)
    if tree is None:
        return set()  # (statements that cannot be cut out: ``fix`` will tell)
    outline = Outline(tree)
    return {
        number
        for number, violation in enumerate(group)
        if violation.edit is not None and expected_to_fail(outline, violation.edit.line)
    }


def _renames(edit: Edit | None) -> bool:
    return (isinstance(edit, FromImportEdit) and bool(edit.rename_to)) or isinstance(
        edit, AttributeEdit
    )


def _previewed(
    source: SourceFile, sources: SourceCache, group: list[Violation]
) -> dict[int, Violation]:
    """The findings of one file whose promise changes, by their place in ``group``."""
    module = group[0].importer
    package = source.path.name == "__init__.py"
    safe = [(str(n), v.edit) for n, v in enumerate(group) if v.edit and v.fix_safety == "safe"]
    every = [(str(n), v.edit) for n, v in enumerate(group) if v.edit]
    # One tree for both plans: the statements every edit concerns (a file of 5 MB is parsed
    # whole, once).
    tree = _tree(source, every + attribute_renames(every), sources)
    plan = _plan(source, sources, tree, safe, module, package, unsafe=False)
    unsafe_renames = any(v.fix_safety != "safe" and _renames(v.edit) for v in group)
    # What ``--unsafe-fixes`` would do (it applies the unsafe fixes too), asked only when it
    # can differ: an unsafe fix renames, or a rename was refused as unsafe.
    if unsafe_renames or any(_UNSAFE in reason for reason in plan.refused.values()):
        unsafe_plan = _plan(source, sources, tree, every, module, package, unsafe=True)
    elif not plan.refused:
        return {}
    else:
        unsafe_plan = plan
    changed: dict[int, Violation] = {}
    for number, violation in enumerate(group):
        key = str(number)
        if not _renames(violation.edit):
            continue
        if violation.fix_safety == "safe" and key in plan.refused:
            refusal, unchanged = plan.refused[key], key in plan.unchanged | plan.blocked
        elif violation.fix_safety != "safe" and key in unsafe_plan.refused:
            refusal, unchanged = unsafe_plan.refused[key], key in unsafe_plan.unchanged
        else:
            continue
        unsafe_ok = key not in unsafe_plan.refused
        if not unsafe_ok:  # what stops ``--unsafe-fixes`` too (not "an unsafe fix")
            refusal = unsafe_plan.refused[key]
        changed[number] = _kept(violation, refusal, unchanged, unsafe_ok)
    return changed


def _kept(violation: Violation, reason: str, unchanged: bool, unsafe_ok: bool) -> Violation:
    """``violation`` promising what ``fix`` does when it refuses its rename for ``reason``:
    ``unchanged``, nothing is left to do without the rename; ``unsafe_ok``, ``fix
    --unsafe-fixes`` makes it."""
    edit = violation.edit
    if isinstance(edit, AttributeEdit) or unchanged:
        if unsafe_ok and violation.fix_safety == "safe":
            return replace(violation, edit=replace(edit, safe=False))
        kept = f"{edit.local}.{edit.attribute}" if isinstance(edit, AttributeEdit) else edit.local
        message = violation.message
        if isinstance(edit, FromImportEdit) and edit.rename_to:  # it promised the rename
            message = message.replace(suggestions.rename_note(edit.local, edit.rename_to), "")
        reason = f"`fix` keeps `{kept}`, as {reason}"
        return replace(violation, message=message, unfixable_reason=reason)
    assert isinstance(edit, FromImportEdit) and edit.rename_to  # what ``_renames`` lets by
    note = suggestions.rename_note(edit.local, edit.rename_to)
    message = violation.message.replace(note, suggestions.kept_name_note(edit.local, reason))
    if unsafe_ok:  # ``--unsafe-fixes`` renames; a plain ``fix`` moves the import alone
        return replace(violation, message=message, edit=replace(edit, unsafe_rename=True))
    return replace(violation, message=message, edit=replace(edit, rename_to=None))


def _plan(
    source: SourceFile,
    sources: SourceCache,
    tree: ast.Module | None,
    edits: list[tuple[str, Edit]],
    module: str,
    package: bool,
    unsafe: bool,
) -> RenamePlan:
    """The rename plan ``fix`` would make for ``edits`` (no other file reading the names)."""
    edits = edits + attribute_renames(edits)
    if tree is None:  # ``fix`` applies the edits as they are, renaming nothing
        refused = {key: NOT_READ_BY_AST for key, edit in edits if _renames(edit)}
        return RenamePlan(refused=refused, unchanged={k for k, e in edits if _only_renames(e)})
    outline = Outline(tree)
    edits = [(key, edit) for key, edit in edits if not expected_to_fail(outline, edit.line)]

    def star_binds(star: str, name: str) -> bool:
        found = sources.module_file(star)  # (a module outside the tree: who knows)
        return found is None or may_bind(found.text, name)

    return plan_renames(
        source.text,
        tree,
        edits,
        module,
        package=package,
        unsafe=unsafe,
        lines=source.lines,
        star_binds=star_binds,
    )


def _only_renames(edit: Edit) -> bool:
    """An edit that changes nothing but for its rename (``fix``'s test, on the names)."""
    if isinstance(edit, AttributeEdit):
        return True
    if not isinstance(edit, FromImportEdit) or not edit.rename_to:
        return False
    return [(n.name, n.local) for n in edit.names] == [(edit.name, edit.local)]


def _tree(
    source: SourceFile, edits: list[tuple[str, Edit]], sources: SourceCache
) -> ast.Module | None:
    if source.encoding not in ("utf-8", "utf-8-sig"):
        return None
    mask = sources.mask(source)
    tree = statements_needed(source.text, edits, source.lines, mask, imports=False)
    if tree is not None:
        return tree
    whole = sources.tree(source)  # (parsed once for the check's own reading, often)
    return None if whole is None or is_partial(whole) else whole
