"""Checked source as text and syntax: decoding the way Python does, parsing, reading one
statement out of its lines.

Nothing here reads files or imports the checked code: callers hand in bytes. Files are
decoded the way Python would (PEP 263 coding comment, UTF-8 BOM).
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from . import rules
from .rules import Rule

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


class SourceFile:
    """A checked file decoded once: its text, its lines (ends kept) and the encoding used.

    The lines are split when first asked for. Most files a check reads are asked about one
    line (the import the graph points to) and whether some names occur anywhere: splitting
    a 20 KB file into its 570 lines takes longer than reading it (36 against 10 µs), and
    ``line`` finds one line without it.
    """

    __slots__ = ("_lines", "_newlines", "encoding", "path", "text")

    def __init__(
        self, path: Path, text: str, lines: list[str] | None = None, encoding: str = "utf-8"
    ) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self._lines = lines
        self._newlines: int | None = None  # how many "\n" (-1: lines end otherwise too)

    def __repr__(self) -> str:
        return f"SourceFile({str(self.path)!r}, {len(self.text)} characters)"

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def line(self, number: int) -> str:
        """Line ``number`` (1-based, its end kept; "" if there is no such line), the same as
        ``lines[number - 1]``, cut from the text when it is near either end of the file."""
        if self._lines is not None:
            return self._lines[number - 1] if 0 < number <= len(self._lines) else ""
        text = self.text
        if 0 < number <= _CUT_FROM_TEXT_WITHIN and "\r" not in text:
            # Near the top (where most imports are): found from the start, without counting
            # the file's lines first (a pass over the whole text for each file read).
            start = 0
            for _ in range(number - 1):
                start = text.find("\n", start) + 1
                if not start:
                    return ""  # (fewer lines)
            end = text.find("\n", start) + 1
            return text[start : end or len(text)]
        if self._newlines is None:
            self._newlines = text.count("\n") if _splits_at_newlines_only(text) else -1
        newlines = self._newlines
        count = newlines + (0 if not text or text.endswith("\n") else 1)
        if newlines < 0 or min(number - 1, count - number) > _CUT_FROM_TEXT_WITHIN:
            lines = self.lines
            return lines[number - 1] if 0 < number <= len(lines) else ""
        if not 0 < number <= count:
            return ""
        if number - 1 <= count - number:
            start = 0
            for _ in range(number - 1):
                start = text.index("\n", start) + 1
        else:
            start = len(text)
            for _ in range(newlines - number + 2):
                start = text.rindex("\n", 0, start)
            start += 1
        end = text.find("\n", start) + 1
        return text[start : end or len(text)]


# How far from either end of its file a line is cut from the text (one search per line
# passed) rather than found by splitting the whole file.
_CUT_FROM_TEXT_WITHIN = 200


# Characters str.splitlines() breaks lines at that Python source does not (form feed...).
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """The lines of source text, ends kept, numbered as Python numbers them: only ``\\n``,
    ``\\r\\n`` and ``\\r`` end a line (a form feed does not)."""
    if _plain(text):
        return text.splitlines(keepends=True)
    return _LINE.findall(text)


def _plain(text: str) -> bool:
    """Whether ``str.splitlines`` breaks ``text`` only where Python does: it holds none of
    the other characters that method breaks lines at."""
    if text.isascii():  # (a few memchr passes: quicker than a regex over every character)
        return not any(character in text for character in "\x0b\x0c\x1c\x1d\x1e")
    return _OTHER_BREAKS.search(text) is None


def _splits_at_newlines_only(text: str) -> bool:
    """Whether every line of ``text`` but its last ends with a bare ``\\n``."""
    return "\r" not in text and _plain(text)


def line_at(text: str, position: int) -> int:
    """The 1-based line of ``position`` in ``text``, its lines ending as Python's do (a bare
    ``\r`` ends one too: old Mac files)."""
    newlines = text.count("\n", 0, position)
    if "\r" not in text:
        return newlines + 1
    return newlines + text.count("\r", 0, position) - text.count("\r\n", 0, position + 1) + 1


def decode_source(path: Path, data: bytes) -> SourceFile:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        reason = error.reason if isinstance(error, UnicodeDecodeError) else str(error)
        raise SourceError(rules.UNDECODABLE_FILE, path, f"cannot decode file: {reason}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceFile(path, text, None, encoding)  # (split into lines when asked)


# PEP 810's `lazy import x` / `lazy from x import y`: soft keyword, unknown to older Pythons.
_LAZY = re.compile(r"(?m)^([ \t]*)(lazy[ \t]+(?:\\\r?\n[ \t]*)?)(import|from)\b")


def parse_python(text: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse``, reading lazy imports (PEP 810) on any Python: each ``lazy import`` or
    ``lazy from`` becomes its eager form padded to the same length (lines and columns stay
    those of the file), and its node is marked ``lazy``. Raises ``SyntaxError`` like
    ``ast.parse``."""
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError:
        source = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
        if not _LAZY.search(source):
            raise
    lazy_lines: set[int] = set()

    def eager(match: re.Match[str]) -> str:
        lazy_lines.add(source.count("\n", 0, match.start()) + 1)
        return match.group(1) + match.group(3) + " " * len(match.group(2))

    tree = ast.parse(_LAZY.sub(eager, source), filename=filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and node.lineno in lazy_lines:
            node.lazy = True  # type: ignore[attr-defined]
    return tree


def is_lazy(node: ast.AST) -> bool:
    """Whether an import node was written ``lazy`` (see ``parse_python``)."""
    return bool(getattr(node, "lazy", False))


def parse_module(source: SourceFile) -> ast.Module:
    """Parse a whole file, accepting syntax newer than the running Python where possible.

    ``ast`` only knows the running Python's grammar; libcst's parser also reads newer syntax
    (such as Python 3.12 f-strings). For such a file each top-level statement that ``ast``
    can read is kept at its real line, so imports and strings elsewhere are still seen.
    """
    try:
        return parse_python(source.text, filename=str(source.path))
    except SyntaxError as error:
        first_error = error
    import libcst  # only for files the running Python cannot parse: keeps start-up fast

    try:
        module = libcst.parse_module(source.text)
    except libcst.ParserSyntaxError:
        # Python's own words for it (libcst's list every token it expected).
        raise SourceError(
            rules.SYNTAX_ERROR, source.path, f"syntax error: {first_error.msg}", first_error.lineno
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
                parsed = parse_python(textwrap.dedent(code))
            except SyntaxError:
                block = getattr(statement, "body", None)
                if isinstance(block, libcst.IndentedBlock):
                    visit(block.body)
                continue
            ast.increment_lineno(parsed, positions[statement].start.line - 1)
            body.extend(parsed.body)

    visit(wrapper.module.body)
    tree = ast.Module(body=body, type_ignores=[])
    tree.partial = True  # type: ignore[attr-defined]  # (see ``is_partial``)
    return tree


def is_partial(tree: ast.Module) -> bool:
    """Whether ``tree`` holds only the statements ``ast`` could read of a file with newer
    syntax (``parse_module``'s fallback): enough to find imports, not to rename a name."""
    return bool(getattr(tree, "partial", False))


class LogicalLine(Struct, frozen=True):
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


def one_line(text: str, line_number: int) -> LogicalLine | None:
    """The statement on line ``line_number``, whose text is ``text``, when it obviously ends
    there (no tokenizer needed)."""
    stripped = text.strip()
    if not stripped or stripped.endswith(("(", "\\", ",", ":")) or "(" in stripped:
        return None
    indent = len(text) - len(text.lstrip())
    return LogicalLine(text=stripped, start=line_number, end=line_number, indent=indent)


def parse_logical_line(line: LogicalLine) -> ast.Module | None:
    """Parse a statement snippet; a leading block header (``else:``) is stripped if needed."""
    for candidate in (line.text, _COMPOUND_PREFIX.sub("", line.text, count=1)):
        try:
            return parse_python(candidate)
        except SyntaxError:
            continue
    return None
