"""The canonical_import contract: each rule kept and broken, through import-linter's machinery."""

from __future__ import annotations

from conftest import Project, findings
from ssot_imports.domain.facade_exports import ExportAddition


def by_path(report, path):
    return [v for v in report.violations if v.path == path]


def test_canonical_imports_keep_the_contract(project: Project) -> None:
    project.write(
        "pkg/app/ok.py",
        """\
        from pkg.core.api import Manager, Mode
        from pkg.core import api
        import pkg.core.api as wsm

        def use():
            from pkg.core.api import Manager
            return Manager, api.Manager, wsm.Mode
        """,
    )
    report = project.check()
    assert report.violations == []
    assert report.contracts[0].kept


def test_implementation_import_with_exact_suggestion(project: Project) -> None:
    project.write(
        "pkg/app/consumer.py",
        """\
        import os
        from pkg.core.impl import Impl as Manager
        from pkg.core.impl import Impl
        from pkg.core.impl import helper
        from pkg.core.impl import _helper
        """,
    )
    violations = by_path(project.check(), "pkg/app/consumer.py")
    assert [(v.line, v.column, v.kind, v.symbol) for v in violations] == [
        (2, 26, "implementation-import", "Impl"),
        (3, 26, "implementation-import", "Impl"),
        (4, 26, "implementation-import", "helper"),
        (5, 26, "implementation-import", "_helper"),
    ]
    assert violations[0].suggestion == "from pkg.core.api import Manager"
    assert violations[0].fixable
    assert violations[0].via == "pkg.core.impl"
    assert violations[0].statement == "from pkg.core.impl import Impl as Manager"
    # The file calls it Impl: the suggestion binds the preferred name, and `fix` renames the
    # uses when that is provably safe (the edit keeps `as Impl` as its fallback).
    assert violations[1].suggestion == "from pkg.core.api import Manager"
    assert violations[1].edit.rename_to == "Manager"
    assert violations[1].edit.names[0].local == "Impl"
    # helper is not exported canonically yet: `fix` makes the canonical module export it.
    assert violations[2].suggestion == "from pkg.core.api import helper"
    assert violations[2].fix_safety == "safe"
    assert violations[2].edit.export == ExportAddition(
        "pkg.core.api", "pkg/core/api.py", "pkg.core.impl", "helper", "pkg.core.impl"
    )
    # A private helper is not for the façade to export: no suggestion, the reason instead.
    assert violations[3].suggestion is None
    assert not violations[3].fixable
    assert violations[3].unfixable_reason == (
        "`pkg.core.api` does not export `_helper` (`_helper` is private to `pkg.core.impl`)"
    )


def test_seed_pattern_two_is_found_in_multiline_and_lazy_forms(project: Project) -> None:
    project.write(
        "pkg/app/bridge.py",
        """\
        from typing import TYPE_CHECKING

        from pkg.core.impl import (
            Mode,  # a comment (with parentheses)
            Impl as Manager,
        )
        from pkg.core.impl import \\
            Impl as Other

        if TYPE_CHECKING:
            from pkg.core.impl import Mode as M2

        class Bridge:
            def build(self):
                from pkg.core.impl import Impl as Manager
                return Manager()

        try:
            import json; from pkg.core.impl import Mode as M3
        except ImportError:
            pass
        """,
    )
    found = [
        (v.line, v.symbol, v.suggestion) for v in by_path(project.check(), "pkg/app/bridge.py")
    ]
    assert found == [
        (4, "Mode", "from pkg.core.api import Mode"),
        (5, "Impl", "from pkg.core.api import Manager"),
        (8, "Impl", "from pkg.core.api import Manager"),
        # `fix` keeps these two names (another block of the module imports `Mode` too): the
        # suggestions say so.
        (11, "Mode", "from pkg.core.api import Mode as M2"),
        (15, "Impl", "from pkg.core.api import Manager"),
        (19, "Mode", "from pkg.core.api import Mode as M3"),
    ]


