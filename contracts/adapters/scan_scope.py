"""The modules grimp's scanner must be given to scan a few files, so that it converts fewer.

At each call, grimp's scanner turns every module of the packages it is given into its own
values (about 3 ms for 8,000 modules), however few files it scans; a run of many contracts makes
dozens of scans of one to three files. An import resolves to the module it names, or else to
that module's parent (grimp drops it when neither is a module of the packages): both are named
in the importing file's text (their last names are words of it), or are the importer's own
package or one above it (a relative import). A scan of a few files is therefore given only the
modules whose last name is a word of one of them, and the packages above them: it finds the same
imports, each resolved to the same module.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from .grimp_internals import FoundPackage, ModuleFile

# Up to how many files a scan is given the modules they can import only (reading them for
# their words costs about 0.3 ms each; the conversion saved, 3 ms at 8,000 modules).
FEW_FILES = 6
_ASCII_WORD = re.compile(rb"[A-Za-z0-9_]+")
_WORD = re.compile(r"\w+")


class ScanScope:
    """The packages to give grimp's scanner for a scan of some modules."""

    def __init__(self, packages: set[FoundPackage], path_of: Callable[[str], Path | None]) -> None:
        self.packages = packages
        self._path_of = path_of
        # Each module's package and file, and the modules by their last name (made once).
        self._modules: dict[str, tuple[FoundPackage, ModuleFile]] | None = None
        self._by_last_name: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()  # (scans are asked for from several threads)

    def __deepcopy__(self, memo: dict[int, Any]) -> ScanScope:
        return self  # (a copy of the graph shares it: what it answers never changes)

    def packages_for(self, modules: Collection[str]) -> set[FoundPackage]:
        """Every package, or, to scan a few files, the packages holding only the modules
        an import of theirs can resolve to."""
        if len(modules) > FEW_FILES:
            return self.packages
        words: set[str] = set()
        for module in modules:
            found = self._words(module)
            if found is None:  # (grimp says why it cannot read it)
                return self.packages
            words |= found
        known = self._known()
        wanted = set()
        for module in modules:
            parts = module.split(".")
            wanted.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
        for word in words:
            wanted.update(self._by_last_name.get(word, ()))
        kept: dict[FoundPackage, list[ModuleFile]] = defaultdict(list)
        for module in wanted:
            entry = known.get(module)
            if entry is not None:
                kept[entry[0]].append(entry[1])
        return {
            dataclasses.replace(package, module_files=frozenset(files))
            for package, files in kept.items()
        }

    def _words(self, module: str) -> set[str] | None:
        """The words of a module's file (None: it cannot be read, or decoded as UTF-8 where
        it is not ASCII)."""
        path = self._path_of(module)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if data.isascii():
            return {word.decode() for word in set(_ASCII_WORD.findall(data))}
        try:  # (a name with letters beyond ASCII: Python's own idea of a word)
            words = set(_WORD.findall(data.decode("utf-8")))
        except UnicodeDecodeError:  # another encoding: every module, to be sure
            return None
        # (Python reads such a name in its NFKC form: both spellings are kept.)
        return words | {unicodedata.normalize("NFKC", w) for w in words if not w.isascii()}

    def _known(self) -> dict[str, tuple[FoundPackage, ModuleFile]]:
        with self._lock:
            if self._modules is None:
                modules = {}
                for package in self.packages:
                    for module_file in package.module_files:
                        name = module_file.module.name
                        modules[name] = (package, module_file)
                        self._by_last_name[name.rpartition(".")[2]].append(name)
                self._modules = modules
            return self._modules
