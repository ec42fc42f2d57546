"""Every Python file under the root packages, including those an import graph cannot see."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
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
    Symbolic links to folders are followed, as Python and grimp follow them (their modules
    import under the link's name); with ``linked``, they are listed there. With
    ``problems``, what could not be looked at is listed there (a folder that cannot be read,
    a ``.py`` link to nothing or to itself, a link to a folder above it, which would make
    endless module names) and is not followed.
    """

    for directory in directories:
        yield from _walk(str(directory), linked, problems)


def _walk(
    current: str,
    linked: list[str] | None,
    problems: list[tuple[Path, str]] | None,
    above: tuple[str, ...] = (),
) -> Iterator[Path]:
    """One folder's ``.py`` files, then its subfolders' in name order (``os.scandir``: the
    kind of each entry comes with the listing, no ``stat`` per file). ``above``: where the
    folders holding the links followed on the way down really are."""
    try:
        with os.scandir(current) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        if problems is not None:
            problems.append(
                (Path(error.filename or current), f"cannot read folder: {error.strerror}")
            )
        return
    folders: list[tuple[str, tuple[str, ...]]] = []
    here: str | None = None  # where this folder really is (asked for at its first link)
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if entry.name.startswith(".") or entry.name in _SKIPPED_DIRECTORIES:
                if entry.is_symlink() and linked is not None:
                    linked.append(entry.path)
                continue
            if not entry.is_symlink():
                folders.append((entry.path, above))
                continue
            if linked is not None:
                linked.append(entry.path)
            here = here or os.path.realpath(current)
            target = os.path.realpath(entry.path)
            if any(_within(place, target) for place in (here, *above)):
                if problems is not None:
                    problems.append((Path(entry.path), _LINK_ABOVE))
                continue
            folders.append((entry.path, (*above, here)))
            continue
        if not entry.name.endswith(".py"):
            continue
        path = Path(entry.path)
        if problems is not None and entry.is_symlink() and not os.path.exists(path):
            problems.append((path, _broken_link(path)))
            continue
        yield path
    for folder, places in folders:
        yield from _walk(folder, linked, problems, places)


def _within(place: str, folder: str) -> bool:
    """Whether ``place`` is ``folder`` or inside it (both real paths)."""
    return place == folder or place.startswith(folder.rstrip(os.sep) + os.sep)


_LINK_ABOVE = (
    "a link to a folder above it: not followed (Python would import its modules under "
    "endless names)"
)


def _broken_link(path: Path) -> str:
    try:
        path.stat()
    except OSError as error:
        return f"a link that leads nowhere: {error.strerror}"
    return "a link that leads nowhere"


Walk = Iterator[tuple[str, list[str], list[str]]]


def without_loops(walk: Callable[[str], Walk], directory: str) -> Walk:
    """``walk(directory)`` (``os.walk`` following links, as grimp's file system walks), minus
    the links to a folder above them, which would have it go round forever (``_walk`` says
    where they are). Top-down: what the caller removes from a yielded ``dirs`` is skipped."""
    above: dict[str, tuple[str, ...]] = {}
    for folder, dirs, files in walk(directory):
        places = above.pop(folder, ())
        here: str | None = None
        kept = []
        for name in dirs:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                if places:
                    above[path] = places
                kept.append(name)
                continue
            here = here or os.path.realpath(folder)
            if any(_within(place, os.path.realpath(path)) for place in (here, *places)):
                continue
            above[path] = (*places, here)
            kept.append(name)
        dirs[:] = kept
        yield folder, dirs, files
