"""Imports a rewrite repeats, dropped.

Two fixes in one file can each write the same import: a shim's name renamed to the canonical
one (``from pkg.compat import M1`` becoming ``from pkg.core.api import Manager``) and a shim
module whose attribute uses become that name (``import pkg.compat as c`` then ``c.Manager``).
The second import binds again what the first bound, which ruff reports as F811 (a
redefinition of an unused name): it is dropped, when only imports come between the two.
"""

from __future__ import annotations

import ast
from collections import Counter

from .parsing import split_lines


def without_repeated_imports(text: str, original: str) -> str:
    """``text`` without the one-line module-level ``from … import …`` statements that repeat
    an earlier one exactly, with only imports binding other names between them, and that
    ``original`` holds fewer times (the rewrite wrote them)."""
    lines = split_lines(text)
    written = Counter(line.strip() for line in lines if line.lstrip().startswith("from"))
    before = Counter(
        line.strip() for line in split_lines(original) if line.lstrip().startswith("from")
    )
    if not any(count > 1 and count > before[line] for line, count in written.items()):
        return text  # (nearly always: no import line was written twice)
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return text
    seen: dict[tuple[object, ...], int] = {}
    dropped: set[int] = set()
    for index, statement in enumerate(body):
        if not isinstance(statement, ast.ImportFrom):
            continue
        key = (statement.module, statement.level, *((a.name, a.asname) for a in statement.names))
        first = seen.get(key)
        seen[key] = index
        if first is None or statement.lineno != statement.end_lineno:
            continue
        line = lines[statement.lineno - 1].strip()
        if ";" in line or "#" in line or written[line] <= before[line]:
            continue
        bound = {alias.asname or alias.name for alias in statement.names}
        if all(_imports_others(between, bound) for between in body[first + 1 : index]):
            dropped.add(statement.lineno - 1)
            written[line] -= 1
            seen[key] = first
    return "".join(line for number, line in enumerate(lines) if number not in dropped)


def _imports_others(statement: ast.stmt, names: set[str]) -> bool:
    """Whether ``statement`` is an import that binds none of ``names``."""
    if not isinstance(statement, ast.Import | ast.ImportFrom):
        return False
    bound = {(alias.asname or alias.name).partition(".")[0] for alias in statement.names}
    return "*" not in bound and bound.isdisjoint(names)
