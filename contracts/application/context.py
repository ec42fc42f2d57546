"""One run's context, handed explicitly to every analysis: the ports, the project root, and
what earlier steps of the same run learned (files left out of the graph, prefilter records).

import-linter instantiates contract classes itself, so under plain ``lint-imports`` a contract
builds a default context (``ssot_imports.configuration``); ``ssot-imports check`` builds one
per run and hands it to each contract's ``analyse``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..domain.findings import Diagnostic
from ..domain.prefilter import Record, Request
from ..domain.suppressions import MARKER_WORDS, NOQA_PATTERN
from .ports import ContractFindings, ModuleIndex, Ports


@dataclass
class RunContext:
    """What the contracts of one run share: ports, walks, the prefilter scan, caches."""

    ports: Ports
    # Reported paths are relative to this directory.
    project_root: Path
    # Files the graph had to leave out (by the module index's paths), with the reason; an
    # on-demand graph adds to it as it reads.
    excluded_files: dict[Path, Diagnostic] = field(default_factory=dict)
    # Files grimp's parser read whole without a syntax error (the import graph's, known once
    # the contracts have run, and those a contract had it vouch for): ``fix`` may parse only
    # the statements it edits in those.
    parsed_files: set[Path] = field(default_factory=set)
    _displayed: dict[Path, str] = field(default_factory=dict, repr=False)
    _indexes: dict[tuple[str, ...], ModuleIndex] = field(default_factory=dict, repr=False)
    # Prefilter records of this run, by root packages: later contracts reuse the file reads.
    _scans: dict[tuple[str, ...], tuple[Request, dict[Path, Record]]] = field(
        default_factory=dict, repr=False
    )
    # What the contracts still to run will ask for, by root packages: the first scan asks for
    # all of it, so that the tree is read once however many contracts there are.
    _planned: dict[tuple[str, ...], Request] = field(default_factory=dict, repr=False)
    # What one contract worked out that the run's others may reuse (it depends only on the
    # tree), by a key naming what it is.
    shared: dict[Any, Any] = field(default_factory=dict, repr=False)
    # The contracts (by ``id``) this process checks when a copy of it checks the others
    # (None: all of them): only theirs are prefetched.
    checking: frozenset[int] | None = field(default=None, repr=False)
    # Told of each directory walk once it is made (``fix`` gets its workers ready on a large
    # tree while the check goes on).
    on_walk: Callable[[ModuleIndex], None] | None = field(default=None, repr=False)

    def index(self, root_packages: list[str]) -> ModuleIndex:
        """One module index (one directory walk) per set of root packages and run."""
        key = tuple(root_packages)
        if key not in self._indexes:
            self._indexes[key] = self.ports.locate(list(root_packages))
            if self.on_walk is not None:
                self.on_walk(self._indexes[key])
        return self._indexes[key]

    def adopt_walks(self, earlier: RunContext) -> None:
        """Take the directory walks of an earlier run over the same files (``fix`` checks
        again a tree in which it only rewrote files)."""
        self._indexes.update(earlier._indexes)

    def plan_prefilter(self, root_packages: list[str], request: Request) -> None:
        """Announce what a contract of this run will ask :meth:`prefilter` for."""
        key = tuple(root_packages)
        planned = self._planned.get(key)
        self._planned[key] = request if planned is None else planned.union(request)

    def prefilter(self, root_packages: list[str], request: Request) -> dict[Path, Record]:
        """Every file's prefilter record, answering at least what ``request`` asks.

        The tree is read once for everything the run's contracts announced; a later contract
        reuses an earlier scan that looked for everything ``request`` needs. A record may
        then hold words other contracts asked for: a contract tests only its own words (each
        contract's labels name its canonical module), and its memo summarises the record
        projected on its request (``Request.project``), so its findings are the same run
        alone or with others.
        """
        key = tuple(root_packages)
        request = _with_markers(request)
        done = self._scans.get(key)
        if done is None or not done[0].covers(request):
            planned = self._planned.get(key)
            scanned = request if planned is None else request.union(planned)
            records = self.ports.prefilter.scan(self.index(root_packages).files(), scanned)
            done = self._scans[key] = (scanned, records)
        return done[1]

    def prefilter_planned(self, root_packages: list[str]) -> dict[Path, Record]:
        """Every file's record for everything the run's contracts announced (the tree is
        read now, if it was not yet)."""
        return self.prefilter(root_packages, Request((), (), ()))

    def outside_files(
        self,
        root_packages: list[str],
        include: tuple[str, ...],
        exclude: tuple[str, ...],
        respect_gitignore: bool,
    ) -> tuple[list[Path], list[str]]:
        """The files a contract includes from outside the root packages (found once a run
        for each set of globs), and a warning for each include glob that brings none."""
        key = ("outside files", tuple(root_packages), include, exclude, respect_gitignore)
        if key not in self.shared:
            files, counts = self.ports.outside.find(
                self.project_root,
                include,
                exclude,
                respect_gitignore,
                self.index(root_packages).directories,
            )
            warnings = [
                f"include glob {pattern!r} matches no Python file"
                if not matched
                else f"include glob {pattern!r} matches only files left out (excluded, "
                "ignored by git, or in the root packages)"
                for pattern, (matched, kept) in counts.items()
                if not kept
            ]
            self.shared[key] = (files, warnings)
        return self.shared[key]

    def prefilter_outside(self, paths: list[Path], request: Request) -> dict[Path, Record]:
        """The prefilter records of files outside the root packages."""
        if not paths:
            return {}
        return self.ports.prefilter.scan(paths, _with_markers(request), part="outside-")

    def display_path(self, path: Path) -> str:
        """``path`` relative to the project root (cached: reports ask for it often)."""
        if path not in self._displayed:
            root = self.project_root
            try:
                text = path.relative_to(root).as_posix() if path.is_absolute() else None
            except ValueError:
                text = None
            if text is None:
                try:
                    text = self.ports.files.resolve(path).relative_to(root).as_posix()
                except ValueError:
                    text = path.as_posix()
            self._displayed[path] = text
        return self._displayed[path]


def _with_markers(request: Request) -> Request:
    """``request``, also noting the files that may hold an inline suppression (so that the
    pass applying them reads no file again)."""
    return Request(
        tuple(sorted({*request.words, *MARKER_WORDS})),
        tuple(sorted({*request.patterns, NOQA_PATTERN})),
        request.import_words,
    )


@runtime_checkable
class FindingsContract(Protocol):
    """A contract that gives typed findings when handed the run's context (ours do)."""

    def analyse(self, graph: Any, context: RunContext) -> ContractFindings: ...


@runtime_checkable
class PlanningContract(Protocol):
    """A contract that can say, before any contract runs, what it will ask of the files."""

    def plan(self, graph: Any, context: RunContext) -> None: ...
