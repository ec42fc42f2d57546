"""How the canonical module can come to export a helper the implementation defines.

Worked out once per name and kept apart from the analysis: the classifier holds it, and it
holds nothing that leads back to the analysis (the run pauses the cyclic collector, so a
cycle would keep every contract's sources alive to the end).
"""

from __future__ import annotations

from ...domain.facade_exports import ExportAddition, ExportImpossible, defines, plan_addition
from ..context import RunContext
from ..pipeline.sources import SourceCache
from ..ports import ModuleIndex


class MissingExports:
    """``plan(name, implementation)``: the addition to make, or why there is none."""

    def __init__(
        self,
        canonical: str,
        sources: SourceCache,
        locator: ModuleIndex,
        context: RunContext,
        off: str | None = None,
        listed: bool = False,
    ) -> None:
        self.canonical = canonical
        self.sources = sources
        self.locator = locator
        self.context = context
        # Why no name is ever added (the option is off), if that is so.
        self.off = off
        # Whether the contract lists the exports itself (then it decides what they are).
        self.listed = listed
        self._planned: dict[tuple[str, str], ExportAddition | str] = {}

    def __call__(self, name: str, implementation: str) -> ExportAddition | str:
        key = (name, implementation)
        if key not in self._planned:
            self._planned[key] = self._plan(name, implementation)
        return self._planned[key]

    def _plan(self, name: str, implementation: str) -> ExportAddition | str:
        canonical = self.canonical
        if self.off is not None:
            return self.off
        if self.listed:
            return f"the contract's `exports` option lists what `{canonical}` exports"
        implementation_source = self.sources.module_file(implementation)
        implementation_tree = (
            None if implementation_source is None else self.sources.tree(implementation_source)
        )
        if implementation_tree is None:
            return f"`{implementation}` cannot be read"
        if not defines(implementation_tree, name):
            return (
                f"`{implementation}` does not define `{name}` at module level; import it "
                "from where it is defined"
            )
        source = self.sources.module_file(canonical)
        tree = None if source is None else self.sources.tree(source)
        if source is None or tree is None:
            return f"`{canonical}` cannot be read"
        try:
            return plan_addition(
                tree,
                module=canonical,
                path=self.context.display_path(source.path),
                is_package=self.locator.is_package(canonical),
                implementation=implementation,
                name=name,
            )
        except ExportImpossible as reason:
            return str(reason)
