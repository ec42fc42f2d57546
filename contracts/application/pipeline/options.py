"""Reading contract and session options the way every contract type of ours does."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from importlinter.domain import fields


def root_packages_of(session_options: Mapping[str, Any]) -> list[str]:
    """``root_packages`` as a list of names, whichever way the config spelled it: import-linter
    turns ``root_package`` into a one-item ``root_packages``, whose item is a list when the
    value had several lines."""
    value = session_options.get("root_packages", session_options.get("root_package", []))
    names: list[str] = []

    def add(item: Any) -> None:
        if isinstance(item, str):
            names.extend(part for part in item.split() if part)
        elif isinstance(item, list | tuple):
            for part in item:
                add(part)
        else:
            names.append(str(item))

    add(value)
    return list(dict.fromkeys(names))


def excludes_type_checking(session_options: Mapping[str, Any]) -> bool:
    """import-linter's ``exclude_type_checking_imports`` session option, as a boolean."""
    return str(session_options.get("exclude_type_checking_imports", "")).lower() == "true"


def unrecognized_options(cls: type, options: Mapping[str, Any]) -> dict[str, str]:
    """Options a contract type does not declare, each with a suggestion when one is close.

    Older import-linter versions ignore such options; a misspelled option must fail instead.
    """
    known = {"id", "name", "type"} | {
        name for name in dir(cls) if isinstance(getattr(cls, name, None), fields.Field)
    }
    errors = {}
    for option in sorted(set(options) - known):
        close = difflib.get_close_matches(option, sorted(known), n=1)
        errors[option] = "Unrecognized option." + (f" Did you mean '{close[0]}'?" if close else "")
    return errors
