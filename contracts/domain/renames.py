"""Renaming a local name through a file, only where that provably keeps the file's meaning.

``fix`` turns ``from …unified_manager import UnifiedWebSocketManager`` into
``from …websocket_manager import WebSocketManager`` and renames every use of
``UnifiedWebSocketManager`` in the scope the import binds it in. It does so only when nothing
can tell the difference: the old name is bound once (by that import) in that scope and in the
scopes it contains, the new name means nothing else there, and no string spells the old name
as a name or a dotted path (``__all__``, ``getattr``, ``mock.patch``). Otherwise the import
keeps an ``as`` and the reason is given. Scopes are worked out from ``ast``, the way Python
resolves names: functions, lambdas and comprehensions nest; a class body is not seen from the
functions inside it.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .edits import Edit, FromImportEdit
from .span_edits import SpanChange

# The key of an edit that drops an import no finding names (merged into an earlier one).
MERGED = "merged-import:"
_Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


@dataclass
class RenamePlan:
    """What the renames of one file come to."""

    edits: dict[str, FromImportEdit] = field(default_factory=dict)  # key: the edit that binds
    changes: list[SpanChange] = field(default_factory=list)  # the uses, renamed
    refused: dict[str, str] = field(default_factory=dict)  # key: why the name was kept
    unchanged: set[str] = field(default_factory=set)  # refused keys whose edit changes nothing
    extra: list[tuple[str, FromImportEdit]] = field(default_factory=list)  # imports dropped


@dataclass
class _Occurrence:
    name: str
    scope: int
    node: ast.AST
    binds: bool
    line: int
    statement: ast.ImportFrom | None = None  # for a name bound by ``from … import``


@dataclass
class _Scope:
    node: ast.AST
    parent: int | None
    is_class: bool


class _Index(ast.NodeVisitor):
    """Every occurrence of the names asked about, with the scope it belongs to; and every
    string constant, with whether it is a docstring or sits in an annotation."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.scopes: list[_Scope] = []
        self.occurrences: dict[str, list[_Occurrence]] = {name: [] for name in names}
        self.strings: list[tuple[ast.Constant, bool]] = []  # (constant, in an annotation)
        self.docstrings: set[int] = set()
        self._scope = -1
        self._annotation = 0

    # Scopes --------------------------------------------------------------------------------

    def _enter(self, node: ast.AST) -> int:
        self.scopes.append(_Scope(node, self._scope if self._scope >= 0 else None,
                                  isinstance(node, ast.ClassDef)))  # fmt: skip
        previous, self._scope = self._scope, len(self.scopes) - 1
        return previous

    def _note(self, name: str, node: ast.AST, binds: bool, statement=None) -> None:  # type: ignore[no-untyped-def]
        if name in self.names:
            line = getattr(node, "lineno", 0)
            self.occurrences[name].append(
                _Occurrence(name, self._scope, node, binds, line, statement)
            )

    def _docstring(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))

    def visit_Module(self, node: ast.Module) -> None:
        self._enter(node)
        self._docstring(node.body)
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            self._note(node.name, node, True)
            for decorator in node.decorator_list:
                self.visit(decorator)
            if node.returns is not None:
                self._annotated(node.returns)
        arguments = node.args
        for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d)]:
            self.visit(default)
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for argument in every:
            if argument.annotation is not None:
                self._annotated(argument.annotation)
        previous = self._enter(node)
        for argument in every:
            self._note(argument.arg, argument, True)
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
        else:
            self._docstring(node.body)
            for statement in node.body:
                self.visit(statement)
        self._scope = previous

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._note(node.name, node, True)
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        previous = self._enter(node)
        self._docstring(node.body)
        for statement in node.body:
            self.visit(statement)
        self._scope = previous

    def _comprehension(self, node: _Comprehension) -> None:
        self.visit(node.generators[0].iter)  # evaluated in the enclosing scope
        previous = self._enter(node)
        for number, generator in enumerate(node.generators):
            self.visit(generator.target)
            if number:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))
        self._scope = previous

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension  # type: ignore[assignment]

    # Names ---------------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        self._note(node.id, node, not isinstance(node.ctx, ast.Load))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._note(alias.asname or alias.name.partition(".")[0], alias, True)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self._note(alias.asname or alias.name, alias, True, node)

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        for name in node.names:
            self._note(name, node, True)

    visit_Nonlocal = visit_Global  # type: ignore[assignment]

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._note(node.name, node, True)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        name = getattr(node, "name", None)
        if name:
            self._note(name, node, True)
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        rest = getattr(node, "rest", None)
        if rest:
            self._note(rest, node, True)
        self.generic_visit(node)

    # Strings and annotations ---------------------------------------------------------------

    def _annotated(self, node: ast.expr) -> None:
        self._annotation += 1
        self.visit(node)
        self._annotation -= 1

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        self._annotated(node.annotation)
        if node.value is not None:
            self.visit(node.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.strings.append((node, self._annotation > 0))

    # Queries -------------------------------------------------------------------------------

    def within(self, scope: int, inner: int) -> bool:
        """Whether ``inner`` is ``scope`` or nested in it."""
        current: int | None = inner
        while current is not None:
            if current == scope:
                return True
            current = self.scopes[current].parent
        return False


@dataclass
class _Accepted:
    key: str
    edit: FromImportEdit
    site: _Occurrence
    changes: list[SpanChange]
    keepers: list[_Occurrence]  # imports binding the new name to the same object already


def plan_renames(
    text: str,
    tree: ast.Module,
    edits: Sequence[tuple[str, Edit]],
    module: str = "",
    exposed: Callable[[str], str | None] = lambda name: None,
) -> RenamePlan:
    """For each ``FromImportEdit`` with ``rename_to``: the edit binding the new name and the
    renamed uses, or why not. ``module`` is the file's module name; ``exposed(name)`` says why
    a module-level ``name`` may be read from outside the file (another module importing or
    patching it), or None.

    When several imports end up binding the same object under the same name in one block,
    the first stays and the others are dropped (``plan.extra`` holds the edits dropping
    imports that no finding names)."""
    asked = [(key, edit) for key, edit in edits if isinstance(edit, FromImportEdit)]
    asked = [(key, edit) for key, edit in asked if edit.rename_to and edit.rename_to != edit.local]
    plan = RenamePlan()
    if not asked:
        return plan
    names = {edit.local for _, edit in asked} | {edit.rename_to or "" for _, edit in asked}
    index = _Index(names)
    index.visit(tree)
    lines = text.splitlines(keepends=True)
    leaf = module.rpartition(".")[2]
    accepted: list[_Accepted] = []
    for key, edit in asked:
        result = _plan_one(key, edit, index, lines, leaf, exposed, accepted)
        if isinstance(result, str):
            plan.refused[key] = result
            if _changes_nothing(edit, index):
                plan.unchanged.add(key)
        else:
            accepted.append(result)
    for group in _groups(accepted):
        _merge(group, index, tree, plan)
    return plan


def _groups(accepted: list[_Accepted]) -> list[list[_Accepted]]:
    by_binding: dict[tuple[int, str], list[_Accepted]] = {}
    for item in accepted:
        by_binding.setdefault((item.site.scope, item.edit.rename_to or ""), []).append(item)
    return list(by_binding.values())


def _merge(group: list[_Accepted], index: _Index, tree: ast.Module, plan: RenamePlan) -> None:
    """One import binds the new name: the first in the block; the others are dropped."""
    binders: dict[int, tuple[_Occurrence, _Accepted | None]] = {}
    for item in group:
        binders[id(item.site.node)] = (item.site, item)
        for keeper in item.keepers:
            binders.setdefault(id(keeper.node), (keeper, None))
    blocks = _blocks(tree)
    if len({blocks.get(id(o.statement)) for o, _ in binders.values()}) > 1:
        for item in group:
            plan.refused[item.key] = (
                f"`{item.edit.rename_to}` is also imported in another block of this scope"
            )
        return
    ordered = sorted(binders.values(), key=lambda b: (b[0].node.lineno, b[0].node.col_offset))  # type: ignore[attr-defined]
    for position, (occurrence, item) in enumerate(ordered):
        if item is not None:
            names = item.edit.preferred_names if position == 0 else ()
            plan.edits[item.key] = replace(item.edit, names=names, rename_to=None)
            plan.changes += item.changes
        elif position:
            alias = occurrence.node
            assert isinstance(alias, ast.alias) and occurrence.statement is not None
            key = f"{MERGED}{alias.lineno}:{alias.name}"
            plan.extra.append(
                (
                    key,
                    FromImportEdit(
                        line=alias.lineno,
                        name=alias.name,
                        local=alias.asname or alias.name,
                        module=_module_text(occurrence.statement),
                        names=(),
                    ),
                )
            )


def _blocks(tree: ast.Module) -> dict[int, int]:
    """The statement list each statement belongs to, by ``id``."""
    found: dict[int, int] = {}
    for node in ast.walk(tree):
        for field_name in ("body", "orelse", "finalbody"):
            body = getattr(node, field_name, None)
            if isinstance(body, list):
                for statement in body:
                    found[id(statement)] = id(body)
    return found


def _site(edit: FromImportEdit, index: _Index) -> _Occurrence | None:
    for occurrence in index.occurrences[edit.local]:
        statement = occurrence.statement
        alias = occurrence.node
        if statement is None or not isinstance(alias, ast.alias):
            continue
        if (
            edit.line in (getattr(alias, "lineno", None), statement.lineno)
            and alias.name == edit.name
        ):
            return occurrence
    return None


def _module_text(statement: ast.ImportFrom) -> str:
    return "." * statement.level + (statement.module or "")


def _changes_nothing(edit: FromImportEdit, index: _Index) -> bool:
    """Whether the edit, without its rename, would leave the statement as it is."""
    site = _site(edit, index)
    return (
        site is not None
        and site.statement is not None
        and _module_text(site.statement) == edit.module
        and [(n.name, n.local) for n in edit.names] == [(edit.name, edit.local)]
    )


def _plan_one(
    key: str,
    edit: FromImportEdit,
    index: _Index,
    lines: list[str],
    leaf: str,
    exposed: Callable[[str], str | None],
    accepted: list[_Accepted],
) -> _Accepted | str:
    old, new = edit.local, edit.rename_to or ""
    if len(edit.names) != 1:
        return f"`{old}` is not bound by one name of the import"
    site = _site(edit, index)
    if site is None:
        return f"the import binding `{old}` was not found on line {edit.line}"
    scope = site.scope
    if index.scopes[scope].is_class:
        return f"`{old}` is imported in a class body"
    for occurrence in index.occurrences[old]:
        if occurrence is site or not index.within(scope, occurrence.scope):
            continue
        if occurrence.binds:
            return f"`{old}` is also bound on line {occurrence.line}"
    target = (edit.module, edit.names[0].name)
    for other in accepted:
        if (other.site.scope, other.edit.rename_to) == (scope, new) and (
            other.edit.module,
            other.edit.names[0].name,
        ) != target:
            return f"another import in this file is renamed to `{new}`"
    keepers = []
    for occurrence in index.occurrences[new]:
        # Outside the scope, the new name keeps its meaning: the rename shadows it only here.
        if not index.within(scope, occurrence.scope):
            continue
        if _same_object(occurrence, target, scope):
            keepers.append(occurrence)
            continue
        if not occurrence.binds and _bound_by_same_object(index, new, target, scope):
            continue
        return f"`{new}` already means something else on line {occurrence.line}"
    if scope == 0:
        reason = exposed(old)
        if reason:
            return reason
    for constant, in_annotation in index.strings:
        if id(constant) in index.docstrings or in_annotation:
            continue
        if _names_in_string(constant.value, old, leaf):
            return f"`{old}` is spelled in a string on line {constant.lineno}"
    changes: list[SpanChange] = []
    for occurrence in index.occurrences[old]:
        if occurrence is site or not index.within(scope, occurrence.scope):
            continue
        change = _name_change(occurrence.node, old, new, lines)
        if change is None:
            return f"the use of `{old}` on line {occurrence.line} could not be located"
        changes.append(change)
    for constant, in_annotation in index.strings:
        if in_annotation and _word_in_string(constant.value, old):
            if scope != 0:
                return f"the annotation on line {constant.lineno} names `{old}`"
            change = _annotation_change(constant, old, new, lines)
            if change is None:
                return f"the annotation on line {constant.lineno} could not be rewritten"
            changes.append(change)
    return _Accepted(key, edit, site, changes, keepers)


def _same_object(occurrence: _Occurrence, target: tuple[str, str], scope: int) -> bool:
    """``from <module> import <name>`` binding the new name in the same scope: the object
    the rename binds already has that name there (the imports merge)."""
    statement = occurrence.statement
    alias = occurrence.node
    return (
        occurrence.scope == scope
        and statement is not None
        and isinstance(alias, ast.alias)
        and (_module_text(statement), alias.name) == target
    )


def _bound_by_same_object(index: _Index, new: str, target: tuple[str, str], scope: int) -> bool:
    binders = [o for o in index.occurrences[new] if o.binds and index.within(o.scope, scope)]
    return bool(binders) and all(_same_object(o, target, scope) for o in binders)


def _names_in_string(value: str, name: str, leaf: str) -> bool:
    """Whether a string may name this file's binding of ``name``: the name alone (``__all__``,
    ``getattr``, ``patch.object``), an attribute path from it, or a dotted path through this
    module (``mock.patch("pkg.consumer.Name")``)."""
    if not _DOTTED.fullmatch(value):
        return False
    parts = value.split(".")
    if parts[0] == name:
        return True
    return any(a == leaf and b == name for a, b in itertools.pairwise(parts))


def _word_in_string(value: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", value) is not None


def _characters(line: str, offset: int) -> int:
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="replace"))


def _name_change(node: ast.AST, old: str, new: str, lines: list[str]) -> SpanChange | None:
    line_number = getattr(node, "lineno", None)
    if line_number is None or getattr(node, "end_lineno", None) != line_number:
        return None
    line = lines[line_number - 1]
    start = _characters(line, node.col_offset)  # type: ignore[attr-defined]
    end = _characters(line, node.end_col_offset or 0)  # type: ignore[attr-defined]
    if line[start:end] != old:
        return None  # inside an f-string on an older Python: positions are not reliable
    return SpanChange(line_number - 1, start, end, new)


def _annotation_change(
    constant: ast.Constant, old: str, new: str, lines: list[str]
) -> SpanChange | None:
    if constant.end_lineno != constant.lineno:
        return None
    line = lines[constant.lineno - 1]
    start = _characters(line, constant.col_offset)
    end = _characters(line, constant.end_col_offset or 0)
    literal = line[start:end]
    if len(literal) < 2 or literal[0] not in "'\"" or literal[1:-1] != constant.value:
        return None
    pattern = rf"(?<![\w.]){re.escape(old)}(?!\w)"
    return SpanChange(constant.lineno - 1, start, end, re.sub(pattern, new, literal))
