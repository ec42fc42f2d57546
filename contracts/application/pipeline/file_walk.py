"""Walking every file under the roots once, with honest coverage bookkeeping.

Both of our contracts look at files the graph cannot see and at files a prefilter points to;
each file ends up counted exactly once: checked, or skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from msgspec import Struct

from ...domain import rules
from ...domain.findings import Coverage
from ...domain.parsing import SourceFile
from ..context import RunContext
from ..ports import ModuleIndex
from .sources import SourceCache


class WalkedFile(Struct, frozen=True):
    """A file the walk hands to a check: its path, module name, and whether grimp saw it."""

    path: Path
    module: str
    in_graph: bool


class FileWalk:
    def __init__(
        self,
        index: ModuleIndex,
        graph_modules: set[str],
        sources: SourceCache,
        context: RunContext,
        include_unreachable: bool,
        may_matter: Callable[[Path], bool] = lambda path: True,
    ) -> None:
        self.index = index
        self.graph_modules = graph_modules
        self.sources = sources
        self.context = context
        self.include_unreachable = include_unreachable
        # Whether a file may hold a finding, as far as its prefilter record tells: a file the
        # graph left out (say, with a syntax error) that cannot matter to this contract is
        # checked by that record alone, whichever other contract of the run read it.
        self.may_matter = may_matter
        self.coverage = Coverage()

    def __iter__(self) -> Iterator[WalkedFile]:
        return self.among(None)

    def among(self, selected: set[Path] | None) -> Iterator[WalkedFile]:
        """The files to look at; excluded and (when not included) unreachable ones are
        counted as skipped and not yielded. Each yielded file must be passed to
        ``checked`` or ``parse``.

        ``selected`` (when given) holds every file that may need a closer look, as far as
        the prefilter records tell: the others are counted as checked without being
        visited one by one (a walk of the whole tree per contract otherwise)."""
        excluded_files = self.context.excluded_files
        files = self._files()
        self.coverage.in_scope += len(files)
        if selected is not None:
            files = self._visited(files, selected)
        for item in files:
            path = item.path
            excluded = excluded_files.get(path) if excluded_files else None
            if (
                excluded is not None
                and excluded.rule is rules.UNDECODABLE_FILE
                and self.include_unreachable
                and self.sources.file(path) is not None
            ):
                excluded = None  # grimp could not decode it, but Python's own decoding can
            if excluded and not self.may_matter(path):
                self.checked()
                continue
            if excluded:
                self._skip(excluded.kind)
                continue
            if not item.in_graph and not self.include_unreachable:
                self._skip("unreachable")
                continue
            yield item

    def _visited(self, files: list[WalkedFile], selected: set[Path]) -> list[WalkedFile]:
        """The selected files, the excluded ones and (when not included) the unreachable
        ones, in walk order; the others are counted as checked."""
        position = self._positions(files)
        visited = {position[path] for path in selected if path in position}
        visited.update(position[path] for path in self.context.excluded_files if path in position)
        if not self.include_unreachable:
            visited.update(i for i, item in enumerate(files) if not item.in_graph)
        self.coverage.checked += len(files) - len(visited)
        return [files[i] for i in sorted(visited)]

    def _positions(self, files: list[WalkedFile]) -> dict[Path, int]:
        key = ("walked file positions", id(files))
        kept = self.context.shared.get(key)
        if kept is None or kept[0] is not files:
            kept = self.context.shared[key] = (files, {f.path: i for i, f in enumerate(files)})
        return kept[1]

    def _files(self) -> list[WalkedFile]:
        return walked_files(self.index, self.graph_modules, self.context)

    def checked(self) -> None:
        """The file needed no closer look: the prefilter already rules everything out."""
        self.coverage.checked += 1

    def read(self, path: Path) -> SourceFile | None:
        """Read a file (its statements are then read one by one); a file that cannot be read
        or decoded is skipped with why."""
        source = self.sources.file(path)
        if source is None:
            self._skip(self.sources.failed[path].name)
            return None
        self.coverage.checked += 1
        return source

    def parse(self, path: Path) -> SourceFile | None:
        """Read and parse a file; a file that cannot be read or parsed is skipped with why."""
        source = self.sources.file(path)
        if source is None or self.sources.tree(source) is None:
            self._skip(self.sources.failed.get(path, rules.SYNTAX_ERROR).name)
            return None
        self.coverage.checked += 1
        return source

    def _skip(self, reason: str) -> None:
        self.coverage.skipped[reason] = self.coverage.skipped.get(reason, 0) + 1


def walked_files(
    index: ModuleIndex, graph_modules: set[str], context: RunContext
) -> list[WalkedFile]:
    """Every file with its module and whether the graph holds it: the same for every
    contract of a run on this graph, so worked out once."""
    key = ("walked files", id(index))
    kept = context.shared.get(key)
    if kept is not None and kept[0] is graph_modules:
        return kept[1]
    files = []
    for path in index.files():
        module = index.module_of(path) or path.stem
        in_graph = module in graph_modules and index.path_of(module) == path
        files.append(WalkedFile(path, module, in_graph))
    # (The module set is kept with them: its identity is what they were worked out for.)
    context.shared[key] = (graph_modules, files)
    return files
