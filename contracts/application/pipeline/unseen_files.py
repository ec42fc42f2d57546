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
        self._folders: dict[Path, str | None] = {}

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
        folder = self._folder(path.parent, directory, parts[:-1])
        if folder is not None:
            return folder
        stem, dot, rest = parts[-1].partition(".")
        if not stem.isidentifier() or (dot, rest) != (".", "py"):
            return f"{_OUTSIDE}: `{parts[-1]}` is not a module name (an identifier, then .py)"
        module = self.index.module_of(path)
        taken = self.index.path_of(module) if module is not None else None
        if taken is not None and taken != path:
            return f"{_OUTSIDE}: {self.display(taken)} is module `{module}`"
        return _OUTSIDE

    def _folder(self, parent: Path, directory: Path, names: tuple[str, ...]) -> str | None:
        """What keeps the files of ``parent`` out (None: nothing on its way), worked out once
        per folder (a quarter of a real tree sits in folders without ``__init__.py``)."""
        if parent not in self._folders:
            found = None
            folder = directory
            for name in ("", *names):
                folder = folder / name if name else folder
                if name and not name.isidentifier():
                    found = f"{_OUTSIDE}: folder `{name}` is not a package name (not an identifier)"
                    break
                if folder not in self.packages:
                    found = f"{_OUTSIDE}: folder {self.display(folder)}/ {NO_INIT}"
                    break
            self._folders[parent] = found
        return self._folders[parent]
