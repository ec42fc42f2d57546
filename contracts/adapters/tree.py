"""Every Python file under the root packages, including those an import graph cannot see."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

_SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "site-packages"})


def python_files(directories: Iterable[Path], linked: list[str] | None = None) -> Iterator[Path]:
    """Yield the ``.py`` files below each directory, in a stable order.

    Hidden folders and caches are skipped; folders without ``__init__.py`` and folders whose
    names are not identifiers (``my-tests``) are included, since their files still import.
    Symbolic links to folders are not followed; with ``linked``, they are listed there.
    """
    for directory in directories:
        for current, subdirectories, files in os.walk(directory):
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
                if name.endswith(".py"):
                    yield Path(current, name)
