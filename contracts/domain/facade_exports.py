"""Helpers the canonical module does not export yet, and how ``fix`` makes it export them.

A function that lives only in the implementation module (``build_envelope``) has no canonical
path: its importers cannot move until the canonical module re-exports it. When the canonical
module already imports from that implementation unconditionally at module level, adding the
name there (and to a literal ``__all__``) creates no new import edge and changes no object:
every importer then takes the same function through the one allowed path.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from msgspec import Struct

from .modules import resolve_relative
from .statements import child_bodies


class ExportAddition(Struct, frozen=True, order=True):
    """``name``, defined in ``implementation``, is added to the canonical module ``module``
    (the file ``path``): to its module-level import spelled ``from <source> import …``."""

    module: str
    path: str
    source: str  # the implementation module, as that import spells it (leading dots if relative)
    name: str
    implementation: str


class ExportImpossible(Exception):
    """The canonical module cannot simply re-export the name; the message says why."""


def defines(tree: ast.Module, name: str) -> bool:
    """Whether a module defines ``name`` itself at module level (a function, a class or an
    assignment; an imported name comes from elsewhere and is better imported from there)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def plan_addition(
    tree: ast.Module,
    *,
    module: str,
    path: str,
    is_package: bool,
    implementation: str,
    name: str,
) -> ExportAddition:
    """How the canonical module (parsed as ``tree``) can export ``name`` from
    ``implementation``; raises ExportImpossible with the reason when it cannot."""
    if name.startswith("_"):
        raise ExportImpossible(f"`{name}` is private to `{implementation}`")
    source = _host_import(tree, module, is_package, implementation)
    if source is None:
        raise ExportImpossible(
            f"`{module}` has no unconditional module-level `from {implementation} import …` "
            "that could take it too"
        )
    bound = module_level_names(tree)
    if name in bound:
        raise ExportImpossible(f"`{module}` binds `{name}` to something else")
    if "__getattr__" in bound:
        # (Its `__getattr__` may answer for the name: an import of it would then change.)
        raise ExportImpossible(
            f"`{module}` makes names on demand (`__getattr__`): exporting `{name}` too could "
            "change what its importers get"
        )
    if _dunder_all(tree) is False:
        raise ExportImpossible(f"`{module}` builds `__all__` in a way only running it shows")
    return ExportAddition(module, path, source, name, implementation)


def add_exports(data: bytes, source: str, names: Iterable[str]) -> bytes:
    """The canonical module's bytes, with ``names`` imported by a new line after its last
    module-level ``from <source> import …`` and appended to its literal ``__all__`` (if it
    has one). Every other byte is kept. Raises ExportImpossible when the file is not as
    planned (it changed since it was read)."""
    names = list(dict.fromkeys(names))
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data[len(bom) :]
    try:
        text = body.decode("utf-8")
        tree = ast.parse(text)
    except (UnicodeDecodeError, SyntaxError, ValueError) as error:
        raise ExportImpossible(f"the canonical module cannot be read ({error})") from None
    hosts = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and "." * node.level + (node.module or "") == source
        and not any(alias.name == "*" for alias in node.names)
    ]
    host = hosts[-1] if hosts else None
    if host is None:
        raise ExportImpossible(f"the canonical module no longer imports from `{source}`")
    bound = module_level_names(tree)
    if any(name in bound for name in names):
        raise ExportImpossible("the canonical module binds one of the names already")
    lines = body.splitlines(keepends=True)
    newline = _newline(lines)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    inserts: list[tuple[int, bytes]] = []
    end_line = host.end_lineno or host.lineno
    at = offsets[end_line] if end_line < len(lines) else len(body)
    prefix = b"" if at == 0 or body[:at].endswith((b"\n", b"\r")) else newline
    statement = f"from {source} import {', '.join(names)}".encode()
    inserts.append((at, prefix + statement + newline))
    listing = _dunder_all(tree)
    if listing is False:
        raise ExportImpossible("the canonical module builds `__all__` dynamically")
    if listing is not None:
        inserts += _all_inserts(listing, lines, offsets, names, newline)
    for position, piece in sorted(inserts, key=lambda insert: insert[0], reverse=True):
        body = body[:position] + piece + body[position:]
    return bom + body


def module_level_names(tree: ast.Module) -> set[str]:
    """Every name bound at module level, also in module-level ``if``/``try``/``with`` blocks."""
    names: set[str] = set()
    pending = [tree.body]
    while pending:
        for node in pending.pop():
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    names.add(alias.asname or alias.name.partition(".")[0])
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
            elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
                pending.extend(child_bodies(node))
    return names


def _host_import(
    tree: ast.Module, module: str, is_package: bool, implementation: str
) -> str | None:
    """How the canonical module's first unconditional module-level import from
    ``implementation`` spells it (None: there is none)."""
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or any(a.name == "*" for a in node.names):
            continue
        if resolve_relative(module, is_package, node.level, node.module) == implementation:
            return "." * node.level + (node.module or "")
    return None


def _dunder_all(tree: ast.Module) -> ast.List | ast.Tuple | bool | None:
    """The literal of the module's one ``__all__ = [...]``; None when there is no
    ``__all__``; False when it is changed or built otherwise (``+=``, ``.append``...)."""
    literal = None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "__all__"
            and isinstance(node.value, ast.List | ast.Tuple)
            and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.value.elts
            )
            and literal is None
        ):
            literal = node.value
    mentions = sum(
        1 for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "__all__"
    )
    if literal is None:
        return None if mentions == 0 else False
    return literal if mentions == 1 else False


def _all_inserts(
    listing: ast.List | ast.Tuple,
    lines: list[bytes],
    offsets: list[int],
    names: list[str],
    newline: bytes,
) -> list[tuple[int, bytes]]:
    """Where the names go in the ``__all__`` literal: one per line after the last entry when
    the literal spans lines and ends on a line of its own, otherwise on the same line."""

    def offset(line: int, column: int) -> int:
        return offsets[line - 1] + column

    elements = listing.elts
    if not elements:
        quoted = ", ".join(f'"{name}"' for name in names)
        if isinstance(listing, ast.Tuple):
            quoted += ","
        start = offset(listing.lineno, listing.col_offset)
        opening = lines[listing.lineno - 1][listing.col_offset : listing.col_offset + 1]
        if opening not in (b"[", b"("):
            raise ExportImpossible("`__all__` is not written as a bracketed literal")
        return [(start + 1, quoted.encode())]
    last = elements[-1]
    end_line, end_column = last.end_lineno or last.lineno, last.end_col_offset or 0
    first_byte = lines[last.lineno - 1][last.col_offset : last.col_offset + 1]
    quote = first_byte.decode() if first_byte in (b"'", b'"') else '"'
    end = offset(end_line, end_column)
    if (listing.end_lineno or listing.lineno) > end_line:
        # The closing bracket has a line of its own: one entry per line, indented as the last.
        line = lines[last.lineno - 1]
        indent = line[: len(line) - len(line.lstrip(b" \t"))]
        entries = b"".join(indent + f"{quote}{name}{quote},".encode() + newline for name in names)
        has_comma = lines[end_line - 1][end_column:].lstrip(b" \t").startswith(b",")
        return [*([] if has_comma else [(end, b",")]), (offsets[end_line], entries)]
    return [(end, "".join(f", {quote}{name}{quote}" for name in names).encode())]


def _newline(lines: list[bytes]) -> bytes:
    for line in lines:
        if line.endswith(b"\r\n"):
            return b"\r\n"
        if line.endswith((b"\n", b"\r")):
            return line[-1:]
    return b"\n"
