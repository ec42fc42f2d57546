"""Import graphs from grimp: the whole graph, or one that reads imports on demand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..application.ports import BuiltGraph, ModuleIndex
from ..domain.findings import Diagnostic
from .graph_builder import build_graph
from .grimp_internals import on_demand_reading_available
from .scoped_graph import ScopedGraph
from .whole_parse import files_parsing_whole


class GrimpGraphs:
    """The application's ``Graphs`` port; ``cache_dir`` is grimp's cache (None: no cache)."""

    def __init__(self, cache_dir: Path | None, display: Callable[[Path], str]) -> None:
        self.cache_dir = cache_dir
        self.display = display

    def on_demand_available(self) -> bool:
        return on_demand_reading_available()

    def on_demand(self, index: ModuleIndex, *, exclude_type_checking_imports: bool) -> BuiltGraph:
        graph = ScopedGraph(
            index,
            exclude_type_checking_imports=exclude_type_checking_imports,
            display=self.display,
        )
        return BuiltGraph(graph, graph.excluded)

    def parsing_whole(self, paths: list[Path]) -> tuple[set[Path], dict[Path, Diagnostic]]:
        return files_parsing_whole(paths, self.display)

    def whole(
        self,
        index: ModuleIndex,
        *,
        include_external_packages: bool,
        exclude_type_checking_imports: bool,
    ) -> BuiltGraph:
        return build_graph(
            index,
            cache_dir=None if self.cache_dir is None else str(self.cache_dir),
            include_external_packages=include_external_packages,
            exclude_type_checking_imports=exclude_type_checking_imports,
            display=self.display,
        )
