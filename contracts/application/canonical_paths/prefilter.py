"""What the canonical_import check asks the byte prefilter to look for in every file."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...domain.exports import ExportSet
from ...domain.prefilter import LINE_PREFIX, Request

# Prefilter labels (never real substrings): any `as <canonical name>`, and the module of each
# one-line `from M import ... as <canonical name>`. Each contract's labels name its canonical
# module: contracts that share one scan of the tree must not read each other's matches.
REBOUND = "rebinding of {}: `as <canonical name>`"
REBOUND_FROM = "rebinding of {} from"


class Prefilter:
    """The substrings worth knowing per file, derived from the export set alone.

    Canonical names (importers of the canonical module and of shims, renames), quoted
    implementation paths (strings), ``__all__`` and star imports.
    """

    def __init__(
        self,
        exports: ExportSet,
        implementations: Iterable[str],
        import_words: Iterable[str] = (),
        canonical: str = "",
    ) -> None:
        self.rebound = REBOUND.format(canonical)
        self.rebound_from = REBOUND_FROM.format(canonical)
        self.import_words = tuple(sorted(set(import_words)))
        self.string_markers = tuple(
            quote + module for module in sorted(implementations) for quote in ('"', "'")
        )
        self.preferred = tuple(sorted(set(exports.preferred.values())))
        words = {
            *exports.names,
            *self.preferred,
            *self.string_markers,
            "__all__",
            "import *",
        }
        self.words = frozenset(words)
        names = "|".join(re.escape(name) for name in self.preferred)
        # Every `as <canonical name>`; for a one-line `from M import ... as Name` also M, so
        # that a file whose only such imports come from modules already classified through
        # the graph needs no parse.
        one_line_from = r"[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t][^\n(\\#;]*"
        # (No `\b` before `as`: a pattern that starts with a literal is searched for fast, and
        # a `has Name` in prose only makes the file be read.)
        # (`as \` continued on the next line too.)
        any_form = (self.rebound, rf"as(?:\s|\\(?:\r\n?|\n))+(?:{names})\b", self.preferred)
        with_module = (
            self.rebound_from,
            f"{one_line_from}{LINE_PREFIX}" + rf"as[ \t]+(?:{names})\b",
            tuple(f"as{space}{name}" for name in self.preferred for space in (" ", "\t")),
        )
        self.request = Request(tuple(sorted(words)), (any_form, with_module), self.import_words)

    def spells_string(self, words: frozenset[str]) -> bool:
        """Whether a file's words hold a quoted implementation path (a string reference)."""
        return not words.isdisjoint(self.string_markers)

    def string_lines(self, text: str) -> list[int]:
        """The lines of ``text`` where a quoted implementation path starts (1-based)."""
        positions = []
        for marker in self.string_markers:
            position = text.find(marker)
            while position != -1:
                positions.append(position)
                position = text.find(marker, position + 1)
        lines, line, counted = [], 1, 0
        for position in sorted(positions):  # lines counted once, front to back
            line += text.count("\n", counted, position)
            counted = position
            lines.append(line)
        return lines