def test_implementation_module_imports(project: Project) -> None:
    project.write(
        "pkg/app/modules.py",
        """\
        import pkg.core.impl
        import pkg.core.impl as im
        from pkg.core import impl

        def use():
            return pkg.core.impl.Impl, im.Impl, im.Mode, impl.helper
        """,
    )
    violations = by_path(project.check(), "pkg/app/modules.py")
    assert [(v.line, v.kind, v.symbol) for v in violations] == [
        (1, "implementation-module-import", "pkg.core.impl"),
        (2, "implementation-module-import", "pkg.core.impl"),
        (3, "implementation-module-import", "pkg.core.impl"),
    ]
    spelled, aliased, attribute = violations
    assert spelled.suggestion == "import pkg.core.api"
    assert spelled.unfixable_reason == "uses are written as `pkg.core.impl.…`; rewrite them by hand"
    # im.Impl and im.Mode are both bound to the same objects in the canonical module.
    assert aliased.suggestion == "import pkg.core.api as im"
    assert aliased.fixable
    # impl.helper is not exported by the canonical module.
    assert attribute.suggestion == "from pkg.core import api as impl"
    assert (
        attribute.unfixable_reason == "`pkg.core.api` does not export `helper` as the same object"
    )


def test_relative_imports_keep_their_style(project: Project) -> None:
    project.write(
        "pkg/core/legacy.py",
        """\
        from .impl import Impl as Manager
        from . import impl
        """,
    )
    violations = by_path(project.check(), "pkg/core/legacy.py")
    assert [(v.line, v.kind, v.suggestion) for v in violations] == [
        (1, "implementation-import", "from .api import Manager"),
        (2, "implementation-module-import", "from . import api as impl"),
    ]


def test_secondary_names_and_renames(project: Project) -> None:
    project.write(
        "pkg/app/names.py",
        """\
        from pkg.core.api import Impl
        from pkg.core.api import Alias as Manager
        from pkg.core.api import Manager as M
        from pkg.core.api import Mode
        """,
    )
    violations = by_path(project.check(), "pkg/app/names.py")
    assert [(v.line, v.kind, v.symbol, v.suggestion, v.fixable) for v in violations] == [
        (1, "secondary-name", "Impl", "from pkg.core.api import Manager", True),
        (2, "secondary-name", "Alias", "from pkg.core.api import Manager", True),
        (3, "renamed-import", "Manager", "from pkg.core.api import Manager", True),
    ]
    assert violations[2].message.endswith(
        "(the file calls it `M`: `fix` renames its uses to `Manager`)"
    )


def test_alias_policy_options(project: Project) -> None:
    project.write(
        "pkg/app/names.py",
        """\
        from pkg.core.api import Impl
        from pkg.core.api import Manager as M
        """,
    )
    project.config("allow_renames = true\nallow_secondary_names = true\n")
    assert project.check().violations == []
    project.config("preferred_names =\n    Impl\n")
    violations = by_path(project.check(), "pkg/app/names.py")
    assert [(v.line, v.kind, v.suggestion) for v in violations] == [
        (2, "secondary-name", "from pkg.core.api import Impl"),
    ]


def test_shims_are_found_without_configuration(project: Project) -> None:
    project.tree(
        {
            "pkg/core/__init__.py": "from pkg.core.api import Manager, Mode\n",
            "pkg/legacy/__init__.py": "",
            "pkg/legacy/a.py": "from pkg.core.impl import Impl as Manager\n",
            "pkg/legacy/b.py": "from pkg.legacy.a import Manager as LegacyManager\n",
            "pkg/app/consumer.py": """\
                from pkg.core import Manager
                from pkg.legacy.b import LegacyManager
                from pkg.core import Mode as TheMode

                def lazy():
                    from pkg.legacy.a import Manager
                    return Manager
                """,
        }
    )
    report = project.check()
    assert findings(report) == [
        ("pkg/app/consumer.py", 1, "shim-import", "Manager"),
        ("pkg/app/consumer.py", 2, "shim-import", "LegacyManager"),
        ("pkg/app/consumer.py", 3, "shim-import", "Mode"),
        ("pkg/app/consumer.py", 6, "shim-import", "Manager"),
        ("pkg/legacy/a.py", 1, "implementation-import", "Impl"),
        ("pkg/legacy/b.py", 1, "shim-import", "Manager"),
    ]
    consumer = by_path(report, "pkg/app/consumer.py")
    assert [v.via for v in consumer] == ["pkg.core", "pkg.legacy.b", "pkg.core", "pkg.legacy.a"]
    assert [v.suggestion for v in consumer] == [
        "from pkg.core.api import Manager",
        "from pkg.core.api import Manager",
        "from pkg.core.api import Mode",
        "from pkg.core.api import Manager",
    ]


