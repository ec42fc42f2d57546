"""The libcst codemod behind ``ssot-imports fix``: move names to their canonical import.

Only the import statements and strings named by an edit change; every other byte of the file
(comments, blank lines, quote styles, encoding, newlines) is kept, because libcst keeps them.

* A name taken from the wrong module moves to the canonical module: the statement is changed
  in place when all its names move, otherwise the name leaves it and joins an import of the
  canonical module earlier in the same block (extended, never duplicated) or a new statement
  right after it.
* A name taken from the right module under the wrong name is renamed in place.
* A name whose edit imports nothing (``names`` empty) is dropped: another import of the same
  object under the same name binds it already (a block left empty gets ``pass``).
* ``import impl as m`` becomes ``import canonical as m``; a string gets its canonical value in
  its original quotes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from msgspec import Struct, field

from .edits import Edit, FromImportEdit, ImportedName, ModuleEdit, StringEdit
from .parsing import split_lines
from .suppressions import without_line_directives, without_noqa_codes

# A star import, which may bind any name (in the lines between two imports a name would join).
_STAR = re.compile(r"\bimport\s*\*")
# An edit with the key that reports it applied (the finding's fingerprint).
Keyed = tuple[str, Edit]


class RewriteResult(Struct):
    module: cst.Module
    applied: set[str] = field(default_factory=set)


def apply_edits(
    module: cst.Module, edits: Sequence[Keyed], text: str | None = None
) -> RewriteResult:
    """Apply each edit that finds its statement; ``applied`` holds the keys of those that did.
    ``text`` is the source ``module`` was parsed from, when the caller has it."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    rewriter = _Rewriter(edits, wrapper.resolve(PositionProvider), wrapper.module, text)
    return RewriteResult(wrapper.visit(rewriter), rewriter.applied)


def module_text(node: cst.ImportFrom) -> str:
    dots = "".join("." for _ in node.relative)
    return dots + (cst.Module([]).code_for_node(node.module) if node.module else "")


def _dotted(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)


def _name_node(dotted: str) -> cst.Attribute | cst.Name:
    expression = cst.parse_expression(dotted)
    assert isinstance(expression, cst.Attribute | cst.Name)
    return expression


def _alias_local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return _dotted(alias.asname.name)
    return _dotted(alias.name).partition(".")[0]


