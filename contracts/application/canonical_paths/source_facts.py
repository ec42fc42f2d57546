"""What a file says about how it uses an import, read lazily for the classifier.

Most imports never need it: the classifier asks only when a name's uses decide a finding (an
attribute read from a module, a dotted chain through a package, a name bound again). Only the
top-level statements that spell the name are parsed where that suffices.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Collection
from pathlib import Path

from ...domain.rebinding import binds_otherwise
from ...domain.statements import Binding
from ...domain.strings import dotted_name
from ..pipeline.sources import SourceCache
from .classify import AttributeUses, ChainRead, ChainUses


class SourceFacts:
    """File facts for the classifier, read lazily: most imports never need them."""

    def __init__(self, sources: SourceCache, path: Path) -> None:
        self.sources = sources
        self.path = path

    def uses(self, binding: Binding, only: Collection[str] | None = None) -> AttributeUses:
        source = self.sources.file(self.path)
        if source is None:
            return AttributeUses(known=False)
        if only is not None:
            chain = binding.source if binding.spelled_out else binding.local
            if not any(f"{chain}.{name}" in source.text for name in only):
                return AttributeUses()  # none of those attributes is even spelled out
        # Only the top-level statements that spell the name can use it: those are parsed.
        first = (binding.source if binding.spelled_out else binding.local).partition(".")[0]
        spelled = [number for number, line in enumerate(source.lines, 1) if first in line]
        tree = self.sources.statements_holding(source, spelled)
        if tree is None:
            return AttributeUses(known=False)
        return attribute_uses(tree, binding, source.lines)

    def chain_uses(self, chain: str, head_module: str) -> ChainUses:
        source = self.sources.file(self.path)
        if source is None:
            return ChainUses(known=False)
        if not all(part in source.text for part in chain.split(".")):
            return ChainUses()  # not even spelled out (in parts: `orm . session` counts)
        tree = self.sources.tree(source)
        if tree is None:
            return ChainUses(known=False)
        return chain_uses(tree, chain, source.lines, head_module)

    def binds_otherwise(self, name: str) -> bool:
        source = self.sources.file(self.path)
        if source is None:
            return False
        return binds_otherwise(source.lines, name, self.sources.mask(source))


def chain_uses(tree: ast.Module, chain: str, lines: list[str], head_module: str) -> ChainUses:
    """The attributes read from the dotted expression ``chain`` (each read located, plain or
    not, stored or not), and where the expression is used bare."""
    uses = ChainUses()
    values: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and dotted_name(node.value) == chain:
            values.add(id(node.value))
            line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
            start = len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "replace"))
            end = len(line.encode("utf-8")[: node.end_col_offset or 0].decode("utf-8", "replace"))
            plain = node.end_lineno == node.lineno and line[start:end] == f"{chain}.{node.attr}"
            read = ChainRead(
                node.lineno,
                node.col_offset,
                line.strip(),
                plain,
                not isinstance(node.ctx, ast.Load),
            )
            uses.reads.setdefault(node.attr, []).append(read)
    for reads in uses.reads.values():
        reads.sort(key=lambda read: (read.line, read.column))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and id(node) not in values
            and dotted_name(node) == chain
            and (uses.bare is None or node.lineno < uses.bare)
        ):
            uses.bare = node.lineno
    head = chain.split(".")[0]
    others = sorted(
        node.lineno
        for node in ast.walk(tree)
        if head in _names_bound(node) and _bound_module(node, head) != head_module
    )
    if others:
        uses.rebound = others[0]
    return uses


def _bound_module(node: ast.AST, name: str) -> str | None:
    """The module an absolute import statement binds ``name`` to (None: not such a one)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname == name:
                return alias.name
            if alias.asname is None and alias.name.split(".")[0] == name:
                return name
    if isinstance(node, ast.ImportFrom) and not node.level and node.module:
        for alias in node.names:
            if (alias.asname or alias.name) == name:
                return f"{node.module}.{alias.name}"
    return None