def test_shim_edge_cases(project: Project) -> None:
    project.tree(
        {
            # Binds Manager only for type checkers.
            "pkg/typing_shim.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from pkg.core.api import Manager
                """,
            # Re-exports by assignment, with a fallback that does not cancel it.
            "pkg/assigning.py": """\
                try:
                    from pkg.core.api import Manager as _M
                except ImportError:
                    _M = None
                Manager = _M
                """,
            # Defines its own function with a canonical name: a different object.
            "pkg/wrapping.py": """\
                from pkg.core.api import Manager as _Manager

                def Manager():
                    return _Manager()
                """,
            # Imports the manager only lazily: not a shim.
            "pkg/lazy.py": """\
                def make():
                    from pkg.core.api import Manager
                    return Manager()
                """,
            # A star-import shim with __all__.
            "pkg/star_shim.py": """\
                from pkg.core.api import *
                __all__ = ["Manager"]
                """,
            "pkg/app/consumer.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from pkg.typing_shim import Manager
                from pkg.assigning import Manager as M1
                from pkg.wrapping import Manager as M2
                from pkg.star_shim import *
                from pkg.star_shim import Manager as M3
                """,
        }
    )
    report = project.check()
    # The renames in assigning.py and wrapping.py are needed (the module binds the
    # canonical name itself), so they are not findings; wrapping.Manager is its own object.
    assert findings(report) == [
        ("pkg/app/consumer.py", 3, "shim-import", "Manager"),
        ("pkg/app/consumer.py", 4, "shim-import", "Manager"),
        ("pkg/app/consumer.py", 6, "shim-import", "*"),
        ("pkg/app/consumer.py", 7, "shim-import", "Manager"),
    ]
    star = by_path(report, "pkg/app/consumer.py")[2]
    # star_shim's __all__ limits what its star import brings to Manager: a literal list of
    # canonical objects only, so the fix binds exactly the same names.
    assert star.suggestion == "from pkg.core.api import Manager"
    assert star.fixable


def test_module_attribute_through_a_shim(project: Project) -> None:
    project.tree(
        {
            "pkg/core/manager.py": "from .impl import Impl as Manager\n",
            "pkg/app/compat_user.py": """\
                import pkg.core.manager as compat

                def build():
                    return compat.Manager()
                """,
        }
    )
    violations = by_path(project.check(), "pkg/app/compat_user.py")
    assert [(v.line, v.kind, v.symbol, v.fixable) for v in violations] == [
        (1, "shim-import", "Manager", True),
    ]
    assert "used on line 4" in violations[0].message
    assert violations[0].suggestion == "from pkg.core.api import Manager"


def test_name_rebound_to_another_object(project: Project) -> None:
    project.tree(
        {
            "pkg/app/fakes.py": "class FakeManager:\n    pass\n",
            "pkg/app/test_like.py": """\
                from pkg.app.fakes import FakeManager as Manager
                from unittest.mock import MagicMock as Manager2
                """,
            # `as \` continued on the next line (a helper's trial found it missed).
            "pkg/app/continued.py": "from pkg.app.fakes import FakeManager as \\\n    Manager\n",
        }
    )
    violations = by_path(project.check(), "pkg/app/test_like.py")
    assert [(v.line, v.kind, v.symbol) for v in violations] == [(1, "name-rebound", "FakeManager")]
    continued = by_path(project.check(), "pkg/app/continued.py")
    assert [(v.line, v.kind, v.symbol) for v in continued] == [(1, "name-rebound", "FakeManager")]
    project.config("check_name_rebinding = false\n")
    assert by_path(project.check(), "pkg/app/test_like.py") == []


