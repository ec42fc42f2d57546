"""Finding and reading the import-linter configuration, with one-line errors.

Discovery follows ``lint-imports``: ``setup.cfg`` and ``.importlinter`` (INI, section
``[importlinter]``), then ``pyproject.toml`` (``[tool.importlinter]``); the project root given
with ``--path`` is searched first, then the working directory.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

from importlinter import api

from ..application.ports import Config
from ..domain.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

CANDIDATES = ("setup.cfg", ".importlinter", "pyproject.toml")


class ConfigFiles:
    """The application's ``Configs`` port."""

    def find(self, explicit: str | None, search: list[Path]) -> Path:
        """The config file: ``explicit``, else the first candidate in one of ``search`` (the
        project root) or, failing that, in the working directory."""
        return find_config(explicit, list(dict.fromkeys([*search, Path.cwd().resolve()])))

    def read(self, path: Path) -> Config:
        return read_config(path)


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
        options = api.read_configuration(str(path))
    except (configparser.Error, tomllib.TOMLDecodeError) as error:
        first_line = str(error).strip().splitlines()[0]
        raise UsageError(f"{path}: malformed configuration: {first_line}") from None
    except (FileNotFoundError, UnicodeDecodeError, OSError) as error:
        raise UsageError(f"{path}: cannot read an [importlinter] section ({error})") from None
    contracts = list(options["contracts_options"])
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
    return Config(path, dict(options["session_options"]), contracts)


def _slug(name: object) -> str:
    text = str(name or "").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())
