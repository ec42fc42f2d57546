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
import threading
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
    "off_the_main_thread",
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
    """grimp's import scanner (see ``off_the_main_thread``)."""
    assert scan_imports is not None
    scan = scan_imports

    def scan_off_the_main_thread(*args: Any, **kwargs: Any) -> Any:
        return off_the_main_thread(scan, *args, **kwargs)

    return scan_off_the_main_thread


def off_the_main_thread(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``call(*args, **kwargs)``, run in a thread of its own when called from the main
    thread. Ctrl-C is handled in the main thread, at its next Python step, and grimp's
    scanner makes Python objects for what it found: one interrupted in the middle panics,
    and Rust prints a message and a stack before the run can say it was interrupted. The
    main thread waits for the call instead, and Ctrl-C interrupts the wait."""
    if threading.current_thread() is not threading.main_thread():
        return call(*args, **kwargs)
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, call(*args, **kwargs)))
        except BaseException as error:  # raised in the caller's thread below
            outcome.append((False, error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