def _names_bound(node: ast.AST) -> set[str]:
    """The names ``node`` binds itself (not those of the nodes inside it)."""
    if isinstance(node, ast.Name):
        return set() if isinstance(node.ctx, ast.Load) else {node.id}
    if isinstance(node, ast.arg):
        return {node.arg}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {alias.asname or alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.Global | ast.Nonlocal):
        return set(node.names)
    if isinstance(node, ast.alias):
        return set()  # counted with its import statement
    bound = getattr(node, "name", None)  # def, class, except … as, match … as
    return {bound} if isinstance(bound, str) else set()


def attribute_uses(
    tree: ast.Module, binding: Binding, lines: list[str] | None = None
) -> AttributeUses:
    """How the module bound by ``binding`` is used: attributes read from it, bare uses.

    ``import a.b.impl`` binds ``a`` and is used as ``a.b.impl.X``; every other form binds the
    module itself to a local name, used as ``local.X`` (or passed around bare). Given the
    file's ``lines``, only the top-level statements that spell the name are walked.
    """
    chain = binding.source if binding.spelled_out else binding.local
    parts = tree.body if lines is None else spelling(tree, lines, chain.partition(".")[0])
    return attribute_uses_in(parts, binding)


def attribute_uses_in(parts: list[ast.stmt], binding: Binding) -> AttributeUses:
    """``attribute_uses`` over the given statements (every one that spells the name)."""
    spelled_out = binding.spelled_out
    chain = binding.source if spelled_out else binding.local
    uses = AttributeUses()
    attribute_values: set[int] = set()
    names: list[ast.Name] = []
    for part in parts:
        for node in ast.walk(part):
            if isinstance(node, ast.Attribute):
                attribute_values.add(id(node.value))
                if dotted_name(node.value) == chain:
                    uses.attributes.setdefault(node.attr, node.lineno)
                    if not isinstance(node.ctx, ast.Load) and uses.stored is None:
                        uses.stored = node.lineno
            elif isinstance(node, ast.Name) and node.id == binding.local:
                names.append(node)
            elif isinstance(node, ast.arg | ast.AnnAssign | ast.FunctionDef | ast.AsyncFunctionDef):
                for read, line in _annotation_reads(node, chain):
                    uses.attributes.setdefault(read, line)
    if not spelled_out:
        uses.bare = any(
            isinstance(node.ctx, ast.Load) and id(node) not in attribute_values for node in names
        )
    return uses


def _annotation_reads(node: ast.AST, chain: str) -> list[tuple[str, int]]:
    """The attributes of ``chain`` read in the string annotations of ``node`` (a parameter,
    an annotated assignment, a function's return): ``"c.Manager | None"`` reads ``Manager``
    as surely as code does."""
    annotation = getattr(
        node,
        "returns" if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else "annotation",
        None,
    )
    found: list[tuple[str, int]] = []
    for constant in ast.walk(annotation) if annotation is not None else ():
        if not (isinstance(constant, ast.Constant) and isinstance(constant.value, str)):
            continue
        if chain.partition(".")[0] not in constant.value:
            continue
        try:
            parsed = ast.parse(constant.value.strip(), mode="eval")
        except (SyntaxError, ValueError):
            continue
        for inner in ast.walk(parsed):
            if isinstance(inner, ast.Attribute) and dotted_name(inner.value) == chain:
                found.append((inner.attr, constant.lineno))
    return found


def spelling(tree: ast.Module, lines: list[str], name: str) -> list[ast.stmt]:
    """The top-level statements of ``tree`` whose lines contain ``name`` (as text): a name
    never spans lines, so no other statement can use it."""
    spelled = [number for number, line in enumerate(lines, 1) if name in line]
    found = []
    for statement in tree.body:
        first = min([statement.lineno, *(d.lineno for d in _decorators(statement))])
        last = statement.end_lineno or statement.lineno
        at = bisect.bisect_left(spelled, first)
        if at < len(spelled) and spelled[at] <= last:
            found.append(statement)
    return found


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    return getattr(statement, "decorator_list", [])
