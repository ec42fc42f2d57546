"""The top-level statements that hold given lines, parsed on their own.

A string reference needs only its own statement (the call it is passed to, whether it is a
docstring), so a file with a few quoted implementation paths need not be parsed whole: a
20 KB module takes milliseconds to parse, its few statements a fraction of that. Top-level
statements start at column 0 with a name or a decorator, outside triple-quoted strings;
a cut that does not parse is widened, and a statement that cannot be delimited so asks for
the whole file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from .parsing import parse_python

# Column-0 lines that continue the statement above rather than start one.
_CONTINUING = ("else", "elif", "except", "finally")
# How a line that leaves its statement open ends.
_OPEN_ENDS = ("\\", "(", "[", "{", ",", "=", "+", "-", "*", "/", "|", "&", "%", "<", ">", ".")
_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_@")
# How many times a cut that does not parse is widened before the whole file is parsed.
_WIDENINGS = 6
# From how many lines on the whole file is parsed at once (a test module with thousands of
# `mock.patch` strings is parsed faster whole than statement by statement).
_MOST_LINES = 64


def statement_trees(
    lines: list[str], mask: list[bool], wanted: Iterable[int]
) -> list[ast.Module] | None:
    """One module per group of top-level statements holding the ``wanted`` lines (1-based),
    each with the file's own line numbers; None when one of them cannot be cut out and
    parsed on its own, or when there are so many that parsing the whole file is quicker (the
    caller then parses the whole file)."""
    cuts = _cuts(lines, mask, wanted)
    return None if cuts is None else [tree for _, tree in cuts]


def cut_module(
    lines: list[str], mask: list[bool], wanted: Iterable[int], fewest: int = 2
) -> ast.Module | None:
    """The top-level statements holding the ``wanted`` lines, as one module (each group
    parsed on its own, at the file's line numbers; the stand-ins for what comes before a
    cut left out). None when ``statement_trees`` would give None, when cuts overlap, or when
    fewer than ``fewest`` statements come out: for a planner, a module of one statement
    could be taken for a file that holds nothing else (a statement alone in its block is
    treated apart); a caller that only looks inside the statements asks for one."""
    cuts = _cuts(lines, mask, wanted)
    if cuts is None:
        return None
    body: list[ast.stmt] = []
    end = 0
    for first, tree in sorted(cuts, key=lambda cut: cut[0]):
        statements = tree.body[1:] if first else tree.body
        if not statements:
            continue
        if statements[0].lineno <= end:
            return None
        body += statements
        end = max(statement.end_lineno or statement.lineno for statement in statements)
    if len(body) < fewest:
        return None
    return ast.Module(body=body, type_ignores=[])


def _cuts(
    lines: list[str], mask: list[bool], wanted: Iterable[int]
) -> list[tuple[int, ast.Module]] | None:
    """``statement_trees``'s modules, each with the 0-based line where its cut starts."""
    wanted = sorted(set(wanted))
    if len(wanted) > _MOST_LINES:
        return None
    starts = _Starts(lines, mask)
    trees: list[tuple[int, ast.Module]] = []
    covered: list[tuple[int, int]] = []
    for line in wanted:
        index = line - 1
        if any(first <= index < end for first, end in covered):
            continue
        first, end = starts.at_or_before(index), starts.after(index)
        for widening in range(_WIDENINGS + 1):
            tree = _parse(lines, first, end)
            if tree is not None:
                break
            if widening % 2 == 0 and end < len(lines):
                end = starts.after(end)
            elif first > 0:
                first = starts.at_or_before(first - 1)
            else:
                end = starts.after(end)
        else:
            return None
        covered.append((first, end))
        trees.append((first, tree))
    return trees


class _Starts:
    """Where top-level statements start, looked for from a line up or down: a file's few
    wanted lines need only the starts around them (a test module has a start every few
    lines, each tested in full)."""

    def __init__(self, lines: list[str], mask: list[bool]) -> None:
        self.lines, self.mask = lines, mask
        self.known: dict[int, bool] = {0: True}  # (the first line starts the first statement)

    def _starts(self, index: int) -> bool:
        if index not in self.known:
            line = self.lines[index]
            self.known[index] = line[:1] in _FIRST and _starts_statement(
                self.lines, self.mask, index
            )
        return self.known[index]

    def at_or_before(self, index: int) -> int:
        """The last start at ``index`` or above it (0 at least)."""
        index = min(index, len(self.lines) - 1)
        while index > 0 and not self._starts(index):
            index -= 1
        return max(index, 0)

    def after(self, index: int) -> int:
        """The first start below ``index``; the number of lines when there is none."""
        index += 1
        while index < len(self.lines) and not self._starts(index):
            index += 1
        return min(index, len(self.lines))


def _starts_statement(lines: list[str], mask: list[bool], index: int) -> bool:
    """Whether a line can start a top-level statement: at column 0 a name or a decorator,
    outside a triple-quoted string, not an ``else``-like clause, and not after a line that
    leaves the statement open (a backslash, an opening bracket, a comma, an operator)."""
    line = lines[index]
    if not line or line[0] not in _FIRST or mask[index]:
        return False
    if line.split(None, 1)[0].rstrip(":") in _CONTINUING:
        return False
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above < 0:
        return True
    previous = lines[above].rstrip()
    if "#" in previous and "'" not in previous and '"' not in previous:
        previous = previous.partition("#")[0].rstrip()
    return not previous.endswith(_OPEN_ENDS)


def _parse(lines: list[str], first: int, end: int) -> ast.Module | None:
    """Lines ``first`` to ``end`` (0-based, end excluded) parsed at their own line numbers.
    A ``pass`` stands in for what comes before them, so that a string starting the cut is
    not taken for the module's docstring."""
    padding = "pass\n" + "\n" * (first - 1) if first else ""
    try:
        return parse_python(padding + "".join(lines[first:end]))
    except (SyntaxError, ValueError):
        return None
