"""The exact canonical line that replaces a fragmented import, in the file's own style."""

from __future__ import annotations

from .modules import parent, relative_name
from .statements import ImportStatement


def imported_name(preferred: str, local: str) -> str:
    """``Preferred`` when the file already uses that name, else ``Preferred as local``."""
    return preferred if preferred == local else f"{preferred} as {local}"


def from_module(
    canonical: str, statement: ImportStatement | None, importer: str, importer_is_package: bool
) -> str:
    """The module part of a ``from`` line: relative when the original was relative and fits."""
    if statement is not None and statement.level:
        relative = relative_name(canonical, importer, importer_is_package, statement.level)
        if relative is not None:
            return "." * statement.level + relative
    return canonical


def from_import_line(module: str, names: list[str]) -> str:
    return f"from {module} import {', '.join(names)}"


def module_import_line(
    canonical: str,
    local: str,
    statement: ImportStatement,
    importer: str,
    importer_is_package: bool,
) -> str:
    """A line binding ``local`` to the canonical module, shaped like the original import."""
    if not statement.is_from:
        if local == canonical.partition(".")[0]:
            return f"import {canonical}"
        return f"import {canonical} as {local}"
    module = from_module(parent(canonical), statement, importer, importer_is_package)
    tail = canonical.rpartition(".")[2]
    return f"from {module} import {imported_name(tail, local)}"
