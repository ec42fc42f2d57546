"""Import statements as data: which names a statement binds, and from where.

The same shape is produced from a single statement read at a line the import graph points to
and from a whole file parsed directly, so one classifier serves both.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable, Iterator

from msgspec import Struct

from .modules import resolve_relative
from .parsing import split_lines


class Binding(Struct, frozen=True):
    """One name that an import statement binds in the importing namespace.

    ``source`` is the absolute module the statement names: ``X`` in ``from X import n`` or
    ``import X``. ``name`` is the attribute taken from it (None for ``import X``).
    """

    source: str
    name: str | None
    local: str
    line: int
    column: int

    @property
    def is_star(self) -> bool:
        return self.name == "*"

    @property
    def spelled_out(self) -> bool:
        """``import a.b.c`` binds ``a``: the module is used as ``a.b.c.attr``."""
        return self.name is None and "." in self.source and self.local == self.source.split(".")[0]

    @property
    def is_renamed(self) -> bool:
        return self.name is not None and self.name != "*" and self.local != self.name


class ImportStatement(Struct, frozen=True):
    """An import statement as written, with where it sits in its file."""

    line: int
    end_line: int
    text: str
    is_from: bool
    level: int
    module: str | None
    bindings: tuple[Binding, ...]
    module_level: bool = True
    type_checking: bool = False
    conditional: bool = False
    lazy: bool = False  # written `lazy import` / `lazy from` (PEP 810)


class Placement(Struct, frozen=True):
    """Where a parsed snippet sits in its file, and the scope it sits in there.

    A statement read on its own is parsed dedented: its lines move down by ``line_offset``
    and its first line right by ``first_line_indent``. A whole file has the default.
    """

    line_offset: int = 0
    first_line_indent: int = 0
    module_level: bool = True
    type_checking: bool = False
    conditional: bool = False


FILE = Placement()


def statement_from_node(
    node: ast.Import | ast.ImportFrom,
    *,
    importer: str,
    importer_is_package: bool,
    text: str,
    placement: Placement = FILE,
    scope: tuple[bool, bool, bool] = (True, False, False),
) -> ImportStatement | None:
    """Build an ImportStatement from an ast node, at its place in the file.

    Returns None for a relative import that climbs above the top-level package.
    """
    offset, indent = placement.line_offset, placement.first_line_indent

    def binding(source: str, name: str | None, local: str, alias: ast.alias) -> Binding:
        column = alias.col_offset + (indent if alias.lineno == 1 else 0)
        return Binding(source, name, local, alias.lineno + offset, column)

    if isinstance(node, ast.Import):
        bindings = [
            binding(alias.name, None, alias.asname or alias.name.partition(".")[0], alias)
            for alias in node.names
        ]
        module, level = None, 0
    else:
        level = node.level
        module = node.module
        source = resolve_relative(importer, importer_is_package, level, module)
        if source is None:
            return None
        bindings = [
            binding(source, alias.name, alias.asname or alias.name, alias) for alias in node.names
        ]
    module_level, type_checking, conditional = scope
    return ImportStatement(
        line=node.lineno + offset,
        end_line=(node.end_lineno or node.lineno) + offset,
        text=text,
        is_from=isinstance(node, ast.ImportFrom),
        level=level,
        module=module,
        bindings=tuple(bindings),
        module_level=module_level and placement.module_level,
        type_checking=type_checking or placement.type_checking,
        conditional=conditional or placement.conditional,
        lazy=bool(getattr(node, "lazy", False)),
    )


_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*"
_ALIAS = re.compile(rf"\s*({_DOTTED}|\*)(?:\s+as\s+({_IDENTIFIER}))?\s*")
_QUICK_FROM = re.compile(rf"from\s+(\.*)\s*({_DOTTED})?\s+import\s+([^()#;\\]+?)\s*(?:#.*)?")
_QUICK_IMPORT = re.compile(r"import\s+([^()#;\\]+?)\s*(?:#.*)?")


def quick_bindings(
    text: str, importer: str, importer_is_package: Callable[[], bool]
) -> list[Binding] | None:
    """The bindings of a simple one-line import, read with a regular expression.

    ``text`` is the stripped first line grimp reports for an import. Anything that is not a
    plain single-line ``from x import a, b as c`` or ``import a.b as c`` (parentheses,
    continuations, semicolons, compound lines) returns None: the caller then reads the real
    statement. Columns are not known here (-1).
    """
    match = _QUICK_FROM.fullmatch(text)
    if match:
        dots, module, names = match.groups()
        level = len(dots)
        if level:
            source = resolve_relative(importer, importer_is_package(), level, module)
        else:
            source = module
        if source is None:
            return None
        bindings = []
        for part in names.split(","):
            alias = _ALIAS.fullmatch(part)
            if alias is None or ("." in alias.group(1)):
                return None
            name, local = alias.group(1), alias.group(2) or alias.group(1)
            bindings.append(Binding(source, name, local, 0, -1))
        return bindings
    match = _QUICK_IMPORT.fullmatch(text)
    if match:
        bindings = []
        for part in match.group(1).split(","):
            alias = _ALIAS.fullmatch(part)
            if alias is None or alias.group(1) == "*":
                return None
            name = alias.group(1)
            bindings.append(Binding(name, None, alias.group(2) or name.split(".")[0], 0, -1))
        return bindings
    return None


def simple_statement(
    text: str,
    importer: str,
    importer_is_package: Callable[[], bool],
    placement: Placement,
) -> list[ImportStatement] | None:
    """The statement of a simple one-line import (``text``, stripped, starts on line
    ``placement.line_offset + 1`` at column ``placement.first_line_indent``), read with a
    regular expression: what ``iter_file_imports`` gives for it, columns included, without
    compiling it. None for anything else (or anything not plain ASCII): the caller parses it.
    """
    if not text.isascii() or "\x0b" in text:
        return None
    match = _QUICK_FROM.fullmatch(text)
    if match:
        dots, module, names = match.groups()
        if (module is None and not dots) or (module is not None and not _plain_names(module)):
            return None
        parts = _aliases(text, match.start(3), names, dotted=False)
        if parts is None:
            return None
        level = len(dots)
        source = (
            resolve_relative(importer, importer_is_package(), level, module) if level else module
        )
        if source is None:
            return []
        bindings = [(source, name, local, column) for name, local, column in parts]
    else:
        match = _QUICK_IMPORT.fullmatch(text)
        if match is None:
            return None
        parts = _aliases(text, match.start(1), match.group(1), dotted=True)
        if parts is None:
            return None
        level, module = 0, None
        bindings = [(name, None, local, column) for name, local, column in parts]
    line = placement.line_offset + 1
    indent = placement.first_line_indent
    return [
        ImportStatement(
            line=line,
            end_line=line,
            text=text,
            is_from=module is not None or level > 0,
            level=level,
            module=module,
            bindings=tuple(
                Binding(source, name, local, line, column + indent)
                for source, name, local, column in bindings
            ),
            module_level=placement.module_level,
            type_checking=placement.type_checking,
            conditional=placement.conditional,
        )
    ]


def _aliases(
    text: str, start: int, names: str, *, dotted: bool
) -> list[tuple[str, str, int]] | None:
    """(name, local name, column) of each ``name [as local]`` in ``names``, which starts at
    ``start`` of ``text``; None if one is not plain (a keyword, a dotted name after
    ``from … import``, a star after ``import`` or beside other names)."""
    found = []
    offset = start
    for part in names.split(","):
        alias = _ALIAS.fullmatch(part)
        if alias is None:
            return None
        name, local = alias.group(1), alias.group(2)
        if name == "*":
            if dotted or local or "," in names:
                return None
        elif not _plain_names(name) or ("." in name and not dotted):
            return None
        if local is not None and not _plain_names(local):
            return None
        found.append(
            (name, local or (name.partition(".")[0] if dotted else name), offset + alias.start(1))
        )
        offset += len(part) + 1
    return found


def _plain_names(dotted: str) -> bool:
    """Each part of a dotted name is an identifier Python accepts there (not a keyword)."""
    return not any(keyword.iskeyword(part) for part in dotted.split("."))


def is_type_checking_test(test: ast.expr) -> bool:
    """True for ``if TYPE_CHECKING:`` and ``if typing.TYPE_CHECKING:`` (and ``t.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def iter_file_imports(
    tree: ast.Module,
    *,
    importer: str,
    importer_is_package: bool,
    lines: list[str],
    placement: Placement = FILE,
) -> Iterator[ImportStatement]:
    """Every import statement of a parsed file (or snippet), with its scope."""

    def text_of(node: ast.stmt) -> str:
        start, end = node.lineno, node.end_lineno or node.lineno
        snippet = lines[start - 1 : end]
        if not snippet:
            return ""
        snippet[0] = snippet[0][node.col_offset :]
        return "".join(snippet).rstrip("\r\n")

    def visit(body: list[ast.stmt], scope: tuple[bool, bool, bool]) -> Iterator[ImportStatement]:
        module_level, type_checking, conditional = scope
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                statement = statement_from_node(
                    node,
                    importer=importer,
                    importer_is_package=importer_is_package,
                    text=text_of(node),
                    placement=placement,
                    scope=scope,
                )
                if statement is not None:
                    yield statement
            elif isinstance(node, ast.If):
                guarded = is_type_checking_test(node.test)
                yield from visit(node.body, (module_level, type_checking or guarded, True))
                yield from visit(node.orelse, (module_level, type_checking, True))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                yield from visit(node.body, (False, type_checking, conditional))
            elif isinstance(node, ast.Try | ast.With | ast.AsyncWith):
                yield from visit(node.body, scope)
                yield from visit(getattr(node, "finalbody", []), scope)
                for handler in getattr(node, "handlers", []):
                    yield from visit(handler.body, (module_level, type_checking, True))
                yield from visit(getattr(node, "orelse", []), (module_level, type_checking, True))
            else:
                for child_body in child_bodies(node):
                    yield from visit(child_body, (module_level, type_checking, True))

    yield from visit(tree.body, (True, False, False))


def child_bodies(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """Statement lists nested in a compound statement (try, with, for, while, match)."""
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(node, "handlers", ()) or ():
        yield handler.body
    for case in getattr(node, "cases", ()) or ():
        yield case.body


# What may come before an import statement on its line: blanks, the header of a one-line
# block (`if x: import y`, `try: import y`, `def f(): import y`), statements that a `;` ends,
# and PEP 810's `lazy`. (The prefilter's bytes pattern, ``prefilter._STATEMENT_HEAD``, is
# the same.)
_ONE_LINE_STRING = r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
IMPORT_HEAD = (
    r"[ \t\f]*(?:(?:if|elif|else|try|except|finally|with|for|while|def|class|async|case)\b"
    r"(?:[^\n#'\"]|" + _ONE_LINE_STRING + r")*:[ \t\f]*)?"
    r"(?:(?:[^\n#'\";]|" + _ONE_LINE_STRING + r")*;[ \t\f]*)*(?:lazy[ \t\f]+)?"
)
# Where an import statement can start. Tried only on the lines that hold the word `import`
# (found by a fast literal search), or that a backslash continues onto one.
_IMPORT_START = re.compile(IMPORT_HEAD + r"(?:from|import)\b")
# Most: an import at the start of its line (tried first: the full pattern reads the line).
_PLAIN_START = re.compile(r"[ \t\f]*(?:lazy[ \t\f]+)?(?:from|import)\b")
_IMPORT_WORD = re.compile(r"import\b")


def import_lines(text: str) -> list[int]:
    """The 1-based lines on which an import statement may start (a superset: a line of a
    triple-quoted string that looks like an import is listed too; the caller masks those)."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return _import_lines_one_by_one(text)  # (a bare CR ends a line: old Mac files)
    lines: list[int] = []
    seen_start = -1
    line, counted = 1, 0
    for match in _IMPORT_WORD.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if start == seen_start:
            continue
        seen_start = start
        line += text.count("\n", counted, start)
        counted = start
        first, first_start = line, start
        # `from x \` continued onto this line: the statement starts on the first line.
        while first_start > 0 and text.endswith(("\\", "\\\r"), 0, first_start - 1):
            first_start = text.rfind("\n", 0, first_start - 1) + 1
            first -= 1
        starts = _PLAIN_START.match(text, first_start) or _IMPORT_START.match(text, first_start)
        if starts and (not lines or lines[-1] != first):
            lines.append(first)
    return lines


def _import_lines_one_by_one(text: str) -> list[int]:
    """``import_lines`` for a text whose lines may end with a bare CR, split into lines."""
    split = split_lines(text)
    found: list[int] = []
    for number, line in enumerate(split, 1):
        if not _IMPORT_WORD.search(line):
            continue
        first = number
        while first > 1 and split[first - 2].rstrip("\r\n").endswith("\\"):
            first -= 1
        if _IMPORT_START.match(split[first - 1]) and (not found or found[-1] != first):
            found.append(first)
    return found
