"""A package façade's own building blocks cannot import from it: ``fix`` never puts the façade
on an import cycle, and the imports that cannot be fixed are only reported on request."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import Project, facade_project

# Shaped like sqlalchemy.orm over sqlalchemy.orm.session, and django.db.models over
# django.db.models.query: the façade is a package whose __init__ imports a helper that imports
# the implementation itself.
FACADE_TREE = {
    "pkg/__init__.py": "",
    "pkg/orm/__init__.py": """\
        from pkg.orm.helpers import make_session
        from pkg.orm.session import Session

        __all__ = ["Session", "make_session"]
        """,
    "pkg/orm/session.py": "class Session:\n    pass\n",
    "pkg/orm/helpers.py": """\
        from pkg.orm.session import Session


        def make_session():
            return Session()
        """,
    "pkg/orm/extras.py": "from pkg.orm import session\n\nS = session.Session\n",
    "pkg/app/__init__.py": "",
    "pkg/app/user.py": "from pkg.orm.session import Session\n\ns = Session()\n",
}


@pytest.fixture
def facade(tmp_path: Path) -> Project:
    return facade_project(tmp_path / "facade", FACADE_TREE, "pkg.orm", "pkg.orm.session", "orm")


def imports_cleanly(project: Project, *modules: str) -> subprocess.CompletedProcess[str]:
    code = "; ".join(f"import {module}" for module in modules)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=project.root, capture_output=True, text=True
    )


def test_fix_never_puts_the_facade_on_an_import_cycle(facade: Project) -> None:
    assert imports_cleanly(facade, "pkg.orm", "pkg.app.user", "pkg.orm.extras").returncode == 0
    check = facade.cli("check", "--no-cache", "-q")
    located = [line.strip() for line in check.out.splitlines() if ": SSOT" in line]
    # helpers.py is imported by the façade: not reported. extras.py is not: reported.
    assert located == [
        "pkg/app/user.py:1:29: SSOT001 implementation-import",
        "pkg/orm/extras.py:1:21: SSOT002 implementation-module-import",
    ]
    result = facade.cli("fix", "--no-cache")
    assert result.code == 0, result.out
    assert (facade.root / "pkg/app/user.py").read_text().startswith("from pkg.orm import Session")
    assert (facade.root / "pkg/orm/helpers.py").read_text() == textwrap.dedent(
        FACADE_TREE["pkg/orm/helpers.py"]
    )
    imported = imports_cleanly(facade, "pkg.orm", "pkg.app.user", "pkg.orm.extras")
    assert imported.returncode == 0, imported.stderr


def test_the_building_blocks_are_reported_on_request_without_a_fix(facade: Project) -> None:
    config = (facade.root / ".importlinter").read_text()
    facade.write(".importlinter", config + "report_upstream_imports = true\n")
    result = facade.cli("check", "--no-cache", "--format", "json")
    import json

    found = {
        (v["path"], v["code"]): (v["fixable"], v["unfixable_reason"])
        for v in json.loads(result.out)["violations"]
    }
    assert found[("pkg/orm/helpers.py", "SSOT001")] == (
        False,
        "`pkg.orm` imports `pkg.orm.helpers` (directly): importing the façade here would be an "
        "import cycle",
    )
    fixed = facade.cli("fix", "--no-cache")
    assert fixed.code == 1
    assert (facade.root / "pkg/orm/helpers.py").read_text() == textwrap.dedent(
        FACADE_TREE["pkg/orm/helpers.py"]
    )
    assert imports_cleanly(facade, "pkg.orm", "pkg.app.user").returncode == 0


def test_a_module_the_facade_reaches_through_the_implementation_is_upstream(
    facade: Project,
) -> None:
    facade.write(
        "pkg/orm/session.py",
        "class Session:\n    pass\n\n\nfrom pkg.app import audit  # noqa: E402\n",
    )
    facade.write("pkg/app/audit.py", "from pkg.orm.session import Session as S\n")
    result = facade.cli("check", "--no-cache", "-q")
    assert "pkg/app/audit.py" not in result.out  # fixing it would close the cycle
    assert facade.cli("fix", "--no-cache").code == 0
    assert imports_cleanly(facade, "pkg.orm", "pkg.app.user", "pkg.app.audit").returncode == 0