def _make_alias(imported: ImportedName) -> cst.ImportAlias:
    name, local = imported.name, imported.local
    asname = None if name == local else cst.AsName(name=cst.Name(local))
    return cst.ImportAlias(name=_name_node(name), asname=asname)


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self, edits: Sequence[Keyed], positions, module: cst.Module, text: str | None = None
    ) -> None:
        self.positions = positions
        self.module = module
        self.applied: set[str] = set()
        self.names = [(k, e) for k, e in edits if isinstance(e, FromImportEdit)]
        self._edits = dict(self.names)
        self.modules = [(k, e) for k, e in edits if isinstance(e, ModuleEdit)]
        self.strings = [(k, e) for k, e in edits if isinstance(e, StringEdit)]
        # Lines of the eager stand-ins of lazy imports (PEP 810), which have no position.
        self._lines: dict[cst.CSTNode, int] = {}
        self._text = text
        self._source_lines: list[str] | None = None  # the file's, when first needed
        # The comments of names moved to a new import, by module (the statement being read).
        self._moved_comments: dict[str, list[str]] = {}

    def _line(self, node: cst.CSTNode) -> int:
        return self._lines[node] if node in self._lines else self.positions[node].start.line

    def _end_line(self, node: cst.CSTNode) -> int:
        return self._lines[node] if node in self._lines else self.positions[node].end.line

    # Strings ----------------------------------------------------------------------------------

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        line = self._line(original_node)
        for key, edit in self.strings:
            if key in self.applied or edit.line != line:
                continue
            if original_node.evaluated_value != edit.value:
                continue
            self.applied.add(key)
            prefix = original_node.prefix
            quote = original_node.quote
            return updated_node.with_changes(value=f"{prefix}{quote}{edit.new_value}{quote}")
        return updated_node

    # Import statements, block by block ---------------------------------------------------------

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body, footer = self._block(original_node.body, updated_node.body)
        return updated_node.with_changes(body=body, footer=[*footer, *updated_node.footer])

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body, footer = self._block(original_node.body, updated_node.body)
        if not body:  # its only statement was an import that went away
            body, footer = [cst.SimpleStatementLine([cst.Pass()], leading_lines=footer)], []
        return updated_node.with_changes(body=body, footer=[*footer, *updated_node.footer])

    def _block(self, originals: Sequence, updated: Sequence) -> tuple[list, list]:
        """Rewrite one block; returns its statements and leading lines left without a home."""
        output: list = []
        # target module -> the index in output of its import, and that import's last line
        hosts: dict[str, tuple[int, int]] = {}
        orphan_lines: list = []
        for original, current in zip(originals, updated, strict=True):
            if not isinstance(original, cst.SimpleStatementLine):
                output.append(_with_leading(current, orphan_lines))
                orphan_lines = []
                continue
            lines = self._statement_line(original, current, output, hosts)
            if not lines:
                orphan_lines += [*current.leading_lines, *_comment_kept(current)]
                continue
            lines[0] = _with_leading(lines[0], orphan_lines)
            orphan_lines = []
            output.extend(lines)
            self._register_hosts(output, len(lines), hosts, self._end_line(original))
        return output, orphan_lines

    def _register_hosts(
        self, output: list, added: int, hosts: dict[str, tuple[int, int]], line: int
    ) -> None:
        for index in range(len(output) - added, len(output)):
            statement = output[index]
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    hosts.setdefault(module_text(small), (index, line))

    def _statement_line(
        self,
        original: cst.SimpleStatementLine,
        current: cst.SimpleStatementLine,
        output: list,
        hosts: dict[str, tuple[int, int]],
    ) -> list[cst.SimpleStatementLine]:
        small_statements = []
        created: dict[str, list[cst.ImportAlias]] = {}
        self._moved_comments = {}
        changed = False
        applied_before = set(self.applied)
        for original_small, small in zip(original.body, current.body, strict=True):
            before = small
            if isinstance(original_small, cst.ImportFrom):
                small = self._import_from(original_small, small, output, hosts, created)
            elif isinstance(original_small, cst.Import):
                small = self._import(original_small, small)
            elif isinstance(original_small, cst.LazyImportFrom | cst.LazyImport):
                small = self._lazy(original_small, small, output, hosts, created)
            changed = changed or small is not before
            if small is not None:
                small_statements.append(small)
        if not changed:
            return [current]
        lines: list[cst.SimpleStatementLine] = []
        if small_statements:
            small_statements[-1] = small_statements[-1].with_changes(
                semicolon=cst.MaybeSentinel.DEFAULT
            )
            lines.append(current.with_changes(body=small_statements))
            new_keys = self.applied - applied_before
            if any(key in self._edits and self._edits[key].name == "*" for key in new_keys):
                lines[0] = _without_star_noqa(lines[0])
        for target, aliases in created.items():
            names = ", ".join(
                self.module.code_for_node(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                for a in aliases
            )
            statement = cst.parse_statement(
                f"from {target} import {names}", config=self.module.config_for_parsing
            )
            assert isinstance(statement, cst.SimpleStatementLine)
            if not small_statements:
                statement = statement.with_changes(
                    leading_lines=current.leading_lines,
                    trailing_whitespace=current.trailing_whitespace,
                )
            elif target in self._moved_comments:
                comment = cst.Comment("  ".join(self._moved_comments[target]))
                statement = statement.with_changes(
                    trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "), comment=comment
                    )
                )
            lines.append(statement)
        return lines

    def _lazy(
        self,
        original: cst.LazyImportFrom | cst.LazyImport,
        node: cst.LazyImportFrom | cst.LazyImport,
        output: list,
        hosts: dict[str, tuple[int, int]],
        created: dict[str, list[cst.ImportAlias]],
    ) -> cst.BaseSmallStatement | None:
        """A lazy import is edited as its eager form, and stays lazy. (Names it moves to
        another module join a new eager import: laziness is a choice for each statement.)"""
        eager_original, eager_node = _eager(original), _eager(node)
        self._lines[eager_original] = self.positions[original].start.line
        if isinstance(eager_original, cst.ImportFrom):
            result = self._import_from(eager_original, eager_node, output, hosts, created)
        else:
            result = self._import(eager_original, eager_node)
        if result is eager_node:
            return node
        return None if result is None else _lazy_again(result, node)

    def _import(self, original: cst.Import, node: cst.Import) -> cst.Import:
        line = self._line(original)
        aliases = list(node.names)
        for index, alias in enumerate(original.names):
            dotted = _dotted(alias.name)
            for key, edit in self.modules:
                if key in self.applied or edit.line != line or edit.dotted != dotted:
                    continue
                self.applied.add(key)
                aliases[index] = aliases[index].with_changes(name=_name_node(edit.new_dotted))
                break
        return node.with_changes(names=aliases)

    def _import_from(
        self,
        original: cst.ImportFrom,
        node: cst.ImportFrom,
        output: list,
        hosts: dict[str, tuple[int, int]],
        created: dict[str, list[cst.ImportAlias]],
    ) -> cst.ImportFrom | None:
        line = self._line(original)
        shadow = self._shadow_edit(original, line)
        if shadow is not None:
            return _moved(node, module=_name_node(shadow.new_dotted), relative=[])
        if isinstance(original.names, cst.ImportStar):
            return self._star(node, line)
        source = module_text(original)
        moves: dict[int, FromImportEdit] = {}
        for index, alias in enumerate(original.names):
            edit = self._name_edit(alias, self._line(alias))
            if edit is not None:
                moves[index] = edit
        if not moves:
            return node
        aliases = list(node.names)
        for index, edit in list(moves.items()):
            if edit.names and edit.module == source:  # the wrong name: rename in place
                aliases[index] = _renamed(aliases[index], edit.names[0])
                del moves[index]
        targets = {edit.module for edit in moves.values()}
        moved = [_alias_local(aliases[index]) for index in moves]
        if (
            len(moves) == len(aliases)
            and all(edit.names for edit in moves.values())
            and len(targets) == 1
            and not self._may_join(output, hosts, next(iter(targets)), line, moved)
            and next(iter(targets)) not in created
        ):
            target = next(iter(targets))
            renamed = [_renamed(a, moves[i].names[0]) for i, a in enumerate(aliases)]
            relative, dotted = _split_relative(target)
            return _moved(
                node,
                module=_name_node(dotted) if dotted else None,
                relative=[cst.Dot() for _ in range(relative)],
                names=renamed,
            )
        for index in sorted(moves):
            edit = moves[index]
            if not edit.names:
                continue  # the name is dropped: another import binds it already
            alias = _make_alias(edit.names[0])
            if self._may_join(output, hosts, edit.module, line, [edit.names[0].local]):
                _extend_host(output, hosts[edit.module][0], edit.module, alias)
            else:
                created.setdefault(edit.module, [])
                if not any(_same_alias(alias, a) for a in created[edit.module]):
                    created[edit.module].append(alias)
                    # The comment beside the name in a parenthesised list goes with it.
                    moved = aliases[index].comma
                    comment = (
                        _comment_of(moved.whitespace_after)
                        if isinstance(moved, cst.Comma)
                        else None
                    )
                    if comment is not None:
                        self._moved_comments.setdefault(edit.module, []).append(comment.value)
        kept = [a for i, a in enumerate(aliases) if i not in moves]
        if not kept:
            return None
        if node.lpar is not None and (len(aliases) - 1) in moves:
            return _without_last(node, kept, aliases[-1])
        return node.with_changes(names=_fix_commas(kept, node))

    def _may_join(
        self,
        output: list,
        hosts: dict[str, tuple[int, int]],
        target: str,
        line: int,
        names: list[str],
    ) -> bool:
        """Whether a name moving to ``target`` on ``line`` may join the block's earlier import
        of it: joining binds the name earlier, so only imports may come between (other code
        could run and see it), none of them spelling the name but an import of it from
        ``target`` (as written, or as an edit makes it), and none with a star."""
        if target not in hosts:
            return False
        if not all(_imports_only(statement) for statement in output[hosts[target][0] + 1 :]):
            return False
        if self._source_lines is None:  # (numbered as libcst numbers them: as Python does)
            self._source_lines = split_lines(self.module.code if self._text is None else self._text)
        first = hosts[target][1] + 1
        spelled = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
        from_target = re.compile(r"\s*from\s+" + re.escape(target) + r"\s+import\b")
        for number in range(first, line):
            text = self._source_lines[number - 1]
            if _STAR.search(text):
                return False
            for found in spelled.finditer(text):
                name = found.group()
                if from_target.match(text) or any(
                    edit.line == number
                    and edit.module == target
                    and edit.names
                    and edit.names[0].local == name
                    for _, edit in self.names
                ):
                    continue  # the same object, from the same module
                return False
        return True

    def _star(self, node: cst.ImportFrom, line: int) -> cst.ImportFrom:
        """``from shim import *`` becomes the names it binds, from the canonical module."""
        for key, edit in self.names:
            if key in self.applied or edit.name != "*" or edit.line != line or not edit.names:
                continue
            self.applied.add(key)
            relative, dotted = _split_relative(edit.module)
            return _moved(
                node,
                module=_name_node(dotted) if dotted else None,
                relative=[cst.Dot() for _ in range(relative)],
                names=[_make_alias(imported) for imported in edit.names],
            )
        return node

    def _name_edit(self, alias: cst.ImportAlias, line: int) -> FromImportEdit | None:
        name = _dotted(alias.name)
        local = _alias_local(alias)
        for key, edit in self.names:
            if key in self.applied or len(edit.names) > 1:
                continue
            if edit.line == line and edit.name == name and edit.local == local:
                self.applied.add(key)
                return edit
        return None

    def _shadow_edit(self, original: cst.ImportFrom, line: int) -> ModuleEdit | None:
        """The edit of the `from` part at ``line``: a shadow root, or a stale path (which may
        be relative, spelled with its dots)."""
        relative = len(original.relative)
        if not relative and original.module is None:
            return None
        dotted = "." * relative + (_dotted(original.module) if original.module else "")
        statement_line = line
        for key, edit in self.modules:
            if key in self.applied or edit.line != statement_line:
                continue
            # `from shadow import x`, or `from shadow_parent import module` (matched through
            # the module): either way the edit's new module is the `from` part.
            if edit.dotted == dotted or (not relative and edit.dotted.startswith(dotted + ".")):
                self.applied.add(key)
                return edit
        return None


