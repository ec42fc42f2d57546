"""Fragmentation an import graph cannot see: string references and shadow roots."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import CONFIG_HEAD, Project, findings


def strings_of(report):
    return [
        (v.path, v.line, v.column, v.symbol, v.suggestion)
        for v in report.violations
        if v.kind == "string-reference"
    ]


def test_every_call_form_is_found_with_exact_lines(project: Project) -> None:
    project.write(
        "pkg/app/test_calls.py",
        """\
        import importlib
        import pkgutil
        import sys
        from unittest import mock
        from unittest.mock import patch

        @patch("pkg.core.impl.Impl.run")
        def test_a(run):
            with mock.patch("pkg.core.impl.Impl"), patch.object(
                sys.modules["pkg.core.impl"], "Impl"
            ):
                pass
            importlib.import_module("pkg.core.impl")
            __import__("pkg.core.impl")
            pkgutil.resolve_name("pkg.core.impl:Mode")
            pkgutil.resolve_name("pkg.core.impl.Mode")

        def test_b(monkeypatch):
            monkeypatch.setattr('pkg.core.impl.Mode', None)
            mock.patch(target="pkg.core.impl.helper")
            mock.patch("pkg.core.impl._helper")
        """,
    )
    assert strings_of(project.check()) == [
        ("pkg/app/test_calls.py", 7, 7, "pkg.core.impl.Impl.run", '"pkg.core.api.Manager.run"'),
        ("pkg/app/test_calls.py", 9, 20, "pkg.core.impl.Impl", '"pkg.core.api.Manager"'),
        ("pkg/app/test_calls.py", 10, 20, "pkg.core.impl", '"pkg.core.api"'),
        ("pkg/app/test_calls.py", 13, 28, "pkg.core.impl", '"pkg.core.api"'),
        ("pkg/app/test_calls.py", 14, 15, "pkg.core.impl", '"pkg.core.api"'),
        ("pkg/app/test_calls.py", 15, 25, "pkg.core.impl:Mode", '"pkg.core.api:Mode"'),
        ("pkg/app/test_calls.py", 16, 25, "pkg.core.impl.Mode", '"pkg.core.api.Mode"'),
        ("pkg/app/test_calls.py", 19, 24, "pkg.core.impl.Mode", '"pkg.core.api.Mode"'),
        ("pkg/app/test_calls.py", 20, 22, "pkg.core.impl.helper", '"pkg.core.api.helper"'),
        ("pkg/app/test_calls.py", 21, 15, "pkg.core.impl._helper", None),
    ]
    report = project.check()
    calls = [v.message.split(" names ")[0] for v in report.violations]
    assert calls[2] == 'string "pkg.core.impl" in `sys.modules[…]`'
    assert calls[8] == 'string "pkg.core.impl.helper" in `mock.patch(…)`'
    # The façade does not export `helper` yet: `fix` adds it there, then rewrites the string.
    assert report.violations[8].edit.export.name == "helper"
    assert report.violations[9].unfixable_reason == (
        "`pkg.core.api` does not export `_helper` (`_helper` is private to `pkg.core.impl`)"
    )


def test_prose_docstrings_and_consumer_patches_are_not_findings(project: Project) -> None:
    project.tree(
        {
            "pkg/app/bridge.py": "from pkg.core.api import Manager\n",
            "pkg/app/test_quiet.py": '''\
                """Tests for pkg.core.impl.Impl (a docstring, not a reference)."""
                from unittest import mock

                NOTE = "the implementation lives in pkg.core.impl"
                PATH = "pkg/core/impl.py"
                OTHER = "pkg.core.implementation"
                FORMATTED = f"pkg.core.impl.{NOTE}"

                class TestBridge:
                    """Patches pkg.core.impl.Impl where the bridge looks it up."""

                    @mock.patch("pkg.app.bridge.Manager")
                    def test_it(self, manager):
                        """pkg.core.impl.Impl"""
                ''',
        }
    )
    assert strings_of(project.check()) == []


def test_strings_in_folders_without_init_and_the_option(project: Project) -> None:
    project.write(
        "pkg/tests/unit/test_patch.py",
        """\
        from unittest import mock

        def test_it():
            with mock.patch(
                "pkg.core.impl.Impl"
            ):
                pass
        """,
    )
    assert strings_of(project.check()) == [
        ("pkg/tests/unit/test_patch.py", 5, 8, "pkg.core.impl.Impl", '"pkg.core.api.Manager"'),
    ]
    project.config("check_unreachable_files = false\n")
    assert strings_of(project.check()) == []
    project.config("check_string_references = false\n")
    assert strings_of(project.check()) == []


def test_strings_in_files_with_newer_syntax_are_still_found(project: Project) -> None:
    # Python 3.12 f-string syntax: ast on 3.11 rejects the file, libcst reads it.
    project.write(
        "pkg/app/test_new_syntax.py",
        """\
        from unittest import mock

        def label(items):
            return f"{", ".join(items)}"

        def test_it():
            with mock.patch("pkg.core.impl.Mode"):
                pass
        """,
    )
    report = project.check()
    assert strings_of(report) == [
        ("pkg/app/test_new_syntax.py", 7, 20, "pkg.core.impl.Mode", '"pkg.core.api.Mode"'),
    ]
    assert [d for d in report.diagnostics if d.kind == "syntax-error"] == []


SHADOW_HEAD = CONFIG_HEAD.replace(
    "contract_types =\n",
    "contract_types =\n"
    "    single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract\n",
)

SHADOW_CONTRACT = """
[importlinter:contract:identity]
name = Identity
type = single_module_identity
"""


@pytest.fixture
def shadowed(project: Project) -> Project:
    project.tree(
        {
            "pkg/app/utils/__init__.py": "",
            "pkg/app/utils/timestamps.py": "def now():\n    return 0\n",
            # A look-alike of the standard library's email.mime.text.
            "pkg/app/email/__init__.py": "",
            "pkg/app/email/mime/__init__.py": "",
            "pkg/app/email/mime/text.py": "",
            "pkg/app/consumer.py": """\
                from app.utils.timestamps import now
                import app.utils.timestamps as ts
                import app.utils.timestamps
                from utils import timestamps
                import app
                from app import utils
                import email.mime.text
                from .utils import timestamps as relative
                import os, app.utils.timestamps as second
                """,
            "pkg/tests/integration/test_time.py": "from app.utils import timestamps\n",
        }
    )
    project.config(head=SHADOW_HEAD, extra=SHADOW_CONTRACT)
    return project


def shadows(report):
    return [(v.path, v.line, v.symbol, v.suggestion, v.fixable) for v in report.violations]


def test_shadow_roots_are_found(shadowed: Project) -> None:
    report = shadowed.check(contract_ids=("identity",))
    assert shadows(report) == [
        (
            "pkg/app/consumer.py",
            1,
            "app.utils.timestamps",
            "from pkg.app.utils.timestamps import now",
            True,
        ),
        (
            "pkg/app/consumer.py",
            2,
            "app.utils.timestamps",
            "import pkg.app.utils.timestamps as ts",
            True,
        ),
        (
            "pkg/app/consumer.py",
            3,
            "app.utils.timestamps",
            "import pkg.app.utils.timestamps",
            False,
        ),
        (
            "pkg/app/consumer.py",
            4,
            "utils.timestamps",
            "from pkg.app.utils import timestamps",
            True,
        ),
        ("pkg/app/consumer.py", 6, "app.utils", "from pkg.app import utils", True),
        (
            "pkg/app/consumer.py",
            9,
            "app.utils.timestamps",
            "import pkg.app.utils.timestamps as second",
            True,
        ),
        (
            "pkg/tests/integration/test_time.py",
            1,
            "app.utils",
            "from pkg.app.utils import timestamps",
            True,
        ),
    ]
    assert report.violations[0].kind == "shadow-root"
    assert report.violations[0].imported == "pkg.app.utils.timestamps"


def test_shadow_root_options(shadowed: Project) -> None:
    shadowed.config(
        head=SHADOW_HEAD,
        extra=SHADOW_CONTRACT + "minimum_depth = 3\nallowed_importers =\n    pkg.app.consumer\n",
    )
    report = shadowed.check(contract_ids=("identity",))
    assert findings(report) == [
        ("pkg/tests/integration/test_time.py", 1, "shadow-root", "app.utils.timestamps"),
    ]
    shadowed.config(head=SHADOW_HEAD, extra=SHADOW_CONTRACT + "allowed_names =\n    app.utils.**\n")
    report = shadowed.check(contract_ids=("identity",))
    assert findings(report) == [
        ("pkg/app/consumer.py", 4, "shadow-root", "utils.timestamps"),
        ("pkg/app/consumer.py", 6, "shadow-root", "app.utils"),
        ("pkg/tests/integration/test_time.py", 1, "shadow-root", "app.utils"),
    ]


def test_third_party_look_alikes_are_not_flagged(
    shadowed: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed package named `app` that really has app/utils/timestamps.py.
    site = tmp_path / "site-packages"
    (site / "app" / "utils").mkdir(parents=True)
    (site / "app" / "__init__.py").write_text("raise SystemExit('third-party code was run')\n")
    (site / "app" / "utils" / "__init__.py").write_text("")
    (site / "app" / "utils" / "timestamps.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    report = shadowed.check(contract_ids=("identity",))
    # Only `utils.timestamps` is left: no installed `utils` package provides it.
    assert findings(report) == [("pkg/app/consumer.py", 4, "shadow-root", "utils.timestamps")]
    assert "app" not in sys.modules


def test_shadow_roots_are_found_with_external_imports_in_the_graph_too(shadowed: Project) -> None:
    # include_external_packages changes the graph (external nodes), not the findings.
    head = SHADOW_HEAD.replace(
        "contract_types =\n", "include_external_packages = True\ncontract_types =\n"
    )
    shadowed.config(head=head, extra=SHADOW_CONTRACT)
    report = shadowed.check(contract_ids=("identity",))
    assert len(report.violations) == 7


def test_a_patch_string_beside_reads_of_the_implementation_kept_is_an_unsafe_fix(
    project: Project,
) -> None:
    """Moved to the canonical module, the patch would miss the file's own reads of the
    implementation, which `fix` leaves (written out whole): the move is unsafe (a fresh-user
    trial saw a test patch nothing)."""
    source = (
        "from unittest import mock\n\nimport pkg.core.impl\n\n\ndef run():\n"
        '    with mock.patch("pkg.core.impl.Impl") as fake:\n'
        "        return pkg.core.impl.Impl is fake\n"
    )
    path = project.write("pkg/app/test_patch.py", source)
    found = {v.code: v for v in project.check().violations if v.path == "pkg/app/test_patch.py"}
    assert {code: v.fix_safety for code, v in found.items()} == {
        "SSOT002": None,
        "SSOT007": "unsafe",
    }
    assert found["SSOT007"].message.endswith(
        "(unsafe: the file keeps reading the implementation, which the patch would miss)"
    )
    project.cli("fix", "--no-cache")
    assert path.read_text() == source
