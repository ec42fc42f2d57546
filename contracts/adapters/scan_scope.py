"""The modules grimp's scanner must be given to scan a few files, so that it converts fewer.

At each call, grimp's scanner turns every module of the packages it is given into its own
values (about 3 ms for 8,000 modules), however few files it scans; a run of many contracts makes
dozens of scans of one to three files. An import resolves to the module it names, or else to
that module's parent (grimp drops it when neither is a module of the packages): both are named
in the importing file, or are the importer's own package or one above it (a relative import).
A scan of a few files is therefore given only the modules whose last name is a word of one of
them (as Python reads its names: NFKC-normalised), every module whose last name is not ASCII,
and the packages above the files: it finds the same imports, each resolved to the same module.
A file whose words cannot be read exactly as grimp reads it (a coding declaration that is not
ASCII-compatible, or non-ASCII bytes in another encoding than UTF-8) gets every module.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from .grimp_internals import FoundPackage, ModuleFile

# Up to how many files a scan is given the modules they can import only (reading them for
# their words costs about 0.3 ms each; the conversion saved, 3 ms at 8,000 modules).
FEW_FILES = 6
_ASCII_WORD = re.compile(rb"[A-Za-z0-9_]+")
# A coding declaration, as grimp looks for one on each of a file's first two lines.
_CODING = re.compile(rb"[ \t\f]*#.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)")
# Encodings that read ASCII bytes as the same ASCII text (grimp reads a file in the encoding
# its declaration names).
_ASCII_KEEPING = ("utf-8", "utf8", "ascii", "us-ascii", "latin-1", "latin1", "l1")
_ASCII_KEEPING_FAMILIES = ("iso-8859-", "iso8859-", "cp125", "windows-125")


class ScanScope:
    """The packages to give grimp's scanner for a scan of some modules."""

    def __init__(self, packages: set[FoundPackage]) -> None:
        self.packages = packages
        # Each module's package and file, the modules by their last name, and those whose last
        # name is not ASCII (made once).
        self._modules: dict[str, tuple[FoundPackage, ModuleFile]] | None = None
        self._by_last_name: dict[str, list[str]] = defaultdict(list)
        self._beyond_ascii: list[str] = []
        self._lock = threading.Lock()  # (scans are asked for from several threads)

    def __deepcopy__(self, memo: dict[int, Any]) -> ScanScope:
        return self  # (a copy of the graph shares it: what it answers never changes)

    def packages_for(self, modules: Collection[str]) -> set[FoundPackage]:
        """Every package, or, to scan a few files, the packages holding only the modules
        an import of theirs can resolve to."""
        if len(modules) > FEW_FILES:
            return self.packages
        known = self._known()
        words: set[str] = set()
        for module in modules:
            found = self._words(module, known)
            if found is None:
                return self.packages
            words |= found
        wanted = set(self._beyond_ascii)
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

    def _words(
        self, module: str, known: dict[str, tuple[FoundPackage, ModuleFile]]
    ) -> set[str] | None:
        """The ASCII words of the file grimp reads for ``module`` (both files when the module
        is a ``.py`` file and a package at once); None when they cannot be known for sure (a
        file that cannot be read, or decoded as grimp decodes it: grimp then says why)."""
        entry = known.get(module)
        if entry is None:
            return None
        package = entry[0]
        inside = module.split(".")[len(package.name.split(".")) :]
        base = os.path.join(package.directory, *inside)
        words: set[str] = set()
        read = False
        for path in (base + ".py", os.path.join(base, "__init__.py")):
            try:
                with open(path, "rb") as stream:
                    data = stream.read()
            except OSError:
                continue
            found = _ascii_words(data)
            if found is None:
                return None
            words |= found
            read = True
        return words if read else None

    def _known(self) -> dict[str, tuple[FoundPackage, ModuleFile]]:
        with self._lock:
            if self._modules is None:
                modules = {}
                for package in self.packages:
                    for module_file in package.module_files:
                        name = module_file.module.name
                        modules[name] = (package, module_file)
                        last = name.rpartition(".")[2]
                        if last.isascii():
                            self._by_last_name[last].append(name)
                        else:
                            self._beyond_ascii.append(name)
                self._modules = modules
            return self._modules


def _ascii_words(data: bytes) -> set[str] | None:
    """Every run of ASCII letters, digits and underscores in the text grimp reads from
    ``data``, once Python's NFKC normalisation is applied (``my＿helper`` names
    ``my_helper``); None when grimp would read other text than this code can be sure of."""
    for line in data.split(b"\n", 2)[:2]:
        declared = _CODING.match(line)
        if declared is not None:
            encoding = declared.group(1).decode().lower().replace("_", "-")
            if not data.isascii() and encoding not in ("utf-8", "utf8"):
                return None
            if encoding not in _ASCII_KEEPING and not encoding.startswith(_ASCII_KEEPING_FAMILIES):
                return None
    if data.isascii():
        return {word.decode() for word in set(_ASCII_WORD.findall(data))}
    try:
        text = unicodedata.normalize("NFKC", data.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return {word.decode() for word in set(_ASCII_WORD.findall(text.encode()))}
