"""Whether a file's import lines may name one of some modules, as its prefilter record
shows them, without reading the file again.

A file outside the import graph is read for its imports when it spells a canonical name (or
``import *``), but most such files import other modules: the prefilter recorded the module
paths their import lines name, their first names and the names they import, and an import
of a target names the target (``from pkg.core.api import X``, ``import pkg.core.api``), or
its package with the target's last name among the names imported (``from pkg.core import
api``), or a module relative to the file's own folder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ...domain.prefilter import Record


class NamedModules:
    """``named_by``: whether a record's import lines may name one of ``modules``."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.modules = frozenset(modules)
        leaves: dict[str, set[str]] = defaultdict(set)
        for module in self.modules:
            package, _, leaf = module.rpartition(".")
            if package:
                leaves[package].add(leaf)
        self._leaves = {package: frozenset(names) for package, names in leaves.items()}

    def named_by(self, record: Record) -> bool:
        """Whether the file may import one of the modules (an unreadable record: it may)."""
        if not record.readable:
            return True
        for path in (*record.paths, *record.tops):
            if path.startswith(".") or path in self.modules:
                return True
            leaves = self._leaves.get(path)
            if leaves is not None and not leaves.isdisjoint(record.imported):
                return True
        return False
