"""Cached access to checked source: files, statements at graph lines, whole-file parses.

Every read failure becomes a Diagnostic here, once per file, so the checks above never see an
exception from a bad file and never report the same file twice.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...domain.findings import Diagnostic
from ...domain.parsing import (
    SourceError,
    SourceFile,
    logical_line,
    one_line,
    parse_logical_line,
    parse_module,
    split_lines,
)
from ...domain.rules import Rule
from ...domain.scopes import MODULE_SCOPE, indentation, scope_of, string_mask
from ...domain.segments import statement_trees
from ...domain.statements import (
    ImportStatement,
    Placement,
    import_lines,
    iter_file_imports,
    simple_statement,
)
from ..context import RunContext
from ..ports import ModuleIndex

# How many files' text, masks and syntax trees are kept at once. Each file is analysed in one
# go (the shim finder reads an importer's lines together, the file scan parses a file once),
# so a few suffice; a syntax tree of a 20 KB file takes about 350 KB.
KEPT_FILES = 4


class _Recent(OrderedDict):
    """A dictionary that forgets its least recently used entries beyond ``KEPT_FILES``."""

    def remember(self, key: Path, value: Any) -> Any:
        self[key] = value
        if len(self) > KEPT_FILES:
            self.popitem(last=False)
        return value

    def recall(self, key: Path) -> Any:
        self.move_to_end(key)
        return self[key]


def _fits_on_its_line(text: str) -> bool:
    """Whether a statement starting on this line surely ends on it (as ``one_line``
    decides): its whole text is then on the line."""
    stripped = text.strip()
    return not stripped.endswith(("(", "\\", ",", ":")) and "(" not in stripped


class SourceCache:
    """Files of a run as text, line masks and syntax trees, read when needed and kept only
    for the few files being analysed; a file that cannot be read is reported once."""

    def __init__(self, index: ModuleIndex, context: RunContext) -> None:
        self.index = index
        self.context = context
        self.files = context.ports.files
        self.diagnostics: list[Diagnostic] = []
        self._files: _Recent = _Recent()
        self._masks: _Recent = _Recent()
        self._trees: _Recent = _Recent()
        self._statements: dict[tuple[str, int], list[ImportStatement]] = {}
        self.failed: dict[Path, Rule] = {}
        self.consulted: set[Path] = set()  # every file whose content was read

    def display(self, path: Path) -> str:
        return self.context.display_path(path)

    def file(self, path: Path) -> SourceFile | None:
        if path in self._files:
            return self._files.recall(path)
        if path in self.failed:
            return None
        self.consulted.add(path)
        try:
            return self._files.remember(path, self.files.read_source(path))
        except SourceError as error:
            self._fail(error)
            return None

    def module_file(self, module: str) -> SourceFile | None:
        path = self.index.path_of(module)
        return None if path is None else self.file(path)

    def mask(self, source: SourceFile, through: int | None = None) -> list[bool]:
        """Which lines lie inside triple-quoted strings; with ``through`` (a 0-based line),
        right for the lines up to it at least (most imports a check reads are near the top
        of their file, and a 20 KB file's whole mask costs a tenth of a millisecond). A file
        asked again for more lines than its part holds gets its whole mask: each file's mask
        is worked out twice at most (a test module with thousands of indented imports asks
        line after line)."""
        if source.path in self._masks:
            mask, extent = self._masks.recall(source.path)
            if extent is None or (through is not None and through <= extent):
                return mask
            through = None  # a second, longer part: the whole mask, once
        mask = string_mask(source.lines, source.text, through)
        return self._masks.remember(source.path, (mask, through))[0]

    def tree(self, source: SourceFile) -> ast.Module | None:
        """The whole file parsed (newer syntax tolerated); None, with a diagnostic, if broken."""
        if source.path in self._trees:
            return self._trees.recall(source.path)
        if source.path in self.failed:
            return None
        try:
            return self._trees.remember(source.path, parse_module(source))
        except SourceError as error:
            self._fail(error)
            return None

    def statements_holding(self, source: SourceFile, lines: list[int]) -> ast.Module | None:
        """One module of the top-level statements holding ``lines``, each parsed on its own
        (the whole file's tree when they cannot be cut out; None, with a diagnostic, when
        the file does not parse)."""
        if source.path not in self._trees and source.path not in self.failed:
            cut = statement_trees(source.lines, self.mask(source), lines)
            if cut is not None:
                body = [statement for tree in cut for statement in tree.body]
                return ast.Module(body=body, type_ignores=[])
        return self.tree(source)

    def file_imports(self, source: SourceFile, module: str) -> list[ImportStatement]:
        tree = self.tree(source)
        if tree is None:
            return []
        return list(
            iter_file_imports(
                tree,
                importer=module,
                importer_is_package=source.path.name == "__init__.py",
                lines=source.lines,
            )
        )

    def statements_at(self, module: str, line: int) -> list[ImportStatement]:
        """The import statements that start on ``line`` of ``module``, read on their own."""
        key = (module, line)
        if key not in self._statements:
            source = self.module_file(module)
            found = [] if source is None else self.statements_in(source, module, line)
            self._statements[key] = found
        return self._statements[key]

    def import_statements(
        self, source: SourceFile, module: str, concerns: Callable[[str], bool] | None = None
    ) -> list[ImportStatement]:
        """Every import statement of a file, each read on its own from the lines where one
        can start (lines inside triple-quoted strings are not): no whole-file parse.

        ``concerns``, told the text of a statement that fits on its line, says whether it
        may matter to the caller; the others are not parsed. What is parsed is kept for the
        run: a file that spells several façades' names is scanned by each of their checks.
        (Not when the file could not be parsed: each check that reads it says so itself.)"""
        kept = self.context.shared.setdefault(("import statements", id(self.index)), {})
        lines = import_lines(source.text)
        if concerns is not None:
            lines = [
                line
                for line in lines
                if not _fits_on_its_line(source.lines[line - 1]) or concerns(source.lines[line - 1])
            ]
        mask = self.mask(source, lines[-1] - 1) if lines else []
        statements = []
        for line in lines:
            if mask[line - 1]:
                continue
            key = (source.path, module, line)
            found = kept.get(key)
            if found is None:
                found = self.statements_in(source, module, line)
                if source.path not in self.failed:
                    kept[key] = found
            statements += found
        return statements

    def statements_in(self, source: SourceFile, module: str, line: int) -> list[ImportStatement]:
        """The import statements that start on ``line`` of ``source`` (the whole file is parsed
        only when the statement cannot be read on its own)."""
        text = source.line(line)  # (the file is not split into lines for it)
        if not text:
            return []
        snippet = one_line(text, line)
        if snippet is not None:  # most are: a plain one is read without the parser
            found = simple_statement(
                snippet.text,
                module,
                lambda: source.path.name == "__init__.py",
                self._placement(source, line, snippet.indent, text),
            )
            if found is not None:
                return found
        else:
            snippet = logical_line(source.lines, line)
        tree = parse_logical_line(snippet)
        if tree is None:
            return [s for s in self.file_imports(source, module) if s.line == line]
        placement = self._placement(source, line, snippet.indent, text)
        return list(
            iter_file_imports(
                tree,
                importer=module,
                importer_is_package=source.path.name == "__init__.py",
                lines=split_lines(snippet.text),
                placement=placement,
            )
        )

    def _placement(self, source: SourceFile, line: int, indent: int, text: str) -> Placement:
        """Where a statement starting on ``line`` (whose text is ``text``) sits, and in which
        scope: a line that is not indented is at module level, whatever comes before it."""
        if indentation(text) == 0:
            scope = MODULE_SCOPE
        else:
            scope = scope_of(source.lines, line - 1, lambda: self.mask(source, line - 1))
        return Placement(
            line_offset=line - 1,
            first_line_indent=indent,
            module_level=scope.module_level,
            type_checking=scope.type_checking,
            conditional=scope.conditional,
        )

    def _fail(self, error: SourceError) -> None:
        if error.path in self.failed:
            return
        self.failed[error.path] = error.rule
        self.diagnostics.append(
            Diagnostic(
                rule=error.rule,
                path=self.display(error.path),
                message=error.message,
                line=error.line,
            )
        )
