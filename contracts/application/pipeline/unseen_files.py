"""Why the import graph cannot see a file under a root package, in the words of its D003.

grimp's module finder goes down from each root package through folders that are packages
(an ``__init__.py``, a name Python can import) and takes each ``.py`` file whose name is a
module name; a module that is a file and a package at once is the package's. A file it does
not take is reported with the first of these that keeps it out, found in the walk already
made (no file system call).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...domain.rules import NO_INIT
from ..ports import ModuleIndex

_OUTSIDE = "outside the import graph"


class UnseenFiles:
    """The reasons, for the files of one walk of the root packages."""

    def __init__(self, index: ModuleIndex, display: Callable[[Path], str]) -> None:
        self.index = index
        self.display = display
        # The folders that hold an ``__init__.py``.
        self.packages = {path.parent for path in index.files() if path.name == "__init__.py"}

    def why(self, path: Path) -> str:
        for directories in self.index.roots.values():
            for directory in directories:
                try:
                    parts = path.relative_to(directory).parts
                except ValueError:
                    continue
                return self._why(path, directory, parts)
        return _OUTSIDE

    def _why(self, path: Path, directory: Path, parts: tuple[str, ...]) -> str:
        folder = directory
        for name in ("", *parts[:-1]):
            folder = folder / name if name else folder
            if name and not name.isidentifier():
                return f"{_OUTSIDE}: folder `{name}` is not a package name (not an identifier)"
            if folder not in self.packages:
                return f"{_OUTSIDE}: folder {self.display(folder)}/ {NO_INIT}"
        stem, dot, rest = parts[-1].partition(".")
        if not stem.isidentifier() or (dot, rest) != (".", "py"):
            return f"{_OUTSIDE}: `{parts[-1]}` is not a module name (an identifier, then .py)"
        module = self.index.module_of(path)
        taken = self.index.path_of(module) if module is not None else None
        if taken is not None and taken != path:
            return f"{_OUTSIDE}: {self.display(taken)} is module `{module}`"
        return _OUTSIDE
