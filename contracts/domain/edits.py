"""The fix of a finding as data: what to replace, where, and with what.

A finding carries one of these edits; its suggestion text is rendered from the edit, and
``ssot-imports fix`` applies the edit itself. Nothing is parsed back from display text.
"""

from __future__ import annotations

from msgspec import Struct

from .facade_exports import ExportAddition


class ImportedName(Struct, frozen=True):
    """One name of a ``from`` import: ``name`` bound as ``local``."""

    name: str
    local: str

    def render(self) -> str:
        return self.name if self.name == self.local else f"{self.name} as {self.local}"


class FromImportEdit(Struct, frozen=True):
    """At ``line``, the name ``name`` (bound as ``local``) leaves its ``from`` statement and is
    imported from ``module`` as ``names`` instead (``names`` empty: it is dropped, because
    another import binds the same object under the same name).

    ``module`` is written as the file will read it: leading dots for a relative import.
    """

    line: int
    name: str
    local: str
    module: str
    names: tuple[ImportedName, ...]
    # The preferred local name: ``fix`` binds it instead of ``local`` and renames the uses,
    # when that provably keeps the file's meaning; otherwise it applies ``names`` as they are.
    rename_to: str | None = None
    # The rename alone is unsafe (it changes an ``__all__``): a plain ``fix`` keeps ``local``,
    # as the suggestion shows; ``fix --unsafe-fixes`` renames.
    unsafe_rename: bool = False
    # Unsafe: the fix can change behaviour; ``fix`` applies it only with ``--unsafe-fixes``.
    safe: bool = True
    # The canonical module does not export ``name`` yet: ``fix`` adds it there first.
    export: ExportAddition | None = None
    # When ``local`` comes to bind the canonical module (a module import swapped for it): its
    # reads ``local.old`` become ``local.new``, each pair the preferred name of what ``old``
    # is there.
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def renames_local(self) -> bool:
        """Whether the file's local name changes, so its uses must be renamed too."""
        return any(imported.local != self.local for imported in self.names)

    @property
    def preferred_names(self) -> tuple[ImportedName, ...]:
        """``names`` with the local name renamed, when a rename is asked for."""
        if self.rename_to is None:
            return self.names
        return tuple(
            ImportedName(n.name, self.rename_to if n.local == self.local else n.local)
            for n in self.names
        )

    def render(self) -> str:
        if not self.names:  # dropped: another import binds the same object already
            return f"# {self.local} is imported from {self.module} already"
        shown = self.names if self.unsafe_rename else self.preferred_names
        names = ", ".join(n.render() for n in shown)
        return f"from {self.module} import {names}"


class ModuleEdit(Struct, frozen=True):
    """At ``line``, the module spelled ``dotted`` in an import statement becomes ``new_dotted``.

    For ``import`` statements ``alias`` is the ``as`` name (None: no ``as``); for ``from``
    statements ``names`` lists what the statement imports.
    """

    line: int
    dotted: str
    new_dotted: str
    alias: str | None = None
    names: tuple[ImportedName, ...] = ()
    safe: bool = True
    # As for ``FromImportEdit``: the reads ``alias.old`` that become ``alias.new``.
    attributes: tuple[tuple[str, str], ...] = ()

    def render(self) -> str:
        if self.names:
            return f"from {self.new_dotted} import {', '.join(n.render() for n in self.names)}"
        return f"import {self.new_dotted}" + (f" as {self.alias}" if self.alias else "")


class StringEdit(Struct, frozen=True):
    """At ``line``, the string literal whose value is ``value`` gets ``new_value``."""

    line: int
    value: str
    new_value: str
    # For a module loaded by name (``import_module("…unified_manager")``): the attributes the
    # canonical module holds as the same objects. ``fix`` rewrites the string only when the
    # loaded module is used for those alone.
    exposes: tuple[str, ...] | None = None
    safe: bool = True
    # The canonical module does not export the name yet: ``fix`` adds it there first.
    export: ExportAddition | None = None

    def render(self) -> str:
        return f'"{self.new_value}"'


class AttributeEdit(Struct, frozen=True):
    """At ``line``, a module bound as ``local`` (``import …websocket_compat as compat``) is read
    as ``local.attribute``: those reads become ``name``, imported ``from module import name``;
    the module import goes once nothing else reads it."""

    line: int
    local: str
    attribute: str
    module: str
    name: str
    safe: bool = True

    def render(self) -> str:
        return f"from {self.module} import {self.name}"


class CommentEdit(Struct, frozen=True):
    """At ``line``, the comment ``comment`` (starting at character ``column``) becomes
    ``new_comment``; an empty one goes, with the blanks before it."""

    line: int
    column: int
    comment: str
    new_comment: str
    safe: bool = True

    def render(self) -> str:
        return self.new_comment or "(the comment goes)"


class ChainEdit(Struct, frozen=True):
    """Every read of ``chain.attribute`` in the file (``orm.session.close_all_sessions``)
    becomes ``new_chain.new_attribute`` (``orm.close_all_sessions``), one pair per attribute;
    ``line`` is the first read."""

    line: int
    chain: str
    new_chain: str
    attributes: tuple[tuple[str, str], ...]
    safe: bool = True

    def render(self) -> str:
        return ", ".join(f"{self.new_chain}.{new}" for _, new in self.attributes)


Edit = FromImportEdit | ModuleEdit | StringEdit | AttributeEdit | CommentEdit | ChainEdit
