"""Which modules an on-demand graph must read before its importer queries can be trusted.

An import of a target matters only when the importing file spells something the check cares
about: a canonical name (or ``import *``), or the last part of an implementation module's name
on a line that could hold an import. The byte prefilter already knows which files do; those
are the files whose imports are read. A shim can bind a canonical object under a new name, and
be imported as a module: the prefilter also recorded every name each file's import statements
take or bind, so the importers of a shim are found by looking its names (and its own name) up
there, without reading any file again. With grimp's whole graph there is nothing to read and
every call here is free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from msgspec import Struct

from ...domain.prefilter import IMPORT_CONTEXT, Record
from ..context import RunContext
from ..ports import ModuleIndex, OnDemandGraph
from .record_index import RecordIndex


def triggers_of(
    prefilter_words: Collection[str], names: Collection[str], import_words: Collection[str]
) -> frozenset[str]:
    """The prefilter words that make a file a candidate: a canonical name (or ``import *``)
    the prefilter looked for, or an implementation's last name where an import can be."""
    triggers = {*names, "import *"} & set(prefilter_words)
    triggers |= {f"{IMPORT_CONTEXT}:{word}" for word in import_words}
    return frozenset(triggers)


def planned_candidates_key(root_packages: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """Where a run keeps its checks' candidate plans (``RunContext.shared``)."""
    return ("planned candidates", tuple(root_packages))


def planned_modules(
    graph: Any, context: RunContext, root_packages: list[str], owner: int
) -> set[str]:
    """The modules an on-demand graph will read first for the contract whose ``id`` is
    ``owner`` (its checks' targets and candidates), once the tree is read: what a run's two
    processes scan once between them when both would."""
    plans = [
        plan
        for plan in context.shared.get(planned_candidates_key(root_packages), ())
        if plan.owner == owner
    ]
    if not plans or not isinstance(graph, OnDemandGraph):
        return set()
    scope = ImporterScope(graph, context.index(root_packages), context.shared)
    scope.records = context.prefilter_planned(root_packages)
    modules: set[str] = set()
    for plan in plans:
        modules |= scope.candidates(plan.triggers, plan.targets)
    return modules


class CandidatePlan(Struct, frozen=True):
    """What a check of the run will have the graph read, known before it runs: its memo's
    name (a check whose findings are kept may not read anything), its triggers, its
    targets, and the contract it is for."""

    memo_name: str
    triggers: frozenset[str]
    targets: tuple[str, ...]
    owner: int = 0  # the contract's ``id`` (``RunContext.checking`` names those checked here)


class ImporterScope:
    """Tells an on-demand graph what to read, so that its answers equal a whole graph's for
    every importer the check would look at."""

    def __init__(
        self, graph: Any, locator: ModuleIndex, shared: dict[Any, Any] | None = None
    ) -> None:
        self.graph = graph if isinstance(graph, OnDemandGraph) else None
        self.locator = locator
        # What the run's other contracts may reuse (the indexes of the records).
        self.shared = {} if shared is None else shared
        self.records: dict[Path, Record] = {}
        self.triggers: frozenset[str] = frozenset()  # prefilter words that made a candidate
        self.covered: set[str] = set()  # names already looked up
        # The module paths each module's import lines name ("." for a relative one).
        self._import_sources: dict[str, frozenset[str]] = {}

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
        self.triggers = triggers_of(prefilter_words, names, import_words)
        self.covered |= set(names)
        if self.graph is None:
            return
        modules = self.candidates(self.triggers, targets)
        self.graph.read_imports_of(background=True, modules=modules)

    def prefetch(self, planned: Iterable[CandidatePlan]) -> None:
        """Have the graph read, beside this check, the candidates of the run's checks still
        to come (each reads them itself otherwise, and waits for them)."""
        if self.graph is None:
            return
        self.graph.prefetch([self.candidates(plan.triggers, plan.targets) for plan in planned])

    def candidates(self, triggers: Iterable[str], targets: Iterable[str]) -> set[str]:
        """The modules to read for a check: its targets, every module whose record spells
        one of its triggers, and those without a readable record."""
        module_at, unreadable = self._graph_view()
        modules = {*targets, *unreadable}
        modules.update(module_at[p] for p in self.index.spelling(triggers) if p in module_at)
        return modules

    def is_candidate(self, record: Record, late_names: frozenset[str] = frozenset()) -> bool:
        """Whether a file can import a target: it spells a trigger, or imports a name met
        later (a shim's own names, a shim module's name)."""
        return not record.words.isdisjoint(self.triggers) or not late_names.isdisjoint(
            record.imported
        )

    def wait(self) -> None:
        """Until the imports asked for in ``start`` are read."""
        if self.graph is not None:
            self.graph.wait()

    def prepare(self, needs: Iterable[tuple[str, Collection[str], bool]]) -> None:
        """Before asking for the importers of modules, each given as (module, its canonical
        names, is a shim): read, in one scan, the modules that import a name not looked for
        yet, or a shim by its own name (``import pkg.shim as compat`` then ``compat.Name``).

        A shim whose names are all triggers needs no look-up by its own name: an importer
        that matters spells one of them (or ``import *``), so it is a candidate, read
        already. (It is looked up once a name that is not a trigger joins them.)"""
        wanted: set[str] = set()
        shims: set[str] = set()
        for module, names, is_shim in needs:
            wanted.update(names)
            if is_shim and not self.triggers.issuperset(names):
                shims.add(module)
        wanted -= self.covered
        shims -= self.covered
        if not wanted and not shims:
            return
        self.covered |= wanted | shims
        if self.graph is None:
            return
        module_at, unreadable = self._graph_view()
        modules = {module_at[p] for p in self.index.importing(wanted) if p in module_at}
        by_leaf: dict[str, set[str]] = defaultdict(set)
        for shim in shims:
            parent, _, leaf = shim.rpartition(".")
            by_leaf[leaf] |= {shim, parent}
        for leaf, named in by_leaf.items():
            importers = (module_at.get(p) for p in self.index.importing([leaf]))
            modules.update(m for m in importers if m is not None and self._may_import(m, named))
        modules.update(unreadable)
        self.graph.read_imports_of(sorted(modules - self.graph.scanned))

    def _may_import(self, module: str, named: set[str]) -> bool:
        """Whether a module that imports a name spelled like a shim's last part may import
        the shim itself: its import lines name the shim or its package (``import pkg.shim``,
        ``from pkg import shim``; ``named`` holds both), or a relative source. (A shim named
        ``utils`` or ``mod00`` shares its name with many modules; most files importing that
        name import another one.)"""
        sources = self._import_sources.get(module)
        if sources is None:
            path = self.locator.path_of(module)
            record = None if path is None else self.records.get(path)
            if record is None or not record.readable:
                sources = frozenset({"."})
            else:
                relative = any(found.startswith(".") for found in record.paths)
                # A top-level package is named by a path without a dot: the first names.
                sources = frozenset([*record.paths, *record.tops, *(["."] if relative else [])])
            self._import_sources[module] = sources
        return "." in sources or not named.isdisjoint(sources)

    @property
    def index(self) -> RecordIndex:
        return RecordIndex.of(self.records, self.shared)

    def _graph_view(self) -> tuple[dict[Path, str], list[str]]:
        """The graph's module at each path whose record is readable, and the graph modules
        without a readable record (read whatever is asked of them: the scanner says why).
        The same for every contract of the run on this graph: worked out once."""
        assert self.graph is not None
        key = ("graph modules by path", id(self.locator))
        kept = self.shared.get(key)
        if kept is not None and kept[0] is self.records and kept[1] is self.graph.modules:
            return kept[2], kept[3]
        module_at: dict[Path, str] = {}
        unreadable: list[str] = []
        for module in self.graph.modules:
            path = self.locator.path_of(module)
            if path is None:
                continue
            record = self.records.get(path)
            if record is None or not record.readable:
                unreadable.append(module)
            else:
                module_at[path] = module
        self.shared[key] = (self.records, self.graph.modules, module_at, unreadable)
        return module_at, unreadable
