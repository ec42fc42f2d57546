"""Which modules a scoped graph must read before its importer queries can be trusted.

An import of a target matters only when the importing file spells something the check cares
about: a canonical name (or ``import *``), or the last part of an implementation module's name
on a line that could hold an import. The byte prefilter already knows which files do; those
are the files whose imports are read. A shim can bind a canonical object under a new name, so
names met later are looked for on disk once, and the files that spell them are read too.
With a full grimp graph there is nothing to read and every call here is free.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from ...domain.prefilter import IMPORT_CONTEXT, Record
from ..ports import Files, ModuleIndex, OnDemandGraph


class ImporterScope:
    """Tells a scoped graph what to read, so that its answers equal a whole graph's for every
    importer the check would look at."""

    def __init__(self, graph: Any, locator: ModuleIndex, files: Files) -> None:
        self.graph = graph if isinstance(graph, OnDemandGraph) else None
        self.locator = locator
        self.files = files
        self.records: dict[Path, Record] = {}
        self.covered: set[str] = set()
        self.searched: set[str] = set()  # names met late, searched for in every file
        # The bytes the prefilter read (a scoped graph only): later names are searched there.
        self.contents: dict[Path, bytes] | None = {} if self.graph is not None else None

    def start(
        self,
        records: dict[Path, Record],
        prefilter_words: frozenset[str],
        names: Collection[str],
        import_words: Collection[str],
        targets: Collection[str] = (),
    ) -> None:
        """Read ``targets`` and every module that spells a canonical name, ``import *``, or an
        implementation module's last name where an import could be (``records`` looked for
        all of them): one scan, whose fixed cost grows with the tree."""
        self.records = records
        if self.graph is None:
            return
        triggers = {*names, "import *"} & prefilter_words
        triggers |= {f"{IMPORT_CONTEXT}:{word}" for word in import_words}
        self.covered |= triggers
        self.graph.read_imports_of(
            background=True,
            modules=[
                *targets,
                *(
                    module
                    for module, record in self._records()
                    if record is None
                    or not record.readable
                    or not record.words.isdisjoint(triggers)
                ),
            ],
        )

    def wait(self) -> None:
        """Until the imports asked for in ``start`` are read."""
        if self.graph is not None:
            self.graph.wait()

    def prepare(self, names: Collection[str]) -> None:
        """Before asking for the importers of a module whose canonical names are ``names``:
        read the modules spelling a name the prefilter did not look for."""
        if self.graph is None:
            return
        extra = {name for name in names if name not in self.covered}
        if not extra:
            return
        self.covered |= extra
        self.searched |= extra
        wanted = [name.encode() for name in extra]
        modules = []
        for module, record in self._records():
            if module in self.graph.scanned:
                continue
            if record is None or not record.readable or self._spells(module, wanted):
                modules.append(module)
        self.graph.read_imports_of(modules)

    def _records(self) -> Iterable[tuple[str, Record | None]]:
        assert self.graph is not None
        for module in self.graph.modules:
            path = self.locator.path_of(module)
            if path is not None:
                yield module, self.records.get(path)

    def _spells(self, module: str, words: list[bytes]) -> bool:
        path = self.locator.path_of(module)
        if path is None:
            return False
        data = self.contents.get(path) if self.contents is not None else None
        if data is None:  # the prefilter's record came from its cache
            try:
                data = self.files.read_bytes(path)
            except OSError:
                return True  # let the scanner say what is wrong with it
        return any(word in data for word in words)
