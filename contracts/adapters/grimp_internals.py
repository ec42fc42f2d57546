"""Every part of grimp that is not its public API, in one place.

ssot-imports uses four of grimp's internals: the module finder it can be told to use (to leave
broken files out of a whole graph), the finder's value types, the package finder, and the
import scanner (to read a few modules' imports without building the whole graph). Each is
checked here against the shape this code expects; ``tests/test_upstream_internals.py`` fails,
naming the internal, when a grimp release changes one. Without the scanner or the package
finder the whole graph is built, as plain grimp would.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from grimp.adaptors.filesystem import FileSystem
from grimp.adaptors.modulefinder import ModuleFinder
from grimp.application.config import settings as grimp_settings
from grimp.application.ports.modulefinder import FoundPackage, ModuleFile
from grimp.domain.valueobjects import Module

try:  # present in every supported grimp (3.18 and later)
    from grimp.application.scanning import scan_imports
    from grimp.application.usecases import _find_packages
except ImportError:  # pragma: no cover - a grimp that moved them: build the whole graph
    scan_imports = None  # type: ignore[assignment]
    _find_packages = None  # type: ignore[assignment]

__all__ = [
    "FileSystem",
    "FoundPackage",
    "Module",
    "ModuleFile",
    "ModuleFinder",
    "find_packages",
    "module_finder",
    "on_demand_reading_available",
    "scan_imports",
    "use_module_finder",
]

# The keyword arguments this code passes to ``scan_imports``.
SCAN_PARAMETERS = frozenset(
    {"found_packages", "include_external_packages", "exclude_type_checking_imports"}
)


def on_demand_reading_available() -> bool:
    """Whether this grimp lets imports be read module by module, the way this code calls it."""
    if scan_imports is None or _find_packages is None:
        return False
    try:
        parameters = set(inspect.signature(scan_imports).parameters)
    except (TypeError, ValueError):
        return False
    return parameters >= SCAN_PARAMETERS


def find_packages(file_system: FileSystem, root_packages: list[str]) -> set[FoundPackage]:
    """grimp's own walk of the root packages (its module finder, for every root)."""
    assert _find_packages is not None
    return _find_packages(file_system, root_packages)


def module_finder() -> Any:
    return grimp_settings.MODULE_FINDER


def use_module_finder(finder: Any) -> None:
    """Make ``grimp.build_graph`` find modules with ``finder`` (grimp reads this setting)."""
    grimp_settings.configure(MODULE_FINDER=finder)


def scanner() -> Callable[..., Any]:
    assert scan_imports is not None
    return scan_imports
