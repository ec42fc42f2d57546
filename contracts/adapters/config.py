"""Finding and reading the import-linter configuration, with one-line errors.

Discovery follows ``lint-imports``: ``setup.cfg`` and ``.importlinter`` (INI, section
``[importlinter]``), then ``pyproject.toml`` (``[tool.importlinter]``); the project root given
with ``--path`` is searched first, then the working directory.
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import re
import sys
from pathlib import Path
from typing import Any

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

    def locate(self, path: Path, contract_id: str, option: str) -> str:
        """``path``, with the line that sets ``option`` in the contract ``contract_id`` (in
        the session section: ``contract_id`` empty) when it can be found."""
        line = option_line(path, contract_id, option)
        return f"{path}" if line is None else f"{path} line {line}"


def find_config(explicit: str | None, search: list[Path]) -> Path:
    if explicit:
        path = Path(explicit)
        if path.is_dir():
            raise UsageError(f"--config {explicit}: a directory; give the config file")
        if not path.is_file():
            raise UsageError(f"--config {explicit}: no such file")
        return path
    without_section = []
    for directory in search:
        for name in CANDIDATES:
            candidate = directory / name
            if candidate.is_file():
                if _has_section(candidate):
                    return candidate
                without_section.append(candidate)
    places = ", ".join(str(d) for d in search)
    seen = (
        f"; {', '.join(map(str, without_section))} has no [importlinter] section"
        if without_section
        else ""
    )
    raise UsageError(
        f"no import-linter configuration found in {places} "
        f"(looked for setup.cfg, .importlinter, pyproject.toml{seen}); pass --config FILE"
    )


# The [importlinter] options import-linter reads (``ssot_`` ones are checked by their reader).
_IMPORT_LINTER_OPTIONS = (
    "root_package",
    "root_packages",
    "contract_types",
    "include_external_packages",
    "exclude_type_checking_imports",
    "show_timings",
)


def _no_misspelt_options(path: Path, session: dict[str, Any]) -> None:
    """An [importlinter] option import-linter does not know, and that is one letter or two
    from one it does (``root_pakages``, ``exclude_type_checking_import``), is an error: it
    would be ignored without a word. Others may belong to a later import-linter: left be."""
    for option in session:
        name = str(option)
        if name != name.lower() and (
            name.lower() in _IMPORT_LINTER_OPTIONS or name.lower().startswith("ssot_")
        ):  # (an INI file's names are made lowercase as they are read; TOML's are not)
            line = option_line(path, "", name)
            where = f"{path}" if line is None else f"{path} line {line}"
            raise UsageError(
                f"{where}: [importlinter] option '{name}': option names are lowercase "
                f"('{name.lower()}')"
            )
        if name in _IMPORT_LINTER_OPTIONS or name.startswith("ssot_"):
            continue
        import difflib  # (here: only an option import-linter does not know needs it)

        close = difflib.get_close_matches(name, _IMPORT_LINTER_OPTIONS, n=1, cutoff=0.85)
        if close:
            raise UsageError(
                f"{path}: [importlinter] option '{name}': no such option; did you mean "
                f"'{close[0]}'?"
            )


def _require_closed_headers(path: Path) -> None:
    """A section header without its ``]`` is read by configparser as an option of the section
    above (``[importlinter:contract:x`` becomes an option named ``[importlinter``): the
    contract would silently not be checked. Said here, with its line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return  # read_config reports it
    for number, line in enumerate(lines, start=1):
        if not line.startswith("["):
            continue
        if "]" not in line:
            raise UsageError(
                f"{path} line {number}: section header {line.strip()!r} has no closing ']'"
            )
        name = line[1 : line.rindex("]")]
        if "[" in name or "]" in name:  # configparser would take the stray bracket as a name
            raise UsageError(
                f"{path} line {number}: section header {line.strip()!r} has a stray bracket"
            )


def _malformed(path: Path, error: Exception) -> str:
    """One line naming the file, the line and what is wrong with it (configparser's own
    message names a '<string>' and spreads over several lines)."""
    where = f"{path} line {getattr(error, 'lineno', None)}"
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"{where}: {error.line.strip()!r} comes before any [section] header"
    if isinstance(error, configparser.ParsingError) and error.errors:
        number, line = error.errors[0]
        with contextlib.suppress(ValueError, SyntaxError):
            line = ast.literal_eval(line)  # (kept as its repr by Python up to 3.12 at least)
        return (
            f"{path} line {number}: cannot read {str(line).strip()!r} (a line is `name = "
            "value`, a `[section]` header, an indented continuation line or a comment)"
        )
    if isinstance(error, configparser.InterpolationError):
        first_line = str(error).strip().splitlines()[0]
        return f"{path}: [{error.section}] {error.option}: {first_line} (write a % as %%)"
    if isinstance(error, configparser.DuplicateSectionError) and error.lineno:
        return f"{where}: section [{error.section}] appears a second time"
    if isinstance(error, configparser.DuplicateOptionError) and error.lineno:
        return f"{where}: option '{error.option}' appears a second time in [{error.section}]"
    first_line = str(error).strip().splitlines()[0]
    return f"{path}: malformed configuration: {first_line}"


def _has_section(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # let read_config report the problem
    marker = "[tool.importlinter" if path.suffix == ".toml" else "[importlinter"
    return marker in text


# What a config file that import-linter reads nothing from lacks.
_NO_SECTION = (
    "no import-linter configuration in it (INI: an [importlinter] section; TOML: a "
    "[tool.importlinter] table)"
)


def read_config(path: Path) -> Config:
    """Read a config file with import-linter's own readers; every failure is a UsageError."""
    if path.suffix != ".toml":
        _require_closed_headers(path)
    try:
        options = api.read_configuration(str(path))
    except (configparser.Error, tomllib.TOMLDecodeError) as error:
        raise UsageError(_malformed(path, error)) from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: cannot read the file: not UTF-8 ({error.reason})") from None
    except OSError as error:
        if error.strerror is None:  # (import-linter's reader: a file without its section)
            raise UsageError(f"{path}: {_NO_SECTION}") from None
        raise UsageError(f"{path}: cannot read the file: {error.strerror}") from None
    except KeyError as error:  # import-linter's reader, without root_packages or root_package
        raise UsageError(
            f"{path}: [importlinter] sets no root_packages (one package per line; "
            f"missing: {error.args[0]!r})"
        ) from None
    contracts = list(options["contracts_options"])
    if not contracts:
        raise UsageError(
            f"{path}: no contracts found (INI: [importlinter:contract:ID] sections; "
            "TOML: [[tool.importlinter.contracts]] tables)"
        )
    seen: set[str] = set()
    for index, contract in enumerate(contracts):
        contract.setdefault("id", _slug(contract.get("name")) or f"contract-{index + 1}")
        if contract["id"] in seen:  # (TOML: two contracts of one name, and no `id`)
            headers = contract_lines(path, str(contract["id"]))
            where = f"{path} line {headers[1]}" if len(headers) > 1 else f"{path}"
            raise UsageError(
                f"{where}: two contracts have the id '{contract['id']}' (from their `id` or "
                "`name`): give each its own `id`"
            )
        seen.add(str(contract["id"]))
        for required in ("name", "type"):
            if not contract.get(required):
                raise UsageError(f"{path}: contract '{contract['id']}' has no '{required}' option")
        for option, value in contract.items():
            if not _is_text(value):
                line = option_line(path, contract["id"], option)
                where = path if line is None else f"{path} line {line}"
                raise UsageError(
                    f"{where}: contract '{contract['id']}': option '{option}' = {value!r}: "
                    "expected text or a list of texts (in TOML, quote it)"
                )
    _no_misspelt_options(path, options["session_options"])
    return Config(path, dict(options["session_options"]), contracts)


def _tables(path: Path) -> tuple[list[str], list[tuple[int, int, set[str]]]]:
    """The file's lines (those inside a multi-line TOML string blanked) and its sections."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return [], []
    toml = path.suffix == ".toml"
    # (A TOML string of several lines may hold anything, a line like `option = …` too.)
    inside = _in_toml_strings(lines) if toml else [False] * len(lines)
    lines = ["" if masked else line for line, masked in zip(lines, inside, strict=True)]
    return lines, _toml_tables(lines) if toml else _ini_sections(lines)


def contract_lines(path: Path, contract_id: str) -> list[int]:
    """The header lines (1-based) of the sections or tables standing for ``contract_id``."""
    _, tables = _tables(path)
    return [first for first, _, identity in tables if contract_id in identity]


def option_line(path: Path, contract_id: str, option: str) -> int | None:
    """The line (1-based) setting ``option`` in the contract ``contract_id`` (empty: the
    session section), or None. An error message that names it lets an editor jump there:
    a config of thirty contracts sets each option thirty times."""
    lines, tables = _tables(path)
    setting = re.compile(rf"""["']?{re.escape(option)}["']?\s*[=:]""", re.IGNORECASE)
    for first, last, identity in tables:
        if contract_id not in identity:
            continue
        for line in range(first, last):
            if not lines[line][:1].isspace() and setting.match(lines[line]):
                return line + 1
    return None


def _in_toml_strings(lines: list[str]) -> list[bool]:
    """For each line, whether it lies inside a multi-line TOML string: a small reading of
    TOML's strings (a triple quote in a one-line string or a comment opens nothing, an escaped
    quote closes nothing)."""
    inside: list[bool] = []
    state = ""  # the triple quote of the string open at the end of the line read, if any
    for line in lines:
        inside.append(bool(state))
        index = 0
        while index < len(line):
            if state:
                if state == '"""' and line[index] == "\\":
                    index += 2
                elif line.startswith(state, index):
                    state, index = "", index + 3
                else:
                    index += 1
                continue
            if line[index] == "#":
                break  # a comment, to the end of the line
            if line.startswith(('"""', "'''"), index):
                state, index = line[index : index + 3], index + 3
            elif line[index] in "\"'":
                index = _after_string(line, index)
            else:
                index += 1
    return inside


def _after_string(line: str, start: int) -> int:
    """Where the one-line string opening at ``start`` ends (a basic one has escapes)."""
    quote, index = line[start], start + 1
    while index < len(line) and line[index] != quote:
        index += 2 if quote == '"' and line[index] == "\\" else 1
    return index + 1


def _ini_sections(lines: list[str]) -> list[tuple[int, int, set[str]]]:
    """Each section as (its first line, the line after it, the contract ids it stands for:
    ``{""}`` for [importlinter])."""
    found: list[tuple[int, int, set[str]]] = [(0, 0, set())]
    for number, line in enumerate([*lines, "[]"]):
        if line.startswith("[") and "]" in line:
            first, _, identity = found[-1]
            found[-1] = (first, number, identity)
            name = line[1 : line.index("]")].strip()
            if name == "importlinter":
                found.append((number + 1, number + 1, {""}))
            elif name.startswith("importlinter:contract:"):
                found.append((number + 1, number + 1, {name.partition("contract:")[2]}))
            else:
                found.append((number + 1, number + 1, set()))
    return found


def _toml_tables(lines: list[str]) -> list[tuple[int, int, set[str]]]:
    """As ``_ini_sections``, for [tool.importlinter] and its [[tool.importlinter.contracts]]:
    a contract table stands for its ``id``, else for the id its ``name`` gives."""
    found: list[tuple[int, int, set[str]]] = [(0, 0, set())]
    for number, line in enumerate([*lines, "["]):
        header = line.strip()
        if not header.startswith("["):
            continue
        first, _, identity = found[-1]
        found[-1] = (first, number, identity | _table_identity(lines[first:number]))
        table = header.strip("[]").strip()
        identity = {""} if table == "tool.importlinter" else set()
        found.append((number + 1, number + 1, identity))
        if table == "tool.importlinter.contracts":
            found[-1][2].add("\0contract")
    return [
        (first, last, identity - {"\0contract"})
        for first, last, identity in found
        if "\0contract" in identity or identity == {""}
    ]


def _table_identity(lines: list[str]) -> set[str]:
    values = {}
    for line in lines:
        key, equals, value = line.partition("=")
        key = key.strip().strip("\"'")  # (a key may be quoted: `"id" = …`)
        if equals and key in ("id", "name"):
            values[key] = value.strip().strip("\"'")
    if "id" in values:
        return {values["id"]}
    return {_slug(values["name"])} if "name" in values else set()


def _is_text(value: object) -> bool:
    """What import-linter's fields read: a string, or a list of strings (TOML booleans are
    turned into strings by import-linter's own reader)."""
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str)


def _slug(name: object) -> str:
    text = str(name or "").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())
