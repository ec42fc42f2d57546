"""Bad configuration fails loudly: one line naming the option and value, exit code 2."""

from __future__ import annotations

import pytest
from conftest import Project, toml_config


def assert_usage_error(project: Project, *fragments: str) -> str:
    result = project.cli("check", "--no-cache")
    assert result.code == 2, result.out + result.err
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("ssot-imports: error: ")
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def test_misspelled_canonical_module(project: Project) -> None:
    text = (project.root / ".importlinter").read_text().replace("pkg.core.api", "pkg.core.apii")
    (project.root / ".importlinter").write_text(text)
    assert_usage_error(
        project,
        "contract 'ssot'",
        "option 'canonical_module' = 'pkg.core.apii'",
        "did you mean 'pkg.core.api'?",
    )


def test_misspelled_implementation_module(project: Project) -> None:
    text = (project.root / ".importlinter").read_text().replace("pkg.core.impl", "pkg.core.impll")
    (project.root / ".importlinter").write_text(text)
    assert_usage_error(project, "option 'implementation_modules' = 'pkg.core.impll'")


def test_canonical_module_that_does_not_import_the_implementation(project: Project) -> None:
    project.write("pkg/core/api.py", "class Manager:\n    pass\n")
    assert_usage_error(
        project, "option 'implementation_modules' = 'pkg.core.impl'", "is not imported by"
    )


def test_empty_export_set(project: Project) -> None:
    project.write("pkg/core/api.py", "import pkg.core.impl\n")
    assert_usage_error(project, "option 'canonical_module'", "exports nothing")


def test_unknown_option_suggests_the_right_one(project: Project) -> None:
    project.config("allow_rename = true\n")
    assert_usage_error(project, "option 'allow_rename'", "Did you mean 'allow_renames'?")


def test_bad_boolean(project: Project) -> None:
    project.config("allow_renames = maybe\n")
    assert_usage_error(project, "option 'allow_renames'", "maybe")


def test_allowed_importer_that_does_not_exist(project: Project) -> None:
    project.config("allowed_importers =\n    pkg.ap.*\n")
    assert_usage_error(project, "option 'allowed_importers' = 'pkg.ap.*'", "matches no module")


def test_unmatched_ignore_is_an_error_by_default(project: Project) -> None:
    project.config("ignore_imports =\n    pkg.app.nothing -> pkg.core.impl\n")
    assert_usage_error(project, "option 'ignore_imports'", "pkg.app.nothing -> pkg.core.impl")
    project.config(
        "ignore_imports =\n    pkg.app.nothing -> pkg.core.impl\n"
        "unmatched_ignore_imports_alerting = warn\n"
    )
    result = project.cli("check", "--no-cache")
    assert result.code == 0
    assert "warning: No matches for ignored import pkg.app.nothing -> pkg.core.impl." in result.out


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("exports", "Nope", "option 'exports' = 'Nope'"),
        ("preferred_names", "Nope", "option 'preferred_names' = 'Nope'"),
        ("preferred_names", "Manager\n    Impl", "names the same object as 'Manager'"),
    ],
)
def test_export_options_name_real_exports(
    project: Project, option: str, value: str, fragment: str
) -> None:
    project.config(f"{option} =\n    {value}\n")
    assert_usage_error(project, fragment)


def test_missing_root_package(project: Project) -> None:
    text = (project.root / ".importlinter").read_text().replace("\n    pkg\n", "\n    pkgg\n", 1)
    (project.root / ".importlinter").write_text(text)
    assert_usage_error(project, "option 'root_packages' = 'pkgg'")


def test_missing_config_file(project: Project) -> None:
    result = project.cli("check", "--config", "nope.ini")
    assert result.code == 2
    assert result.err.strip() == "ssot-imports: error: --config nope.ini: no such file"


