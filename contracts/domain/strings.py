"""String literals that name a module path: ``mock.patch("pkg.impl.Name")`` and friends.

A string counts only when it is exactly a dotted path (the module, or an attribute path under
it). Docstrings are skipped, and prose that merely mentions the path never matches.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Collection, Iterable, Iterator

from msgspec import Struct


class StringReference(Struct, frozen=True):
    """A dotted path written in a string literal (``mock.patch("...")``, say)."""

    value: str
    line: int
    column: int
    module: str
    attributes: tuple[str, ...]
    call: str | None
    # "pkg.mod:Name" (pkgutil.resolve_name, entry points) separates module and attributes
    # with a colon; the suggestion keeps that spelling.
    colon: bool = False


def string_pattern(modules: Iterable[str]) -> re.Pattern[str]:
    """A full-match pattern for the modules and any attribute path below them."""
    names = sorted(set(modules), key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    name = r"[A-Za-z_][A-Za-z0-9_]*"
    return re.compile(rf"({alternatives})((?:\.{name})*)(?::({name}(?:\.{name})*))?")


def find_string_references(
    tree: ast.Module, pattern: re.Pattern[str], lines: Collection[int] | None = None
) -> Iterator[StringReference]:
    """Every string constant that is exactly a path ``pattern`` matches, with the call it is
    passed to; docstrings and the literal parts of f-strings are not references.

    With ``lines`` (the lines where such a string can start), only the statements and
    expressions spanning one of them are visited, not the whole tree.
    """
    wanted = sorted(set(lines)) if lines is not None else None

    def spans_wanted(node: ast.AST) -> bool:
        if wanted is None:
            return True
        start = getattr(node, "lineno", None)
        if start is None:
            return True
        end = getattr(node, "end_lineno", None) or start
        decorators = getattr(node, "decorator_list", None)
        if decorators:  # a decorated definition's line is its `def`, below its decorators
            start = min(start, *(decorator.lineno for decorator in decorators))
        position = bisect.bisect_left(wanted, start)
        return position < len(wanted) and wanted[position] <= end

    def visit(node: ast.AST, parent: ast.AST | None, grandparent: ast.AST | None) -> Iterator:
        if isinstance(node, ast.Constant):
            if (
                isinstance(node.value, str)
                and not isinstance(parent, ast.JoinedStr)
                and not _is_docstring(node, parent, grandparent)
            ):
                reference = _reference(node, pattern, _call_name(node, parent, grandparent))
                if reference is not None:
                    yield reference
            return
        for child in ast.iter_child_nodes(node):
            if spans_wanted(child):
                yield from visit(child, node, parent)

    yield from visit(tree, None, None)


def _reference(
    node: ast.Constant, pattern: re.Pattern[str], call: str | None
) -> StringReference | None:
    match = pattern.fullmatch(node.value)
    if match is None:
        return None
    dotted, qualified = match.group(2), match.group(3)
    if qualified and dotted:
        return None  # "pkg.impl.sub:Name" names a submodule we do not map
    text = qualified if qualified else dotted
    return StringReference(
        value=node.value,
        line=node.lineno,
        column=node.col_offset,
        module=match.group(1),
        attributes=tuple(part for part in text.split(".") if part),
        call=call,
        colon=bool(qualified),
    )


def _is_docstring(node: ast.Constant, parent: ast.AST | None, grandparent: ast.AST | None) -> bool:
    """The first statement of a module, class or function body, when it is a bare string."""
    return (
        isinstance(parent, ast.Expr)
        and isinstance(grandparent, _DOCUMENTED)
        and bool(grandparent.body)
        and grandparent.body[0] is parent
    )


_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _call_name(node: ast.AST, parent: ast.AST | None, grandparent: ast.AST | None) -> str | None:
    """The call (or subscript) a string is passed to, as ``name(…)``/``name[…]``."""
    if isinstance(parent, ast.keyword):
        parent, node = grandparent, parent.value
    if isinstance(parent, ast.Call) and (
        any(argument is node for argument in parent.args)
        or any(keyword.value is node for keyword in parent.keywords)
    ):
        name = dotted_name(parent.func)
        return f"{name}(…)" if name else "call"
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        name = dotted_name(parent.value)
        return f"{name}[…]" if name else None
    return None


def dotted_name(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
