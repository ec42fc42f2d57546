"""Reading checked source: files to text, modules to files, statements out of lines.

Nothing here imports or executes the checked code: files are read as bytes and decoded the
way Python would (PEP 263 coding comment, UTF-8 BOM).
"""

from __future__ import annotations

import ast
import importlib.util
import io
import os
import re
import textwrap
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import rules
from ..domain.rules import Rule
from .tree import python_files

if TYPE_CHECKING:
    import libcst


class SourceError(Exception):
    """A file that cannot be read or parsed; it becomes a diagnostic, never a crash."""

    def __init__(self, rule: Rule, path: Path, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.path = path
        self.line = line
        self.message = message


@dataclass
class SourceFile:
    path: Path
    text: str
    lines: list[str]
    encoding: str


def read_source(path: Path) -> SourceFile:
    """Read and decode a Python file; raises SourceError naming what went wrong."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(
            rules.UNREADABLE_FILE, path, f"cannot read file: {error.strerror}"
        ) from None
    return decode_source(path, data)


def decode_source(path: Path, data: bytes) -> SourceFile:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        reason = error.reason if isinstance(error, UnicodeDecodeError) else str(error)
        raise SourceError(rules.UNDECODABLE_FILE, path, f"cannot decode file: {reason}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceFile(path, text, text.splitlines(keepends=True), encoding)


def parse_module(source: SourceFile) -> ast.Module:
    """Parse a whole file, accepting syntax newer than the running Python where possible.

    ``ast`` only knows the running Python's grammar; libcst's parser also reads newer syntax
    (such as Python 3.12 f-strings). For such a file each top-level statement that ``ast``
    can read is kept at its real line, so imports and strings elsewhere are still seen.
    """
    try:
        return ast.parse(source.text, filename=str(source.path))
    except SyntaxError as error:
        first_error = error
    import libcst  # only for files the running Python cannot parse: keeps start-up fast

    try:
        module = libcst.parse_module(source.text)
    except libcst.ParserSyntaxError as error:
        raise SourceError(
            rules.SYNTAX_ERROR, source.path, f"syntax error: {error.message}", error.raw_line
        ) from None
    except (SyntaxError, ValueError, RecursionError):
        raise SourceError(
            rules.SYNTAX_ERROR, source.path, f"syntax error: {first_error.msg}", first_error.lineno
        ) from None
    return _parse_statementwise(module)


def _parse_statementwise(module: libcst.Module) -> ast.Module:
    import libcst.metadata

    wrapper = libcst.metadata.MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(libcst.metadata.PositionProvider)
    body: list[ast.stmt] = []

    def visit(statements: Sequence[libcst.CSTNode]) -> None:
        for statement in statements:
            code = module.code_for_node(statement.with_changes(leading_lines=()))
            try:
                parsed = ast.parse(textwrap.dedent(code))
            except SyntaxError:
                block = getattr(statement, "body", None)
                if isinstance(block, libcst.IndentedBlock):
                    visit(block.body)
                continue
            ast.increment_lineno(parsed, positions[statement].start.line - 1)
            body.extend(parsed.body)

    visit(wrapper.module.body)
    return ast.Module(body=body, type_ignores=[])


@dataclass(frozen=True)
class LogicalLine:
    """The full text of the statement that starts on a line, dedented."""

    text: str
    start: int
    end: int
    indent: int


_COMPOUND_PREFIX = re.compile(
    r"\s*(?:else|try|finally|(?:el)?if\b[^:]*|except\b[^:]*|with\b[^:]*|for\b[^:]*"
    r"|while\b[^:]*)\s*:\s*"
)


def logical_line(lines: list[str], line_number: int) -> LogicalLine:
    """Collect the (possibly multi-line) statement starting at 1-based ``line_number``."""
    start = line_number - 1
    first = lines[start]
    stripped = first.lstrip()
    indent = len(first) - len(stripped)
    snippet = [stripped, *lines[start + 1 : start + 200]]
    end_row = 1
    try:
        for token in tokenize.generate_tokens(iter(snippet).__next__):
            end_row = token.end[0]
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                break
    except (tokenize.TokenError, SyntaxError):
        end_row = 1
    text = "".join(snippet[:end_row]).rstrip("\r\n")
    return LogicalLine(text=text, start=line_number, end=start + end_row, indent=indent)


def single_line(lines: list[str], line_number: int) -> LogicalLine | None:
    """The statement on one line when it obviously ends there (no tokenizer needed)."""
    text = lines[line_number - 1]
    stripped = text.strip()
    if not stripped or stripped.endswith(("(", "\\", ",", ":")) or "(" in stripped:
        return None
    indent = len(text) - len(text.lstrip())
    return LogicalLine(text=stripped, start=line_number, end=line_number, indent=indent)


def parse_logical_line(line: LogicalLine) -> ast.Module | None:
    """Parse a statement snippet; a leading block header (``else:``) is stripped if needed."""
    for candidate in (line.text, _COMPOUND_PREFIX.sub("", line.text, count=1)):
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


class ModuleLocator:
    """Maps module names of the root packages to files, the way Python's finder would.

    Built from one walk of the root directories (every ``.py`` file, including folders the
    graph cannot see), so looking a module up costs a dictionary access, not file system calls.
    """

    def __init__(self, root_packages: list[str]) -> None:
        self.roots: dict[str, list[Path]] = {}
        for package in root_packages:
            spec = importlib.util.find_spec(package) if "." not in package else None
            locations = list(spec.submodule_search_locations or []) if spec else []
            self.roots[package] = [Path(location) for location in locations]
        self._files: list[Path] | None = None
        self.linked_directories: list[str] = []  # symbolic links the walk did not follow
        self._index: dict[str, Path] | None = None
        self._modules: dict[Path, str] = {}

    @property
    def directories(self) -> list[Path]:
        return [directory for directories in self.roots.values() for directory in directories]

    def files(self) -> list[Path]:
        """Every Python file under the roots, in a stable order (walked once)."""
        if self._files is None:
            self._files = list(python_files(self.directories, self.linked_directories))
        return self._files

    def _build_index(self) -> dict[str, Path]:
        index: dict[str, Path] = {}
        for path in self.files():
            module = self.module_of(path)
            if module is None:
                continue
            # A package (x/__init__.py) wins over a module file x.py, as in Python.
            if path.name == "__init__.py" or module not in index:
                index[module] = path
        return index

    def path_of(self, module: str) -> Path | None:
        if self._index is None:
            self._index = self._build_index()
        return self._index.get(module)

    def is_package(self, module: str) -> bool:
        path = self.path_of(module)
        return path is not None and path.name == "__init__.py"

    def module_of(self, path: Path) -> str | None:
        """The dotted name a file under a root package would have (folders taken as-is)."""
        if path in self._modules:
            return self._modules[path]
        text = str(path)
        found = None
        for root, directories in self.roots.items():
            for directory in directories:
                prefix = str(directory) + os.sep
                if text.startswith(prefix):
                    parts = text[len(prefix) : -3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts.pop()
                    found = ".".join([root, *parts])
                    break
            if found:
                break
        if found is None:
            found = self._module_of_resolved(path)
        self._modules[path] = found
        return found

    def _module_of_resolved(self, path: Path) -> str | None:
        for root, directories in self.roots.items():
            for directory in directories:
                try:
                    relative = path.resolve().relative_to(directory.resolve())
                except ValueError:
                    continue
                parts = list(relative.with_suffix("").parts)
                if parts and parts[-1] == "__init__":
                    parts.pop()
                return ".".join([root, *parts])
        return None