CONTRACT = "[importlinter:contract:a]\nname = A\ntype = canonical_import\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "root_packages = pkg\n[importlinter]\n",
            ".importlinter line 1: 'root_packages = pkg' comes before any [section] header",
        ),
        (
            "[importlinter\nroot_packages = pkg\n",
            ".importlinter line 1: section header '[importlinter' has no closing ']'",
        ),
        (
            "[importlinter]\nroot_packages = pkg\nthis line has no equals sign\n" + CONTRACT,
            ".importlinter line 3: cannot read 'this line has no equals sign' (a line is "
            "`name = value`, a `[section]` header, an indented continuation line or a comment)",
        ),
        (
            "[importlinter]\nroot_packages = pkg\n[importlinter]\nroot_packages = pkg\n",
            ".importlinter line 3: section [importlinter] appears a second time",
        ),
        (
            "[importlinter]\nroot_packages = pkg\nroot_packages = other\n" + CONTRACT,
            ".importlinter line 3: option 'root_packages' appears a second time in [importlinter]",
        ),
        # A header without its `]` is an option to configparser: the contract would vanish
        # (the first) or its options clash with the one above (found by a fresh-user trial).
        (
            "[importlinter]\nroot_packages = pkg\n\n[importlinter:contract:a\nname = A\n",
            ".importlinter line 4: section header '[importlinter:contract:a' has no closing ']'",
        ),
        (
            "[importlinter]\nroot_packages = pkg\n[importlinter:contract:a]]\nname = A\n",
            ".importlinter line 3: section header '[importlinter:contract:a]]' has a stray bracket",
        ),
        (
            "[importlinter]\nroot_packages = pkg\n"
            + CONTRACT
            + "[importlinter:contract:b\nname = B\ntype = canonical_import\n",
            ".importlinter line 6: section header '[importlinter:contract:b' has no closing ']'",
        ),
        (
            "[importlinter]\nroot_packages = pkg\nnote = 100%(done\n" + CONTRACT,
            ".importlinter: [importlinter] note: bad interpolation variable reference "
            "'%(done' (write a % as %%)",
        ),
    ],
)
def test_malformed_config_file(project: Project, text: str, message: str) -> None:
    """Each way an INI file can be malformed is one line naming the file, the line and what
    is wrong (configparser's own messages name a '<string>' and span lines)."""
    project.write(".importlinter", text)
    found = message.replace(".importlinter", str(project.root / ".importlinter"), 1)
    assert assert_usage_error(project) == f"ssot-imports: error: {found}"


@pytest.mark.parametrize("name", ["empty.ini", "other.ini", "empty.toml"])
def test_a_config_file_import_linter_reads_nothing_from(project: Project, name: str) -> None:
    """Named with --config, a file without import-linter's section is one line saying so
    (import-linter's reader raises an OSError without a reason: the message was "cannot read
    the file: None", found by a fresh-user trial)."""
    project.write(name, "[other]\nx = 1\n" if name == "other.ini" else "")
    result = project.cli("check", "--config", name)
    assert result.code == 2
    assert result.err.strip() == (
        f"ssot-imports: error: {name}: no import-linter configuration in it (INI: an "
        "[importlinter] section; TOML: a [tool.importlinter] table)"
    )


def test_a_misspelt_import_linter_option_is_an_error(project: Project) -> None:
    """It would be ignored without a word (found by a fresh-user trial); an option far from
    every known one may be a later import-linter's, and is left be."""
    config = project.root / ".importlinter"
    text = config.read_text()
    config.write_text(text.replace("[importlinter]\n", "[importlinter]\nshow_timing = true\n"))
    assert assert_usage_error(project) == (
        f"ssot-imports: error: {config}: [importlinter] option 'show_timing': no such option; "
        "did you mean 'show_timings'?"
    )
    config.write_text(text.replace("[importlinter]\n", "[importlinter]\nsome_new_option = 1\n"))
    assert project.cli("check", "--no-cache").code == 0


def test_config_without_contracts(project: Project) -> None:
    project.write(".importlinter", "[importlinter]\nroot_packages =\n    pkg\n")
    assert_usage_error(project, "no contracts found")


