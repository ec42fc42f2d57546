"""Build the grimp graph on a messy tree: a broken file becomes a diagnostic, not an abort.

grimp stops at the first file it cannot parse or decode. Each time that happens the file is
recorded and left out (through a filtering module finder) and the graph is built again, so a
tree with a few broken files is still checked everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import grimp

from ..application.ports import BuiltGraph, ModuleIndex
from ..domain import rules
from ..domain.errors import UsageError
from ..domain.findings import Diagnostic
from .grimp_internals import FoundPackage, ModuleFinder, module_finder, use_module_finder

_DECODE_FAILURE = re.compile(r"Failed to decode file (?P<path>.+?) as UTF-8: (?P<reason>.*)")
_MAX_EXCLUSIONS = 10_000


class _FilteringModuleFinder(ModuleFinder):
    """grimp's module finder, minus the files already known to be unreadable."""

    def __init__(self, excluded: set[Path]) -> None:
        super().__init__()
        self.excluded = excluded

    def find_package(self, package_name, package_directory, file_system) -> FoundPackage:
        found = super().find_package(package_name, package_directory, file_system)
        if not self.excluded:
            return found
        keep = frozenset(
            module_file
            for module_file in found.module_files
            if _module_path(found, module_file.module.name) not in self.excluded
        )
        return replace(found, module_files=keep)


def _module_path(package: FoundPackage, module: str) -> Path:
    parts = module.split(".")[1:]
    base = Path(package.directory).joinpath(*parts)
    init = base / "__init__.py"
    return (init if init.is_file() else base.with_suffix(".py")).resolve()


def build_graph(
    index: ModuleIndex,
    *,
    cache_dir: str | None,
    include_external_packages: bool,
    exclude_type_checking_imports: bool,
    display: Callable[[Path], str],
) -> BuiltGraph:
    """Build the graph, leaving out (and reporting) each file grimp cannot read.

    The files left out are keyed by the index's own paths.
    """
    excluded: dict[Path, Diagnostic] = {}
    resolved: set[Path] = set()  # the same files, as grimp names them
    original_finder = module_finder()
    try:
        while True:
            use_module_finder(_FilteringModuleFinder(set(resolved)))
            try:
                graph = grimp.build_graph(
                    *index.roots,
                    cache_dir=cache_dir,
                    include_external_packages=include_external_packages,
                    exclude_type_checking_imports=exclude_type_checking_imports,
                )
                return BuiltGraph(graph, excluded)
            except (grimp.exceptions.SourceSyntaxError, UnicodeError) as error:
                path, diagnostic = unreadable_file(error, display)
            except (ValueError, grimp.exceptions.GrimpException) as error:
                raise UsageError(f"root_packages: {error}") from None
            if path in resolved or len(resolved) >= _MAX_EXCLUSIONS:
                raise UsageError(f"import graph: cannot leave out {path} ({diagnostic.message})")
            resolved.add(path)
            excluded[index_path(index, path)] = diagnostic
    finally:
        use_module_finder(original_finder)


def index_path(index: ModuleIndex, resolved: Path) -> Path:
    """The index's own path for a file grimp names by its resolved path."""
    module = index.module_of(resolved)
    own = index.path_of(module) if module else None
    return own if own is not None and own.resolve() == resolved else resolved


def unreadable_file(
    error: grimp.exceptions.SourceSyntaxError | UnicodeError, display
) -> tuple[Path, Diagnostic]:
    """The file grimp's scanner stopped at, and the diagnostic that says why."""
    if isinstance(error, grimp.exceptions.SourceSyntaxError):
        path = Path(error.filename).resolve()
        message = f"syntax error: {(error.text or '').strip() or 'invalid syntax'}"
        return path, Diagnostic(rules.SYNTAX_ERROR, display(path), message, error.lineno)
    match = _DECODE_FAILURE.search(str(error))
    if match is None:
        raise UsageError(f"import graph: {error}") from None
    path = Path(match.group("path")).resolve()
    return path, Diagnostic(
        rules.UNDECODABLE_FILE,
        display(path),
        f"cannot decode file as UTF-8: {match.group('reason')}",
    )
