"""The ``canonical_import`` contract type: one import path per shared object.

Register it in an import-linter config::

    [importlinter]
    contract_types =
        canonical_import: ssot_imports.canonical_import.CanonicalImportContract
"""

from __future__ import annotations

import copy
from typing import Any

from importlinter import fields
from importlinter.application.contract_utils import AlertLevel

from .application.canonical_paths.analysis import CanonicalImportAnalysis, CanonicalImportOptions
from .application.context import RunContext
from .application.pipeline.ignores import remove_ignored_imports
from .application.pipeline.options import root_packages_of
from .application.ports import ContractFindings
from .contract_base import ReportingContract
from .domain import rules


class CanonicalImportContract(ReportingContract):
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
    """

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

    type_name = "canonical_import"

    canonical_module = fields.ModuleField()
    implementation_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_importers = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)
    exports = fields.ListField(subfield=fields.StringField(), required=False)
    extra_exports = fields.ListField(subfield=fields.StringField(), required=False)
    preferred_names = fields.ListField(subfield=fields.StringField(), required=False)
    allow_renames = fields.BooleanField(required=False, default=False)
    allow_secondary_names = fields.BooleanField(required=False, default=False)
    check_name_rebinding = fields.BooleanField(required=False, default=True)
    check_string_references = fields.BooleanField(required=False, default=True)
    check_unreachable_files = fields.BooleanField(required=False, default=True)
    report_upstream_imports = fields.BooleanField(required=False, default=False)

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
        findings = self.analysed(
            lambda: CanonicalImportAnalysis(
                graph, self._options(), root_packages_of(self.session_options), context
            ).run()
        )
        findings.diagnostics += removal.diagnostics
        findings.warnings += removal.warnings
        findings.ignored_imports = removal.ignored_count
        return findings

    def _options(self) -> CanonicalImportOptions:
        value: Any = self
        return CanonicalImportOptions(
            canonical_module=value.canonical_module.name,
            implementation_modules=tuple(m.name for m in value.implementation_modules),
            allowed_importers=tuple(e.expression for e in value.allowed_importers or ()),
            exports=tuple(value.exports or ()),
            extra_exports=tuple(value.extra_exports or ()),
            preferred_names=tuple(value.preferred_names or ()),
            allow_renames=value.allow_renames,
            allow_secondary_names=value.allow_secondary_names,
            check_name_rebinding=value.check_name_rebinding,
            check_string_references=value.check_string_references,
            check_unreachable_files=value.check_unreachable_files,
            report_upstream_imports=value.report_upstream_imports,
            exclude_type_checking_imports=str(
                self.session_options.get("exclude_type_checking_imports", "")
            ).lower()
            == "true",
        )
