"""Module paths that no longer lead anywhere: what a missing module was probably meant to be,
and which names a module binds (a string may name one of them rather than a submodule)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from difflib import get_close_matches


def closest_module(missing: str, modules: Iterable[str]) -> str | None:
    """The existing module ``missing`` was most probably meant to be: one with the same last
    name, else one whose last name is close to it (among those, the one sharing the most
    leading parts with ``missing``, then the shortest); ``None`` when no last name is close.
    A package above ``missing`` is no answer: it is where the module was looked for."""
    parts = missing.split(".")
    above = {".".join(parts[:size]) for size in range(1, len(parts))}
    by_last: dict[str, list[str]] = {}
    for module in sorted(set(modules) - above):
        by_last.setdefault(module.rpartition(".")[2], []).append(module)
    last = parts[-1]
    names = [last] if last in by_last else get_close_matches(last, list(by_last), 1, 0.75)
    if not names:
        return None
    return min(
        by_last[names[0]], key=lambda module: (-_shared(parts, module.split(".")), len(module))
    )


def _shared(one: list[str], other: list[str]) -> int:
    count = 0
    for first, second in zip(one, other, strict=False):
        if first != second:
            break
        count += 1
    return count


def module_level_names(tree: ast.Module) -> set[str] | None:
    """The names a module binds when it runs (definitions, assignments, imports, at module
    level or in its ``if``/``try``/``with``/``for`` blocks); None when that cannot be known
    statically: a star import, or a module ``__getattr__``."""
    names: set[str] = set()
    for node in _module_level(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == "__getattr__":
                return None
            names.add(node.name)
        elif isinstance(node, ast.Import):
            names.update(a.asname or a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if any(alias.name == "*" for alias in node.names):
                return None
            names.update(alias.asname or alias.name for alias in node.names)
        else:
            for target in _targets(node):
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run at module level, inside compound statements too (not inside
    functions or classes)."""
    for node in body:
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _module_level(getattr(node, field, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            yield from _module_level(handler.body)
        for case in getattr(node, "cases", []) or []:
            yield from _module_level(case.body)


def _targets(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        return [node.target]
    if isinstance(node, ast.For | ast.AsyncFor):
        return [node.target]
    if isinstance(node, ast.With | ast.AsyncWith):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    return []