# Each lazy import node (PEP 810) and its eager form: the same fields, but `lazy`'s spacing.
_EAGER: dict[type, type] = {cst.LazyImportFrom: cst.ImportFrom, cst.LazyImport: cst.Import}


def _moved(node: cst.ImportFrom, **changes: object) -> cst.ImportFrom:
    """``node`` taking from another module: ``from.shim import X`` had no space after
    ``from``, which an absolute module needs."""
    space = node.whitespace_after_from
    relative = changes.get("relative", node.relative)
    if not relative and isinstance(space, cst.SimpleWhitespace) and not space.value:
        changes["whitespace_after_from"] = cst.SimpleWhitespace(" ")
    return node.with_changes(**changes)


def _imports_only(statement: cst.CSTNode) -> bool:
    """Whether a statement of a block is one line of imports (nothing else runs there)."""
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )


def _recast(node: cst.CSTNode, kind: type, **extra: object) -> cst.CSTNode:
    """``node`` as a node of ``kind``: every field the two share, and ``extra``."""
    shared = {f.name for f in dataclasses.fields(kind)} & {f.name for f in dataclasses.fields(node)}
    return kind(**{name: getattr(node, name) for name in shared}, **extra)


def _eager(node: cst.LazyImportFrom | cst.LazyImport) -> cst.ImportFrom | cst.Import:
    return _recast(node, _EAGER[type(node)])  # type: ignore[return-value]


