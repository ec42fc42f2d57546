"""What ssot-imports' contract types share, beside import-linter's own ``Contract``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain.contract import InvalidContractOptions

from .application.context import RunContext
from .application.pipeline.options import root_packages_of, unrecognized_options
from .application.pipeline.suppressing import SuppressionSettings, without_suppressed
from .application.ports import ContractFindings
from .configuration import default_context
from .domain.errors import ConfigurationError
from .domain.findings import said_lazy
from .output.lint_imports import print_violations

Result = TypeVar("Result")


class ReportingContract(Contract):
    """Strict option names, typed findings (``analyse``), and a ``lint-imports`` rendering.

    ``ssot-imports check`` calls ``analyse`` with its run's context; plain ``lint-imports``
    calls ``check``, which analyses in a default context and carries the findings to
    ``render_broken_contract``. Such a contract copies the graph itself before changing it,
    so callers may pass theirs.
    """

    broken_contract_guidance = fields.TextField(required=False)

    def validate(self) -> None:
        errors = unrecognized_options(type(self), self.contract_options)
        if errors:
            raise InvalidContractOptions(errors)

    def analyse(self, graph: Any, context: RunContext) -> ContractFindings:
        raise NotImplementedError

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        context = default_context()
        findings = self.analyse(graph, context)
        # Inline suppressions hold here too (the wrong ones are reported by ssot-imports).
        roots = root_packages_of(self.session_options)
        settings = SuppressionSettings.from_session(dict(self.session_options))
        findings.violations = [
            said_lazy(v) for v in without_suppressed(findings.violations, context, roots, settings)
        ]
        return ContractCheck(
            kept=findings.kept,
            warnings=findings.warnings,
            ignored_import_count=findings.ignored_imports,
            metadata={"findings": findings},
        )

    def analysed(self, run: Callable[[], Result]) -> Result:
        """Run an analysis; a configuration error names this contract."""
        try:
            return run()
        except ConfigurationError as error:
            # Named by its id, as every other configuration error names a contract.
            raise error.for_contract(self.contract_options.get("id") or self.name) from None

    def render_broken_contract(self, check: ContractCheck) -> None:
        findings: ContractFindings = check.metadata["findings"]
        print_violations(findings.violations)
        if self.broken_contract_guidance:
            output.print(self.broken_contract_guidance)  # type: ignore[arg-type]
