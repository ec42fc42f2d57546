"""Which top-level statement holds a line, found by bisection.

A 5 MB test module has thousands of top-level statements; asking for each of its findings
"which statement is this in" by walking the module body would cost the body's length each
time.
"""

from __future__ import annotations

import ast
import bisect


class Outline:
    """The top-level statements of a module, in order, with the lines each one spans."""

    def __init__(self, tree: ast.Module) -> None:
        self.body = tree.body
        self.starts = [first_line(node) for node in tree.body]

    def holding(self, line: int) -> ast.stmt | None:
        """The top-level statement whose lines (decorators included) hold ``line``."""
        position = bisect.bisect_right(self.starts, line) - 1
        if position < 0:
            return None
        node = self.body[position]
        return node if line <= (node.end_lineno or node.lineno) else None

    def last_line(self) -> int:
        return max((node.end_lineno or node.lineno for node in self.body), default=0)


def first_line(node: ast.stmt) -> int:
    """The first line of a statement, its decorators included."""
    decorators = getattr(node, "decorator_list", None) or ()
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])
