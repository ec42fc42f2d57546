"""Finding and reading the import-linter configuration, with one-line errors.

Discovery follows ``lint-imports``: ``setup.cfg`` and ``.importlinter`` (INI, section
``[importlinter]``), then ``pyproject.toml`` (``[tool.importlinter]``); the working directory
is searched first, then the project root given with ``--path``.
"""

from __future__ import annotations

import configparser
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importlinter import configuration
from importlinter.application import use_cases

from ..domain.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

CANDIDATES = ("setup.cfg", ".importlinter", "pyproject.toml")

configuration.configure()


@dataclass
class Config:
    path: Path
    session_options: dict[str, Any]
    contracts_options: list[dict[str, Any]]


def find_config(explicit: str | None, search: list[Path]) -> Path:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"--config {explicit}: no such file")
        return path
    for directory in search:
        for name in CANDIDATES:
            candidate = directory / name
            if candidate.is_file() and _has_section(candidate):
                return candidate
    places = ", ".join(str(d) for d in search)
    raise UsageError(
        f"no import-linter configuration found in {places} "
        "(looked for setup.cfg, .importlinter, pyproject.toml); pass --config FILE"
    )


def _has_section(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # let read_config report the problem
    marker = "[tool.importlinter" if path.suffix == ".toml" else "[importlinter"
    return marker in text


def read_config(path: Path) -> Config:
    """Read a config file with import-linter's own readers; every failure is a UsageError."""
    try:
        options = use_cases.read_user_options(str(path))
    except (configparser.Error, tomllib.TOMLDecodeError) as error:
        first_line = str(error).strip().splitlines()[0]
        raise UsageError(f"{path}: malformed configuration: {first_line}") from None
    except (FileNotFoundError, UnicodeDecodeError, OSError) as error:
        raise UsageError(f"{path}: cannot read an [importlinter] section ({error})") from None
    contracts = list(options.contracts_options)
    if not contracts:
        raise UsageError(
            f"{path}: no contracts found (INI: [importlinter:contract:ID] sections; "
            "TOML: [[tool.importlinter.contracts]] tables)"
        )
    for index, contract in enumerate(contracts):
        contract.setdefault("id", _slug(contract.get("name")) or f"contract-{index + 1}")
        for required in ("name", "type"):
            if not contract.get(required):
                raise UsageError(f"{path}: contract '{contract['id']}' has no '{required}' option")
    return Config(path, dict(options.session_options), contracts)


def _slug(name: object) -> str:
    text = str(name or "").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())
