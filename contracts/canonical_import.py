"""The ``canonical_import`` contract type: one import path per shared object, and
``canonical_imports``: the same for several façades at once, with one set of options.

Register them in an import-linter config::

    [importlinter]
    contract_types =
        canonical_import: ssot_imports.canonical_import.CanonicalImportContract
        canonical_imports: ssot_imports.canonical_import.CanonicalImportsContract
"""

from __future__ import annotations

import copy
from typing import Any

from importlinter import fields
from importlinter.application.contract_utils import AlertLevel
from msgspec.structs import replace

from .application.canonical_paths.analysis import (
    CanonicalImportAnalysis,
    CanonicalImportOptions,
    memo_name_of,
    work_out_shared,
)
from .application.canonical_paths.importer_scope import planned_modules
from .application.context import RunContext
from .application.pipeline.ignores import remove_ignored_imports
from .application.pipeline.options import excludes_type_checking, root_packages_of
from .application.ports import ContractFindings
from .contract_base import ReportingContract
from .domain import rules
from .domain.errors import ConfigurationError
from .domain.findings import Coverage, Violation


class _CanonicalContract(ReportingContract):
    """What both contract types share: the options that apply to every façade, and running
    one analysis per façade over one graph."""

    # The rules its findings are reported under (what an inline suppression may name for it).
    reported_codes = frozenset(
        rule.code
        for rule in (
            rules.IMPLEMENTATION_IMPORT,
            rules.IMPLEMENTATION_MODULE_IMPORT,
            rules.SHIM_IMPORT,
            rules.SECONDARY_NAME,
            rules.RENAMED_IMPORT,
            rules.NAME_REBOUND,
            rules.STRING_REFERENCE,
            rules.IMPLEMENTATION_ATTRIBUTE,
        )
    )

    allowed_importers = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)
    allow_renames = fields.BooleanField(required=False, default=False)
    allow_secondary_names = fields.BooleanField(required=False, default=False)
    check_name_rebinding = fields.BooleanField(required=False, default=True)
    check_string_references = fields.BooleanField(required=False, default=True)
    check_unreachable_files = fields.BooleanField(required=False, default=True)
    report_upstream_imports = fields.BooleanField(required=False, default=False)
    export_missing_names = fields.BooleanField(required=False, default=True)
    include = fields.ListField(subfield=fields.StringField(), required=False)
    exclude = fields.ListField(subfield=fields.StringField(), required=False)
    respect_gitignore = fields.BooleanField(required=False, default=True)

    def facade_options(self) -> list[CanonicalImportOptions]:
        """One set of analysis options per façade of the contract."""
        raise NotImplementedError

    def analyse(self, graph: Any, context: RunContext) -> ContractFindings:
        if self.ignore_imports:
            graph = copy.deepcopy(graph)  # removing ignored imports must not leak out
        removal = self.analysed(
            lambda: remove_ignored_imports(
                graph,
                self.ignore_imports or (),  # type: ignore[arg-type]
                self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
            )
        )
        roots = root_packages_of(self.session_options)
        parts = [
            self.analysed(lambda options=options: self._run(graph, options, roots, context))
            for options in self.analysed(self.facade_options)
        ]
        findings = _combined(parts)
        findings.diagnostics += removal.diagnostics
        findings.warnings += removal.warnings
        findings.ignored_imports = removal.ignored_count
        return findings

    def _run(
        self, graph: Any, options: CanonicalImportOptions, roots: list[str], context: RunContext
    ) -> ContractFindings:
        return CanonicalImportAnalysis(graph, options, roots, context).run()

    def plan(self, graph: Any, context: RunContext) -> None:
        """Announce what this contract will ask of every file, before any contract runs."""
        roots = root_packages_of(self.session_options)
        try:
            for options in self.facade_options():
                CanonicalImportAnalysis(graph, options, roots, context).plan(id(self))
        except ConfigurationError:
            return  # reported when the contract runs

    def planned_modules(self, graph: Any, context: RunContext) -> set[str]:
        """The modules its checks will have an on-demand graph read first (none if it
        cannot tell), once the tree is read: the measure of its work that a run shares out
        between processes, and what they would both read."""
        return planned_modules(graph, context, root_packages_of(self.session_options), id(self))

    def work_out_shared(self, graph: Any, context: RunContext) -> None:
        """Before a copy of the process is made: what its checks share, worked out once."""
        work_out_shared(graph, context, root_packages_of(self.session_options))

    def has_kept_findings(self, context: RunContext) -> bool:
        """Whether every façade's findings of an earlier run are kept (they may still be out
        of date): the contract then reads next to nothing."""
        memo = context.ports.memo
        try:
            names = [memo_name_of(options.canonical_module) for options in self.facade_options()]
        except ConfigurationError:
            return False
        return memo.keeps and all(memo.has(name) for name in names)

    def _options(
        self,
        canonical: str,
        implementations: tuple[str, ...],
        exports: tuple[str, ...] = (),
        extra_exports: tuple[str, ...] = (),
        preferred_names: tuple[str, ...] = (),
    ) -> CanonicalImportOptions:
        value: Any = self
        return CanonicalImportOptions(
            canonical_module=canonical,
            implementation_modules=implementations,
            allowed_importers=tuple(e.expression for e in value.allowed_importers or ()),
            exports=exports,
            extra_exports=extra_exports,
            preferred_names=preferred_names,
            allow_renames=value.allow_renames,
            allow_secondary_names=value.allow_secondary_names,
            check_name_rebinding=value.check_name_rebinding,
            check_string_references=value.check_string_references,
            check_unreachable_files=value.check_unreachable_files,
            report_upstream_imports=value.report_upstream_imports,
            export_missing_names=value.export_missing_names,
            include=tuple(value.include or ()),
            exclude=tuple(value.exclude or ()),
            respect_gitignore=value.respect_gitignore,
            exclude_type_checking_imports=excludes_type_checking(self.session_options),
        )


