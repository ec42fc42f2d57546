"""A helper only the implementation defines: `fix` makes the canonical module export it, then
moves its importers (and the strings naming it) there; where that cannot be done safely, the
finding says why. The bytes added to the canonical module are asserted exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import Project
from ssot_imports.domain.facade_exports import add_exports

API_AFTER = """\
from pkg.core.impl import Impl as _Impl
from pkg.core.impl import Mode
from pkg.core.impl import helper

Manager = _Impl
Impl = _Impl
Alias = Manager

__all__ = ["Manager", "Impl", "Alias", "Mode", "helper"]
"""


def test_fix_exports_the_helper_and_moves_every_importer(project: Project) -> None:
    consumer = project.write(
        "pkg/app/consumer.py",
        "from pkg.core.impl import Impl as Manager, helper\n\nx = (Manager, helper())\n",
    )
    patcher = project.write(
        "pkg/app/test_consumer.py",
        'from unittest import mock\n\nP = mock.patch("pkg.core.impl.helper")\n',
    )
    report = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    assert [(v["path"], v["line"], v["code"], v["fix_safety"]) for v in report["violations"]] == [
        ("pkg/app/consumer.py", 1, "SSOT001", "safe"),
        ("pkg/app/consumer.py", 1, "SSOT001", "safe"),
        ("pkg/app/test_consumer.py", 3, "SSOT007", "safe"),
    ]
    assert report["violations"][1]["edit"]["export"] == {
        "module": "pkg.core.api",
        "path": "pkg/core/api.py",
        "source": "pkg.core.impl",
        "name": "helper",
        "implementation": "pkg.core.impl",
    }
    result = project.cli("fix", "--no-cache")
    assert (result.code, result.out) == (
        0,
        "fixed 3 violations in 3 files\n"
        "  pkg/core/api.py: now exports helper\n"
        "  pkg/app/consumer.py: 2 fixed\n"
        "  pkg/app/test_consumer.py: 1 fixed\n",
    )
    assert (project.root / "pkg/core/api.py").read_text() == API_AFTER
    assert consumer.read_text() == (
        "from pkg.core.api import Manager, helper\n\nx = (Manager, helper())\n"
    )
    assert patcher.read_text() == (
        'from unittest import mock\n\nP = mock.patch("pkg.core.api.helper")\n'
    )
    assert project.check().violations == []
    again = project.cli("fix", "--no-cache")
    assert (again.code, again.out) == (0, "fixed 0 violations in 0 files\n")
    # Run for real: the consumer holds the implementation's own function.
    probe = (
        "import pkg.app.consumer as c, pkg.core.impl as i, pkg.core.api as a; "
        "print(c.helper is i.helper is a.helper)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=project.root, capture_output=True, text=True
    )
    assert completed.stdout.strip() == "True", completed.stderr


# Each way the canonical module cannot simply re-export the name, and the reason given.
REFUSED = {
    "a private helper": (
        {},
        "",
        "_helper",
        "`_helper` is private to `pkg.core.impl`",
    ),
    "a name the implementation imports from elsewhere": (
        {
            "pkg/core/impl.py": "from os.path import join\n\n\nclass Impl:\n    pass\n\n\nclass Mode:\n    pass\n"
        },
        "",
        "join",
        "`pkg.core.impl` does not define `join` at module level; import it from where it is "
        "defined",
    ),
    "a façade that imports the implementation only inside `try:`": (
        {
            "pkg/core/api.py": "try:\n    from pkg.core.impl import Impl as Manager, Mode\n"
            "except ImportError:\n    raise\n\n__all__ = ['Manager', 'Mode']\n"
        },
        "",
        "helper",
        "`pkg.core.api` has no unconditional module-level `from pkg.core.impl import …` that "
        "could take it too",
    ),
    "a façade that binds the name to something else": (
        {
            "pkg/core/api.py": "from pkg.core.impl import Impl as Manager, Mode\n\n\n"
            "def helper():\n    return 2\n\n\n__all__ = ['Manager', 'Mode']\n"
        },
        "",
        "helper",
        "`pkg.core.api` binds `helper` to something else",
    ),
    # (A fresh-user trial: the façade's `__getattr__` answered for a name the export then
    # shadowed, and an untouched importer of the façade got another object.)
    "a façade that makes names on demand": (
        {
            "pkg/core/api.py": "from pkg.core.impl import Impl as Manager, Mode\n\n\n"
            "def __getattr__(name):\n    raise AttributeError(name)\n"
        },
        "",
        "helper",
        "`pkg.core.api` makes names on demand (`__getattr__`): exporting `helper` too could "
        "change what its importers get",
    ),
    "an `__all__` built at run time": (
        {
            "pkg/core/api.py": "from pkg.core.impl import Impl as Manager, Mode\n\n"
            "__all__ = ['Manager']\n__all__ += ['Mode']\n"
        },
        "",
        "helper",
        "`pkg.core.api` builds `__all__` in a way only running it shows",
    ),
    "an `exports` option": (
        {},
        "exports =\n    Manager\n    Mode\n",
        "helper",
        "the contract's `exports` option lists what `pkg.core.api` exports",
    ),
    "`export_missing_names = false`": (
        {},
        "export_missing_names = false\n",
        "helper",
        "`export_missing_names` is off",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_no_export_without_a_safe_way_and_the_reason_is_given(project: Project, case: str) -> None:
    files, options, name, reason = REFUSED[case]
    project.tree(files)
    project.config(options)
    consumer = project.write("pkg/app/consumer.py", f"from pkg.core.impl import {name}\n")
    facade = (project.root / "pkg/core/api.py").read_text()
    report = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    assert [(v["path"], v["line"], v["code"], v["fix_safety"]) for v in report["violations"]] == [
        ("pkg/app/consumer.py", 1, "SSOT001", None)
    ]
    assert report["violations"][0]["unfixable_reason"] == (
        f"`pkg.core.api` does not export `{name}` ({reason})"
    )
    result = project.cli("fix", "--no-cache")
    assert result.code == 1
    assert result.out.splitlines()[0] == "fixed 0 violations in 0 files"
    assert (project.root / "pkg/core/api.py").read_text() == facade
    assert consumer.read_text() == f"from pkg.core.impl import {name}\n"


def test_a_star_importer_of_the_facade_makes_the_export_unsafe(project: Project) -> None:
    project.write("pkg/app/star.py", "from pkg.core.api import *\n")
    consumer = project.write("pkg/app/consumer.py", "from pkg.core.impl import helper\n")
    [violation] = project.check().violations
    assert violation.fix_safety == "unsafe"
    assert violation.message.endswith("(unsafe: `pkg.app.star` star-imports `pkg.core.api`)")
    safe_only = project.cli("fix", "--no-cache")
    assert safe_only.out.splitlines()[-1] == (
        "  pkg/app/consumer.py:1: SSOT001 implementation-import: an unsafe fix "
        "(implementation-import): `fix --unsafe-fixes` applies it"
    )
    assert consumer.read_text() == "from pkg.core.impl import helper\n"
    unsafe = project.cli("fix", "--no-cache", "--unsafe-fixes")
    assert unsafe.code == 0, unsafe.out
    assert consumer.read_text() == "from pkg.core.api import helper\n"
    assert (project.root / "pkg/core/api.py").read_text() == API_AFTER


def test_a_read_only_facade_holds_back_its_importers(project: Project) -> None:
    facade = project.root / "pkg/core/api.py"
    before = facade.read_text()
    os.chmod(facade, 0o444)
    consumer = project.write(
        "pkg/app/consumer.py", "from pkg.core.impl import helper\nfrom pkg.core.impl import Mode\n"
    )
    result = project.cli("fix", "--no-cache")
    assert result.code == 1
    assert result.out.splitlines() == [
        "fixed 1 violation in 1 file",
        "  skipped pkg/core/api.py: the file is read-only; it was left untouched",
        "  pkg/app/consumer.py: 1 fixed",
        "1 violation(s) left:",
        "  pkg/app/consumer.py:1: SSOT001 implementation-import: `pkg.core.api` could not be "
        "made to export it: the file is read-only; it was left untouched",
    ]
    assert facade.read_text() == before
    assert consumer.read_text() == (
        "from pkg.core.impl import helper\nfrom pkg.core.api import Mode\n"
    )


def test_diff_shows_the_facade_and_leaves_what_a_real_run_leaves(project: Project) -> None:
    project.write("pkg/app/consumer.py", "from pkg.core.impl import helper\n")
    result = project.cli("fix", "--no-cache", "--diff")
    assert result.code == 1  # a diff to apply
    assert result.err.splitlines()[0] == "would fix 1 violation in 2 files"
    assert "+from pkg.core.impl import helper\n" in result.out
    assert '+__all__ = ["Manager", "Impl", "Alias", "Mode", "helper"]\n' in result.out
    assert "+from pkg.core.api import helper\n" in result.out
    assert "left" not in result.err
    assert (project.root / "pkg/core/api.py").read_text() != API_AFTER  # nothing written


ADDED = {
    "one-line list": (
        b'from .impl import a\n__all__ = ["a"]\n',
        b'from .impl import a\nfrom .impl import x, y\n__all__ = ["a", "x", "y"]\n',
    ),
    "a list over lines, its last entry with a comment": (
        b"from .impl import a\n__all__ = [\n    'a'  # kept\n]\n",
        b"from .impl import a\nfrom .impl import x, y\n__all__ = [\n    'a',  # kept\n    'x',\n    'y',\n]\n",
    ),
    "a tuple with a trailing comma": (
        b"from .impl import (\n    a,\n)\n__all__ = ('a',)\n",
        b"from .impl import (\n    a,\n)\nfrom .impl import x, y\n__all__ = ('a', 'x', 'y',)\n",
    ),
    "an empty tuple": (
        b"from .impl import a\n__all__ = ()\n",
        b'from .impl import a\nfrom .impl import x, y\n__all__ = ("x", "y",)\n',
    ),
    "no __all__, no final newline": (
        b"from .impl import a",
        b"from .impl import a\nfrom .impl import x, y\n",
    ),
    "CRLF and a BOM": (
        b'\xef\xbb\xbf"""Doc."""\r\nfrom .impl import a\r\n__all__ = [\r\n    "a",\r\n]\r\n',
        b'\xef\xbb\xbf"""Doc."""\r\nfrom .impl import a\r\nfrom .impl import x, y\r\n__all__ = [\r\n    "a",\r\n    "x",\r\n    "y",\r\n]\r\n',
    ),
}


@pytest.mark.parametrize("case", sorted(ADDED))
def test_names_are_added_keeping_every_other_byte(case: str) -> None:
    before, after = ADDED[case]
    assert add_exports(before, ".impl", ["x", "y"]) == after