def _lazy_again(
    node: cst.BaseSmallStatement, lazy: cst.LazyImportFrom | cst.LazyImport
) -> cst.BaseSmallStatement:
    """The rewritten eager statement, lazy as it was."""
    for lazy_kind, eager_kind in _EAGER.items():
        if isinstance(node, eager_kind):
            spacing = lazy.whitespace_after_lazy
            return _recast(node, lazy_kind, whitespace_after_lazy=spacing)  # type: ignore[return-value]
    return node


def _split_relative(target: str) -> tuple[int, str]:
    stripped = target.lstrip(".")
    return len(target) - len(stripped), stripped


def _renamed(alias: cst.ImportAlias, imported: ImportedName) -> cst.ImportAlias:
    new_name, local = imported.name, imported.local
    asname = None if new_name == local else cst.AsName(name=cst.Name(local))
    if asname is not None and alias.asname is not None:
        asname = alias.asname.with_changes(name=cst.Name(local))
    return alias.with_changes(name=_name_node(new_name), asname=asname)


def _same_alias(one: cst.ImportAlias, other: cst.ImportAlias) -> bool:
    return _dotted(one.name) == _dotted(other.name) and _alias_local(one) == _alias_local(other)


def _without_last(
    node: cst.ImportFrom, kept: list[cst.ImportAlias], last: cst.ImportAlias
) -> cst.ImportFrom:
    """A parenthesised statement that lost its last name: the new last name keeps its own
    comment and takes the layout that closed the list (the line break before ``)``)."""
    final = kept[-1]
    own = final.comma.whitespace_after if isinstance(final.comma, cst.Comma) else None
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
        if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(
            closing, cst.ParenthesizedWhitespace
        ):
            closing = closing.with_changes(first_line=own.first_line)
        kept[-1] = final.with_changes(comma=last.comma.with_changes(whitespace_after=closing))
        return node.with_changes(names=kept)
    kept[-1] = final.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    rpar = node.rpar
    if (
        isinstance(own, cst.ParenthesizedWhitespace)
        and own.first_line.comment is not None
        and rpar is not None
        and isinstance(rpar.whitespace_before, cst.ParenthesizedWhitespace)
    ):
        rpar = rpar.with_changes(
            whitespace_before=rpar.whitespace_before.with_changes(first_line=own.first_line)
        )
    return node.with_changes(names=kept, rpar=rpar)


