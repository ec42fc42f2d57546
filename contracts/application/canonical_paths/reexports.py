"""Objects the canonical module and an implementation both take from a third module.

Django's façade ``django.db.models`` imports ``Q`` from ``query_utils``, and so does the
implementation ``django.db.models.query``. ``from django.db.models.query import Q`` reaches the
very object the façade exports, by an implementation path. Telling that needs each import
followed to where the object is defined, across as many modules as it passes through.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from ...domain.exports import ObjectRef, imported_names
from ..pipeline.sources import SourceCache

# An import chain longer than this is not followed further (and a cycle stops it sooner).
_MOST_HOPS = 16


class Origins:
    """Where an imported object comes from, read statically, one module at a time."""

    def __init__(
        self,
        sources: SourceCache,
        is_module: Callable[[str], bool],
        is_package: Callable[[str], bool],
        include_type_checking: bool,
    ) -> None:
        self.sources = sources
        self.is_module = is_module
        self.is_package = is_package
        self.include_type_checking = include_type_checking
        self._imported: dict[str, dict[str, ObjectRef]] = {}

    def imported(self, module: str) -> dict[str, ObjectRef]:
        """The module-level names ``module`` imports from elsewhere (empty if unreadable)."""
        if module not in self._imported:
            source = self.sources.module_file(module)
            tree = None if source is None else self.sources.tree(source)
            self._imported[module] = (
                {}
                if tree is None
                else imported_names(
                    tree,
                    module=module,
                    is_package=self.is_package(module),
                    is_module=self.is_module,
                    include_type_checking=self.include_type_checking,
                )
            )
        return self._imported[module]

    def origin(self, ref: ObjectRef) -> ObjectRef:
        """Follow ``ref`` through the modules that only import it, to where it is defined."""
        seen = {ref}
        while self.is_module(ref.module) and len(seen) <= _MOST_HOPS:
            following = self.imported(ref.module).get(ref.name)
            if following is None or following in seen:
                break
            seen.add(following)
            ref = following
        return ref


def reexported_by_implementations(
    borrowed: Mapping[str, ObjectRef],
    implementations: Iterable[str],
    origins: Origins,
    mentions: Callable[[str, Collection[str]], bool],
) -> dict[str, dict[str, ObjectRef]]:
    """For each implementation module, the names it binds to a borrowed object of the
    canonical module, each mapped to the canonical module's own reference for that object."""
    by_origin = {origins.origin(ref): ref for ref in borrowed.values()}
    spellings = sorted({ref.name for ref in by_origin})
    found: dict[str, dict[str, ObjectRef]] = {}
    if not by_origin:
        return found
    for module in sorted(implementations):
        if not mentions(module, spellings):
            continue  # the name an import takes is spelled in it, whatever it binds
        for local, ref in origins.imported(module).items():
            canonical = by_origin.get(origins.origin(ref))
            if canonical is not None:
                found.setdefault(module, {})[local] = canonical
    return found