def test_star_import_of_an_ordinary_module_beside_a_rebinding_is_not_a_shim_import(
    project: Project,
) -> None:
    """A star import of a module that binds no canonical object is no finding, even in a file
    that is read because it also rebinds a canonical name (a false positive found by the
    dense benchmark profile)."""
    project.tree(
        {
            "pkg/consts.py": "LIMIT = 3\n",
            "pkg/app/fakes.py": "class FakeManager:\n    pass\n",
            "pkg/app/star_user.py": """\
                from pkg.consts import *
                from pkg.app.fakes import FakeManager as Manager
                """,
            "pkg/loose/star_user.py": """\
                def build():
                    from pkg.app.fakes import FakeManager as Manager
                    return Manager
                from pkg.consts import *
                """,
        }
    )
    report = project.check()
    assert [(v.line, v.kind) for v in by_path(report, "pkg/app/star_user.py")] == [
        (2, "name-rebound")
    ]
    assert [(v.line, v.kind) for v in by_path(report, "pkg/loose/star_user.py")] == [
        (2, "name-rebound")
    ]


def test_a_canonical_name_rebound_to_another_object_of_a_shim_is_found(project: Project) -> None:
    """`from shim import Other as Manager`, where the shim binds the canonical object under
    a name the importer never spells: no graph edge is classified, the file scan must be
    (found by the dense benchmark profile at 50,000 files)."""
    project.tree(
        {
            "pkg/app/helpers.py": "from pkg.core.api import Manager as HubManager\n\n"
            "class Helper:\n    pass\n",
            "pkg/app/test_user.py": """\
                def test_it():
                    from pkg.app.helpers import Helper as Manager
                    return Manager
                """,
        }
    )
    report = project.check()
    assert [(v.line, v.kind, v.symbol) for v in by_path(report, "pkg/app/test_user.py")] == [
        (2, "name-rebound", "Helper")
    ]


def test_allowed_importers_and_ignore_imports(project: Project) -> None:
    project.tree(
        {
            "pkg/app/one.py": "from pkg.core.impl import Impl\n",
            "pkg/app/two.py": "from pkg.core.impl import Impl\n",
            "pkg/app/three.py": "from pkg.core.impl import Impl\n",
        }
    )
    assert len(project.check().violations) == 3
    project.config(
        """\
        allowed_importers =
            pkg.app.one
        ignore_imports =
            pkg.app.two -> pkg.core.impl
        """
    )
    report = project.check()
    assert findings(report) == [("pkg/app/three.py", 1, "implementation-import", "Impl")]
    assert report.contracts[0].ignored_imports == 1


def test_type_checking_imports_follow_the_session_option(project: Project) -> None:
    """In the graph and in a test folder the graph cannot see (read directly) alike."""
    typed = """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from pkg.core.impl import Impl
        """
    project.write("pkg/app/typed.py", typed)
    project.write("pkg/tests/test_typed.py", typed)
    assert findings(project.check()) == [
        ("pkg/app/typed.py", 3, "implementation-import", "Impl"),
        ("pkg/tests/test_typed.py", 3, "implementation-import", "Impl"),
    ]
    project.config(head=CONFIG_HEAD_EXCLUDING_TYPE_CHECKING)
    assert project.check().violations == []


CONFIG_HEAD_EXCLUDING_TYPE_CHECKING = """\
[importlinter]
root_packages =
    pkg
exclude_type_checking_imports = true
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract
"""


def test_pasted_imports_in_strings_are_not_imports(project: Project) -> None:
    project.write(
        "pkg/app/docs.py",
        '''\
        """Example:

        from pkg.core.impl import Impl
        """
        SOURCE = """
        from pkg.core.impl import Impl as Manager
        """
        ''',
    )
    project.write(
        "pkg/tests/test_source.py",
        '''\
        CHECK = "from pkg.core.impl import Impl"
        """
        import pkg.core.impl
        """
        ''',
    )
    assert project.check().violations == []


