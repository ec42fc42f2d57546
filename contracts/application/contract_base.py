"""What ssot-imports' contract types share, beside import-linter's own ``Contract``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain.contract import InvalidContractOptions

from ..domain.errors import ConfigurationError
from .reporting import print_violations, unrecognized_options

Result = TypeVar("Result")


class ReportingContract(Contract):
    """Strict option names, structured findings in the check metadata (``violations``,
    ``diagnostics``, ``coverage``), and a ``lint-imports`` rendering of them.

    Such a contract copies the graph itself before changing it, so callers may pass theirs.
    """

    broken_contract_guidance = fields.TextField(required=False)

    def validate(self) -> None:
        errors = unrecognized_options(type(self), self.contract_options)
        if errors:
            raise InvalidContractOptions(errors)

    def reads_whole_graph(self) -> bool:
        """Whether this contract needs every import of the graph; without ignored imports to
        match, ours only need the imports their prefilter points to (see ``ScopedGraph``)."""
        return bool(getattr(self, "ignore_imports", None))

    def analysed(self, run: Callable[[], Result]) -> Result:
        """Run an analysis; a configuration error names this contract."""
        try:
            return run()
        except ConfigurationError as error:
            raise error.for_contract(self.name) from None

    def render_broken_contract(self, check: ContractCheck) -> None:
        print_violations(check.metadata["violations"])
        if self.broken_contract_guidance:
            output.print(self.broken_contract_guidance)  # type: ignore[arg-type]
