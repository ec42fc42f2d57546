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

    for directory in directories:
        yield from _walk(str(directory), linked, problems)


def _walk(
    current: str, linked: list[str] | None, problems: list[tuple[Path, str]] | None
) -> Iterator[Path]:
    """One folder's ``.py`` files, then its subfolders' in name order (``os.scandir``: the
    kind of each entry comes with the listing, no ``stat`` per file)."""
    try:
        with os.scandir(current) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        if problems is not None:
            problems.append(
                (Path(error.filename or current), f"cannot read folder: {error.strerror}")
            )
        return
    folders = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if entry.is_symlink():
                if linked is not None:
                    linked.append(entry.path)
            elif not entry.name.startswith(".") and entry.name not in _SKIPPED_DIRECTORIES:
                folders.append(entry.path)
            continue
        if not entry.name.endswith(".py"):
            continue
        path = Path(entry.path)
        if problems is not None and entry.is_symlink() and not os.path.exists(path):
            problems.append((path, _broken_link(path)))
            continue
        yield path
    for folder in folders:
        yield from _walk(folder, linked, problems)


def _broken_link(path: Path) -> str:
    try:
        path.stat()
    except OSError as error:
        return f"a link that leads nowhere: {error.strerror}"
    return "a link that leads nowhere"
