"""Where a line sits in its file, read from indentation alone.

The contract reads single statements at the lines the import graph points to instead of
parsing whole files; walking up the indentation to the enclosing block headers tells whether
a statement runs at import time (module level), inside ``if TYPE_CHECKING:``, or only
conditionally. Lines inside triple-quoted strings are masked so pasted code is not mistaken
for a header.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_HEADER = re.compile(
    r"\s*(?:async\s+)?(def|class|if|elif|else|try|except|finally|with|for|while|match|case)\b"
)
_TYPE_CHECKING_IF = re.compile(r"\s*(?:if|elif)\s+(?:[\w.]+\.)?TYPE_CHECKING\s*:")
_TRIPLE_QUOTE = re.compile(r"'''|\"\"\"")
_CONDITIONAL = frozenset({"if", "elif", "else", "except", "for", "while", "match", "case"})


@dataclass(frozen=True)
class Scope:
    module_level: bool
    type_checking: bool
    conditional: bool


MODULE_SCOPE = Scope(module_level=True, type_checking=False, conditional=False)


def indentation(line: str) -> int:
    expanded = line.expandtabs()
    return len(expanded) - len(expanded.lstrip())


def string_mask(lines: list[str]) -> list[bool]:
    """For each line, whether it lies inside a triple-quoted string (approximate, no parse).

    A line that opens or closes a string is not masked (it may hold code too); lines
    strictly between the quotes are.
    """
    text = "".join(lines)
    mask = [False] * len(lines)
    inside: str | None = None
    line = 0  # the line being followed, and whether it started inside a string
    started_inside = False
    line_of, counted = 0, 0
    for match in _TRIPLE_QUOTE.finditer(text):
        line_of += text.count("\n", counted, match.start())
        counted = match.start()
        if line_of > line:
            mask[line] = started_inside and inside is not None
            if inside is not None:
                mask[line + 1 : line_of] = [True] * (line_of - line - 1)
            line, started_inside = line_of, inside is not None
        quote = match.group()
        if inside is None:
            inside = quote
        elif quote == inside:
            inside = None
    if lines:
        mask[line] = started_inside and inside is not None
        if inside is not None:
            mask[line + 1 :] = [True] * (len(lines) - line - 1)
    return mask


def scope_of(
    lines: list[str], index: int, mask: list[bool] | Callable[[], list[bool]] | None = None
) -> Scope:
    """The scope of the statement starting on 0-based line ``index``.

    ``mask`` may be given as a function: it is only computed for an indented line.
    """
    if indentation(lines[index]) == 0:
        return MODULE_SCOPE
    module_level = True
    type_checking = False
    conditional = False
    for keyword, line in enclosing_headers(lines, index, mask):
        if keyword in ("def", "class"):
            module_level = False
        if _TYPE_CHECKING_IF.match(line):
            type_checking = True
        if keyword in _CONDITIONAL:
            conditional = True
    return Scope(module_level=module_level, type_checking=type_checking, conditional=conditional)


def enclosing_headers(
    lines: list[str], index: int, mask: list[bool] | Callable[[], list[bool]] | None = None
) -> list[tuple[str, str]]:
    """The compound statements around 0-based line ``index``, innermost first: each one's
    keyword (``def``, ``try``, ``if``…) and header line."""
    level = indentation(lines[index])
    if level == 0:
        return []
    if callable(mask):
        mask = mask()
    found = []
    position = index
    while level > 0 and position > 0:
        position -= 1
        line = lines[position]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or (mask is not None and mask[position]):
            continue
        header_level = indentation(line)
        if header_level >= level:
            continue
        match = _HEADER.match(line)
        if match is None:
            continue  # a continuation line or string content with less indentation
        found.append((match.group(1), line))
        level = header_level
    return found
