"""Violations from import-linter's built-in contracts, read from their check metadata.

Each built-in contract stores its findings differently (chains of links, detailed chains with
alternatives, protected-module links, cycle breakers). All of them come down to chains of
direct imports with line numbers; each chain becomes one violation located at its first
direct import, with the whole chain in the message. These metadata shapes are import-linter
internals: they are read here only, and ``tests/test_upstream_internals.py`` checks them
against the installed release.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from grimp import ImportGraph
from grimp.exceptions import GrimpException

from ..domain.findings import Violation
from ..domain.rules import BUILT_IN_CONTRACTS, CONTRACT_BROKEN

Link = dict[str, Any]


class BuiltinContractFindings:
    """The application's ``BuiltinFindings`` port."""

    def violations(
        self,
        contract_type: str,
        metadata: Any,
        graph: ImportGraph,
        path_of: Callable[[str], str],
    ) -> list[Violation]:
        return builtin_violations(contract_type, metadata, graph, path_of)


def builtin_violations(
    contract_type: str,
    metadata: dict[str, Any],
    graph: ImportGraph,
    path_of: Callable[[str], str],
) -> list[Violation]:
    """One violation per chain found in ``metadata`` (located at the chain's first import)."""
    rule = BUILT_IN_CONTRACTS.get(contract_type, CONTRACT_BROKEN)
    violations = []
    for chain in _chains(metadata, graph):
        first = chain[0]
        line = _first_line(first)
        rendered = " -> ".join([chain[0]["importer"], *(link["imported"] for link in chain)])
        lines = "; ".join(_describe(link) for link in chain)
        message = (
            f"`{first['importer']}` imports `{first['imported']}` directly"
            if len(chain) == 1
            else f"import chain {rendered}"
        )
        violations.append(
            Violation(
                rule=rule,
                path=path_of(first["importer"]),
                line=line,
                importer=first["importer"],
                imported=chain[-1]["imported"],
                message=f"{message} ({lines})",
                statement=_line_contents(graph, first, line),
                identity=tuple(link["imported"] for link in chain),
            )
        )
    for module in sorted(metadata.get("undeclared_modules", ()) or ()):
        violations.append(
            Violation(
                rule=rule,
                path=path_of(str(module)),
                line=1,
                importer=str(module),
                imported=str(module),
                message=f"`{module}` is not declared in any layer (exhaustive contract)",
            )
        )
    return violations


def _chains(metadata: Any, graph: ImportGraph) -> Iterator[list[Link]]:
    if isinstance(metadata, dict):
        if _is_chain(metadata.get("chain")):
            # A detailed chain: its extra first/last links are alternatives of the same route.
            yield list(metadata["chain"])
            return
        for key, value in metadata.items():
            if key in ("summaries", "undeclared_modules"):
                continue
            if key == "cycle_breakers_by_package":
                yield from _cycle_breakers(value, graph)
            elif _is_link(value):
                yield [value]
            else:
                yield from _chains(value, graph)
    elif dataclasses.is_dataclass(metadata) and not isinstance(metadata, type):
        for field in dataclasses.fields(metadata):
            yield from _chains({field.name: getattr(metadata, field.name)}, graph)
    elif isinstance(metadata, list | tuple):
        for item in metadata:
            if _is_chain(item):
                yield list(item)
            elif _is_link(item):
                yield [item]
            else:
                yield from _chains(item, graph)


def _cycle_breakers(by_package: dict[str, Any], graph: ImportGraph) -> Iterator[list[Link]]:
    for package in sorted(by_package):
        for importer, imported in sorted(by_package[package]):
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = tuple(sorted({d["line_number"] for d in details}))
            yield [{"importer": importer, "imported": imported, "line_numbers": lines}]


def _is_link(value: Any) -> bool:
    return isinstance(value, dict) and {"importer", "imported", "line_numbers"} <= value.keys()


def _is_chain(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(map(_is_link, value))


def _first_line(link: Link) -> int:
    numbers = [n for n in link.get("line_numbers", ()) if isinstance(n, int) and n > 0]
    return min(numbers) if numbers else 1


def _describe(link: Link) -> str:
    numbers = [str(n) for n in link.get("line_numbers", ()) if isinstance(n, int) and n > 0]
    where = f" (l.{', '.join(numbers)})" if numbers else ""
    return f"{link['importer']} -> {link['imported']}{where}"


def _line_contents(graph: ImportGraph, link: Link, line: int) -> str:
    try:
        details = graph.get_import_details(importer=link["importer"], imported=link["imported"])
    except GrimpException:  # a module absent from the graph: no statement to show
        return ""
    for detail in details:
        if detail["line_number"] == line:
            return detail["line_contents"]
    return ""
