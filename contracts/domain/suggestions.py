"""The edits that replace a fragmented import, in the file's own style (relative stays relative,
the local name is kept unless the edit is meant to rename it)."""

from __future__ import annotations

from .edits import FromImportEdit, ImportedName, ModuleEdit
from .modules import parent, relative_name
from .statements import Binding, ImportStatement


def from_module(
    canonical: str, statement: ImportStatement | None, importer: str, importer_is_package: bool
) -> str:
    """The module part of a ``from`` line: relative when the original was relative and fits."""
    if statement is not None and statement.level:
        relative = relative_name(canonical, importer, importer_is_package, statement.level)
        if relative is not None:
            return "." * statement.level + relative
    return canonical


def move_name(binding: Binding, module: str, *names: tuple[str, str]) -> FromImportEdit:
    """``binding`` leaves its statement for ``from module import`` each (name, local) pair."""
    return FromImportEdit(
        line=binding.line,
        name=binding.name or "",
        local=binding.local,
        module=module,
        names=tuple(ImportedName(name, local) for name, local in names),
    )


def swap_module(
    canonical: str,
    binding: Binding,
    statement: ImportStatement,
    importer: str,
    importer_is_package: bool,
) -> FromImportEdit | ModuleEdit:
    """Bind the same local name to the canonical module, shaped like the original import."""
    if not statement.is_from:
        top = canonical.partition(".")[0]
        alias = None if binding.local == top else binding.local
        return ModuleEdit(binding.line, binding.source, canonical, alias=alias)
    module = from_module(parent(canonical), statement, importer, importer_is_package)
    tail = canonical.rpartition(".")[2]
    # `from package import impl [as local]` becomes `from package import canonical [as local]`.
    return move_name(binding, module, (tail, binding.local))


def rename_note(local: str, preferred: str) -> str:
    """What a finding adds when ``fix`` will rename the file's ``local`` to ``preferred``."""
    return f" (the file calls it `{local}`: `fix` renames its uses to `{preferred}`)"


def kept_name_note(local: str, reason: str) -> str:
    """What it says instead when ``fix`` will keep ``local`` (with an ``as``), and why."""
    return f" (the file calls it `{local}`: `fix` keeps that name, as {reason})"
