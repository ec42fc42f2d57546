"""Contract classes by type name: import-linter's built-in types and those a config declares,
imported by their dotted paths (the one place that imports code named in a config)."""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

from importlinter.domain.contract import Contract

from ..application.ports import Config
from ..domain.errors import UsageError
from ..domain.rules import BUILT_IN_CONTRACTS
from .config import ConfigFiles


class ContractClasses:
    """The application's ``ContractTypes`` port."""

    def load(self, config: Config) -> dict[str, type]:
        """The built-in types the config uses (or, to list them in an error, all of them) and
        every declared custom type."""
        types: dict[str, type] = {}
        used = {options.get("type") for options in config.contracts_options}
        declared = config.session_options.get("contract_types", [])
        entries = [declared] if isinstance(declared, str) else list(declared)
        names = {str(entry).partition(":")[0].strip() for entry in entries}
        everything = not used <= {*BUILT_IN_CONTRACTS, *names}
        for name, rule in BUILT_IN_CONTRACTS.items():
            if (name in used or everything) and rule.contract_class:
                with contextlib.suppress(ImportError, AttributeError):
                    types[name] = _load_class(rule.contract_class)
        where = ConfigFiles().locate(config.path, "", "contract_types")
        for entry in entries:
            name, separator, dotted = str(entry).partition(":")
            if not separator or not name.strip() or not dotted.strip():
                raise UsageError(
                    f"{where}: option 'contract_types' = {entry!r}: "
                    "expected 'name: package.module.ClassName'"
                )
            try:
                cls = _load_class(dotted.strip())
            except (ImportError, AttributeError, ValueError) as error:
                raise UsageError(
                    f"{where}: option 'contract_types' = {entry!r}: cannot load it ({error})"
                ) from None
            if not (isinstance(cls, type) and issubclass(cls, Contract)):
                raise UsageError(
                    f"{where}: option 'contract_types' = {entry!r}: not a Contract subclass"
                )
            types[name.strip()] = cls
        return types


def _load_class(dotted: str) -> Any:
    module_name, _, class_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)