def test_unknown_contract_type(project: Project) -> None:
    project.write(
        ".importlinter",
        "[importlinter]\nroot_packages =\n    pkg\n\n"
        "[importlinter:contract:x]\nname = X\ntype = canonical_imports\n",
    )
    assert_usage_error(project, "contract 'x': unknown type 'canonical_imports'")


def test_bad_contract_types_entry(project: Project) -> None:
    project.write(
        ".importlinter",
        "[importlinter]\nroot_packages =\n    pkg\ncontract_types =\n"
        "    canonical_import: contracts.nowhere.Contract\n\n"
        "[importlinter:contract:x]\nname = X\ntype = canonical_import\n",
    )
    assert_usage_error(project, "option 'contract_types'", "contracts.nowhere.Contract")


def test_unknown_contract_id_and_bad_arguments(project: Project) -> None:
    result = project.cli("check", "--contract", "nope")
    assert result.code == 2
    assert "--contract nope: no such contract" in result.err
    with pytest.raises(SystemExit) as raised:
        project.cli("check", "--format", "xml")
    assert raised.value.code == 2
    result = project.cli("check", "--path", "missing-dir")
    assert result.code == 2
    assert "--path missing-dir: no such directory" in result.err


def test_canonical_module_with_a_syntax_error(project: Project) -> None:
    project.write("pkg/core/api.py", "from pkg.core.impl import Impl\ndef broken(:\n")
    result = project.cli("check", "--no-cache")
    assert result.code == 2
    # One line, naming the file and the line, in Python's own words.
    assert result.err.splitlines() == [
        f"ssot-imports: error: {project.root / '.importlinter'} line 10: contract 'ssot': option "
        "'canonical_module' = 'pkg.core.api': cannot be read: pkg/core/api.py:2: syntax error: "
        "invalid syntax"
    ]


def test_no_root_packages_option_at_all(project: Project) -> None:
    text = (project.root / ".importlinter").read_text().replace("root_packages =", "root_pakages =")
    project.write(".importlinter", text)
    line = assert_usage_error(project, ".importlinter: [importlinter] sets no root_packages")
    assert "internal error" not in line


def test_toml_value_of_the_wrong_type(project: Project) -> None:
    (project.root / ".importlinter").unlink()
    project.write(
        "pyproject.toml",
        toml_config("check_string_references = 1"),
    )
    assert_usage_error(
        project,
        "pyproject.toml line 11: contract 'ssot': option 'check_string_references' = 1: "
        "expected text",
    )


def test_config_that_is_a_directory_or_has_no_section(project: Project) -> None:
    (project.root / "folder").mkdir()
    result = project.cli("check", "--config", "folder")
    assert (result.code, result.err) == (
        2,
        "ssot-imports: error: --config folder: a directory; give the config file\n",
    )
    project.write(".importlinter", "")
    assert_usage_error(project, ".importlinter has no [importlinter] section")


def test_baselines_that_are_not_baselines(project: Project) -> None:
    project.write(".ssot-imports-baseline.json", "[]")
    assert_usage_error(project, "not a baseline (a JSON object with 'version'", "not a list)")
    (project.root / ".ssot-imports-baseline.json").unlink()
    (project.root / ".ssot-imports-baseline.json").mkdir()
    assert_usage_error(project, ".ssot-imports-baseline.json: a directory, not a baseline file")


