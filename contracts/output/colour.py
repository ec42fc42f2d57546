"""Colour for the text report: when to use it (``--color``, ``NO_COLOR``, ``FORCE_COLOR``), and
the styles, rendered as ANSI sequences by rich."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TextIO

from rich.color import ColorSystem
from rich.style import Style

# A painter takes a piece of text and a style name; the plain one returns the text.
Painter = Callable[[str, str], str]

_STYLES = {
    "path": Style(bold=True),
    "code": Style(color="red", bold=True),
    "warning": Style(color="yellow", bold=True),
    "fix": Style(color="green"),
    "quote": Style(dim=True),
    "kept": Style(color="green", bold=True),
    "broken": Style(color="red", bold=True),
    "heading": Style(bold=True),
}


def plain(text: str, style: str) -> str:
    return text


def ansi(text: str, style: str) -> str:
    return _STYLES[style].render(text, color_system=ColorSystem.STANDARD) if text else text


def use_colour(
    choice: str, stream: TextIO | None, environment: Mapping[str, str] = os.environ
) -> bool:
    """``always`` and ``never`` decide; ``auto`` colours a terminal, unless ``NO_COLOR`` is set
    (no-color.org), and colours anything when ``FORCE_COLOR`` is set (force-color.org).
    A report written to a file (``stream`` None) is never coloured by ``auto``."""
    if choice != "auto":
        return choice == "always"
    if environment.get("FORCE_COLOR"):
        return True
    if environment.get("NO_COLOR"):
        return False
    return stream is not None and stream.isatty() and environment.get("TERM") != "dumb"


def painter(enabled: bool) -> Painter:
    return ansi if enabled else plain
