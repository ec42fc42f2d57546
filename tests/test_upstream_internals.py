"""The parts of grimp and import-linter that are not their public API, checked against the
installed releases: a new release that changes one fails here, naming it, before any other
test fails for a reason that is harder to read."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import grimp
import pytest
from conftest import CONFIG_HEAD, Project
from ssot_imports.adapters import grimp_internals
from ssot_imports.adapters.builtin_contracts import builtin_violations


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_grimp_scanner_takes_the_arguments_we_pass() -> None:
    assert grimp_internals.scan_imports is not None, "grimp.application.scanning.scan_imports"
    assert set(_parameters(grimp_internals.scan_imports)) >= grimp_internals.SCAN_PARAMETERS, (
        "grimp.application.scanning.scan_imports: keyword arguments changed"
    )
    assert grimp_internals.on_demand_reading_available()


def test_grimp_package_finder_and_its_value_types() -> None:
    assert _parameters(grimp_internals._find_packages)[:2] == ["file_system", "package_names"], (
        "grimp.application.usecases._find_packages(file_system, package_names)"
    )
    assert [f.name for f in dataclasses.fields(grimp_internals.FoundPackage)][:4] == [
        "name",
        "directory",
        "module_files",
        "namespace_packages",
    ], "grimp.application.ports.modulefinder.FoundPackage fields"
    assert [f.name for f in dataclasses.fields(grimp_internals.ModuleFile)] == [
        "module",
        "mtime",
    ], "grimp.application.ports.modulefinder.ModuleFile fields"


def test_grimp_module_finder_can_be_swapped() -> None:
    assert _parameters(grimp_internals.ModuleFinder.find_package) == [
        "self",
        "package_name",
        "package_directory",
        "file_system",
    ], "grimp.adaptors.modulefinder.ModuleFinder.find_package"
    original = grimp_internals.module_finder()
    assert isinstance(original, grimp_internals.ModuleFinder), "grimp settings.MODULE_FINDER"
    replacement = grimp_internals.ModuleFinder()
    grimp_internals.use_module_finder(replacement)
    try:
        assert grimp_internals.module_finder() is replacement, "grimp settings.configure"
    finally:
        grimp_internals.use_module_finder(original)


def test_grimp_syntax_error_names_the_file_and_line() -> None:
    assert _parameters(grimp.exceptions.SourceSyntaxError.__init__) == [
        "self",
        "filename",
        "lineno",
        "text",
    ], "grimp.exceptions.SourceSyntaxError(filename, lineno, text)"


BUILT_IN = """
[importlinter:contract:forbidden]
name = F
type = forbidden
source_modules =
    pkg.app
forbidden_modules =
    pkg.core.impl

[importlinter:contract:layers]
name = L
type = layers
layers =
    pkg.core
    pkg.app

[importlinter:contract:independence]
name = I
type = independence
modules =
    pkg.app
    pkg.core

[importlinter:contract:protected]
name = P
type = protected
protected_modules =
    pkg.core.impl
allowed_importers =
    pkg.core.api

[importlinter:contract:acyclic]
name = A
type = acyclic_siblings
ancestors =
    pkg
"""


@pytest.mark.parametrize(
    ("contract", "kind"),
    [
        ("forbidden", "forbidden-import"),
        ("layers", "layers-violation"),
        ("independence", "independence-violation"),
        ("protected", "protected-import"),
        ("acyclic", "acyclic-siblings-violation"),
    ],
)
def test_builtin_contract_metadata_shapes(project: Project, contract: str, kind: str) -> None:
    """Each built-in contract's metadata still yields its violation, at the right line."""
    project.write("pkg/app/user.py", "import os\nfrom pkg.core.impl import Impl\n")
    project.write("pkg/core/uses_app.py", "from pkg.app import user\n")
    project.write(".importlinter", CONFIG_HEAD + BUILT_IN)
    report = project.check(contract_ids=(contract,))
    (result,) = report.contracts
    assert not result.kept
    assert result.violations, f"import-linter {contract} contract: metadata shape not read"
    assert {v.kind for v in result.violations} == {kind}
    lines = {(v.path, v.line) for v in result.violations}
    assert lines & {("pkg/app/user.py", 2), ("pkg/core/uses_app.py", 1)}, lines


def test_builtin_metadata_reader_ignores_unknown_shapes() -> None:
    graph = grimp.ImportGraph()
    assert builtin_violations("forbidden", {"something": "new"}, graph, str) == []


def test_import_linter_public_configuration_reader(tmp_path: Path) -> None:
    from importlinter import api

    config = tmp_path / ".importlinter"
    config.write_text("[importlinter]\nroot_package = x\n\n[importlinter:contract:a]\nname = A\n")
    options = api.read_configuration(str(config))
    assert set(options) == {"session_options", "contracts_options"}, (
        "importlinter.api.read_configuration"
    )
    assert options["contracts_options"][0]["name"] == "A"


def test_import_linter_names_we_use_exist() -> None:
    from importlinter.application.contract_utils import AlertLevel
    from importlinter.application.output import console
    from importlinter.domain.contract import InvalidContractOptions
    from importlinter.domain.helpers import MissingImport

    assert {level.name for level in AlertLevel} >= {"NONE", "WARN", "ERROR"}, "AlertLevel"
    assert callable(console.print), "importlinter.application.output.console"
    assert InvalidContractOptions({"a": "b"}).errors == {"a": "b"}, "InvalidContractOptions"
    assert issubclass(MissingImport, Exception), "importlinter.domain.helpers.MissingImport"


def test_a_file_grimp_cannot_read_is_said_in_our_words(tmp_path: Path) -> None:
    """grimp's scanner names an unreadable file in Rust's words ("Permission denied (os
    error 13)"); the diagnostic says it as the other readers do."""
    from ssot_imports.adapters.graph_builder import unreadable_file

    failed = tmp_path / "locked.py"
    error = OSError(f"Failed to read file {failed}: Permission denied (os error 13)")
    path, diagnostic = unreadable_file(error, lambda found: found.name)
    assert (path, diagnostic.code, diagnostic.path, diagnostic.message) == (
        failed.resolve(),
        "D005",
        "locked.py",
        "cannot read file: Permission denied",
    )
