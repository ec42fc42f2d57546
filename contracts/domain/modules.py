"""Dotted module names: ancestry and relative-import resolution, with no I/O."""

from __future__ import annotations


def is_same_or_descendant(module: str, ancestor: str) -> bool:
    return module == ancestor or module.startswith(ancestor + ".")


def parent(module: str) -> str:
    return module.rpartition(".")[0]


def resolve_relative(
    importer: str, importer_is_package: bool, level: int, module: str | None
) -> str | None:
    """Return the absolute module a (possibly relative) ``from`` import names.

    None when the relative import climbs above the top-level package (Python raises
    ImportError there, so there is nothing to check).
    """
    if level == 0:
        return module
    package = importer if importer_is_package else parent(importer)
    parts = package.split(".") if package else []
    keep = len(parts) - (level - 1)
    if keep <= 0:
        return None
    base = ".".join(parts[:keep])
    return f"{base}.{module}" if module else base


def relative_name(target: str, importer: str, importer_is_package: bool, level: int) -> str | None:
    """Express ``target`` as a relative ``from`` module with the given level, if it fits.

    Used to keep the importing file's style: a relative import is suggested as a relative one.
    Returns the dotted part after the dots ('' when the target is the base package itself).
    """
    base = resolve_relative(importer, importer_is_package, level, None)
    if base is None:
        return None
    if target == base:
        return ""
    if target.startswith(base + "."):
        return target[len(base) + 1 :]
    return None


def expression_matches(expression: str, module: str) -> bool:
    """Whether an import-linter module expression (``*`` one part, ``**`` any) names a module."""
    return _match(expression.split("."), module.split("."))


def _match(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match(rest, parts[index:]) for index in range(1, len(parts) + 1))
    if not parts:
        return False
    return (head == "*" or head == parts[0]) and _match(rest, parts[1:])