def test_exports_are_derived_and_configurable(project: Project) -> None:
    project.write(
        "pkg/core/api.py",
        """\
        from pkg.core import impl as _impl_module
        from pkg.core.impl import Impl as _Impl

        Manager = _impl_module.Impl
        Mode = _impl_module.Mode

        def get_manager():
            return Manager()
        """,
    )
    project.write(
        "pkg/app/consumer.py",
        """\
        from pkg.core.impl import Mode
        from pkg.core.impl import Impl
        """,
    )
    report = project.check()
    assert [v.suggestion for v in report.violations] == [
        "from pkg.core.api import Mode",
        "from pkg.core.api import Manager",
    ]
    project.config("exports =\n    Manager\n")
    report = project.check()
    assert [v.suggestion for v in report.violations] == [
        None,
        "from pkg.core.api import Manager",
    ]


def test_files_outside_the_graph_are_checked(project: Project) -> None:
    project.write(
        "pkg/tests/unit/test_manager.py",
        """\
        from pkg.core.impl import Impl
        from pkg.core import Impl as NotAModule
        """,
    )
    project.write("pkg/my-scripts/run.py", "import pkg.core.impl as impl\nimpl.Impl()\n")
    report = project.check()
    assert findings(report) == [
        ("pkg/my-scripts/run.py", 1, "implementation-module-import", "pkg.core.impl"),
        ("pkg/tests/unit/test_manager.py", 1, "implementation-import", "Impl"),
    ]
    assert report.contracts[0].coverage.checked == report.contracts[0].coverage.in_scope
    project.config("check_unreachable_files = false\n")
    report = project.check()
    assert report.violations == []
    assert report.contracts[0].coverage.skipped == {"unreachable": 2}
    assert sorted(d.path for d in report.diagnostics if d.kind == "unchecked-file") == [
        "pkg/my-scripts/run.py",
        "pkg/tests/unit/test_manager.py",
    ]


def test_ignored_imports_do_not_leak_into_other_contracts(project: Project) -> None:
    project.write("pkg/app/two.py", "from pkg.core.impl import Impl\n")
    project.config(
        "ignore_imports =\n    pkg.app.two -> pkg.core.impl\n",
        extra="""\
        [importlinter:contract:protected]
        name = Protected
        type = protected
        protected_modules =
            pkg.core.impl
        allowed_importers =
            pkg.core.api
        """,
    )
    report = project.check()
    assert [(c.id, c.kept) for c in report.contracts] == [("ssot", True), ("protected", False)]
    assert findings(report) == [("pkg/app/two.py", 1, "protected-import", None)]


MIXED_IMPORTS = """\
    import os
    from pkg.app import helpers
    from pkg.core.impl import Impl
    import pkg.core.impl as impl_module
    from pkg.core import impl
    from pkg.app.other import Thing as Manager
    from pkg.app.other import Thing
    from pkg.app.compat import Impl as Legacy; import json
    try: from pkg.core.impl import Mode
    except ImportError: pass
    impl_module.Impl()
    impl.Mode()
    """


def test_a_file_outside_the_graph_reads_only_the_statements_that_concern_it(
    project: Project,
) -> None:
    """Statements that spell no target module, no bare relative source and no ``as`` are
    not parsed; the findings are those of the same file read through the graph."""
    project.write("pkg/app/helpers.py", "")
    project.write("pkg/app/other.py", "class Thing:\n    pass\n")
    project.write("pkg/app/compat.py", "from pkg.core.impl import Impl\n")
    project.write("pkg/tests/unit/test_mixed.py", MIXED_IMPORTS)
    project.write("pkg/app/mixed.py", MIXED_IMPORTS)
    project.config()
    found = findings(project.check())
    expected = [
        (3, "implementation-import", "Impl"),
        (4, "implementation-module-import", "pkg.core.impl"),
        (5, "implementation-module-import", "pkg.core.impl"),
        (6, "name-rebound", "Thing"),
        (8, "shim-import", "Impl"),
        (9, "implementation-import", "Mode"),
    ]
    assert [f[1:] for f in found if f[0] == "pkg/tests/unit/test_mixed.py"] == expected
    assert [f[1:] for f in found if f[0] == "pkg/app/mixed.py"] == expected
