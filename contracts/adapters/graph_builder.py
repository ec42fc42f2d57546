"""Build the grimp graph on a messy tree: a broken file becomes a diagnostic, not an abort.

grimp stops at the first file it cannot parse or decode. Each time that happens the file is
recorded and left out (through a filtering module finder) and the graph is built again, so a
tree with a few broken files is still checked everywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import grimp
from grimp.adaptors.modulefinder import ModuleFinder
from grimp.application.config import settings as grimp_settings
from grimp.application.ports.modulefinder import FoundPackage

from ..domain import rules
from ..domain.errors import UsageError
from ..domain.findings import Diagnostic

_DECODE_FAILURE = re.compile(r"Failed to decode file (?P<path>.+?) as UTF-8: (?P<reason>.*)")
_MAX_EXCLUSIONS = 10_000


@dataclass
class BuiltGraph:
    graph: grimp.ImportGraph
    excluded: dict[Path, Diagnostic] = field(default_factory=dict)
    attempts: int = 1


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
    root_packages: list[str],
    *,
    cache_dir: str | None,
    include_external_packages: bool,
    exclude_type_checking_imports: bool,
    display,
) -> BuiltGraph:
    """Build the graph, leaving out (and reporting) each file grimp cannot read."""
    excluded: dict[Path, Diagnostic] = {}
    original_finder = grimp_settings.MODULE_FINDER
    attempts = 0
    try:
        while True:
            attempts += 1
            grimp_settings.configure(MODULE_FINDER=_FilteringModuleFinder(set(excluded)))
            try:
                graph = grimp.build_graph(
                    *root_packages,
                    cache_dir=cache_dir,
                    include_external_packages=include_external_packages,
                    exclude_type_checking_imports=exclude_type_checking_imports,
                )
                return BuiltGraph(graph, excluded, attempts)
            except (grimp.exceptions.SourceSyntaxError, UnicodeError) as error:
                path, diagnostic = unreadable_file(error, display)
            except (ValueError, grimp.exceptions.GrimpException) as error:
                raise UsageError(f"root_packages: {error}") from None
            if path in excluded or len(excluded) >= _MAX_EXCLUSIONS:
                raise UsageError(f"import graph: cannot leave out {path} ({diagnostic.message})")
            excluded[path] = diagnostic
    finally:
        grimp_settings.configure(MODULE_FINDER=original_finder)


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
