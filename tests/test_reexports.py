"""The export map follows re-exports through other modules: an object the façade borrows
from a third module is reachable through an implementation that borrows it too (Django's
``from django.db.models.query import F, Q``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, facade_project, run_tool, script

# The façade takes F from expressions and Q from query_utils; the implementation takes Q from
# query_utils too, and F through aggregates, which only re-imports it. Value is the façade's
# own QuerySet helper defined elsewhere but never imported by the implementation. The
# implementation also borrows `helper`, which the façade does not export.
TREE = {
    "pkg/__init__.py": "",
    "pkg/models/__init__.py": """\
        from pkg.models.expressions import F
        from pkg.models.query import QuerySet
        from pkg.models.query_utils import Q

        __all__ = ["F", "Q", "QuerySet"]
        """,
    "pkg/models/expressions.py": "class F:\n    pass\n",
    "pkg/models/query_utils.py": "class Q:\n    pass\n\n\ndef helper():\n    pass\n",
    "pkg/models/aggregates.py": "from pkg.models.expressions import F as F\n",
    "pkg/models/query.py": """\
        from pkg.models.aggregates import F
        from pkg.models.query_utils import Q, helper as _helper


        class QuerySet:
            pass
        """,
    "pkg/app/__init__.py": "",
    "pkg/app/views.py": """\
        from pkg.models.query import F, Q, QuerySet


        def run():
            return QuerySet(), F(), Q()
        """,
    "pkg/app/tools.py": """\
        from pkg.models.query import _helper
        from pkg.models import query


        def run():
            return _helper(), query.Q()
        """,
}


@pytest.fixture
def models(tmp_path: Path) -> Project:
    return facade_project(tmp_path / "models", TREE, "pkg.models", "pkg.models.query", "models")


def located(project: Project) -> list[str]:
    check = project.cli("check", "--no-cache", "--format", "json")
    report = json.loads(check.out)
    return sorted(
        f"{v['path']}:{v['line']} {v['code']} {v['symbol']} fix={v['fixable']}"
        for v in report["violations"]
    )


def test_borrowed_objects_the_implementation_reexports_are_canonical(models: Project) -> None:
    assert located(models) == [
        "pkg/app/tools.py:1 SSOT001 _helper fix=False",
        "pkg/app/tools.py:2 SSOT002 pkg.models.query fix=True",
        "pkg/app/views.py:1 SSOT001 F fix=True",
        "pkg/app/views.py:1 SSOT001 Q fix=True",
        "pkg/app/views.py:1 SSOT001 QuerySet fix=True",
    ]


def test_fix_takes_borrowed_objects_from_the_facade(models: Project) -> None:
    result = models.cli("fix", "--no-cache")
    assert result.code == 1, result.out + result.err  # `_helper` is left: not exported
    views = (models.root / "pkg/app/views.py").read_text()
    assert views.startswith("from pkg.models import F, Q, QuerySet\n")
    tools = (models.root / "pkg/app/tools.py").read_text()
    # The module import becomes the façade's: `query.Q` is the same object through it.
    assert tools.splitlines()[:2] == [
        "from pkg.models.query import _helper",
        "from pkg import models as query",
    ]
    assert located(models) == ["pkg/app/tools.py:1 SSOT001 _helper fix=False"]
    code = "import pkg.app.views, pkg.app.tools; pkg.app.views.run(); pkg.app.tools.run()"
    run = subprocess.run([sys.executable, "-c", code], cwd=models.root, capture_output=True)
    assert run.returncode == 0, run.stderr


def test_a_facade_made_of_star_imports(tmp_path: Path) -> None:
    """``from .session import *`` binds the implementation's ``__all__``; an ``__all__``
    built from other lists (Django's ``aggregates_all + …``) is not known, so every public
    name counts."""
    tree = {
        "pkg/__init__.py": "",
        "pkg/orm/__init__.py": (
            "from pkg.orm.session import *  # noqa: F403\n"
            "from pkg.orm import aggregates\n"
            "from pkg.orm.aggregates import *  # noqa: F403\n\n"
            '__all__ = aggregates.__all__ + ["Session", "close_all_sessions"]\n'
        ),
        "pkg/orm/session.py": (
            '__all__ = ["Session", "close_all_sessions"]\n\n\nclass Session:\n    pass\n\n\n'
            "def close_all_sessions():\n    return 0\n"
        ),
        "pkg/orm/aggregates.py": '__all__ = ["Sum"]\n\n\nclass Sum:\n    pass\n',
        "pkg/app/__init__.py": "",
        "pkg/app/user.py": "from pkg.orm.session import Session, close_all_sessions\n",
    }
    project = facade_project(tmp_path / "star", tree, "pkg.orm", "pkg.orm.session", "orm")
    assert located(project) == [
        "pkg/app/user.py:1 SSOT001 Session fix=True",
        "pkg/app/user.py:1 SSOT001 close_all_sessions fix=True",
    ]
    project.cli("fix", "--no-cache")
    assert (project.root / "pkg/app/user.py").read_text() == (
        "from pkg.orm import Session, close_all_sessions\n"
    )


def test_a_shim_read_through_its_whole_name_is_named_so(project: Project) -> None:
    """`import pkg.app.legacy` then `pkg.app.legacy.Eng`: the message named `pkg.Eng` (the
    name the import binds, not the expression read; a fresh-user trial)."""
    project.write("pkg/app/legacy.py", "from pkg.core.api import Manager as Eng\n")
    project.write("pkg/app/user.py", "import pkg.app.legacy\n\nx = pkg.app.legacy.Eng\n")
    [found] = [v for v in project.check().violations if v.path == "pkg/app/user.py"]
    assert found.message.startswith(
        "`pkg.app.legacy.Eng` takes `Eng` through re-export shim `pkg.app.legacy`"
    )


def test_a_shim_that_binds_an_object_read_from_a_module_is_found(project: Project) -> None:
    """``from pkg.core import api`` then ``Manager = api.Manager`` re-exports the object as
    surely as an import does (so do ``pkg.core.api.Manager`` after ``import pkg.core.api``,
    and an implementation module's attribute): its importers take it through a shim. A
    function's local binding and a call bind nothing (a helper's trial found the shim
    missed)."""
    project.write("pkg/app/compat.py", "from pkg.core import api\n\nManager = api.Manager\n")
    project.write(
        "pkg/app/spelled.py", "import pkg.core.api\n\nOld = pkg.core . api.Mode  # kept\n"
    )
    project.write("pkg/app/impl_alias.py", "from pkg.core import impl\n\nHelper = impl.Impl\n")
    project.write(
        "pkg/app/plain.py",
        "from pkg.core import api\n\n\ndef make():\n    Manager = api.Manager\n"
        "    return Manager\n\n\nobj = api.Manager()\n",
    )
    project.write(
        "pkg/app/user.py",
        "from pkg.app.compat import Manager\nfrom pkg.app.spelled import Old\n"
        "from pkg.app.impl_alias import Helper\nfrom pkg.app.plain import make, obj\n",
    )
    assert [line for line in located(project) if "pkg/app/" in line] == [
        "pkg/app/impl_alias.py:1 SSOT002 pkg.core.impl fix=True",
        "pkg/app/user.py:1 SSOT003 Manager fix=True",
        "pkg/app/user.py:2 SSOT003 Old fix=True",
        "pkg/app/user.py:3 SSOT003 Helper fix=True",
    ]


@pytest.mark.parametrize(
    "compat",
    [
        "try:\n    from pkg.core import api\nexcept ImportError:\n    api = None\n",
        "from pkg.core import api\n\n\nclass api:  # noqa: F811\n    Manager = None\n",
        "import types\n\nfrom pkg.core import api\n\napi = types.SimpleNamespace(Manager=1)\n",
        "from pkg.core import api\nfrom pkg.app import fallback as api  # noqa: F811\n",
    ],
)
def test_a_module_name_bound_otherwise_too_makes_no_shim(project: Project, compat: str) -> None:
    """``Manager = api.Manager`` reads the canonical module only if ``api`` is that module
    where it is read: a name bound conditionally, or otherwise too (a class, an assignment,
    another import), may be another object, and an importer's fix would change what it gets
    (a helper's trial)."""
    project.write("pkg/app/fallback.py", "class Manager:\n    pass\n")
    project.write("pkg/app/compat.py", compat + "\nManager = api.Manager\n")
    project.write("pkg/app/user.py", "from pkg.app.compat import Manager\n")
    assert [line for line in located(project) if "pkg/app/" in line] == []


# Modules that import the canonical `Manager` and then bind the name again by another import.
REBOUND = {
    # a later import of the same name from elsewhere (one line, parenthesised, renamed to it)
    "pkg/app/later.py": "from pkg.core.api import Manager\nfrom pkg.app.fallback import Manager\n",
    "pkg/app/listed.py": (
        "from pkg.core.api import Manager\nfrom pkg.app.fallback import (  # the old one\n"
        "    Other,\n    Manager,\n)\n"
    ),
    "pkg/app/renamed.py": (
        "from pkg.core.api import Manager\nfrom pkg.app.fallback import Other as Manager\n"
    ),
    # a later star import of a module that binds the name (itself, or by a star import)
    "pkg/app/starred.py": "from pkg.core.api import Manager\nfrom pkg.app.fallback import *\n",
    "pkg/app/starred_twice.py": "from pkg.core.api import Manager\nfrom pkg.app.relay import *\n",
    # ... and forms a helper's trial found missed: after `;`, continued by a backslash, a
    # module-level loop or assignment expression
    "pkg/app/semicolon.py": "from pkg.core.api import Manager\nimport os; from pkg.app.fallback import Manager\n",
    "pkg/app/assigned_first.py": (
        "from pkg.core.api import Manager\nx = 1; from pkg.app.fallback import Other as Manager\n"
    ),
    "pkg/app/backslash.py": "from pkg.core.api import Manager\nfrom pkg.app.fallback import \\\n    Manager\n",
    "pkg/app/looped.py": "from pkg.core.api import Manager\n\nfor Manager in (1,):\n    pass\n",
    "pkg/app/walrus.py": "from pkg.core.api import Manager\n\nprint(Manager := 1)\n",
    # ... and more a second trial found: tuple targets, a loop's tuple, `with … as`, `:=` in
    # a module-level comprehension (which binds in the module)
    "pkg/app/unpacked.py": "from pkg.core.api import Manager\n\nManager, other = 1, 2\n",
    "pkg/app/looped_pair.py": (
        "from pkg.core.api import Manager\n\nfor Manager, other in [(1, 2)]:\n    pass\n"
    ),
    "pkg/app/opened.py": (
        "from pkg.core.api import Manager\n\nwith open(__file__) as Manager:\n    pass\n"
    ),
    "pkg/app/extended_all.py": "from pkg.core.api import Manager\nfrom pkg.app.grown import *\n",
    "pkg/app/comprehended.py": (
        "from pkg.core.api import Manager\n\n_ = [Manager := 1 for _ in [0]]\n"
    ),
    # ... and on the import's own line, after a `;`
    "pkg/app/same_line.py": "from pkg.core.api import Manager; from pkg.app.fallback import Manager\n",
    "pkg/app/same_line_assigned.py": "import os; from pkg.core.api import Manager; Manager = None\n",
    # (the line's import takes no canonical name: known by its module, not by its place)
    "pkg/app/same_line_by_module.py": (
        "from pkg.core.api import Manager\n"
        "from pkg.core.api import __all__; from pkg.app.fallback import Manager\n"
    ),
}
# Modules that stay shims: the other import comes first, is a fallback, or its star import's
# module does not bind the name; a parenthesised import of the canonical names themselves.
STILL_SHIMS = {
    "pkg/app/first.py": "from pkg.app.fallback import Manager\nfrom pkg.core.api import Manager\n",
    "pkg/app/fallen.py": (
        "from pkg.core.api import Manager\n\ntry:\n    import yaml\nexcept ImportError:\n"
        "    from pkg.app.fallback import Manager\n"
    ),
    "pkg/app/helpers.py": "from pkg.core.api import Manager\nfrom pkg.app.tools import *\n",
    "pkg/app/all_listed.py": "from pkg.core.api import Manager\nfrom pkg.app.exports import *\n",
    "pkg/app/grouped.py": "from pkg.core.api import (\n    Manager,\n    Mode,\n)\n",
    "pkg/app/same_line_last.py": "from pkg.app.fallback import Manager; from pkg.core.api import Manager\n",
    "pkg/app/same_line_other.py": "from pkg.core.api import Manager; from pkg.core.api import Mode; x = 1\n",
}


def test_a_name_an_import_binds_again_makes_no_shim(project: Project) -> None:
    """A module whose canonical name a later import binds to another object (one line, a
    parenthesised list, ``as``, a star import of a module that binds it) gives its
    importers that other object: taking the name from it is no shim import, and its fix
    would change what they get (a helper's trial). A fallback import, an earlier one, or a
    star import of a module that never spells the name leaves the shim in place."""
    project.write("pkg/app/fallback.py", "class Manager:\n    pass\n\n\nclass Other:\n    pass\n")
    project.write("pkg/app/tools.py", "def helper():\n    return 1\n")
    project.write("pkg/app/relay.py", "from pkg.app.fallback import *\n")
    # (lists `Manager` in an `__all__` it extends: a star import takes it)
    project.write(
        "pkg/app/grown.py",
        '__all__ = []\n__all__ += ["Manager"]\n\n\nclass Manager:\n    pass\n',
    )
    # (binds `Manager`, but a star import takes only what `__all__` lists)
    project.write("pkg/app/exports.py", '__all__ = ["Other"]\n\n\nclass Manager:\n    pass\n')
    project.tree({**REBOUND, **STILL_SHIMS})
    modules = [path[:-3].replace("/", ".") for path in [*REBOUND, *STILL_SHIMS]]
    project.write(
        "pkg/app/user.py",
        "".join(f"from {module} import Manager as M{n}\n" for n, module in enumerate(modules)),
    )
    assert [line for line in located(project) if "pkg/app/user" in line] == [
        f"pkg/app/user.py:{n} SSOT003 Manager fix=True"
        for n in range(len(REBOUND) + 1, len(modules) + 1)
    ]


def test_a_shim_in_a_folder_without_init_is_found(project: Project) -> None:
    """A test helper in a folder without ``__init__.py`` (outside grimp's graph) that
    re-exports the canonical object is a shim as surely as a module of the graph: the files
    that import through it (directly, relatively, through a chain of such helpers, or
    through one that takes it from a graph shim, or binds it as ``X = api.Manager``) are
    found and fixed (they were missed)."""
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    project.tree(
        {
            "pkg/tests/helpers/ws.py": "from pkg.core.api import Manager\n",
            "pkg/tests/helpers/chained.py": "from .ws import Manager as Old\n",
            "pkg/tests/helpers/borrowed.py": "from pkg.app.compat import Manager\n",
            "pkg/tests/helpers/unused.py": "from pkg.core.api import Manager\n\n\nManager()\n",
            "pkg/tests/helpers/attr.py": "from pkg.core import api\n\nX = api.Manager\n",
            "pkg/tests/unit/test_ws.py": (
                "from pkg.tests.helpers.ws import Manager\n"
                "from pkg.tests.helpers.chained import Old\n"
                "from pkg.tests.helpers.borrowed import Manager as Borrowed\n"
                "from pkg.tests.helpers.attr import X\n\n\n"
                "def test_it():\n    assert Manager is Old is Borrowed is X\n"
            ),
        }
    )
    assert [line for line in located(project) if "pkg/tests" in line] == [
        "pkg/tests/helpers/borrowed.py:1 SSOT003 Manager fix=True",
        "pkg/tests/helpers/chained.py:1 SSOT003 Manager fix=True",
        "pkg/tests/unit/test_ws.py:1 SSOT003 Manager fix=True",
        "pkg/tests/unit/test_ws.py:2 SSOT003 Old fix=True",
        "pkg/tests/unit/test_ws.py:3 SSOT003 Manager fix=True",
        "pkg/tests/unit/test_ws.py:4 SSOT003 X fix=True",
    ]
    project.cli("fix", "--no-cache")
    assert (project.root / "pkg/tests/unit/test_ws.py").read_text() == (
        "from pkg.core.api import Manager\n\n\ndef test_it():\n"
        "    assert Manager is Manager is Manager is Manager\n"
    )
    # `Old` was read from the helper by the test when the fix planned it: a second fix
    # renames it (as for any module's name another file imports).
    assert [line for line in located(project) if "pkg/tests" in line] == [
        "pkg/tests/helpers/chained.py:1 SSOT005 Manager fix=True"
    ]
    project.cli("fix", "--no-cache")
    assert [line for line in located(project) if "pkg/tests" in line] == []


def test_a_chained_or_parenthesised_assignment_makes_a_shim(project: Project) -> None:
    """``WebSocketManager = LegacyManager = _M`` binds the object under both names, and
    ``Wrapped = (_M)`` (or ``api.Manager``) under its one: each is a shim's name (they
    were missed; the first target of a chain was even taken for another object)."""
    project.write(
        "pkg/app/chain.py",
        "from pkg.core.api import Manager as _M\n\nWebSocketManager = LegacyManager = _M\n"
        "Wrapped = (_M)\n",
    )
    project.write(
        "pkg/app/via_api.py",
        "from pkg.core import api\n\nOld = New = api.Manager  # two names\nPar = ( api.Manager )\n",
    )
    # ... beside other statements or paired in a tuple (a second trial found them missed)
    project.write(
        "pkg/app/beside.py",
        "from pkg.core import api\n\nS = api.Manager; T = 1\nT = 1; U = api.Manager\n"
        "V, W = api.Manager, api.Mode\n",
    )
    # ... and over lines, as black writes a long value (a helper's trial found them missed)
    project.write(
        "pkg/app/long.py",
        "from pkg.core import api\nfrom pkg.core.api import Manager\n\nLong = (\n    api.Manager\n)\n"
        "A = B = (\n    Manager\n)\nC = \\\n    Manager\n",
    )
    project.write(
        "pkg/app/user.py",
        "from pkg.app.chain import LegacyManager, WebSocketManager, Wrapped\n"
        "from pkg.app.via_api import New, Old, Par\n"
        "from pkg.app.long import A, B, C, Long\n"
        "from pkg.app.beside import S, U, V\n",
    )
    assert [line for line in located(project) if "pkg/app/user" in line] == [
        f"pkg/app/user.py:{line} SSOT003 {name} fix=True"
        for line, name in [
            (1, "LegacyManager"),
            (1, "WebSocketManager"),
            (1, "Wrapped"),
            (2, "New"),
            (2, "Old"),
            (2, "Par"),
            (3, "A"),
            (3, "B"),
            (3, "C"),
            (3, "Long"),
            (4, "S"),
            (4, "U"),
            (4, "V"),
        ]
    ]


def test_shims_with_crlf_line_endings_are_read_as_with_lf(project: Project) -> None:
    """Windows line endings: a later parenthesised or star import rebinding the name was
    missed (a false shim: its importers' fixes changed what they got), and `X = api.Manager`
    was not taken for a shim's binding (a helper's trial)."""
    project.write("pkg/app/fallback.py", "class Manager:\n    pass\n")
    project.write_bytes(
        "pkg/app/rebound.py",
        b"from pkg.core.api import Manager\r\nfrom pkg.app.fallback import (\r\n"
        b"    Manager,\r\n)\r\n",
    )
    project.write_bytes(
        "pkg/app/starred.py",
        b"from pkg.core.api import Manager\r\nfrom pkg.app.fallback import *\r\n",
    )
    project.write_bytes(
        "pkg/app/via_api.py",
        b"from pkg.core import api\r\n\r\nX = api.Manager\r\nY = (api.Manager)\r\n",
    )
    project.write(
        "pkg/app/user.py",
        "from pkg.app.rebound import Manager\nfrom pkg.app.starred import Manager as S\n"
        "from pkg.app.via_api import X, Y\n",
    )
    assert [line for line in located(project) if "pkg/app/user" in line] == [
        "pkg/app/user.py:3 SSOT003 X fix=True",
        "pkg/app/user.py:3 SSOT003 Y fix=True",
    ]


def test_a_relative_import_in_a_folder_without_init_prints_no_panic(project: Project) -> None:
    """A helper outside the graph whose relative import climbs above its folder (valid for
    Python: ``pkg.tests.x.h``): vouching that its fixable file parses put it to grimp's
    scanner as a package of its own, which panicked, and Rust printed the panic with its
    stack on standard error (a helper's trial). The report was right; now nothing is said."""
    project.write("pkg/tests/x/h.py", "from ...core.api import Manager as M\n")
    result = run_tool([script("ssot-imports"), "check", "--no-cache"], cwd=project.root)
    assert (result.code, result.err) == (1, "")
    assert "pkg/tests/x/h.py:1:25: SSOT005 renamed-import" in result.out


def test_a_module_of_the_graph_importing_a_helper_shim_is_found(project: Project) -> None:
    """A test module of the graph (its folders have ``__init__.py``) importing through a
    helper the graph cannot see: grimp has no edge to the helper, so the import was missed;
    it is read from the text, and only it (the module's imports of the graph's targets stay
    the graph's: no finding twice)."""
    project.tree(
        {
            "pkg/tests/__init__.py": "",
            "pkg/tests/e2e/__init__.py": "",
            "pkg/tests/helpers/ws.py": "from pkg.core.api import Manager\n",
            "pkg/tests/e2e/test_x.py": (
                "from pkg.tests.helpers.ws import Manager\nfrom pkg.tests.helpers import ws\n"
                "from pkg.core.impl import Mode\n\n\ndef test_it():\n"
                "    assert Manager is ws.Manager and Mode\n"
            ),
            # (spellings the prefilter's record of the module paths once missed: a backslash
            # after `from`; a comment whose `import (` ran over the statement below it)
            "pkg/tests/e2e/test_y.py": "from \\\n    pkg.tests.helpers.ws import Manager\n",
            "pkg/tests/e2e/test_z.py": (
                "# see: import (grouped\nimport pkg.tests.helpers.ws as h\n\nh.Manager()\n"
            ),
        }
    )
    assert [line for line in located(project) if "pkg/tests" in line] == [
        "pkg/tests/e2e/test_x.py:1 SSOT003 Manager fix=True",
        "pkg/tests/e2e/test_x.py:2 SSOT003 Manager fix=True",
        "pkg/tests/e2e/test_x.py:3 SSOT001 Mode fix=True",
        "pkg/tests/e2e/test_y.py:2 SSOT003 Manager fix=True",
        "pkg/tests/e2e/test_z.py:2 SSOT003 Manager fix=True",
    ]
    project.cli("fix", "--no-cache")
    assert (project.root / "pkg/tests/e2e/test_x.py").read_text() == (
        "from pkg.core.api import Manager, Mode\n\n\ndef test_it():\n"
        "    assert Manager is Manager and Mode\n"
    )
