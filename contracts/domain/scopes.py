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

from msgspec import Struct

_HEADER = re.compile(
    r"\s*(?:async\s+)?(def|class|if|elif|else|try|except|finally|with|for|while|match|case)\b"
)
_TYPE_CHECKING_IF = re.compile(r"\s*(?:if|elif)\s+(?:[\w.]+\.)?TYPE_CHECKING\s*:")
_CONDITIONAL = frozenset({"if", "elif", "else", "except", "for", "while", "match", "case"})


class Scope(Struct, frozen=True):
    """Where a statement runs: at import time, only for type checkers, or conditionally."""

    module_level: bool
    type_checking: bool
    conditional: bool


MODULE_SCOPE = Scope(module_level=True, type_checking=False, conditional=False)


def indentation(line: str) -> int:
    expanded = line.expandtabs()
    return len(expanded) - len(expanded.lstrip())


def string_mask(
    lines: list[str], text: str | None = None, through: int | None = None
) -> list[bool]:
    """For each line, whether it lies inside a triple-quoted string (approximate, no parse).

    A line that opens or closes a string is not masked (it may hold code too); lines
    strictly between the quotes are. A string is closed by the next of its own quotes (the
    other kind inside it is text). ``text`` is ``"".join(lines)`` when the caller has it;
    ``through`` (a 0-based line) asks only for the lines up to it: the strings opening on a
    later line are not looked at, and the lines after it are left unmasked.
    """
    if text is None:
        text = "".join(lines)
    count = len(lines)
    mask = [False] * count
    limit = len(text) if through is None else _line_end(lines, text, through)
    line, counted = 0, 0  # the line of offset ``counted`` (lines counted by "\n")
    closed_on = -1  # the line where the last string that spans lines closed
    position = 0
    # The next quote of each kind, each searched for with str.find (a regular expression of
    # the two is tried at every character, twice as slow) and only once passed.
    find = text.find
    double, single = find('"""', 0, limit), find("'''", 0, limit)
    while True:
        if 0 <= double < position:
            double = find('"""', position, limit)
        if 0 <= single < position:
            single = find("'''", position, limit)
        if double < 0 and single < 0:
            break
        if single < 0 or 0 <= double < single:
            start, quote = double, '"""'
        else:
            start, quote = single, "'''"
        end = find(quote, start + 3)  # where the closing quote starts
        if end == -1:  # never closed: every line after it is inside
            line += text.count("\n", counted, start)
            if line < count:
                mask[line + 1 :] = [True] * (count - line - 1)
                mask[line] = closed_on == line
            break
        position = end + 3
        spanned = text.count("\n", start, end)
        if not spanned:
            continue  # opened and closed on one line: nothing is masked
        line += text.count("\n", counted, start)
        first = line
        line += spanned
        counted = end
        if spanned > 1:
            mask[first + 1 : line] = [True] * (spanned - 1)
        if closed_on == first:
            mask[first] = True
        closed_on = line
    return mask


def _line_end(lines: list[str], text: str, index: int) -> int:
    """The offset just past 0-based line ``index`` (the whole text when lines end with a
    bare "\r": the mask counts lines by "\n", the list does not)."""
    if index + 1 >= len(lines) or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return len(text)
    if index < len(lines) // 2:
        return sum(map(len, lines[: index + 1]))
    return len(text) - sum(map(len, lines[index + 1 :]))  # (the shorter sum)


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
