"""Measure a generated tree against the figures of the real codebase (REAL_WORLD.md).

``measure_profile(root)`` reads the bytes of every Python file under the five roots and returns
the figures of the real table under the same keys as ``dense.REAL``; ``compare`` pairs each
with its target for a tree of that size (counts scaled by files / 8,353); ``profile_table``
renders both as Markdown with the deviation in %. The figures are computed from the files as
written, independently of what the generator meant to write, so a generator bug shows up here.

(Not named ``profile.py``: ``bench/`` is put first on ``sys.path`` by the scripts, and a
``profile`` module there would shadow the standard library's, which ``cProfile`` imports.)

Definitions, where the real table leaves room:

* *import lines*: lines that start (after indentation) with ``import x`` or ``from x import``,
  as ``grep`` would count them; a parenthesised import is one line;
* *contains a name*: the file's bytes contain it, wherever (code, strings, comments);
* *binds a canonical object at module level*: a ``from <canonical> import <export>`` outside any
  function or class (``if`` and ``try`` blocks included), under any local name;
* *implementation imports*: each name imported from the implementation module plus each import
  of the module itself, outside the canonical module; *inside a function* wins over
  ``TYPE_CHECKING``, which wins over ``try:``;
* *strings naming the implementation*: string literals other than docstrings and f-string parts
  equal to the module's path or starting with it followed by ``.`` or ``:``;
* *stale imports*: a manager name imported from a module under the roots that does not exist.
"""

from __future__ import annotations

import ast
import math
import os
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from dense import CANONICAL, CANONICAL_EXPORTS, IMPLEMENTATION, MANAGER_NAMES, NAMES, REAL, ROOTS

IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:import[ \t]+[A-Za-z_]|from[ \t]+[A-Za-z_.][\w.]*[ \t]+import\b)", re.M
)
STAR = b"import *"
PARSE_HINTS = tuple(name.encode() for name in NAMES)


def _python_files(root: Path) -> list[Path]:
    files = []
    for name in ROOTS:
        for folder, dirs, names in os.walk(root / name):
            dirs.sort()
            files += [Path(folder) / n for n in sorted(names) if n.endswith(".py")]
    return files


