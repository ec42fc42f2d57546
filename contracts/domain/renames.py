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
import bisect
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
    in_try: ast.Try | None = None  # the ``try`` whose body holds it
    in_handler: tuple[ast.Try, ast.ExceptHandler] | None = None  # the handler holding it


@dataclass
class _Scope:
    node: ast.AST
    parent: int | None
    is_class: bool


class _Index(ast.NodeVisitor):
    """Every occurrence of the names asked about, with the scope it belongs to; and every
    string constant, with whether it is a docstring or sits in an annotation."""

    def __init__(self, names: set[str], lines: list[int]) -> None:
        self.names = names
        self.lines = lines  # sorted: the lines where any of the names is spelled
        self.scopes: list[_Scope] = []
        self.occurrences: dict[str, list[_Occurrence]] = {name: [] for name in names}
        self.strings: list[tuple[ast.Constant, bool]] = []  # (constant, in an annotation)
        self.docstrings: set[int] = set()
        # The edits of the file's imports, by (line, name, local): what each becomes.
        self.edits: dict[tuple[int, str, str], tuple[str, FromImportEdit]] = {}
        self._scope = -1
        self._annotation = 0
        self._try_bodies: list[ast.Try] = []
        self._handlers: list[tuple[ast.Try, ast.ExceptHandler]] = []

    def visit(self, node: ast.AST) -> None:
        """Visit ``node`` unless none of its lines spells one of the names: nothing in it can
        be an occurrence (a big file is mostly skipped)."""
        start = getattr(node, "lineno", None)
        if start is not None:
            decorators = getattr(node, "decorator_list", None)
            if decorators:
                start = min(start, *(decorator.lineno for decorator in decorators))
            end = getattr(node, "end_lineno", None) or start
            position = bisect.bisect_left(self.lines, start)
            if position == len(self.lines) or self.lines[position] > end:
                return
        super().visit(node)

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
                _Occurrence(
                    name,
                    self._scope,
                    node,
                    binds,
                    line,
                    statement,
                    self._try_bodies[-1] if self._try_bodies else None,
                    self._handlers[-1] if self._handlers else None,
                )
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

    def visit_Try(self, node: ast.Try) -> None:
        self._try_bodies.append(node)
        for statement in node.body:
            self.visit(statement)
        self._try_bodies.pop()
        for handler in node.handlers:
            self._handlers.append((node, handler))
            self.visit(handler)
            self._handlers.pop()
        for statement in [*node.orelse, *node.finalbody]:
            self.visit(statement)

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
    spelled = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in sorted(names)))
    index = _Index(names, _lines_matching(text, spelled))
    index.visit(tree)
    index.edits = {
        (edit.line, edit.name, edit.local): (key, edit)
        for key, edit in edits
        if isinstance(edit, FromImportEdit)
    }
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


def _lines_matching(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The line numbers (sorted) where ``pattern`` matches."""
    found: list[int] = []
    line, position = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if not found or found[-1] != line:
            found.append(line)
    return found


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
    if len({_block_of(tree.body, o.statement) for o, _ in binders.values()}) > 1:
        for item in group:
            plan.refused[item.key] = (
                f"`{item.edit.rename_to}` is also imported in another block of this scope"
            )
            if _changes_nothing(item.edit, index):
                plan.unchanged.add(item.key)
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
            own = _edit_of(occurrence, index)
            if own is not None:  # the import is being fixed too: its edit drops it instead
                plan.edits[own[0]] = replace(own[1], names=(), rename_to=None)
                continue
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


def _block_of(body: list[ast.stmt], target: ast.stmt | None) -> int | None:
    """The ``id`` of the statement list holding ``target``, looked for along its lines."""
    if target is None:
        return None
    for node in body:
        if node is target:
            return id(body)
        if node.lineno <= target.lineno <= (node.end_lineno or node.lineno):
            inner = [getattr(node, name, None) or [] for name in ("body", "orelse", "finalbody")]
            inner += [h.body for h in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]]
            for block in inner:
                found = _block_of(block, target)
                if found is not None:
                    return found
    return None


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
        if occurrence.binds and not _is_fallback(occurrence, site):
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
        same = _target_of(occurrence, index) == target
        if occurrence.binds and same and occurrence.scope == scope:
            keepers.append(occurrence)  # the same object under the new name: merged
            continue
        if occurrence.binds and same:
            # A function importing the same object under the new name for itself: fine, as
            # long as it does not read the old name (it would then read its own local).
            if any(index.within(occurrence.scope, o.scope) for o in index.occurrences[old]):
                return f"`{old}` is read where `{new}` is imported again (line {occurrence.line})"
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


def _edit_of(occurrence: _Occurrence, index: _Index) -> tuple[str, FromImportEdit] | None:
    """The edit (with its key) that moves the import binding ``occurrence``, if one does."""
    statement, alias = occurrence.statement, occurrence.node
    if statement is None or not isinstance(alias, ast.alias):
        return None
    local = alias.asname or alias.name
    for line in (alias.lineno, statement.lineno):
        found = index.edits.get((line, alias.name, local))
        if found is not None:
            return found
    return None


def _target_of(occurrence: _Occurrence, index: _Index) -> tuple[str, str] | None:
    """What a ``from … import`` binding will import after the fix: (module, name)."""
    statement, alias = occurrence.statement, occurrence.node
    if statement is None or not isinstance(alias, ast.alias):
        return None
    own = _edit_of(occurrence, index)
    if own is not None and len(own[1].names) == 1:
        return (own[1].module, own[1].names[0].name)
    return (_module_text(statement), alias.name)


def _bound_by_same_object(index: _Index, new: str, target: tuple[str, str], scope: int) -> bool:
    """Every binding of ``new`` that a read of it in ``scope`` could see is the same object."""
    binders = [
        o
        for o in index.occurrences[new]
        if o.binds and (index.within(scope, o.scope) or index.within(o.scope, scope))
    ]
    return bool(binders) and all(_target_of(o, index) == target for o in binders)


_IMPORT_FAILURES = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _is_fallback(occurrence: _Occurrence, site: _Occurrence) -> bool:
    """``try: from … import Name`` / ``except ImportError: Name = None``: the fallback binds the
    same variable for the case the import fails; it is renamed with it."""
    if not isinstance(occurrence.node, ast.Name) or occurrence.scope != site.scope:
        return False
    if occurrence.in_handler is None or site.in_try is not occurrence.in_handler[0]:
        return False
    caught = occurrence.in_handler[1].type
    if caught is None:
        return True
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_FAILURES for n in names)


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
