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
import io
import itertools
import re
import textwrap
import tokenize
from collections.abc import Callable, Iterable, Sequence

from msgspec import Struct, field
from msgspec.structs import replace

from .edits import AttributeEdit, Edit, FromImportEdit, StringEdit
from .modules import resolve_relative
from .parsing import split_lines
from .scopes import string_mask
from .span_edits import DROPPED, SpanChange
from .statements import is_type_checking_test
from .suppressions import without_line_directives

# The key of an edit that drops an import no finding names (merged into an earlier one).
MERGED = "merged-import:"
_Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


class RenamePlan(Struct):
    """What the renames of one file come to."""

    edits: dict[str, FromImportEdit] = field(default_factory=dict)  # key: the edit that binds
    changes: list[SpanChange] = field(default_factory=list)  # the uses, renamed
    refused: dict[str, str] = field(default_factory=dict)  # key: why the name was kept
    unchanged: set[str] = field(default_factory=set)  # refused keys whose edit changes nothing
    extra: list[tuple[str, FromImportEdit]] = field(default_factory=list)  # imports dropped
    done: set[str] = field(default_factory=set)  # attribute edits made by ``changes``
    blocked: set[str] = field(default_factory=set)  # edits that must not be applied
    # Edits whose statement goes with the dead ``try`` around it (``changes`` remove it):
    # applied, with no edit of their own.
    removed: set[str] = field(default_factory=set)


class _Occurrence(Struct):
    name: str
    scope: int
    node: ast.AST
    binds: bool
    line: int
    statement: ast.ImportFrom | None = None  # for a name bound by ``from … import``
    in_try: ast.Try | None = None  # the ``try`` whose body holds it
    in_handler: tuple[ast.Try, ast.ExceptHandler] | None = None  # the handler holding it
    module_import: ast.Import | None = None  # for a name bound by ``import``
    # Inside a block of its scope (``if``, ``try``, ``with``, a loop...): it may not run.
    nested: bool = False


