"""Inline suppressions: a comment that silences named findings on its line, with a reason.

``# ssot-imports: ignore[SSOT001, SSOT005] -- the reason`` silences those codes on the line it
ends, or on the whole statement when it ends the statement's first line. Rule names may stand
for codes (``ignore[string-reference]``). ``# noqa: SSOT001`` is honoured too (the habit of
ruff and flake8 users); its other codes are not ours and are left alone, and a ``# noqa``
without codes is not read as ours at all, being too broad. ``noqa`` is read in any case, as
ruff and flake8 read ``NOQA``; our marker as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from msgspec import Struct

# What the prefilter looks for in every file (each is a pass over every file, so as few as
# can be): our marker, and a `noqa:` naming an SSOT code (a plain `noqa` is far too common
# to make a file worth reading). The marker is read as written, lower case; `noqa` in any
# case, as ruff and flake8 read it.
MARKER_WORDS = ("ssot-imports:",)
NOQA_LABEL = "noqa-code"
NOQA_PATTERN = (NOQA_LABEL, r"(?i)noqa[ \t]*:[^\n]*\bSSOT[0-9]", ("SSOT",))
MARKERS = frozenset({*MARKER_WORDS, NOQA_LABEL})  # record words that point to a candidate
# A reason runs to the end of the comment, or to another directive after it.
_REASON_END = r"(?=[ \t]*#[ \t]*(?:noqa\b|type:|pragma\b|fmt:|ssot-imports:)|[ \t]*$)"
_OURS = re.compile(
    r"ssot-imports:[ \t]*ignore\b(?:\[(?P<codes>[^\]]*)\])?"
    rf"(?:[ \t]*--[ \t]*(?P<reason>.*?){_REASON_END})?",
)
_NOQA = re.compile(
    r"noqa[ \t]*:[ \t]*(?P<codes>[A-Za-z]+[0-9]+(?:[ \t]*,[ \t]*[A-Za-z]+[0-9]+)*)"
    rf"(?:[ \t]*--[ \t]*(?P<reason>.*?){_REASON_END})?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


class Suppression(Struct, frozen=True):
    """One directive in one comment."""

    line: int
    column: int  # of the comment's ``#``
    comment: str  # the whole comment, as written
    start: int  # the directive's span within the comment
    end: int
    style: str  # "ssot-imports" or "noqa"
    codes: tuple[str, ...]  # the codes of ours it names (rule names turned into codes)
    reason: str | None
    bare: bool = False  # `# ssot-imports: ignore` with no codes
    unknown: tuple[str, ...] = ()  # what it names that no rule is (ours only)
    unsuppressible: tuple[str, ...] = ()  # codes it names that cannot be suppressed
    # For a noqa: every code written, ours or not, in order (a fix keeps the others).
    written: tuple[str, ...] = ()


def read_comment(
    comment: str,
    line: int,
    column: int,
    codes_by_name: Mapping[str, str],
    suppressible: Iterable[str],
) -> list[Suppression]:
    """The suppressions a comment holds. ``codes_by_name``: every rule code (and rule name)
    there is, to its code; ``suppressible``: the codes a suppression may name."""
    allowed = set(suppressible)
    found: list[Suppression] = []
    for match in _OURS.finditer(comment):
        listed = match.group("codes")
        reason = (match.group("reason") or "").strip() or None
        if listed is None or not listed.strip():
            found.append(
                Suppression(
                    line, column, comment, match.start(), match.end(), "ssot-imports", (),
                    reason, bare=True,
                )
            )  # fmt: skip
            continue
        codes, unknown, unsuppressible = [], [], []
        for item in (part.strip() for part in listed.split(",")):
            if not item:
                continue
            code = codes_by_name.get(item.upper()) or codes_by_name.get(item.lower())
            if code is None:
                unknown.append(item)
            elif code not in allowed:
                unsuppressible.append(code)
            elif code not in codes:
                codes.append(code)
        found.append(
            Suppression(
                line, column, comment, match.start(), match.end(), "ssot-imports",
                tuple(codes), reason, unknown=tuple(unknown),
                unsuppressible=tuple(unsuppressible),
            )
        )  # fmt: skip
    for match in _NOQA.finditer(comment):
        written = tuple(code.upper() for code in _CODE.findall(match.group("codes")))
        ours = tuple(dict.fromkeys(code for code in written if code in allowed))
        if ours:
            reason = (match.group("reason") or "").strip() or None
            found.append(
                Suppression(
                    line, column, comment, match.start(), match.end(), "noqa", ours, reason,
                    written=written,
                )
            )  # fmt: skip
    return found


def without_unused(comment: str, unused: Mapping[Suppression, list[str]]) -> str:
    """The comment with each directive's ``unused`` codes taken out (a directive left with
    none goes; "" when nothing is left of the comment)."""
    text = comment
    for suppression in sorted(unused, key=lambda s: s.start, reverse=True):
        drop = set(unused[suppression])
        kept = [code for code in suppression.codes if code not in drop]
        reason = f" -- {suppression.reason}" if suppression.reason else ""
        if suppression.style == "noqa":
            replacement = _noqa_without(suppression.written, drop, reason)
        elif kept and not suppression.bare:
            replacement = f"ssot-imports: ignore[{', '.join(kept)}]{reason}"
        else:
            replacement = ""
        text = text[: suppression.start] + replacement + text[suppression.end :]
    return _tidy(text)


def without_noqa_codes(comment: str, codes: Iterable[str]) -> str:
    """The comment with ``codes`` taken out of its ``# noqa:`` list (any tool's codes; the
    directive goes when none is left). Used when a fix removes what a noqa was about."""
    match = _NOQA.search(comment)
    if match is None:
        return comment
    written = tuple(code.upper() for code in _CODE.findall(match.group("codes")))
    drop = {code.upper() for code in codes}
    if drop.isdisjoint(written):
        return comment
    reason = (match.group("reason") or "").strip()
    replacement = _noqa_without(written, drop, f" -- {reason}" if reason else "")
    return _tidy(comment[: match.start()] + replacement + comment[match.end() :])


# What applies to its own line only: `noqa` (with codes or bare, `ruff: noqa` too) and
# `type: ignore[...]`.
_LINE_DIRECTIVE = re.compile(
    r"#?[ \t]*(?:ruff:[ \t]*)?"
    r"(?:noqa\b(?:[ \t]*:[ \t]*[A-Za-z]+[0-9]+(?:[ \t]*,[ \t]*[A-Za-z]+[0-9]+)*)?"
    r"|type:[ \t]*ignore(?:\[[^\]]*\])?)",
    re.IGNORECASE,
)


def without_line_directives(comment: str) -> str:
    """The comment of a statement that goes, to be kept on a line of its own: without what
    only applied to that statement's line (``noqa``, ``type: ignore``); "" when nothing else
    is left."""
    text = _tidy(_LINE_DIRECTIVE.sub("", comment)).strip()
    if text.startswith("#"):
        return text
    text = text.lstrip("- \t")  # (what followed the directive: `-- reason`)
    return f"# {text}" if text else ""


def comment_alone(line: str, comment: str) -> str:
    """What stays of ``line`` when its statement goes: ``comment`` (without its line
    directives) at the line's indentation, with the line's ending; "" when nothing is left."""
    kept = without_line_directives(comment) if comment else ""
    if not kept:
        return ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return indent + kept + line[len(line.rstrip("\r\n")) :]


def _noqa_without(written: Iterable[str], drop: set[str], reason: str) -> str:
    others = [code for code in written if code not in drop]
    return f"noqa: {', '.join(others)}{reason}" if others else ""


def _tidy(comment: str) -> str:
    """A comment without the empty ``#`` a removed directive leaves ("" when nothing is left)."""
    text = re.sub(r"^#[ \t]*#", "#", comment.rstrip())
    text = re.sub(r"#[ \t]*#", "#", text)
    while text and _EMPTY_TAIL.search(text):
        text = _EMPTY_TAIL.sub("", text)
    return text


_EMPTY_TAIL = re.compile(r"[ \t]*#[ \t]*$")
