"""Where the modules of the root packages are on disk, the way Python's finder would say.

One walk of the root directories (every ``.py`` file, including folders the graph cannot see)
answers every later question with a dictionary access, not file system calls.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from .tree import python_files


class ModuleLocator:
    """Maps module names of the root packages to files, the way Python's finder would.

    Built from one walk of the root directories (every ``.py`` file, including folders the
    graph cannot see), so looking a module up costs a dictionary access, not file system calls.
    """

    def __init__(self, root_packages: list[str]) -> None:
        self.roots: dict[str, list[Path]] = {}
        for package in root_packages:
            spec = importlib.util.find_spec(package) if "." not in package else None
            locations = list(spec.submodule_search_locations or []) if spec else []
            self.roots[package] = [Path(location) for location in locations]
        self._files: list[Path] | None = None
        self.linked_directories: list[str] = []  # symbolic links the walk did not follow
        # What the walk could not look at: unreadable folders, links to nothing.
        self.problems: list[tuple[Path, str]] = []
        self._index: dict[str, Path] | None = None
        self._modules: dict[Path, str] = {}

    @property
    def directories(self) -> list[Path]:
        return [directory for directories in self.roots.values() for directory in directories]

    def files(self) -> list[Path]:
        """Every Python file under the roots, in a stable order (walked once)."""
        if self._files is None:
            self._files = list(
                python_files(self.directories, self.linked_directories, self.problems)
            )
        return self._files

    def _build_index(self) -> dict[str, Path]:
        index: dict[str, Path] = {}
        for path in self.files():
            module = self.module_of(path)
            if module is None:
                continue
            # A package (x/__init__.py) wins over a module file x.py, as in Python.
            if path.name == "__init__.py" or module not in index:
                index[module] = path
        return index

    def path_of(self, module: str) -> Path | None:
        if self._index is None:
            self._index = self._build_index()
        return self._index.get(module)

    def is_package(self, module: str) -> bool:
        path = self.path_of(module)
        return path is not None and path.name == "__init__.py"

    def module_of(self, path: Path) -> str | None:
        """The dotted name a file under a root package would have (folders taken as-is)."""
        if path in self._modules:
            return self._modules[path]
        text = str(path)
        found = None
        for root, directories in self.roots.items():
            for directory in directories:
                prefix = str(directory) + os.sep
                if text.startswith(prefix):
                    parts = text[len(prefix) : -3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts.pop()
                    found = ".".join([root, *parts])
                    break
            if found:
                break
        if found is None:
            found = self._module_of_resolved(path)
        self._modules[path] = found
        return found

    def _module_of_resolved(self, path: Path) -> str | None:
        for root, directories in self.roots.items():
            for directory in directories:
                try:
                    relative = path.resolve().relative_to(directory.resolve())
                except ValueError:
                    continue
                parts = list(relative.with_suffix("").parts)
                if parts and parts[-1] == "__init__":
                    parts.pop()
                return ".".join([root, *parts])
        return None
