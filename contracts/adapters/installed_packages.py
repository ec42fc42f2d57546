"""Whether a dotted name belongs to a package installed outside the project (stdlib or
site-packages), found on disk without importing anything but the finder's answer."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Collection
from pathlib import Path


class InstalledPackages:
    """The application's ``InstalledPackages`` port."""

    def __init__(self) -> None:
        self._locations: dict[str, list[Path] | None] = {}

    def provides(self, name: str, project_directories: Collection[Path]) -> bool:
        """Whether an installed package outside the project really provides ``name``.

        Only the top-level package is located (which imports nothing); the rest of the name is
        looked for on disk below it.
        """
        top, _, rest = name.partition(".")
        if top not in self._locations:
            self._locations[top] = self._installed_locations(top, project_directories)
        directories = self._locations[top]
        if directories is None:
            return False
        if not directories:
            return True  # an installed plain module (os.path style): the name is its own
        parts = rest.split(".")
        return any(
            _file_or_unknown(d.joinpath(*parts).with_suffix(".py"))
            or _file_or_unknown(d.joinpath(*parts) / "__init__.py")
            for d in directories
        )

    @staticmethod
    def _installed_locations(top: str, project_directories: Collection[Path]) -> list[Path] | None:
        """Where an installed package ``top`` lives outside the project; [] for a plain
        module; None when nothing outside the project provides ``top``."""
        project = [d.resolve() for d in project_directories]

        def inside(location: Path) -> bool:
            return any(location == p or p in location.parents for p in project)

        # Searched for beyond the project's own folders: a root package named like an
        # installed one (which it shadows at run time) must not hide it here.
        holders = {directory.parent for directory in project}  # where the roots are found
        search = []
        for entry in sys.path:
            location = Path(entry or os.getcwd()).resolve()
            if location not in holders and not inside(location):
                search.append(entry)
        spec = importlib.machinery.PathFinder.find_spec(top, search)
        if spec is None:
            found = importlib.util.find_spec(top)  # built into the interpreter, or frozen?
            builtin = found is not None and found.origin in ("built-in", "frozen")
            return [] if builtin else None

        if spec.submodule_search_locations is None:
            origin = Path(spec.origin).resolve() if spec.origin else None
            return None if origin is not None and inside(origin) else []
        outside = [
            Path(location).resolve()
            for location in spec.submodule_search_locations
            if not inside(Path(location).resolve())
        ]
        return outside or None


def _file_or_unknown(path: Path) -> bool:
    """Whether ``path`` is a file; one behind a folder that cannot be read counts as one (an
    import is not called stale for want of a right)."""
    try:
        return path.is_file()
    except OSError:
        return True
