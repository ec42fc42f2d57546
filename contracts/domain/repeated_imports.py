"""Imports a rewrite repeats, dropped.

Two fixes in one file can each write the same import: a shim's name renamed to the canonical
one (``from pkg.compat import M1`` becoming ``from pkg.core.api import Manager``) and a shim
module whose attribute uses become that name (``import pkg.compat as c`` then ``c.Manager``).
The second import binds again what the first bound (or what an import the fix extended binds
now: `from pkg.core.api import Mode, Manager`), which ruff reports as F811 (a redefinition of
an unused name): it is dropped, when only imports come between the two in their block (a
comment on its line stays, on a line of its own).
"""

from __future__ import annotations

import ast
from collections import Counter

from .parsing import split_lines
from .suppressions import comment_alone


def without_repeated_imports(text: str, original: str) -> str:
    """``text`` without the one-line ``from … import …`` statements whose every name an
    earlier import of the same module in their block binds already (the same way), with
    only imports binding other names between them, and that ``original`` holds fewer times
    (the rewrite wrote them)."""
    lines = split_lines(text)
    written = _from_statements(lines)
    before = _from_statements(split_lines(original))
    if not _may_repeat(written, before):
        return text  # (nearly always: no import was written that another may hold)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    replaced: dict[int, str] = {}
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                _repeats(block, lines, written, before, replaced)
    return "".join(replaced.get(number, line) for number, line in enumerate(lines))


def _repeats(
    block: list[ast.stmt],
    lines: list[str],
    written: Counter[str],
    before: Counter[str],
    replaced: dict[int, str],
) -> None:
    """Mark in ``replaced`` (line number: what stays of it) the repeated imports of
    ``block``."""
    # Each earlier `from … import` of the block: its index, module and the names it binds.
    earlier: list[tuple[int, tuple[str | None, int], set[tuple[str, str | None]]]] = []
    for index, statement in enumerate(block):
        if not isinstance(statement, ast.ImportFrom):
            continue
        source = (statement.module, statement.level)
        pairs = {(alias.name, alias.asname) for alias in statement.names}
        first = next(
            (at for at, module, bound in reversed(earlier) if module == source and pairs <= bound),
            None,
        )
        if first is None or statement.lineno != statement.end_lineno or ("*", None) in pairs:
            earlier.append((index, source, pairs))
            continue
        number = statement.lineno - 1
        code, comment = _code_and_comment(lines[number])
        if ";" in code or written[code] <= before[code] or code != _segment(statement, lines):
            earlier.append((index, source, pairs))
            continue
        bound = {alias.asname or alias.name for alias in statement.names}
        if all(_imports_others(between, bound) for between in block[first + 1 : index]):
            replaced[number] = comment_alone(lines[number], comment)
            written[code] -= 1
        else:
            earlier.append((index, source, pairs))


def _may_repeat(written: Counter[str], before: Counter[str]) -> bool:
    """Whether a ``from`` statement the rewrite wrote names a module another one names."""
    modules = Counter(code.split()[1] for code in written.elements() if len(code.split()) > 1)
    return any(
        count > before[code] and len(code.split()) > 1 and modules[code.split()[1]] > 1
        for code, count in written.items()
    )


def _from_statements(lines: list[str]) -> Counter[str]:
    """How often each ``from …`` line's statement (its comment set aside) is written."""
    return Counter(_code_and_comment(line)[0] for line in lines if line.lstrip().startswith("from"))


def _code_and_comment(line: str) -> tuple[str, str]:
    """An import line's statement and its comment (an import holds no string: the first
    ``#`` starts the comment)."""
    code, mark, comment = line.partition("#")
    return code.strip(), (mark + comment).rstrip("\r\n")


def _segment(statement: ast.stmt, lines: list[str]) -> str:
    """The statement's own text on its line."""
    line = lines[statement.lineno - 1]
    return (
        line.encode("utf-8")[statement.col_offset : statement.end_col_offset]
        .decode("utf-8", "replace")
        .strip()
    )


def _imports_others(statement: ast.stmt, names: set[str]) -> bool:
    """Whether ``statement`` is an import that binds none of ``names``."""
    if not isinstance(statement, ast.Import | ast.ImportFrom):
        return False
    bound = {(alias.asname or alias.name).partition(".")[0] for alias in statement.names}
    return "*" not in bound and bound.isdisjoint(names)
