"""Imports whose failure is the point: a test that asserts an old path is gone.

``with pytest.raises(ImportError): from …unified_manager import X`` checks that the path no
longer works; rewriting it to the canonical path would make the test import successfully and
fail. Such imports are reported, never rewritten.
"""

from __future__ import annotations

import ast

from .outline import Outline

# Why such an import is left as it is (said by ``check`` and ``fix`` alike).
EXPECTED_TO_FAIL = "this import is expected to fail: a test asserts it"

_FAILURES = {"ImportError", "ModuleNotFoundError"}
_RAISES = {"raises", "assertRaises", "assertRaisesRegex"}
_FAIL_CALLS = {"fail", "assertFalse"}


def expected_to_fail(outline: Outline, line: int) -> bool:
    """Whether the statement on ``line`` sits where an import error is what a test expects:
    in ``with pytest.raises(ImportError)`` (or ``self.assertRaises``), or in the body of a
    ``try`` whose ``except ImportError`` is the expected path (its ``else`` fails the test)."""
    top = outline.holding(line)
    return top is not None and any(_expects(node, line) for node in _holders([top], line))


def _holders(body: list[ast.stmt], line: int) -> list[ast.stmt]:
    """The statements whose lines hold ``line``, outermost first."""
    for node in body:
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            inner = [getattr(node, name, None) or [] for name in ("body", "orelse", "finalbody")]
            inner += [h.body for h in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]]
            for block in inner:
                found = _holders(block, line)
                if found:
                    return [node, *found]
            return [node]
    return []


def _expects(node: ast.stmt, line: int) -> bool:
    if isinstance(node, ast.With | ast.AsyncWith):
        inside = bool(node.body) and node.body[0].lineno <= line
        return inside and any(_raises_import_error(item.context_expr) for item in node.items)
    if isinstance(node, ast.Try):
        in_body = bool(node.body) and node.body[0].lineno <= line <= (
            node.body[-1].end_lineno or node.body[-1].lineno
        )
        catches = any(_catches_import_error(handler.type) for handler in node.handlers)
        return in_body and catches and any(_fails(statement) for statement in node.orelse)
    return False


def _raises_import_error(expression: ast.expr) -> bool:
    if not isinstance(expression, ast.Call) or not expression.args:
        return False
    function = expression.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return name in _RAISES and _catches_import_error(expression.args[0])


def _catches_import_error(expression: ast.expr | None) -> bool:
    if expression is None:
        return False
    names = expression.elts if isinstance(expression, ast.Tuple) else [expression]
    for name in names:
        spelled = name.attr if isinstance(name, ast.Attribute) else getattr(name, "id", "")
        if spelled in _FAILURES:
            return True
    return False


def _fails(statement: ast.stmt) -> bool:
    """``pytest.fail(…)``, ``self.fail(…)``, ``assert False``, ``raise AssertionError``."""
    if isinstance(statement, ast.Assert):
        return isinstance(statement.test, ast.Constant) and not statement.test.value
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return getattr(raised, "id", "") == "AssertionError"
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        return isinstance(function, ast.Attribute) and function.attr in _FAIL_CALLS
    return False
