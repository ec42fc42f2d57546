"""Cached access to checked source: files, statements at graph lines, whole-file parses.

Every read failure becomes a Diagnostic here, once per file, so the checks above never see an
exception from a bad file and never report the same file twice.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ...domain.findings import Diagnostic
from ...domain.parsing import (
    SourceError,
    SourceFile,
    logical_line,
    parse_logical_line,
    parse_module,
    single_line,
)
from ...domain.rules import Rule
from ...domain.scopes import scope_of, string_mask
from ...domain.statements import ImportStatement, Placement, iter_file_imports
from ..context import RunContext
from ..ports import ModuleIndex


class SourceCache:
    def __init__(self, index: ModuleIndex, context: RunContext) -> None:
        self.index = index
        self.context = context
        self.files = context.ports.files
        self.diagnostics: list[Diagnostic] = []
        self._files: dict[Path, SourceFile | None] = {}
        self._masks: dict[Path, list[bool]] = {}
        self._trees: dict[Path, ast.Module | None] = {}
        self._statements: dict[tuple[str, int], list[ImportStatement]] = {}
        self.failed: dict[Path, Rule] = {}

    def display(self, path: Path) -> str:
        return self.context.display_path(path)

    def file(self, path: Path) -> SourceFile | None:
        if path not in self._files:
            try:
                self._files[path] = self.files.read_source(path)
            except SourceError as error:
                self._fail(error)
                self._files[path] = None
        return self._files[path]

    def module_file(self, module: str) -> SourceFile | None:
        path = self.index.path_of(module)
        return None if path is None else self.file(path)

    def mask(self, source: SourceFile) -> list[bool]:
        if source.path not in self._masks:
            self._masks[source.path] = string_mask(source.lines)
        return self._masks[source.path]

    def tree(self, source: SourceFile) -> ast.Module | None:
        """The whole file parsed (newer syntax tolerated); None, with a diagnostic, if broken."""
        if source.path not in self._trees:
            try:
                self._trees[source.path] = parse_module(source)
            except SourceError as error:
                self._fail(error)
                self._trees[source.path] = None
        return self._trees[source.path]

    def parse_ahead(self, path: Path) -> None:
        """Read and parse a file before it is needed; a failure is left for the read that
        needs it to report (or not, if none does)."""
        if path in self._files:
            return
        try:
            source = self.files.read_source(path)
            tree = parse_module(source)
        except SourceError:
            return
        self._files[path] = source
        self._trees[path] = tree

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
            self._statements[key] = self._read_statements(module, line)
        return self._statements[key]

    def _read_statements(self, module: str, line: int) -> list[ImportStatement]:
        source = self.module_file(module)
        if source is None or not 0 < line <= len(source.lines):
            return []
        is_package = self.index.is_package(module)
        snippet = single_line(source.lines, line) or logical_line(source.lines, line)
        tree = parse_logical_line(snippet)
        if tree is None:
            return [s for s in self.file_imports(source, module) if s.line == line]
        scope = scope_of(source.lines, line - 1, lambda: self.mask(source))
        placement = Placement(
            line_offset=line - 1,
            first_line_indent=snippet.indent,
            module_level=scope.module_level,
            type_checking=scope.type_checking,
            conditional=scope.conditional,
        )
        statements = list(
            iter_file_imports(
                tree,
                importer=module,
                importer_is_package=is_package,
                lines=snippet.text.splitlines(keepends=True),
                placement=placement,
            )
        )
        return statements

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
