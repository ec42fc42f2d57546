"""The ``single_module_identity`` contract type: one module, one name (no shadow roots), and
no name that is no module (no stale import paths).

Register it in an import-linter config::

    [importlinter]
    contract_types =
        single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract
"""

from __future__ import annotations

from typing import Any

from importlinter import fields

from .application.context import RunContext
from .application.module_identity.analysis import ShadowOptions, ShadowRootAnalysis
from .application.module_identity.stale import string_request
from .application.pipeline.options import excludes_type_checking, root_packages_of
from .application.ports import ContractFindings
from .contract_base import ReportingContract
from .domain import rules


class SingleModuleIdentityContract(ReportingContract):
    """No module of the root packages may be imported under a shorter second name.

    Options:
        roots: packages whose modules are protected (default: the root packages).
        allowed_importers: module expressions exempt from the contract.
        allowed_names: shadow names (module expressions) that are accepted.
        minimum_depth: the fewest dotted parts a shadow name must have (default 2), so that a
            lone ``app`` or ``utils`` never matches by chance.
        check_unreachable_files: also read files outside the graph.
        check_stale_imports: report imports of modules of the roots that do not exist
            (default true).
        canonical_modules: façades a stale import is fixed to when one of them binds every
            name it imports.
        include / exclude / respect_gitignore: files outside the root packages to check too,
            as for ``canonical_import``.
    """

    type_name = "single_module_identity"
    reported_codes = frozenset({rules.SHADOW_ROOT.code, rules.STALE_IMPORT.code})

    roots = fields.ListField(subfield=fields.ModuleField(), required=False)
    allowed_importers = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)
    allowed_names = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)
    minimum_depth = fields.IntegerField(minimum=1, default=2)
    check_unreachable_files = fields.BooleanField(required=False, default=True)
    check_stale_imports = fields.BooleanField(required=False, default=True)
    canonical_modules = fields.ListField(subfield=fields.ModuleField(), required=False)
    include = fields.ListField(subfield=fields.StringField(), required=False)
    exclude = fields.ListField(subfield=fields.StringField(), required=False)
    respect_gitignore = fields.BooleanField(required=False, default=True)

    def plan(self, graph: Any, context: RunContext) -> None:
        """Announce the quoted root paths the stale-path check looks for in every file."""
        value: Any = self
        roots = root_packages_of(self.session_options)
        if value.check_stale_imports:
            context.plan_prefilter(roots, string_request(roots))

    def analyse(self, graph: Any, context: RunContext) -> ContractFindings:
        value: Any = self
        options = ShadowOptions(
            roots=tuple(m.name for m in value.roots or ()),
            allowed_importers=tuple(e.expression for e in value.allowed_importers or ()),
            allowed_names=tuple(e.expression for e in value.allowed_names or ()),
            minimum_depth=value.minimum_depth,
            check_unreachable_files=value.check_unreachable_files,
            check_stale_imports=value.check_stale_imports,
            canonical_modules=tuple(m.name for m in value.canonical_modules or ()),
            include=tuple(value.include or ()),
            exclude=tuple(value.exclude or ()),
            respect_gitignore=value.respect_gitignore,
            exclude_type_checking_imports=excludes_type_checking(self.session_options),
        )
        return self.analysed(
            lambda: ShadowRootAnalysis(
                graph, options, root_packages_of(self.session_options), context
            ).run()
        )