def _fix_commas(aliases: list[cst.ImportAlias], node: cst.ImportFrom) -> list[cst.ImportAlias]:
    """After removing names: no dangling comma unless the statement is parenthesised."""
    if node.lpar is None and aliases:
        aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases


def _extend_host(output: list, index: int, target: str, alias: cst.ImportAlias) -> None:
    """Add a name to an earlier ``from <target> import ...`` in the same block."""
    statement = output[index]
    body = list(statement.body)
    for position, small in enumerate(body):
        if not (isinstance(small, cst.ImportFrom) and module_text(small) == target):
            continue
        names = list(small.names)
        if any(_same_alias(alias, existing) for existing in names):
            return
        last = names[-1]
        if isinstance(last.comma, cst.Comma):  # trailing comma: parenthesised, one per line
            if len(names) > 1:
                between = names[-2].comma
            elif isinstance(last.comma.whitespace_after, cst.ParenthesizedWhitespace) and not (
                small.lpar and isinstance(small.lpar.whitespace_after, cst.ParenthesizedWhitespace)
            ):  # `(Manager,  # a note` then `)` below it: the new name goes on a line between
                between = last.comma
            else:  # the first name's indentation follows the opening parenthesis
                indent = small.lpar.whitespace_after if small.lpar else cst.SimpleWhitespace(" ")
                between = last.comma.with_changes(whitespace_after=indent)
            # Each name keeps the comment beside it; the new one, last, has none.
            names[-1] = last.with_changes(
                comma=_with_comment(between, _comment_of(last.comma.whitespace_after))
            )
            names.append(alias.with_changes(comma=_with_comment(last.comma, None)))
        else:
            names[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            names.append(alias)
        body[position] = small.with_changes(names=names)
        output[index] = statement.with_changes(body=body)
        return


def _comment_of(whitespace: object) -> cst.Comment | None:
    """The comment a parenthesised list's line ends with, after a comma."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.first_line.comment
    return None


def _with_comment(comma: cst.Comma, comment: cst.Comment | None) -> cst.Comma:
    """``comma``, the line it ends carrying ``comment`` (or none)."""
    after = comma.whitespace_after
    if not isinstance(after, cst.ParenthesizedWhitespace):
        return comma
    first = after.first_line
    if comment is None:
        first = first.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
    elif first.comment is None:
        first = first.with_changes(comment=comment, whitespace=cst.SimpleWhitespace("  "))
    else:
        first = first.with_changes(comment=comment)
    return comma.with_changes(whitespace_after=after.with_changes(first_line=first))


def _without_star_noqa(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """A star import that now names what it takes: its ``# noqa: F403`` (star import used)
    no longer applies and goes (F401 and other codes stay)."""
    comment = statement.trailing_whitespace.comment
    if comment is None:
        return statement
    new_text = without_noqa_codes(comment.value, ["F403"])
    if new_text == comment.value:
        return statement
    trailing = statement.trailing_whitespace
    if new_text:
        trailing = trailing.with_changes(comment=cst.Comment(new_text))
    else:
        trailing = trailing.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
    return statement.with_changes(trailing_whitespace=trailing)


class _Comments(cst.CSTVisitor):
    """Every comment inside a node, in order."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node.value)


def _comment_kept(statement: cst.SimpleStatementLine) -> list[cst.EmptyLine]:
    """The comments of a statement that goes (all its names joined an earlier import): the
    one after it and those inside its parentheses, each kept on a line of its own where the
    statement was; what applied to its line only goes."""
    comments = _Comments()
    for small in statement.body:
        small.visit(comments)
    statement.trailing_whitespace.visit(comments)
    kept = [without_line_directives(text) for text in comments.found]
    return [cst.EmptyLine(comment=cst.Comment(text)) for text in kept if text]


def _with_leading(statement, lines: list):
    if not lines:
        return statement
    return statement.with_changes(leading_lines=[*lines, *statement.leading_lines])