def _dotted(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _p95(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class _Imports(ast.NodeVisitor):
    """Implementation imports, canonical bindings, strings and stale paths of one module."""

    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.is_canonical = module == CANONICAL
        self.known = known
        self.function = self.try_ = self.type_checking = self.scope = 0
        self.implementation = {"all": 0, "function": 0, "try": 0, "type_checking": 0}
        self.binds = False
        self.strings = {"all": 0, "function": 0}
        self.stale = 0
        self.docstrings: set[int] = set()

    def _resolve(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self.package.split(".")
        base = base[: len(base) - node.level + 1] if node.level > 1 else base
        return ".".join([*base, node.module] if node.module else base)

    def _implementation(self, count: int) -> None:
        if self.is_canonical or not count:
            return
        self.implementation["all"] += count
        if self.function:
            self.implementation["function"] += count
        elif self.type_checking:
            self.implementation["type_checking"] += count
        elif self.try_:
            self.implementation["try"] += count

    def _body(self, node: ast.AST) -> None:
        body = getattr(node, "body", None)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node)
        self.generic_visit(node)

    def _function(self, node: ast.AST) -> None:
        self._body(node)
        for child in (*node.decorator_list, node.args):
            self.visit(child)
        if getattr(node, "returns", None):
            self.visit(node.returns)
        self.function += 1
        self.scope += 1
        for statement in node.body:
            self.visit(statement)
        self.function -= 1
        self.scope -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.function += 1
        self.generic_visit(node)
        self.function -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._body(node)
        for child in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(child)
        self.scope += 1
        for statement in node.body:
            self.visit(statement)
        self.scope -= 1

    def visit_Try(self, node: ast.Try) -> None:
        self.try_ += 1
        self.generic_visit(node)
        self.try_ -= 1

    visit_TryStar = visit_Try

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name != "TYPE_CHECKING":
            self.generic_visit(node)
            return
        self.visit(node.test)
        self.type_checking += 1
        for statement in node.body:
            self.visit(statement)
        self.type_checking -= 1
        for statement in node.orelse:
            self.visit(statement)

    def visit_Import(self, node: ast.Import) -> None:
        self._implementation(
            sum(1 for a in node.names if (a.name + ".").startswith(IMPLEMENTATION + "."))
        )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = self._resolve(node)
        names = [alias.name for alias in node.names]
        if module == IMPLEMENTATION or module.startswith(IMPLEMENTATION + "."):
            self._implementation(len(names))
        else:  # ``from <package> import <implementation module>``
            self._implementation(sum(1 for name in names if f"{module}.{name}" == IMPLEMENTATION))
        if module == CANONICAL and not self.scope and set(names) & set(CANONICAL_EXPORTS):
            self.binds = True
        if (
            module.partition(".")[0] in ROOTS
            and module not in self.known
            and set(names) & set(MANAGER_NAMES)
        ):
            self.stale += 1

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:  # only the expressions: the literal parts are not strings
            if isinstance(value, ast.FormattedValue):
                self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or id(node) in self.docstrings:
            return
        if value == IMPLEMENTATION or value.startswith(
            (IMPLEMENTATION + ".", IMPLEMENTATION + ":")
        ):
            self.strings["all"] += 1
            if self.function:
                self.strings["function"] += 1


def measure_profile(root: Path) -> dict:
    """Every figure of the real table, measured on the tree under ``root``."""
    files = _python_files(root)
    known = {_dotted(path.relative_to(root)) for path in files}
    for name in ROOTS:  # folders are modules too (packages, namespace packages)
        known.update(".".join(Path(f).relative_to(root).parts) for f, _, _ in os.walk(root / name))
    initialised = {path.parent for path in files if path.name == "__init__.py"}
    sizes, imports = [], []
    per_root = dict.fromkeys(ROOTS, 0)
    contains = dict.fromkeys([*NAMES, "import *"], 0)
    no_init = binders = stale = 0
    implementation = {"all": 0, "function": 0, "try": 0, "type_checking": 0}
    strings = {"all": 0, "function": 0}
    for path in files:
        data = path.read_bytes()
        relative = path.relative_to(root)
        per_root[relative.parts[0]] += 1
        sizes.append(len(data))
        imports.append(len(IMPORT_LINE.findall(data)))
        for name in NAMES:
            if name.encode() in data:
                contains[name] += 1
        if STAR in data:
            contains["import *"] += 1
        folders = [
            root.joinpath(*relative.parts[:depth]) for depth in range(1, len(relative.parts))
        ]
        if not all(folder in initialised for folder in folders):
            no_init += 1
        if not any(hint in data for hint in PARSE_HINTS) and b"RelayManager" not in data:
            continue
        visitor = _Imports(_dotted(relative), path.name == "__init__.py", known)
        visitor.visit(ast.parse(data))
        binders += visitor.binds
        stale += visitor.stale
        for key in implementation:
            implementation[key] += visitor.implementation[key]
        for key in strings:
            strings[key] += visitor.strings[key]
    return {
        "files": len(files),
        "files_per_root": per_root,
        "total_bytes": sum(sizes),
        "bytes_mean": statistics.mean(sizes),
        "bytes_median": statistics.median(sizes),
        "bytes_p95": _p95(sizes),
        "bytes_max": max(sizes),
        "import_lines_mean": statistics.mean(imports),
        "import_lines_p95": _p95(imports),
        "import_lines_total": sum(imports),
        "contains": contains,
        "no_init_files": no_init,
        "canonical_binders": binders,
        "implementation_imports": implementation["all"],
        "implementation_in_function": implementation["function"],
        "implementation_in_try": implementation["try"],
        "implementation_type_checking": implementation["type_checking"],
        "string_references": strings["all"],
        "strings_in_function": strings["function"],
        "stale_imports": stale,
    }


@dataclass(frozen=True)
class Row:
    """One figure: the real value, the target for this tree's size, what was measured."""

    key: str
    label: str
    real: float
    target: float
    measured: float
    unit: str  # "count", "share" (of files), "ratio" (of another figure), "bytes", "mean"
    checked: bool = True  # the 10 % bound applies (not to the maximum or the tiny counts)
    real_text: str = ""

    @property
    def deviation(self) -> float:
        """Signed deviation from the target, in %."""
        if self.target == 0:
            return 0.0 if self.measured == 0 else math.inf
        return (self.measured - self.target) / self.target * 100


def compare(measured: dict) -> list[Row]:
    """The measured figures next to the real ones, scaled to the tree's number of files."""
    n, real_n = measured["files"], REAL["files"]
    scale = n / real_n
    rows = [Row("files", "Python files", real_n, n, n, "count", False)]
    for root, count in REAL["files_per_root"].items():
        rows.append(
            Row(f"root:{root}", f"files in `{root}/`", count, count * scale,
                measured["files_per_root"][root], "count")
        )  # fmt: skip
    rows.append(
        Row("total_bytes", "source in all (bytes)", REAL["total_bytes"],
            REAL["total_bytes"] * scale, measured["total_bytes"], "count")
    )  # fmt: skip
    for key, label in (("bytes_mean", "mean"), ("bytes_median", "median"), ("bytes_p95", "p95")):
        rows.append(
            Row(key, f"bytes per file: {label}", REAL[key], REAL[key], measured[key], "bytes")
        )
    rows.append(
        Row("bytes_max", "bytes per file: max (long tail, not bounded)", REAL["bytes_max"],
            REAL["bytes_max"], measured["bytes_max"], "bytes", False)
    )  # fmt: skip
    for key, label in (("import_lines_mean", "mean"), ("import_lines_p95", "p95")):
        rows.append(Row(key, f"import lines per file: {label}", REAL[key], REAL[key],
                        measured[key], "mean"))  # fmt: skip
    rows.append(
        Row("import_lines_total", "import lines in all", REAL["import_lines_total"],
            REAL["import_lines_total"] * scale, measured["import_lines_total"], "count")
    )  # fmt: skip
    for name, count in REAL["contains"].items():
        rows.append(Row(f"contains:{name}", f"files containing `{name}`", count, count * scale,
                        measured["contains"][name], "share"))  # fmt: skip
    for key, label in (
        ("no_init_files", "files in a folder without `__init__.py` on the way"),
        ("canonical_binders", "modules binding a canonical object at module level"),
        ("implementation_imports", "implementation imports"),
        ("string_references", "strings naming the implementation"),
    ):
        rows.append(Row(key, label, REAL[key], REAL[key] * scale, measured[key], "share"))
    for key, label, whole, checked in (
        ("implementation_in_function", "implementation imports inside a function",
         "implementation_imports", True),
        ("implementation_in_try", "implementation imports inside `try:`",
         "implementation_imports", True),
        ("implementation_type_checking", "implementation imports under `TYPE_CHECKING`",
         "implementation_imports", False),
        ("strings_in_function", "strings naming the implementation: inside a function",
         "string_references", True),
    ):  # fmt: skip
        real_ratio = REAL[key] / REAL[whole]
        ratio = measured[key] / measured[whole] if measured[whole] else 0.0
        rows.append(Row(key, label, real_ratio, real_ratio, ratio, "ratio", checked,
                        f"{REAL[key]} of {REAL[whole]}"))  # fmt: skip
    rows.append(Row("stale_imports", "imports of a manager name from a missing module",
                    REAL["stale_imports"], REAL["stale_imports"] * scale,
                    measured["stale_imports"], "count", False))  # fmt: skip
    return rows


def _format(row: Row, value: float, n: int, real: bool = False) -> str:
    if row.unit == "share":
        base = REAL["files"] if real else n
        return f"{value:,.0f} ({value / base:.2%})".replace("%", " %")
    if row.unit == "ratio":
        return f"{value:.1%}".replace("%", " %")
    if row.unit == "bytes":
        return f"{value / 1000:,.1f} KB"
    if row.unit == "mean":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def profile_table(measured: dict) -> str:
    """A Markdown table: each figure, its real value, its target here, the measured one."""
    n = measured["files"]
    lines = [
        f"| figure | real ({REAL['files']:,} files) | target ({n:,} files) | measured "
        "| deviation |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in compare(measured):
        real = row.real_text or _format(row, row.real, n, real=True)
        deviation = f"{row.deviation:+.1f} %" + ("" if row.checked else " (not bounded)")
        lines.append(
            f"| {row.label} | {real} | {_format(row, row.target, n)} | "
            f"{_format(row, row.measured, n)} | {deviation} |"
        )
    return "\n".join(lines)
