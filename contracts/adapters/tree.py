"""Every Python file under the root packages, including those an import graph cannot see."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

_SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "site-packages"})


def python_files(
    directories: Iterable[Path],
    linked: list[str] | None = None,
    problems: list[tuple[Path, str]] | None = None,
) -> Iterator[Path]:
    """Yield the ``.py`` files below each directory, in a stable order.

    Hidden folders and caches are skipped; folders without ``__init__.py`` and folders whose
    names are not identifiers (``my-tests``) are included, since their files still import.
    Symbolic links to folders are not followed; with ``linked``, they are listed there. With
    ``problems``, what could not be looked at is listed there (a folder that cannot be read,
    a ``.py`` link to nothing or to itself) and such a link is not yielded.
    """

    def unreadable(error: OSError) -> None:
        if problems is not None and error.filename:
            problems.append((Path(error.filename), f"cannot read folder: {error.strerror}"))

    for directory in directories:
        for current, subdirectories, files in os.walk(directory, onerror=unreadable):
            if linked is not None:
                linked += [
                    os.path.join(current, name)
                    for name in subdirectories
                    if os.path.islink(os.path.join(current, name))
                ]
            subdirectories[:] = sorted(
                name
                for name in subdirectories
                if not name.startswith(".") and name not in _SKIPPED_DIRECTORIES
            )
            for name in sorted(files):
                if not name.endswith(".py"):
                    continue
                path = Path(current, name)
                if problems is not None and os.path.islink(path) and not os.path.exists(path):
                    problems.append((path, _broken_link(path)))
                    continue
                yield path


def _broken_link(path: Path) -> str:
    try:
        path.stat()
    except OSError as error:
        return f"a link that leads nowhere: {error.strerror}"
    return "a link that leads nowhere"