class _Scope(Struct):
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
        self.attribute_of: dict[int, ast.Attribute] = {}  # a Name node's attribute read
        self.ignored: set[int] = set()  # nodes another rename takes away from a name
        self.dunder_all: set[int] = set()  # the string constants listed in ``__all__``
        self.unsafe = False  # whether renames may cross ``__all__`` (``--unsafe-fixes``)
        self.module = ""  # the file's module, and whether it is a package's __init__
        self.package = False
        self.looked_up: dict[int, object] = {}  # a Name passed to getattr/hasattr: the name
        self.tree = ast.Module(body=[], type_ignores=[])
        self.source_lines: list[str] = []  # the file's lines
        self.edit_list: list[tuple[str, Edit]] = []  # every edit of the file
        self._chains: dict[int, frozenset[int]] = {}
        self._inside: dict[tuple[str, int], list[_Occurrence]] = {}
        self._sites: dict[tuple[int, str, str], _Occurrence] | None = None
        self._spelling: dict[str, list[tuple[ast.Constant, bool]]] = {}
        self._naming: dict[tuple[str, str], list[ast.Constant]] = {}
        self._by_scope: dict[str, dict[int, list[_Occurrence]]] = {}
        self._children: dict[int, list[int]] | None = None
        self._try_bodies: list[ast.Try] = []
        self._handlers: list[tuple[ast.Try, ast.ExceptHandler]] = []
        self._blocks = 0  # the blocks of the current scope the visit is inside
        self._outer_blocks: list[int] = []  # those of the scopes around it
        # The ``if TYPE_CHECKING:`` blocks the plan drops (their guard's import may go too).
        self.gone_guards: list[ast.stmt] = []
        # Whether a star import of a module may bind a name (see ``plan_renames``).
        self.star_binds: Callable[[str, str], bool] = lambda module, name: True

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
        self._outer_blocks.append(self._blocks)
        self._blocks = 0
        return previous

    def _leave(self, previous: int) -> None:
        self._scope = previous
        self._blocks = self._outer_blocks.pop()

    def _block(self, node: ast.AST) -> None:
        self._blocks += 1
        self.generic_visit(node)
        self._blocks -= 1

    visit_If = visit_For = visit_AsyncFor = visit_While = _block  # type: ignore[assignment]
    visit_With = visit_AsyncWith = visit_Match = _block  # type: ignore[assignment]

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
                    nested=self._blocks > 0,
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
        self._leave(previous)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._note(node.name, node, True)
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        previous = self._enter(node)
        self._docstring(node.body)
        for statement in node.body:
            self.visit(statement)
        self._leave(previous)

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
        self._leave(previous)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension  # type: ignore[assignment]

    def visit_Try(self, node: ast.Try) -> None:
        self._blocks += 1
        self._visit_try(node)
        self._blocks -= 1

    visit_TryStar = _block  # type: ignore[assignment]

    def _visit_try(self, node: ast.Try) -> None:
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
            local = alias.asname or alias.name.partition(".")[0]
            self._note(local, alias, True)
            if local in self.names:
                self.occurrences[local][-1].module_import = node

    def visit_Call(self, node: ast.Call) -> None:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and isinstance(node.args[1], ast.Constant)
        ):
            self.looked_up[id(node.args[0])] = node.args[1].value
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.names:
            self.attribute_of[id(node.value)] = node
        self.generic_visit(node)

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

    def visit_Assign(self, node: ast.Assign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        named = any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
        if named and isinstance(node.value, ast.List | ast.Tuple):
            self.dunder_all.update(id(element) for element in node.value.elts)
        self.generic_visit(node)

    visit_AugAssign = visit_Assign  # type: ignore[assignment]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        self._annotated(node.annotation)
        if node.value is not None:
            self.visit(node.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.strings.append((node, self._annotation > 0))

    # Queries -------------------------------------------------------------------------------

    def absolute(self, module: str) -> str:
        """A ``from`` module as written (``.api``), as an absolute name where it resolves."""
        level = len(module) - len(module.lstrip("."))
        if not level:
            return module
        found = resolve_relative(self.module, self.package, level, module[level:] or None)
        return found if found is not None else module

    def within(self, scope: int, inner: int) -> bool:
        """Whether ``inner`` is ``scope`` or nested in it."""
        return scope in self.chain(inner)

    def chain(self, scope: int) -> frozenset[int]:
        """``scope`` and every scope enclosing it."""
        chain = self._chains.get(scope)
        if chain is None:
            parent = self.scopes[scope].parent if scope >= 0 else None
            chain = frozenset({scope}) | (self.chain(parent) if parent is not None else set())
            self._chains[scope] = chain
        return chain

    def inside(self, name: str, scope: int) -> list[_Occurrence]:
        """The occurrences of ``name`` in ``scope`` and the scopes nested in it (a big file
        asks this once per import: the answer is kept)."""
        key = (name, scope)
        found = self._inside.get(key)
        if found is None:
            if name not in self._by_scope:
                grouped: dict[int, list[_Occurrence]] = {}
                for occurrence in self.occurrences[name]:
                    grouped.setdefault(occurrence.scope, []).append(occurrence)
                self._by_scope[name] = grouped
            grouped = self._by_scope[name]
            nested = self._nested(scope)
            if len(nested) < len(grouped):
                found = sorted(
                    (o for s in nested for o in grouped.get(s, ())),
                    key=lambda o: (o.line, getattr(o.node, "col_offset", 0)),
                )
            else:
                found = [o for o in self.occurrences[name] if scope in self.chain(o.scope)]
            self._inside[key] = found
        return found

    def enclosing(self, name: str, scope: int) -> list[_Occurrence]:
        """The occurrences of ``name`` in the scopes that enclose ``scope`` (not in it)."""
        self.inside(name, scope)  # groups the occurrences by scope
        grouped = self._by_scope[name]
        found = [o for s in self.chain(scope) - {scope} for o in grouped.get(s, ())]
        return sorted(found, key=lambda o: (o.line, getattr(o.node, "col_offset", 0)))

    def _nested(self, scope: int) -> list[int]:
        """``scope`` and the scopes nested in it, at any depth."""
        if self._children is None:
            self._children = {}
            for number, entry in enumerate(self.scopes):
                if entry.parent is not None:
                    self._children.setdefault(entry.parent, []).append(number)
        found, pending = [], [scope]
        while pending:
            current = pending.pop()
            found.append(current)
            pending.extend(self._children.get(current, ()))
        return found

    def site(self, line: int, name: str, local: str) -> _Occurrence | None:
        """The ``from … import`` binding of ``local`` to ``name`` written on ``line`` (the
        statement's first line or the name's own)."""
        if self._sites is None:
            self._sites = {}
            for occurrences in self.occurrences.values():
                for occurrence in occurrences:
                    statement, alias = occurrence.statement, occurrence.node
                    if statement is None or not isinstance(alias, ast.alias):
                        continue
                    for where in {alias.lineno, statement.lineno}:
                        self._sites.setdefault((where, alias.name, occurrence.name), occurrence)
        return self._sites.get((line, name, local))

    def strings_naming(self, name: str, leaf: str) -> list[ast.Constant]:
        """The strings, other than docstrings and annotations, that may name this file's
        binding of ``name`` (see ``_names_in_string``), found once per name."""
        key = (name, leaf)
        found = self._naming.get(key)
        if found is None:
            found = [
                constant
                for constant, annotated in self.strings_spelling(name)
                if not annotated
                and id(constant) not in self.docstrings
                and _names_in_string(constant.value, name, leaf)
            ]
            self._naming[key] = found
        return found

    def annotations_naming(self, name: str) -> list[ast.Constant]:
        """The string annotations (``"Manager | None"``) that spell ``name`` as a word."""
        key = ("annotation", name)
        found = self._naming.get(key)
        if found is None:
            found = [
                constant
                for constant, annotated in self.strings_spelling(name)
                if annotated and _word_in_string(constant.value, name)
            ]
            self._naming[key] = found
        return found

    def strings_spelling(self, word: str) -> list[tuple[ast.Constant, bool]]:
        """The string constants that contain ``word`` anywhere, found once per word."""
        found = self._spelling.get(word)
        if found is None:
            found = [(c, annotated) for c, annotated in self.strings if word in c.value]
            self._spelling[word] = found
        return found


class _Accepted(Struct):
    key: str
    edit: FromImportEdit
    site: _Occurrence
    changes: list[SpanChange]
    keepers: list[_Occurrence]  # imports binding the new name to the same object already
    merge_up: bool = False  # the module binds it already: this (function's) import goes
    relies: list[str] = field(default_factory=list)  # module-level renames it counts on
    drops: list[_Occurrence] = field(default_factory=list)  # function imports made redundant
    moved: set[int] = field(default_factory=set)  # the nodes that stop spelling the old name


def plan_renames(
    text: str,
    tree: ast.Module,
    edits: Sequence[tuple[str, Edit]],
    module: str = "",
    exposed: Callable[[str], str | None] = lambda name: None,
    package: bool = False,
    unsafe: bool = False,
    lines: list[str] | None = None,
    star_binds: Callable[[str, str], bool] = lambda module, name: True,
) -> RenamePlan:
    """For each ``FromImportEdit`` with ``rename_to``: the edit binding the new name and the
    renamed uses, or why not. ``module`` is the file's module name; ``exposed(name)`` says why
    a module-level ``name`` may be read from outside the file (another module importing or
    patching it), or None; ``lines``, the text's lines, when they are split already;
    ``star_binds(module, name)``, whether a star import of that module may bind the name.

    When several imports end up binding the same object under the same name in one block,
    the first stays and the others are dropped (``plan.extra`` holds the edits dropping
    imports that no finding names)."""
    asked = [(key, edit) for key, edit in edits if isinstance(edit, FromImportEdit)]
    asked = [(key, edit) for key, edit in asked if edit.rename_to and edit.rename_to != edit.local]
    attributes = [(key, edit) for key, edit in edits if isinstance(edit, AttributeEdit)]
    loaded = [
        (key, edit)
        for key, edit in edits
        if isinstance(edit, StringEdit) and edit.exposes is not None
    ]
    plan = RenamePlan()
    if not asked and not attributes and not loaded:
        return plan
    holders = {key: _module_holder(tree, edit) for key, edit in loaded}
    names = {edit.local for _, edit in asked} | {edit.rename_to or "" for _, edit in asked}
    names |= {edit.local for _, edit in attributes} | {edit.name for _, edit in attributes}
    names |= {holder for holder in holders.values() if isinstance(holder, str) and holder}
    index = _Index(names, lines_spelling(text, names))
    index.tree = tree
    index.module, index.package, index.unsafe = module, package, unsafe
    index.star_binds = star_binds
    index.visit(tree)
    index.edits = {
        (edit.line, edit.name, edit.local): (key, edit)
        for key, edit in edits
        if isinstance(edit, FromImportEdit)
    }
    index.edit_list = list(edits)
    lines = split_lines(text) if lines is None else lines
    index.source_lines = lines
    leaf = module.rpartition(".")[2]
    accepted: list[_Accepted] = []
    # The accepted renames by the scope they bind in and the name they bind.
    by_binding: dict[tuple[int, str], list[_Accepted]] = {}
    waiting = list(asked)
    for _ in range(2):  # a second pass: names the first pass renamed away are free
        refused: dict[str, str] = {}
        for key, edit in waiting:
            result = _plan_one(key, edit, index, lines, leaf, exposed, by_binding)
            if isinstance(result, str):
                refused[key] = result
            else:
                accepted.append(result)
                by_binding.setdefault((result.site.scope, new_name(result)), []).append(result)
        freed = set().union(*(item.moved for item in accepted)) if accepted else set()
        if not refused or freed <= index.ignored:
            break
        index.ignored = freed
        waiting = [(key, edit) for key, edit in waiting if key in refused]
    for key, edit in waiting:
        if key in refused:
            plan.refused[key] = refused[key]
            if _changes_nothing(edit, index):
                plan.unchanged.add(key)
    for group in _groups([item for item in accepted if not item.merge_up]):
        _merge(group, index, tree, plan)
    for item in accepted:
        if not item.merge_up:
            continue
        if any(key in plan.refused for key in item.relies):
            plan.refused[item.key] = f"`{item.edit.rename_to}` keeps another name at module level"
            if _changes_nothing(item.edit, index):
                plan.unchanged.add(item.key)
            continue
        plan.edits[item.key] = replace(item.edit, names=(), rename_to=None)
        plan.changes += item.changes
    for item in accepted:
        if item.key not in plan.refused:
            for drop in item.drops:
                _drop(drop, index, plan)
    by_module: dict[tuple[int, str], list[tuple[str, AttributeEdit]]] = {}
    for key, edit in attributes:
        by_module.setdefault((edit.line, edit.local), []).append((key, edit))
    # What fixed star imports will bind at module level: name -> ((module, name), line).
    stars = {
        imported.local: ((index.absolute(edit.module), imported.name), edit.line)
        for _, edit in edits
        if isinstance(edit, FromImportEdit) and edit.name == "*"
        for imported in edit.names
    }
    for key, edit in loaded:
        reason = _module_uses(holders[key], edit, index)
        if reason:
            plan.refused[key] = reason
            plan.blocked.add(key)
    for group in by_module.values():
        result = _plan_attributes(group, index, lines, leaf, exposed, stars)
        if isinstance(result, str):
            plan.refused.update({key: result for key, _ in group})
        else:
            plan.changes += result
            plan.done.update(key for key, _ in group)
    _drop_unused_guard(index.gone_guards, tree, index, plan)
    return plan


def lines_spelling(text: str, names: Iterable[str]) -> list[int]:
    """The line numbers (sorted) where one of ``names`` is spelled as a whole word (not part
    of a longer name). A substring search per name: a regular expression of alternatives
    would be tried at every character of the file."""
    positions: list[int] = []
    size = len(text)
    for name in names:
        if not name:
            continue
        position = text.find(name)
        while position != -1:
            end = position + len(name)
            if (position == 0 or not _is_word(text[position - 1])) and (
                end == size or not _is_word(text[end])
            ):
                positions.append(position)
            position = text.find(name, position + 1)
    found: list[int] = []
    if "\r" in text:  # (lines that end with a bare CR too: counted as Python counts them)
        ends = list(itertools.accumulate(map(len, split_lines(text))))
        for position in sorted(positions):
            line = bisect.bisect_right(ends, position) + 1
            if not found or found[-1] != line:
                found.append(line)
        return found
    line, counted = 1, 0
    for position in sorted(positions):
        line += text.count("\n", counted, position)
        counted = position
        if not found or found[-1] != line:
            found.append(line)
    return found


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def new_name(item: _Accepted) -> str:
    return item.edit.rename_to or ""


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
        why = _drop_dead_fallbacks(binders, index, tree, plan)
        if why is None:
            return
        for item in group:
            plan.refused[item.key] = (
                f"`{item.edit.rename_to}` is also imported in another block of this scope{why}"
            )
            if _changes_nothing(item.edit, index):
                plan.unchanged.add(item.key)
        return
    _keep_first(list(binders.values()), index, plan)


def _keep_first(
    binders: list[tuple[_Occurrence, _Accepted | None]], index: _Index, plan: RenamePlan
) -> None:
    """Imports binding one name in one block: the first binds it (with the preferred names),
    every later one goes."""
    ordered = sorted(binders, key=lambda b: (b[0].node.lineno, b[0].node.col_offset))  # type: ignore[attr-defined]
    for position, (occurrence, item) in enumerate(ordered):
        if item is not None:
            names = item.edit.preferred_names if position == 0 else ()
            plan.edits[item.key] = replace(item.edit, names=names, rename_to=None)
            plan.changes += item.changes
        elif position:
            _drop(occurrence, index, plan)  # a later import of the same name goes


def _drop_dead_fallbacks(
    binders: dict[int, tuple[_Occurrence, _Accepted | None]],
    index: _Index,
    tree: ast.Module,
    plan: RenamePlan,
) -> str | None:
    """``from a import X`` at module level, then an import of the same object renamed to
    ``X`` that can only repeat it: in ``try: from b import Old`` / ``except ImportError: Old =
    None`` (the ``try`` can only fail where the first import already did), or in ``if
    TYPE_CHECKING: from b import Old`` (what the checker reads there, the module binds
    already). That import goes (with its ``try``, or with its ``if`` when nothing else is
    in it), and the uses read ``X``. Done (None) when every other binder is such an import
    (no other edit where it goes), below an import of the new name in the module's own body;
    otherwise what keeps it there (" (…)"), or "" when no such import is concerned."""
    direct = [(o, item) for o, item in binders.values() if o.statement in tree.body]
    others = [(o, item) for o, item in binders.values() if o.statement not in tree.body]
    if not direct or not others:
        return ""
    first = min(o.line for o, _ in direct)
    dead: list[tuple[_Accepted, ast.stmt]] = []
    for occurrence, item in others:
        if item is None:
            return ""
        gone = _repeating_import(occurrence, tree, index.source_lines)
        if gone is None:
            return ""
        statement, what = gone
        where = f"{what} on line {statement.lineno}"
        if statement.lineno < first:
            return f" ({where} comes before the module's own import of it)"
        if isinstance(statement, ast.Try) and not _is_dead_fallback(statement, occurrence):
            return f" ({where} does more than this import and a fallback for it)"
        last = statement.end_lineno or statement.lineno
        if any(statement.lineno <= e.line <= last and k != item.key for k, e in index.edit_list):
            return f" ({where} holds other fixes)"
        if not _owns_its_lines(statement, index.source_lines):
            return f" ({where} shares a line with another statement)"
        dead.append((item, statement))
    _keep_first(direct, index, plan)
    for item, statement in dead:
        last = statement.end_lineno or statement.lineno
        plan.changes += [c for c in item.changes if not statement.lineno - 1 <= c.line < last]
        plan.changes += _dropped_lines(statement, index.source_lines)
        plan.removed.add(item.key)
        plan.done.add(item.key)
    index.gone_guards += [statement for _, statement in dead if isinstance(statement, ast.If)]
    return None


def _owns_its_lines(statement: ast.stmt, lines: list[str]) -> bool:
    """Whether nothing but the statement (and a comment) is on its lines: only then can they
    go whole (``if TYPE_CHECKING: import a; import b`` cannot lose its first half so)."""
    last = statement.end_lineno or statement.lineno
    if last > len(lines):
        return False
    first = lines[statement.lineno - 1].encode("utf-8")
    end = lines[last - 1].encode("utf-8")
    before = first[: statement.col_offset]
    after = end[statement.end_col_offset or 0 :].strip()
    return not before.strip() and (not after or after.startswith(b"#"))


def _dropped_lines(statement: ast.stmt, lines: list[str]) -> list[SpanChange]:
    """The changes that drop a whole statement, and the blank line after it when it sat
    between two (or began the file). Its comments stay, each on a line of its own where it
    was (at the statement's indentation), without what applied to its line only."""
    last = statement.end_lineno or statement.lineno
    indent = lines[statement.lineno - 1][
        : len(lines[statement.lineno - 1]) - len(lines[statement.lineno - 1].lstrip())
    ]
    kept = {
        number: indent + comment
        for number, comment in _comments_of(lines, statement.lineno, last).items()
        if comment
    }
    gone_lines = list(range(statement.lineno - 1, last))
    first = gone_lines[0]
    if not kept and last < len(lines) and (first == 0 or not lines[first - 1].strip()):
        gone_lines += [last] if not lines[last].strip() else []  # one blank line goes too
    return [
        SpanChange(number, 0, len(lines[number].rstrip("\r\n")), kept.get(number, DROPPED))
        for number in gone_lines
    ]


def _comments_of(lines: list[str], first: int, last: int) -> dict[int, str]:
    """The comments on lines ``first`` to ``last`` (1-based) of a statement, by 0-based line,
    each without what applied to its line only ("" when nothing is left)."""
    if not any("#" in lines[number] for number in range(first - 1, last)):
        return {}
    source = "".join(lines[first - 1 : last])
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(textwrap.dedent(source)).readline):
            if token.type == tokenize.COMMENT:
                number = first - 1 + token.start[0] - 1
                found[number] = without_line_directives(token.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return {}
    return found


def _guard_name(test: ast.expr) -> tuple[str, bool] | None:
    """The name an ``if`` test reads to know it runs under a type checker, and whether that
    name is the ``typing`` module (``typing.TYPE_CHECKING``) rather than the flag itself."""
    if isinstance(test, ast.Name):
        return test.id, False
    if (
        isinstance(test, ast.Attribute)
        and test.attr == "TYPE_CHECKING"
        and isinstance(test.value, ast.Name)
    ):
        return test.value.id, True
    return None


def _guard_binders(tree: ast.Module, name: str, module: bool) -> list[tuple[ast.stmt, ast.alias]]:
    """The module-level imports that bind ``name``: ``from typing import TYPE_CHECKING`` (as
    ``name``), or with ``module`` ``import typing`` (as ``name``)."""
    found: list[tuple[ast.stmt, ast.alias]] = []
    for statement in tree.body:
        if module and isinstance(statement, ast.Import):
            found += [
                (statement, alias)
                for alias in statement.names
                if alias.name in _TYPING and (alias.asname or alias.name) == name
            ]
        elif (
            not module
            and isinstance(statement, ast.ImportFrom)
            and not statement.level
            and statement.module in _TYPING
        ):
            found += [
                (statement, alias)
                for alias in statement.names
                if alias.name == "TYPE_CHECKING" and (alias.asname or alias.name) == name
            ]
    return found


_TYPING = ("typing", "typing_extensions")


def _typing_guard(lines: list[str], test: ast.expr) -> bool:
    """Whether an ``if`` test is ``typing``'s ``TYPE_CHECKING``: imported from ``typing``
    (or read from the ``typing`` module) at module level, and never assigned there. Read from
    the file's lines: the statements parsed may not hold its imports."""
    guard = _guard_name(test)
    if guard is None:
        return False
    name, module = guard
    word = re.escape(name)
    typing = r"(?:typing|typing_extensions)"
    if module:  # `import typing` (as the name read)
        bound = rf"import\s+{typing}" + ("" if name in _TYPING else rf"\s+as\s+{word}")
        imported = re.compile(rf"^{bound}\s*(?:#.*)?$", re.MULTILINE)
    else:  # `from typing import TYPE_CHECKING` (as the name read), in parentheses or not
        flag = (
            r"TYPE_CHECKING(?!\s+as\b)"
            if name == "TYPE_CHECKING"
            else rf"TYPE_CHECKING\s+as\s+{word}"
        )
        imported = re.compile(rf"^from\s+{typing}\s+import\s*\(?[^)#]*?\b{flag}\b", re.MULTILINE)
    assigned = re.compile(rf"^{word}\s*(?::[^=\n]*)?(?:=(?!=)|\+=)", re.MULTILINE)
    text = "".join(lines)
    return imported.search(text) is not None and assigned.search(text) is None


def _may_read(lines: list[str], number: int, name: str, text: str) -> bool:
    """Whether line ``number`` may read ``name``: not when it lies inside a triple-quoted
    string, nor when the name is only in its comment (a line without quotes); anything else
    (a string on one line, say) counts as a read."""
    if string_mask(lines, text, number - 1)[number - 1]:
        return False
    line = lines[number - 1]
    if "#" in line and "'" not in line and '"' not in line:
        return bool(lines_spelling(line.partition("#")[0], [name]))
    return True


def _drop_unused_guard(
    gone: list[ast.stmt], tree: ast.Module, index: _Index, plan: RenamePlan
) -> None:
    """When the ``if TYPE_CHECKING:`` blocks that go were all that read the name (no other
    line spells it, in code, a comment or a string), its ``from typing import
    TYPE_CHECKING`` (or ``import typing``, for ``if typing.TYPE_CHECKING:``) goes too: a fix
    must not leave an unused import behind (ruff's F401)."""
    guards: dict[tuple[str, bool], set[int]] = {}
    for statement in gone:
        assert isinstance(statement, ast.If)
        read = _guard_name(statement.test)
        if read is not None:
            lines = range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
            guards.setdefault(read, set()).update(lines)
    text = "".join(index.source_lines) if guards else ""
    for (name, module), gone_lines in sorted(guards.items()):
        binders = _guard_binders(tree, name, module)
        if len(binders) != 1:
            continue
        statement, alias = binders[0]
        others = set(lines_spelling(text, [name])) - gone_lines - {alias.lineno}
        if any(_may_read(index.source_lines, number, name, text) for number in others):
            continue  # read elsewhere (or perhaps: in a string), or bound again
        if len(statement.names) == 1:
            if _owns_its_lines(statement, index.source_lines):
                plan.changes += _dropped_lines(statement, index.source_lines)
            continue
        if module or not isinstance(statement, ast.ImportFrom):
            continue  # (``import typing, os``: left as it is)
        plan.extra.append(_dropping(statement, alias))


def _star_import_after(index: _Index, line: int, own: str, new: str) -> int | None:
    """The line of a module-level star import below ``line`` that may bind ``new`` (not one
    of the module that the renamed import reads from, nor one a fix replaces with the names
    it binds, nor one of a module known not to bind it): the renamed uses would read what
    it binds."""
    replaced = {
        edit.line
        for _, edit in index.edit_list
        if isinstance(edit, FromImportEdit) and edit.name == "*"
    }
    for statement in _module_level_statements(index.tree.body):
        if (
            isinstance(statement, ast.ImportFrom)
            and statement.lineno > line
            and any(alias.name == "*" for alias in statement.names)
            and statement.lineno not in replaced
            and index.absolute(_module_text(statement)) != own
            and index.star_binds(index.absolute(_module_text(statement)), new)
        ):
            return statement.lineno
    return None


def _module_level_statements(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements that run in the module's own scope: in its body and in the blocks of
    its ``if``, ``try``, ``with``, ``for``, ``while`` and ``match`` (not in a function or a
    class)."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield from _module_level_statements(block)
        for handler in getattr(statement, "handlers", ()) or ():
            yield from _module_level_statements(handler.body)
        for case in getattr(statement, "cases", ()) or ():
            yield from _module_level_statements(case.body)


def _repeating_import(
    occurrence: _Occurrence, tree: ast.Module, lines: list[str]
) -> tuple[ast.stmt, str] | None:
    """What goes with an import binding one name that a module-level import binds already,
    and how to name it: the ``try`` around it (checked further by ``_is_dead_fallback``);
    for one in a module-level ``if TYPE_CHECKING:`` without ``else``, that ``if`` when the
    import is all it holds, or else the import alone (when it binds that one name). None:
    neither."""
    if occurrence.in_try is not None:
        statement = occurrence.in_try
        return (statement, "the `try`") if statement in tree.body else None
    site = occurrence.statement
    if site is None or len(site.names) != 1:
        return None
    for statement in tree.body:
        if isinstance(statement, ast.If) and site in statement.body:
            if statement.orelse or not is_type_checking_test(statement.test):
                return None
            if not _typing_guard(lines, statement.test):
                return None  # (a flag of its own, perhaps true at run time)
            if statement.body == [site]:
                return statement, "the `if TYPE_CHECKING:`"
            return site, "the import"
    return None


def _is_dead_fallback(statement: ast.Try, site: _Occurrence) -> bool:
    """``try:`` holding only the import binding ``site`` (one name), whose handlers catch an
    import failure and only bind that name to a constant (or pass)."""
    if statement.body != [site.statement] or statement.orelse or statement.finalbody:
        return False
    if site.statement is None or len(site.statement.names) != 1 or not statement.handlers:
        return False
    for handler in statement.handlers:
        if not _catches_import_failure(handler):
            return False
        for inner in handler.body:
            if isinstance(inner, ast.Pass):
                continue
            if not (
                isinstance(inner, ast.Assign)
                and len(inner.targets) == 1
                and isinstance(inner.targets[0], ast.Name)
                and inner.targets[0].id == site.name
                and isinstance(inner.value, ast.Constant)
            ):
                return False
    return True


def _drop(occurrence: _Occurrence, index: _Index, plan: RenamePlan) -> None:
    """Drop the import binding ``occurrence``: through its own edit when it has one."""
    alias = occurrence.node
    assert isinstance(alias, ast.alias) and occurrence.statement is not None
    own = _edit_of(occurrence, index)
    if own is not None:
        plan.edits[own[0]] = replace(own[1], names=(), rename_to=None)
        return
    plan.extra.append(_dropping(occurrence.statement, alias))


def _dropping(statement: ast.ImportFrom, alias: ast.alias) -> tuple[str, FromImportEdit]:
    """The edit (and its key) that drops ``alias`` from ``statement``: an import no finding
    names, so it has no edit of its own."""
    key = f"{MERGED}{alias.lineno}:{alias.name}"
    return key, FromImportEdit(
        line=alias.lineno,
        name=alias.name,
        local=alias.asname or alias.name,
        module=_module_text(statement),
        names=(),
    )


def _block_of(body: list[ast.stmt], target: ast.stmt | None) -> int | None:
    """The ``id`` of the statement list holding ``target``."""
    found = None if target is None else _block_list(body, target)
    return None if found is None else id(found)


def _site(edit: FromImportEdit, index: _Index) -> _Occurrence | None:
    return index.site(edit.line, edit.name, edit.local)


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
    accepted: dict[tuple[int, str], list[_Accepted]],
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
    target = (index.absolute(edit.module), edit.names[0].name)
    delegated: set[int] = set()  # nested scopes whose own import of the name is renamed alike
    for occurrence in index.inside(old, scope):
        if occurrence is site:
            continue
        if not occurrence.binds or _is_fallback(occurrence, site):
            continue
        own = _edit_of(occurrence, index)
        if (
            occurrence.scope != scope
            and own is not None
            and own[1].rename_to == new
            and _target_of(occurrence, index) == target
        ):
            delegated.add(occurrence.scope)
            continue
        return f"`{old}` is also bound on line {occurrence.line}"
    for other in accepted.get((scope, new), ()):
        if (
            index.absolute(other.edit.module),
            other.edit.names[0].name,
        ) != target:
            return f"another import in this file is renamed to `{new}`"
    keepers, drops = [], []
    for occurrence in index.inside(new, scope):
        # Outside the scope, the new name keeps its meaning: the rename shadows it only here.
        if id(occurrence.node) in index.ignored:
            continue
        same = _target_of(occurrence, index) == target
        if occurrence.binds and same and occurrence.scope == scope:
            keepers.append(occurrence)  # the same object under the new name: merged
            continue
        if occurrence.binds and same:
            # A function importing the same object under the new name for itself: fine when
            # it does not read the old name (it would read its own local), and the module
            # reads the name itself (else the module's import is "unused" when redefined).
            if index.inside(old, occurrence.scope):
                return f"`{old}` is read where `{new}` is imported again (line {occurrence.line})"
            if scope == 0 and any(o.scope == 0 and not o.binds for o in index.occurrences[old]):
                continue
            # The module's import would look unused where the function imports it again: the
            # function's import goes, and it reads the module's (bound above it, before any
            # call), when it reads the name only after that import.
            function = index.scopes[occurrence.scope].node
            if (
                scope == 0
                and site.line < getattr(function, "lineno", 0)
                and all(
                    o.binds or o.line > occurrence.line
                    for o in index.occurrences[new]
                    if o.scope == occurrence.scope
                )
            ):
                drops.append(occurrence)
                continue
            return f"`{new}` is imported again in a function (line {occurrence.line})"
        if not occurrence.binds and _bound_by_same_object(index, new, target, scope):
            continue
        return f"`{new}` already means something else on line {occurrence.line}"
    merge_up, relies = False, []
    if scope != 0:
        # The module binds the new name already: to the same object, above this function,
        # the local import is dropped and the uses read the module's; otherwise it would
        # shadow a module-level name.
        above = [o for o in index.enclosing(new, scope) if o.binds]
        relied = list(accepted.get((0, new), ()))
        above += [a.site for a in relied]
        if above:
            start = getattr(index.scopes[scope].node, "lineno", 0)
            # (An import the module runs only in some block, `if TYPE_CHECKING:` or `try:`,
            # may not have bound the name when the function runs; and a fallback renamed
            # with the import would make the new name the function's own, unbound there.)
            fallback = any(
                o.binds and o is not site and _is_fallback(o, site)
                for o in index.inside(old, scope)
            )
            # (Nor may any function rebind the module's name, nor a star import.)
            rebound = any(
                isinstance(o.node, ast.Global | ast.Nonlocal) for o in index.occurrences[new]
            ) or (_star_import_after(index, 0, target[0], new) is not None)
            shared = (
                not fallback
                and not rebound
                and all(
                    o.scope == 0
                    and o.line < start
                    and not o.nested
                    and _target_of(o, index) in (target, None)
                    and (o.statement is not None or o in [a.site for a in relied])
                    for o in above
                )
            )
            # Or the function never spells the new name (no read, no `global`): binding it
            # there shadows the outer name only where nothing reads that one.
            unspelled = not keepers and not index.inside(new, scope)
            if shared:
                merge_up = True
                relies = [a.key for a in relied]
            elif (fallback or rebound) and any(not o.nested for o in above):
                # (Renamed, the function's import would shadow the module's: ruff's F811.)
                return (
                    f"`{new}` is imported at module level too (line {above[0].line}), where it "
                    "may be bound again, or a fallback here would bind it: the function keeps "
                    "its own name"
                )
            elif not unspelled or relied:
                return f"`{new}` is bound in an enclosing scope too (line {above[0].line})"
    if scope == 0:
        reason = exposed(old)
        if reason:
            return reason
        star = _star_import_after(index, site.line, index.absolute(edit.module), new)
        if star is not None:
            return f"the star import on line {star} may bind `{new}` again"
    listed: list[ast.Constant] = []
    # A function's own name can be spelled by a string inside it only (`locals()["X"]`, an
    # `eval`): strings elsewhere name the module's names (a fresh-user trial saw a module's
    # `os.environ.get("X")` keep a function's `as X`).
    node = index.scopes[scope].node
    first, last = getattr(node, "lineno", 0), getattr(node, "end_lineno", None) or 10**9

    def inside(constant: ast.Constant) -> bool:
        return scope == 0 or first <= constant.lineno <= last

    for constant in filter(inside, index.strings_naming(old, leaf)):
        if id(constant) in index.dunder_all and constant.value == old and scope == 0:
            if not index.unsafe:
                return (
                    f"`{old}` is listed in `__all__` (line {constant.lineno}): renaming it "
                    "there is an unsafe fix (`--unsafe-fixes`)"
                )
            listed.append(constant)
            continue
        if _names_in_string(constant.value, old, leaf):
            return f"`{old}` is spelled in a string on line {constant.lineno}"
    shown = _shown_in_strings(index, old, inside)
    if shown:
        return shown
    changes: list[SpanChange] = []
    for constant in listed:  # the public name changes with it: unsafe, asked for
        change = _annotation_change(constant, old, new, lines)
        if change is None:
            return f"the `__all__` entry on line {constant.lineno} could not be rewritten"
        changes.append(change)
    moved = {id(site.node)}
    for occurrence in index.inside(old, scope):
        if occurrence is site:
            continue
        if not index.chain(occurrence.scope).isdisjoint(delegated):
            continue  # that scope's own import renames its uses
        moved.add(id(occurrence.node))
        change = _name_change(occurrence.node, old, new, lines)
        if change is None:
            return f"the use of `{old}` on line {occurrence.line} could not be located"
        changes.append(change)
    for constant in index.annotations_naming(old):
        if scope != 0:
            return f"the annotation on line {constant.lineno} names `{old}`"
        change = _annotation_change(constant, old, new, lines)
        if change is None:
            return f"the annotation on line {constant.lineno} could not be rewritten"
        changes.append(change)
    return _Accepted(key, edit, site, changes, keepers, merge_up, relies, drops, moved)


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
        return (index.absolute(own[1].module), own[1].names[0].name)
    return (index.absolute(_module_text(statement)), alias.name)


def _bound_by_same_object(index: _Index, new: str, target: tuple[str, str], scope: int) -> bool:
    """Every binding of ``new`` that a read of it in ``scope`` could see is the same object."""
    binders = [
        o
        for o in index.occurrences[new]
        if o.binds
        and id(o.node) not in index.ignored
        and (index.within(scope, o.scope) or index.within(o.scope, scope))
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
    return _catches_import_failure(occurrence.in_handler[1])


def _catches_import_failure(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
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
    pattern = rf"(?<![\w.]){re.escape(old)}(?!\w)"
    return _literal_change(constant, re.sub(pattern, new, constant.value), lines)


def _shown_in_strings(
    index: _Index, name: str, inside: Callable[[ast.Constant], bool] = lambda constant: True
) -> str | None:
    """Why ``name`` cannot be renamed where a string (``inside`` the scope) shows it as text:
    an f-string's ``{Eng.__name__=}`` prints its expression (renamed, the output changes), a
    doctest runs what it spells."""
    for constant, _ in index.strings_spelling(name):
        if not inside(constant):
            continue
        if constant.value.rstrip().endswith("=") and _word_in_string(constant.value, name):
            return f"`{name}` is shown by name in an f-string on line {constant.lineno} (`{{…=}}`)"
        if ">>>" in constant.value and _word_in_string(constant.value, name):
            return f"`{name}` is spelled in a doctest on line {constant.lineno}"
    return None


def _shown_by_name(index: _Index, local: str) -> str | None:
    """Why reads of ``local``'s attributes cannot be renamed where the file shows them as
    text: in a string (see ``_shown_in_strings``), or in a type comment (``# type:
    c.Manager``), which type checkers read."""
    shown = _shown_in_strings(index, local)
    if shown:
        return shown
    text = "".join(index.source_lines)
    for comment in _TYPE_COMMENT.finditer(text) if "type:" in text else ():
        said = comment.group(1)
        if not said.startswith("ignore") and _word_in_string(said, local):
            number = text.count("\n", 0, comment.start()) + 1
            return f"`{local}` is named in a type comment on line {number}"
    return None


# A type comment (PEP 484): what follows `# type:`.
_TYPE_COMMENT = re.compile(r"#[ \t]*type:[ \t]*([^\r\n]*)")


def _attributes_renamed(text: str, local: str, renamed: dict[str, str]) -> str:
    """``text`` with each ``local.attribute`` of ``renamed`` spelled as its new name."""
    for attribute, name in renamed.items():
        pattern = rf"(?<![\w.]){re.escape(local)}[ \t]*\.[ \t]*{re.escape(attribute)}(?!\w)"
        text = re.sub(pattern, name, text)
    return text


def _literal_change(constant: ast.Constant, value: str, lines: list[str]) -> SpanChange | None:
    """A one-line plain string literal written with ``value`` instead of its own."""
    if constant.end_lineno != constant.lineno:
        return None
    line = lines[constant.lineno - 1]
    start = _characters(line, constant.col_offset)
    end = _characters(line, constant.end_col_offset or 0)
    literal = line[start:end]
    if len(literal) < 2 or literal[0] not in "'\"" or literal[1:-1] != constant.value:
        return None
    return SpanChange(constant.lineno - 1, start, end, literal[0] + value + literal[-1])


def _plan_attributes(
    group: list[tuple[str, AttributeEdit]],
    index: _Index,
    lines: list[str],
    leaf: str,
    exposed: Callable[[str], str | None],
    stars: dict[str, tuple[tuple[str, str], int]],
) -> list[SpanChange] | str:
    """``compat.WebSocketManager`` after ``import …websocket_compat as compat``: each read
    becomes the preferred name, imported from the canonical module; the module import goes
    when nothing else reads it, and stays otherwise (the new import then follows it)."""
    first = group[0][1]
    local, module = first.local, first.module
    site = next(
        (
            o
            for o in index.occurrences[local]
            if o.binds
            and isinstance(o.node, ast.alias)
            and first.line in (o.node.lineno, (o.module_import or o.statement or o.node).lineno)
        ),
        None,
    )
    if site is None:
        return f"the import binding `{local}` was not found on line {first.line}"
    statement = site.module_import or site.statement
    scope = site.scope
    if statement is None or index.scopes[scope].is_class:
        return f"`{local}` is not imported by a statement of its own"
    if len(statement.names) != 1 or statement.end_lineno != statement.lineno:
        return f"the statement binding `{local}` imports more than it, or spans lines"
    wanted = {edit.attribute: edit.name for _, edit in group}
    reads: list[tuple[ast.Attribute, str]] = []
    other_uses = False
    for occurrence in index.occurrences[local]:
        if occurrence is site or not index.within(scope, occurrence.scope):
            continue
        if occurrence.binds:
            return f"`{local}` is also bound on line {occurrence.line}"
        attribute = index.attribute_of.get(id(occurrence.node))
        if attribute is None or attribute.attr not in wanted:
            other_uses = True
            continue
        if not isinstance(attribute.ctx, ast.Load):
            return f"`{local}.{attribute.attr}` is assigned on line {attribute.lineno}"
        reads.append((attribute, wanted[attribute.attr]))
    needed: set[str] = set()
    for name in sorted(set(wanted.values())):
        target = (index.absolute(module), name)
        present = False
        for occurrence in index.occurrences[name]:
            if not index.within(scope, occurrence.scope):
                continue
            if occurrence.binds and _target_of(occurrence, index) == target:
                present = present or occurrence.scope == scope
                continue
            if not occurrence.binds and _bound_by_same_object(index, name, target, scope):
                continue
            return f"`{name}` already means something else on line {occurrence.line}"
        star = stars.get(name)
        # A fixed star import binds it already: above this import, or below it when nothing
        # at module level reads it before functions run.
        if (
            scope == 0
            and star is not None
            and star[0] == target
            and (
                star[1] < statement.lineno
                or all(o.scope != 0 for o in index.occurrences[local] if not o.binds)
            )
        ):
            present = True
        if not present:
            needed.add(name)
    for constant in index.strings_naming(local, leaf):
        return f"`{local}` is spelled in a string on line {constant.lineno}"
    shown = _shown_by_name(index, local)
    if shown:
        return shown
    annotated: list[SpanChange] = []
    for constant in index.annotations_naming(local):
        if scope != 0:
            return f"the annotation on line {constant.lineno} names `{local}`"
        value = _attributes_renamed(constant.value, local, wanted)
        if _word_in_string(value, local):
            other_uses = True  # (it still reads the module, which stays imported)
            continue
        change = _literal_change(constant, value, lines)
        if change is None:
            return f"the annotation on line {constant.lineno} could not be rewritten"
        annotated.append(change)
    if scope == 0 and not other_uses:
        reason = exposed(local)
        if reason:
            return reason
    changes = annotated
    for attribute, name in reads:
        change = _name_change(attribute, f"{local}.{attribute.attr}", name, lines)
        if change is None:
            return f"`{local}.{attribute.attr}` on line {attribute.lineno} is not written plainly"
        changes.append(change)
    line = lines[statement.lineno - 1]
    start = _characters(line, statement.col_offset)
    end = _characters(line, statement.end_col_offset or 0)
    after = line[end:].strip()
    if line[:start].strip() or (after and not after.startswith("#")):
        return f"the statement binding `{local}` shares its line"
    text = f"from {module} import {', '.join(sorted(needed))}" if needed else ""
    if not other_uses and text:
        changes.append(SpanChange(statement.lineno - 1, start, end, text))
    elif not other_uses:  # nothing to import: the statement goes (``pass`` if it was alone)
        alone = len(_block_list(index.tree.body, statement) or ()) == 1
        # The line is marked, not removed: other edits count lines; the mark goes last.
        changes.append(SpanChange(statement.lineno - 1, start, end, "pass" if alone else DROPPED))
    elif text:
        stop = len(line.rstrip("\r\n"))
        changes.append(SpanChange(statement.lineno - 1, stop, stop, f"\n{line[:start]}{text}"))
    return changes


def _block_list(body: list[ast.stmt], target: ast.stmt) -> list[ast.stmt] | None:
    """The statement list holding ``target``."""
    for node in body:
        if node is target:
            return body
        if node.lineno <= target.lineno <= (node.end_lineno or node.lineno):
            inner = [getattr(node, name, None) or [] for name in ("body", "orelse", "finalbody")]
            inner += [h.body for h in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]]
            for block in inner:
                found = _block_list(block, target)
                if found is not None:
                    return found
    return None


_IMPORT_CALLS = ("import_module",)


def loaded_module_obstacle(
    text: str,
    tree: ast.Module,
    edit: StringEdit,
    statements: Callable[[list[int]], ast.Module | None] | None = None,
) -> str | None:
    """Why ``fix`` would keep the ``import_module`` string of ``edit``: the module it loads
    is used for more than the objects the canonical module holds (None: nothing stops it).
    The check asks this too, so that it never offers a fix that ``fix`` would refuse.

    ``statements(lines)``, when given, is a module of only the top-level statements holding
    those lines (the whole file's when they cannot be cut out; None if it does not parse):
    ``tree`` is then the statement holding the string, and the holder's uses are read from
    the statements that spell its name."""
    holder = _module_holder(tree, edit)
    if statements is not None and isinstance(holder, str) and holder:
        cut = statements([edit.line, *lines_spelling(text, {holder})])
        if cut is None:
            return None  # the file does not parse: said elsewhere
        tree = cut
    names = {holder} if isinstance(holder, str) and holder else set()
    index = _Index(names, lines_spelling(text, names))
    index.tree = tree
    if names:
        index.visit(tree)
    return _module_uses(holder, edit, index)


def _module_holder(tree: ast.Module, edit: StringEdit) -> str | ast.AST | None:
    """What holds the module ``import_module(<the string>)`` loads: the name it is assigned
    to, "" when the call is a statement of its own (nothing keeps the module), or the node
    that uses it otherwise (None when the call is not found)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or getattr(node, "lineno", 0) > edit.line:
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called not in _IMPORT_CALLS or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and first.value == edit.value):
            continue
        if first.lineno != edit.line:
            continue
        return _holder_of(tree, node)
    return None


def _holder_of(tree: ast.Module, call: ast.Call) -> str | ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and node.value is call:
            return ""
        if isinstance(node, ast.Assign) and node.value is call:
            targets = node.targets
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                return targets[0].id
            return node
        if isinstance(node, ast.AnnAssign) and node.value is call:
            return node.target.id if isinstance(node.target, ast.Name) else node
    return call


def _module_uses(holder: str | ast.AST | None, edit: StringEdit, index: _Index) -> str | None:
    """Why the module loaded by name cannot be swapped for the canonical one, if it cannot."""
    if holder is None:
        return "the call loading the module was not found"
    if holder == "":
        return None  # loaded for its effects only: the canonical module loads it too
    if not isinstance(holder, str):
        return f"the loaded module is used directly (line {getattr(holder, 'lineno', edit.line)})"
    exposes = set(edit.exposes or ())
    binds = [o for o in index.occurrences[holder] if o.binds]
    if len(binds) != 1:
        return f"`{holder}` is bound more than once"
    scope = binds[0].scope
    for occurrence in index.occurrences[holder]:
        if occurrence.binds or not index.within(scope, occurrence.scope):
            continue
        attribute = index.attribute_of.get(id(occurrence.node))
        name = attribute.attr if attribute is not None else index.looked_up.get(id(occurrence.node))
        if name is None:
            return f"the loaded module `{holder}` is used as a module (line {occurrence.line})"
        if name not in exposes:
            return (
                f"`{holder}.{name}` (line {occurrence.line}) is not the same object in the "
                "canonical module"
            )
    return None
