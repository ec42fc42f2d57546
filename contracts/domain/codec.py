"""Findings as plain JSON values and back, for the cache of a run's findings.

Only JSON is written and read (never pickle): a cache folder inside a checked repository may
come from anyone, and reading it must not run code.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import asdict

from .edits import (
    AttributeEdit,
    ChainEdit,
    CommentEdit,
    Edit,
    FromImportEdit,
    ImportedName,
    ModuleEdit,
    StringEdit,
)
from .facade_exports import ExportAddition
from .findings import Coverage, Diagnostic, Violation
from .rules import rule_named

_EDITS: dict[str, type[Edit]] = {
    cls.__name__: cls  # type: ignore[misc]
    for cls in (FromImportEdit, ModuleEdit, StringEdit, AttributeEdit, CommentEdit, ChainEdit)
}


def edit_to_json(edit: Edit | None) -> dict[str, Any] | None:
    if edit is None:
        return None
    data: dict[str, Any] = {"type": type(edit).__name__}
    # (``__struct_fields__``, not ``msgspec.structs.fields``: that one resolves the class's
    # annotations at every call, a fifth of a second for a thousand findings.)
    for name in edit.__struct_fields__:
        value = getattr(edit, name)
        if name == "names":
            value = [{"name": n.name, "local": n.local} for n in value]
        elif name == "export" and value is not None:
            value = asdict(value)
        elif name == "attributes" and not value and not isinstance(edit, ChainEdit):
            continue  # an import edit's attribute renames, written only when there are some
        elif name == "unsafe_rename" and not value:
            continue  # written only when it is so
        data[name] = value
    return data


def edit_from_json(data: dict[str, Any] | None) -> Edit | None:
    if data is None:
        return None
    values = dict(data)
    cls = _EDITS[values.pop("type")]
    if "names" in values:
        values["names"] = tuple(ImportedName(n["name"], n["local"]) for n in values["names"])
    if values.get("exposes") is not None:
        values["exposes"] = tuple(values["exposes"])
    if values.get("export") is not None:
        values["export"] = ExportAddition(**values["export"])
    if "attributes" in values:
        values["attributes"] = tuple(tuple(pair) for pair in values["attributes"])
    return cls(**values)


def violation_to_json(violation: Violation) -> dict[str, Any]:
    data = {name: getattr(violation, name) for name in violation.__struct_fields__}
    data["rule"] = violation.rule.name
    data["edit"] = edit_to_json(violation.edit)
    data["identity"] = list(violation.identity)
    return data


def violation_from_json(data: dict[str, Any]) -> Violation:
    values = dict(data)
    values["rule"] = rule_named(values["rule"])
    values["edit"] = edit_from_json(values["edit"])
    values["identity"] = tuple(values["identity"])
    return Violation(**values)


def diagnostic_to_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {**asdict(diagnostic), "rule": diagnostic.rule.name}


def diagnostic_from_json(data: dict[str, Any]) -> Diagnostic:
    return Diagnostic(**{**data, "rule": rule_named(data["rule"])})


def coverage_to_json(coverage: Coverage) -> dict[str, Any]:
    outside = coverage.outside
    return {
        **asdict(coverage),
        "skipped": dict(coverage.skipped),
        "outside": None if outside is None else coverage_to_json(outside),
    }


def coverage_from_json(data: dict[str, Any]) -> Coverage:
    outside = data.get("outside")
    fields = {**data, "outside": None if outside is None else coverage_from_json(outside)}
    return Coverage(**fields)