class CanonicalImportContract(_CanonicalContract):
    """Only the canonical module may import the implementation; everyone else uses its names.

    Options:
        canonical_module: the façade every consumer must import from.
        implementation_modules: modules only the canonical module (and allowed importers)
            may import.
        allowed_importers: module expressions exempt from the contract.
        ignore_imports / unmatched_ignore_imports_alerting: as in import-linter's contracts.
        exports / extra_exports: restrict or extend the statically derived export names.
        preferred_names: the one name each canonical object must be imported under.
        allow_renames / allow_secondary_names / check_name_rebinding: the alias policy.
        check_string_references: report strings naming implementation paths.
        check_unreachable_files: also read files outside the graph (folders without
            ``__init__.py``).
        report_upstream_imports: also report the implementation imports of the modules the
            canonical module imports (its building blocks), without a fix.
        include / exclude: globs of files outside the root packages to check too
            (``scripts/**/*.py``, ``*.py``), and of files to leave out (``backup*/**``).
        respect_gitignore: leave out the included files git ignores (default true).
    """

    type_name = "canonical_import"

    canonical_module = fields.ModuleField()
    implementation_modules = fields.ListField(subfield=fields.ModuleField())
    exports = fields.ListField(subfield=fields.StringField(), required=False)
    extra_exports = fields.ListField(subfield=fields.StringField(), required=False)
    preferred_names = fields.ListField(subfield=fields.StringField(), required=False)

    def facade_options(self) -> list[CanonicalImportOptions]:
        value: Any = self
        return [
            self._options(
                value.canonical_module.name,
                tuple(m.name for m in value.implementation_modules),
                tuple(value.exports or ()),
                tuple(value.extra_exports or ()),
                tuple(value.preferred_names or ()),
            )
        ]


class CanonicalImportsContract(_CanonicalContract):
    """Several façades, one contract: a consolidation programme without copy-paste.

    Options:
        facades: one line per façade, ``canonical.module: implementation.module, …``.
        Every other option is ``canonical_import``'s and applies to each façade (the
        per-façade ``exports``, ``extra_exports`` and ``preferred_names`` need a
        ``canonical_import`` contract of their own).
    """

    type_name = "canonical_imports"

    facades = fields.ListField(subfield=fields.StringField())

    def facade_options(self) -> list[CanonicalImportOptions]:
        value: Any = self
        found = []
        for line in value.facades:
            canonical, colon, rest = line.partition(":")
            implementations = tuple(part.strip() for part in rest.split(",") if part.strip())
            names = [canonical.strip(), *implementations]
            if not colon or not implementations or not all(map(_is_dotted, names)):
                raise ConfigurationError(
                    "facades",
                    line,
                    "expected `canonical.module: implementation.module[, implementation.module]`",
                )
            if any(options.canonical_module == canonical.strip() for options in found):
                raise ConfigurationError(
                    "facades", line, f"`{canonical.strip()}` is listed a second time"
                )
            found.append(self._options(canonical.strip(), implementations))
        return found

    def _run(
        self, graph: Any, options: CanonicalImportOptions, roots: list[str], context: RunContext
    ) -> ContractFindings:
        try:
            return super()._run(graph, options, roots, context)
        except ConfigurationError as error:
            if error.option not in ("canonical_module", "implementation_modules"):
                raise
            # The module came from a line of `facades`: name that line.
            value: Any = self
            line = next(
                line
                for line in value.facades
                if line.partition(":")[0].strip() == options.canonical_module
            )
            raise ConfigurationError("facades", line, f"`{error.value}` {error.problem}") from None


def _is_dotted(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def _combined(parts: list[ContractFindings]) -> ContractFindings:
    """One contract's findings from its façades' analyses: every violation and diagnostic
    (once each); a file counts as checked only if every façade checked it."""
    if len(parts) == 1:
        return parts[0]
    violations: list[Violation] = sorted(
        (v for part in parts for v in part.violations), key=Violation.sort_key
    )
    diagnostics = list(dict.fromkeys(d for part in parts for d in part.diagnostics))
    skipped: dict[str, int] = {}
    for part in parts:
        for reason, count in part.coverage.skipped.items():
            skipped[reason] = max(skipped.get(reason, 0), count)
    in_scope = max((part.coverage.in_scope for part in parts), default=0)
    # The façades share the included files outside the roots: the least-checked count holds.
    outsides = [part.coverage.outside for part in parts if part.coverage.outside is not None]
    coverage = Coverage(
        in_scope=in_scope,
        checked=min((part.coverage.checked for part in parts), default=0),
        skipped=skipped,
        outside=min(outsides, key=lambda outside: outside.checked) if outsides else None,
    )
    needed = (
        None
        if any(part.needed is None for part in parts)
        else set().union(*(part.needed or () for part in parts))
    )
    return replace(
        parts[0],
        violations=violations,
        diagnostics=diagnostics,
        coverage=coverage,
        warnings=[w for part in parts for w in part.warnings],
        needed=needed,
    )
