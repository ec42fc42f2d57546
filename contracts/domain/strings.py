"""String literals that name a module path: ``mock.patch("pkg.impl.Name")`` and friends.

A string counts only when it is exactly a dotted path (the module, or an attribute path under
it). Docstrings are skipped, and prose that merely mentions the path never matches.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class StringReference:
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


def find_string_references(tree: ast.Module, pattern: re.Pattern[str]) -> Iterator[StringReference]:
    docstrings = _docstring_ids(tree)
    calls = _call_names(tree)
    formatted = {
        id(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for value in node.values
    }
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docstrings or id(node) in formatted:
            continue
        match = pattern.fullmatch(node.value)
        if match is None:
            continue
        dotted, qualified = match.group(2), match.group(3)
        if qualified and dotted:
            continue  # "pkg.impl.sub:Name" names a submodule we do not map
        text = qualified if qualified else dotted
        yield StringReference(
            value=node.value,
            line=node.lineno,
            column=node.col_offset,
            module=match.group(1),
            attributes=tuple(part for part in text.split(".") if part),
            call=calls.get(id(node)),
            colon=bool(qualified),
        )


def _docstring_ids(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.add(id(body[0].value))
    return found


def _call_names(tree: ast.Module) -> dict[int, str]:
    """For each string argument, the call (or subscript) it is passed to."""
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = dotted_name(node.func)
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                names.setdefault(id(argument), f"{name}(…)" if name else "call")
        elif isinstance(node, ast.Subscript):
            name = dotted_name(node.value)
            if name:
                names.setdefault(id(node.slice), f"{name}[…]")
    return names


def dotted_name(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
