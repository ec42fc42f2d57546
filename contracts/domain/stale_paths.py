"""Module paths that no longer lead anywhere: what a missing module was probably meant to be,
and which names a module binds (a string may name one of them rather than a submodule)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from difflib import get_close_matches


class ModuleNames:
    """The existing modules, by last name: what a missing module was probably meant to be."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.by_last: dict[str, list[str]] = {}
        for module in sorted(set(modules)):
            self.by_last.setdefault(module.rpartition(".")[2], []).append(module)
        self._closest: dict[str, str | None] = {}

    def closest(self, missing: str) -> str | None:
        """One with the same last name, else one whose last name is close to it (among
        those, the one sharing the most leading parts with ``missing``, then the shortest);
        ``None`` when no last name is close. A package above ``missing`` is no answer: it is
        where the module was looked for."""
        if missing not in self._closest:
            self._closest[missing] = self._find(missing)
        return self._closest[missing]

    def _find(self, missing: str) -> str | None:
        parts = missing.split(".")
        above = {".".join(parts[:size]) for size in range(1, len(parts))}
        last = parts[-1]
        # A ratio of 0.75 needs lengths within a factor of about 1.7 of each other.
        similar = [name for name in self.by_last if 0.6 * len(last) <= len(name) <= 1.7 * len(last)]
        names = [last] if last in self.by_last else get_close_matches(last, similar, 1, 0.75)
        candidates = [m for name in names for m in self.by_last[name] if m not in above]
        if not candidates:
            return None
        return min(candidates, key=lambda module: (-_shared(parts, module.split(".")), len(module)))


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
