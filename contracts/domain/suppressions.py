"""Inline suppressions: a comment that silences named findings on its line, with a reason.

``# ssot-imports: ignore[SSOT001, SSOT005] -- the reason`` silences those codes on the line it
ends, or on the whole statement when it ends the statement's first line. ``# noqa: SSOT001``
is honoured too (the habit of ruff and flake8 users); its other codes are not ours and are
left alone, and a bare ``# noqa`` is not read as ours at all, being too broad.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

# What the prefilter looks for in every file: our marker, and a `noqa:` naming a code of ours
# (a plain `noqa` is far too common to make a file worth reading).
MARKER = "ssot-imports:"
NOQA_LABEL = "noqa-code"
NOQA_PATTERN = (NOQA_LABEL, r"noqa[ \t]*:[^\n]*\b(?:SSOT|IL)[0-9]", ("noqa",))
MARKERS = frozenset({MARKER, NOQA_LABEL})  # a file's record words holding either may have one
_OURS = re.compile(
    r"ssot-imports:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?:[ \t]*--[ \t]*(?P<reason>[^#]*?))?"
    r"[ \t]*(?=#|$)"
)
_NOQA = re.compile(r"noqa[ \t]*:[ \t]*(?P<codes>[A-Za-z]+[0-9]+(?:[ \t]*,[ \t]*[A-Za-z]+[0-9]+)*)")
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


@dataclass(frozen=True)
class Suppression:
    """One directive in one comment."""

    line: int
    column: int  # of the comment's ``#``
    comment: str  # the whole comment, as written
    style: str  # "ssot-imports" or "noqa"
    codes: tuple[str, ...]  # upper case; for noqa, only the codes that are ours
    reason: str | None
    bare: bool = False  # `# ssot-imports: ignore` with no codes
    # Codes written in the directive that no rule has (ours only).
    unknown: tuple[str, ...] = ()
    # For a noqa: every code written, ours or not, in order (the fix keeps the others).
    written: tuple[str, ...] = field(default=(), compare=False)


def read_comment(comment: str, line: int, column: int, known: Collection[str]) -> list[Suppression]:
    """The suppressions a comment holds (``known``: the rule codes there are)."""
    found: list[Suppression] = []
    for match in _OURS.finditer(comment):
        listed = match.group("codes")
        reason = (match.group("reason") or "").strip() or None
        if listed is None:
            found.append(Suppression(line, column, comment, "ssot-imports", (), reason, True))
            continue
        codes = tuple(code.upper() for code in _CODE.findall(listed))
        unknown = tuple(code for code in codes if code not in known)
        valid = tuple(code for code in codes if code in known)
        found.append(
            Suppression(line, column, comment, "ssot-imports", valid, reason, not codes, unknown)
        )
    for match in _NOQA.finditer(comment):
        written = tuple(code.upper() for code in _CODE.findall(match.group("codes")))
        ours = tuple(code for code in written if code in known)
        if ours:
            found.append(Suppression(line, column, comment, "noqa", ours, None, written=written))
    return found


def without_codes(suppression: Suppression, unused: Iterable[str]) -> str:
    """The comment with ``unused`` taken out of the directive ("" when nothing is left)."""
    unused = set(unused)
    comment = suppression.comment
    if suppression.style == "noqa":
        match = _NOQA.search(comment)
        if match is None:
            return comment
        kept = [code for code in suppression.written if code not in unused]
        replacement = f"noqa: {', '.join(kept)}" if kept else ""
        return _tidy(comment[: match.start()] + replacement + comment[match.end() :])
    match = _OURS.search(comment)
    if match is None:
        return comment
    kept = [code for code in suppression.codes if code not in unused]
    if not kept:
        return _tidy(comment[: match.start()] + comment[match.end() :])
    reason = f" -- {suppression.reason}" if suppression.reason else ""
    replacement = f"ssot-imports: ignore[{', '.join(kept)}]{reason}"
    return _tidy(comment[: match.start()] + replacement + comment[match.end() :])


def _tidy(comment: str) -> str:
    """A comment without the empty ``#`` a removed directive leaves ("" when nothing is left)."""
    text = re.sub(r"^#[ \t]*#", "#", comment.rstrip())
    while text and _EMPTY_TAIL.search(text):
        text = _EMPTY_TAIL.sub("", text)
    return text


_EMPTY_TAIL = re.compile(r"[ \t]*#[ \t]*$")