def test_errors_name_the_line_setting_the_option(project: Project) -> None:
    """Among several contracts (INI and TOML), the error points at the line that sets the
    option in the contract concerned; a session option, at its line in the session section."""
    second = """
        [importlinter:contract:other]
        name = Other
        type = canonical_import
        canonical_module = pkg.core.api
        implementation_modules =
            pkg.core.imp
        """
    config = project.config(extra=second)
    lines = config.read_text().splitlines()
    number = lines.index("    pkg.core.imp")  # (0-based: the 1-based number of the line above)
    assert lines[number - 1].startswith("implementation_modules")
    assert_usage_error(
        project,
        f".importlinter line {number}: contract 'other': option 'implementation_modules' = "
        "'pkg.core.imp'",
    )
    config.write_text(config.read_text().replace("    pkg.core.imp\n", "    pkg.core.impl\n"))
    config.write_text(
        config.read_text().replace(
            "[importlinter]\n", "[importlinter]\nssot_allow_blanket_suppressions = maybe\n"
        )
    )
    session = config.read_text().splitlines().index("ssot_allow_blanket_suppressions = maybe") + 1
    assert_usage_error(
        project, f".importlinter line {session}: option 'ssot_allow_blanket_suppressions'"
    )
    config.unlink()
    project.write(
        "pyproject.toml",
        toml_config('allow_renames = "maybe"'),
    )
    toml_lines = (project.root / "pyproject.toml").read_text().splitlines()
    toml_line = next(n for n, line in enumerate(toml_lines, 1) if line.startswith("allow_renames"))
    assert_usage_error(
        project, f"pyproject.toml line {toml_line}: contract 'ssot': option 'allow_renames'"
    )


def test_toml_lines_inside_strings_ids_twice_and_names_in_capitals(project: Project) -> None:
    """A multi-line TOML string that looks like an option is not taken for it; two TOML
    contracts whose names give one id, and a session option spelled in capitals (which
    TOML, unlike INI, would keep as it is and ignore), are errors."""
    (project.root / ".importlinter").unlink()
    # (With a triple quote in a comment and an escaped one inside: neither opens or closes.)
    trap = '# a """ comment\nbroken_contract_guidance = """\nallow_renames = "maybe" \\"""\n"""'
    project.write("pyproject.toml", toml_config(trap, 'allow_renames = "maybe"'))
    lines = (project.root / "pyproject.toml").read_text().splitlines()
    assert sum(line.startswith('allow_renames = "maybe"') for line in lines) == 2
    real = len(lines)  # the last line: the real option
    assert_usage_error(
        project, f"pyproject.toml line {real}: contract 'ssot': option 'allow_renames' = 'maybe': "
    )
    twice = toml_config() + '\n[[tool.importlinter.contracts]]\nname = "SSOT"\ntype = "layers"\n'
    project.write("pyproject.toml", twice.replace('id = "ssot"\n', ""))
    written = (project.root / "pyproject.toml").read_text().splitlines()
    second = len(written) - 2  # the second table's header
    assert_usage_error(project, f"pyproject.toml line {second}: two contracts have the id 'ssot'")
    quoted = toml_config().replace('id = "ssot"', '"id" = "ssot"')
    project.write("pyproject.toml", quoted + "\n" + quoted.partition("\n\n")[2])
    headers = [
        number
        for number, line in enumerate((project.root / "pyproject.toml").read_text().splitlines(), 1)
        if line == "[[tool.importlinter.contracts]]"
    ]
    assert_usage_error(
        project, f"pyproject.toml line {headers[1]}: two contracts have the id 'ssot'"
    )
    capitals = toml_config().replace(
        'root_packages = ["pkg"]\n',
        'root_packages = ["pkg"]\nSSOT_Allow_Blanket_Suppressions = "maybe"\n',
    )
    project.write("pyproject.toml", capitals)
    assert_usage_error(
        project,
        "pyproject.toml line 3: [importlinter] option 'SSOT_Allow_Blanket_Suppressions': option "
        "names are lowercase ('ssot_allow_blanket_suppressions')",
    )


def test_a_misspelt_type_and_a_bad_root_name_their_line(project: Project) -> None:
    config = project.root / ".importlinter"
    text = config.read_text()
    config.write_text(text.replace("type = canonical_import", "type = canonical_imprt"))
    assert_usage_error(
        project,
        ".importlinter line 9: contract 'ssot': unknown type 'canonical_imprt'",
        "did you mean 'canonical_import'?",
    )
    config.write_text(text.replace("    pkg\n", "    pkgg\n", 1))
    assert_usage_error(project, ".importlinter line 2: option 'root_packages' = 'pkgg'")
