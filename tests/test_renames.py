"""``fix`` renames the uses of a local name and drops the ``as``, only where that is provably
safe; otherwise the ``as`` stays and the finding left says why. ruff (F821 undefined name,
F811 redefinition, F401 unused import) is the oracle that nothing broke."""

from __future__ import annotations

import json
import textwrap
from collections import Counter

import pytest
from conftest import Project, run_tool, script


def ruff_oracle(project: Project) -> list[str]:
    result = run_tool(
        [
            script("ruff"), "check", "--isolated", "--no-cache", "--select", "F821,F811,F401",
            "--output-format", "json", "--exit-zero", ".",
        ],
        cwd=project.root,
    )  # fmt: skip
    return [f"{f['filename']}:{f['location']['row']}: {f['code']}" for f in json.loads(result.out)]


def fix(project: Project, source: str, relative: str = "pkg/app/consumer.py", *options: str):  # type: ignore[no-untyped-def]
    """Fix one file; the ruff oracle must find nothing after the fix that it did not find
    before (a fix may remove a finding: a redundant import merged away)."""
    path = project.write(relative, source)
    before = Counter(line.rpartition(": ")[2] for line in ruff_oracle(project))
    result = project.cli("fix", "--no-cache", *options)
    after = Counter(line.rpartition(": ")[2] for line in ruff_oracle(project))
    assert after - before == Counter()
    return path.read_text(), result


SAFE = {
    "implementation import, every kind of use": (
        """\
        from pkg.core.impl import Impl


        class Service(Impl):
            kind: "Impl"
            made = Impl

            def build(self) -> "list[Impl]":
                return [Impl() for _ in range(2)]


        def factory(make=lambda: Impl()):
            def inner():
                return f"{Impl.__name__}"
            return make, inner
        """,
        """\
        from pkg.core.api import Manager


        class Service(Manager):
            kind: "Manager"
            made = Manager

            def build(self) -> "list[Manager]":
                return [Manager() for _ in range(2)]


        def factory(make=lambda: Manager()):
            def inner():
                return f"{Manager.__name__}"
            return make, inner
        """,
    ),
    "a rename the user wrote (SSOT005)": (
        "from pkg.core.api import Manager as M\n\nx = M()\n",
        "from pkg.core.api import Manager\n\nx = Manager()\n",
    ),
    "another object under a canonical name (SSOT006)": (
        "from pkg.app.fakes import Fake as Manager\n\nx = Manager()\n",
        "from pkg.app.fakes import Fake\n\nx = Fake()\n",
    ),
    "inside a function: renamed there only": (
        """\
        Impl = "a module-level name of its own"


        def build():
            from pkg.core.impl import Impl
            return Impl()
        """,
        """\
        Impl = "a module-level name of its own"


        def build():
            from pkg.core.api import Manager
            return Manager()
        """,
    ),
    "the preferred name imported already: one import stays": (
        """\
        from pkg.core.api import Manager
        from pkg.core.impl import Impl

        both = (Manager(), Impl())
        """,
        """\
        from pkg.core.api import Manager

        both = (Manager(), Manager())
        """,
    ),
    "one object under two names: merged": (
        """\
        from pkg.core.api import (
            Alias,  # the old name
            Manager as M,
        )

        pair = (Alias, M)
        """,
        """\
        from pkg.core.api import (
            Manager,  # the old name
        )

        pair = (Manager, Manager)
        """,
    ),
    "two names on one line: merged": (
        "from pkg.core.api import Manager, Alias\n\npair = (Manager, Alias)\n",
        "from pkg.core.api import Manager\n\npair = (Manager, Manager)\n",
    ),
    "no trailing comma: merged": (
        """\
        from pkg.core.api import (
            Manager,  # kept
            Alias  # dropped
        )

        pair = (Manager, Alias)
        """,
        """\
        from pkg.core.api import (
            Manager  # kept
        )

        pair = (Manager, Manager)
        """,
    ),
    "an optional import with its fallback": (
        """\
        try:
            from pkg.core.impl import Impl
        except ImportError:  # the fallback is renamed with it
            Impl = None

        x = Impl
        """,
        """\
        try:
            from pkg.core.api import Manager
        except ImportError:  # the fallback is renamed with it
            Manager = None

        x = Manager
        """,
    ),
    "a dead fallback below the preferred name's import goes whole": (
        """\
        from pkg.core.impl import Impl as Manager

        try:
            from pkg.core.impl import Impl
        except ImportError:  # never: the import above would have failed first
            Impl = None


        def make():
            return Impl(), Manager()
        """,
        """\
        from pkg.core.api import Manager

        # never: the import above would have failed first


        def make():
            return Manager(), Manager()
        """,
    ),
    "a type-checking import below the preferred name's import goes, with its if": (
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from pkg.core.api import Manager

        if TYPE_CHECKING:
            from pkg.core.impl import Impl as Handle


        def use(handle: Handle) -> Manager:
            return Manager()
        """,
        """\
        from __future__ import annotations

        from pkg.core.api import Manager


        def use(handle: Manager) -> Manager:
            return Manager()
        """,
    ),
    "the guard's import stays while another line reads it": (
        """\
        from typing import TYPE_CHECKING, Any

        from pkg.core.api import Manager

        if TYPE_CHECKING:
            from pkg.core.impl import Impl as Handle

        DEBUG = not TYPE_CHECKING


        def use(handle: "Handle") -> Any:
            return Manager()
        """,
        """\
        from typing import TYPE_CHECKING, Any

        from pkg.core.api import Manager

        DEBUG = not TYPE_CHECKING


        def use(handle: "Manager") -> Any:
            return Manager()
        """,
    ),
    "the guard's name leaves an import of several names": (
        """\
        from typing import Any, TYPE_CHECKING

        from pkg.core.api import Manager

        if TYPE_CHECKING:
            from pkg.core.impl import Impl as Handle


        def use(handle: "Handle") -> Any:
            return Manager()
        """,
        """\
        from typing import Any

        from pkg.core.api import Manager


        def use(handle: "Manager") -> Any:
            return Manager()
        """,
    ),
    "a star import below of a module that never spells the new name": (
        """\
        from pkg.core.impl import Impl
        from pkg.app.fakes import *

        x = Impl(), Fake
        """,
        """\
        from pkg.core.api import Manager
        from pkg.app.fakes import *

        x = Manager(), Fake
        """,
    ),
    "two type-checking repeats go, and their guard's import with them": (
        """\
        from typing import TYPE_CHECKING

        from pkg.core.api import Manager, Mode

        if TYPE_CHECKING:
            from pkg.core.impl import Impl as Handle

        if TYPE_CHECKING:
            from pkg.core.impl import Mode as Kind


        def use(handle: "Handle", kind: "Kind") -> Manager:
            return Manager(), Mode
        """,
        """\
        from pkg.core.api import Manager, Mode


        def use(handle: "Manager", kind: "Mode") -> Manager:
            return Manager(), Mode
        """,
    ),
    "import typing goes with the typing.TYPE_CHECKING block (a comment reads nothing)": (
        """\
        import typing

        from pkg.core.api import Manager

        # typing: only for the type checker below
        if typing.TYPE_CHECKING:
            from pkg.core.impl import Impl as Handle


        def use(handle: "Handle") -> Manager:
            return Manager()
        """,
        """\
        from pkg.core.api import Manager

        # typing: only for the type checker below


        def use(handle: "Manager") -> Manager:
            return Manager()
        """,
    ),
    "a type-checking import among others goes alone": (
        """\
        from __future__ import annotations

        import typing

        from pkg.core.api import Manager

        if typing.TYPE_CHECKING:
            from pkg.app.fakes import Fake
            from pkg.core.impl import Impl


        def use(impl: Impl, fake: Fake) -> Manager:
            return Manager()
        """,
        """\
        from __future__ import annotations

        import typing

        from pkg.core.api import Manager

        if typing.TYPE_CHECKING:
            from pkg.app.fakes import Fake


        def use(impl: Manager, fake: Fake) -> Manager:
            return Manager()
        """,
    ),
    "a dead fallback below a canonical import, with several handlers": (
        """\
        from pkg.core.api import Manager

        try:
            from pkg.core.impl import Impl
        except (ImportError, AttributeError):
            Impl = None
        except ModuleNotFoundError:
            pass

        x = Impl
        """,
        """\
        from pkg.core.api import Manager

        x = Manager
        """,
    ),
    "a function importing the same object under the new name": (
        """\
        from pkg.core.impl import Impl

        x = Impl


        def later():
            from pkg.core.api import Manager
            return Manager
        """,
        """\
        from pkg.core.api import Manager

        x = Manager


        def later():
            from pkg.core.api import Manager
            return Manager
        """,
    ),
    "the same object twice, the second moved and kept": (
        """\
        from pkg.core.impl import Impl
        from pkg.core.impl import Impl as Manager

        pair = (Impl, Manager)
        """,
        """\
        from pkg.core.api import Manager

        pair = (Manager, Manager)
        """,
    ),
    "a function importing it again: renamed alike, its import merged": (
        """\
        from pkg.core.impl import Impl


        def build():
            from pkg.core.impl import Impl
            return Impl()
        """,
        """\
        from pkg.core.api import Manager


        def build():
            return Manager()
        """,
    ),
    "a name another rename frees": (
        """\
        from pkg.app.fakes import Fake as Manager
        from pkg.core.api import Alias

        pair = (Manager, Alias)
        """,
        """\
        from pkg.app.fakes import Fake
        from pkg.core.api import Manager

        pair = (Fake, Manager)
        """,
    ),
    "a function that never reads the outer name it shadows": (
        """\
        Manager = "a local thing"


        def build():
            from pkg.core.impl import Impl
            return Impl()
        """,
        """\
        Manager = "a local thing"


        def build():
            from pkg.core.api import Manager
            return Manager()
        """,
    ),
    "a log message spelling the name is prose, not a reference": (
        'from pkg.core.impl import Impl\n\nprint("Impl started", Impl)\n',
        'from pkg.core.api import Manager\n\nprint("Impl started", Manager)\n',
    ),
    # (A string outside a function cannot spell its own name: it no longer keeps the `as`.)
    "a function's alias beside a module-level string that spells it": (
        """\
        import os

        MODE = os.environ.get("Impl")


        def build():
            from pkg.core.impl import Impl
            return Impl()
        """,
        """\
        import os

        MODE = os.environ.get("Impl")


        def build():
            from pkg.core.api import Manager
            return Manager()
        """,
    ),
    # Found by a fresh-user trial: the function's import was dropped for the module's, which
    # binds the name only for type checkers (NameError at run time); it stays now.
    "a function's import while the module imports the name only for type checkers": (
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from pkg.core.api import Manager


        def make() -> Manager:
            from pkg.core.impl import Impl
            return Impl()
        """,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from pkg.core.api import Manager


        def make() -> Manager:
            from pkg.core.api import Manager
            return Manager()
        """,
    ),
}


@pytest.mark.parametrize("case", sorted(SAFE))
def test_safe_renames(project: Project, case: str) -> None:
    project.write("pkg/app/fakes.py", "class Fake:\n    pass\n")
    before, after = (textwrap.dedent(text) for text in SAFE[case])
    text, result = fix(project, before)
    assert text == after
    assert result.code == 0, result.out
    assert ruff_oracle(project) == []  # and it found nothing before either
    again = project.cli("fix", "--no-cache")
    assert again.out.startswith("fixed 0 violations in 0 files")  # nothing left to do


# (source, the file after fix, the reason given for the name kept)
REFUSED = {
    "listed in __all__": (
        'from pkg.core.impl import Impl\n\n__all__ = ["Impl"]\n',
        'from pkg.core.api import Manager as Impl\n\n__all__ = ["Impl"]\n',
        "`Impl` is listed in `__all__` (line 3): renaming it there is an unsafe fix "
        "(`--unsafe-fixes`)",
    ),
    "patched through this module": (
        "from unittest import mock\n\nfrom pkg.core.impl import Impl\n\n"
        'PATCH = mock.patch("pkg.app.consumer.Impl")\n',
        "from unittest import mock\n\nfrom pkg.core.api import Manager as Impl\n\n"
        'PATCH = mock.patch("pkg.app.consumer.Impl")\n',
        "`Impl` is spelled in a string on line 5",
    ),
    "rebound later": (
        "from pkg.core.impl import Impl\n\nImpl = staticmethod(Impl)\n",
        "from pkg.core.api import Manager as Impl\n\nImpl = staticmethod(Impl)\n",
        "`Impl` is also bound on line 3",
    ),
    "a parameter of the same name": (
        "from pkg.core.impl import Impl\n\n\ndef f(Impl):\n    return Impl\n",
        "from pkg.core.api import Manager as Impl\n\n\ndef f(Impl):\n    return Impl\n",
        "`Impl` is also bound on line 4",
    ),
    "declared global": (
        "from pkg.core.impl import Impl\n\n\ndef f():\n    global Impl\n    Impl = None\n",
        "from pkg.core.api import Manager as Impl\n\n\ndef f():\n    global Impl\n"
        "    Impl = None\n",
        "`Impl` is also bound on line 5",
    ),
    "the preferred name used but not bound (a global of another kind)": (
        "from pkg.core.impl import Impl\n\n\ndef f():\n    return Manager, Impl\n",
        "from pkg.core.api import Manager as Impl\n\n\ndef f():\n    return Manager, Impl\n",
        "`Manager` already means something else on line 5",
    ),
    "a fallback that is not about the import failing": (
        "try:\n    from pkg.core.impl import Impl\nexcept KeyError:\n    Impl = None\n",
        "try:\n    from pkg.core.api import Manager as Impl\nexcept KeyError:\n    Impl = None\n",
        "`Impl` is also bound on line 4",
    ),
    "a fallback try that also does something else": (
        "from pkg.core.api import Manager\n\ntry:\n    from pkg.core.impl import Impl\n"
        "except ImportError:\n    Impl = None\n    print('no impl')\n\nx = Impl\n",
        "from pkg.core.api import Manager\n\ntry:\n    from pkg.core.api import Manager as Impl\n"
        "except ImportError:\n    Impl = None\n    print('no impl')\n\nx = Impl\n",
        "`Manager` is also imported in another block of this scope (the `try` on line 3 does "
        "more than this import and a fallback for it)",
    ),
    "a type-checking import above the preferred name's import": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.core.impl import Impl\n"
        "\nfrom pkg.core.api import Manager\n\nx: 'Impl' = Manager()\n",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from pkg.core.api import Manager as Impl\n"
        "\nfrom pkg.core.api import Manager\n\nx: 'Impl' = Manager()\n",
        "`Manager` is also imported in another block of this scope (the `if TYPE_CHECKING:` on "
        "line 3 comes before the module's own import of it)",
    ),
    "a type-checking import with an else": (
        "from typing import TYPE_CHECKING\n\nfrom pkg.core.api import Manager\n\n"
        "if TYPE_CHECKING:\n    from pkg.core.impl import Impl\nelse:\n    Impl = object\n",
        "from typing import TYPE_CHECKING\n\nfrom pkg.core.api import Manager\n\n"
        "if TYPE_CHECKING:\n    from pkg.core.api import Manager as Impl\nelse:\n"
        "    Impl = object\n",
        "`Impl` is also bound on line 8",
    ),
    "read where the new name is imported again": (
        "from pkg.core.impl import Impl\n\n\ndef f():\n    x = Impl\n"
        "    from pkg.core.api import Manager\n    return x, Manager\n",
        "from pkg.core.api import Manager as Impl\n\n\ndef f():\n    x = Impl\n"
        "    from pkg.core.api import Manager\n    return x, Manager\n",
        "`Impl` is read where `Manager` is imported again (line 6)",
    ),
    "shown by name in an f-string": (
        'from pkg.core.impl import Impl\n\nprint(f"{Impl.__name__=}")\n',
        'from pkg.core.api import Manager as Impl\n\nprint(f"{Impl.__name__=}")\n',
        "`Impl` is shown by name in an f-string on line 3 (`{…=}`)",
    ),
    # (A flag of the module's own, true at run time: the block is no type-checking repeat to
    # drop; a fresh-user trial saw the module lose the name.)
    "a type-checking block under a flag the module sets itself": (
        "from pkg.core.api import Manager\n\nTYPE_CHECKING = True\n\nif TYPE_CHECKING:\n"
        "    from pkg.core.impl import Impl\n\nx = Impl, Manager\n",
        "from pkg.core.api import Manager\n\nTYPE_CHECKING = True\n\nif TYPE_CHECKING:\n"
        "    from pkg.core.api import Manager as Impl\n\nx = Impl, Manager\n",
        "`Manager` is also imported in another block of this scope",
    ),
    # (A fresh-user trial: the fallback renamed with the import made the name the function's
    # own, unbound where the module's was read: UnboundLocalError.)
    "a function's import with a fallback, beside the module's import": (
        "from pkg.core.api import Manager\n\ndefault = Manager\n\n\ndef f():\n    try:\n"
        "        from pkg.core.impl import Impl\n    except ImportError:\n        Impl = None\n"
        "    return Impl\n",
        "from pkg.core.api import Manager\n\ndefault = Manager\n\n\ndef f():\n    try:\n"
        "        from pkg.core.api import Manager as Impl\n    except ImportError:\n"
        "        Impl = None\n    return Impl\n",
        "`Manager` is imported at module level too (line 1), where it may be bound again, or a "
        "fallback here would bind it: the function keeps its own name",
    ),
    "spelled in a doctest": (
        'from pkg.core.impl import Impl\n\n\ndef f():\n    """>>> Impl.__name__"""\n'
        "    return Impl\n",
        'from pkg.core.api import Manager as Impl\n\n\ndef f():\n    """>>> Impl.__name__"""\n'
        "    return Impl\n",
        "`Impl` is spelled in a doctest on line 5",
    ),
    "imported in a class body": (
        "class Box:\n    from pkg.core.impl import Impl\n",
        "class Box:\n    from pkg.core.api import Manager as Impl\n",
        "`Impl` is imported in a class body",
    ),
    "a star import below may bind the new name (a module outside the tree)": (
        "from pkg.core.impl import Impl\nfrom elsewhere import *\n\nx = Impl()\n",
        "from pkg.core.api import Manager as Impl\nfrom elsewhere import *\n\nx = Impl()\n",
        "the star import on line 2 may bind `Manager` again",
    ),
    "a star import in a block below": (
        "from pkg.core.impl import Impl\nimport sys\n\nif sys.platform:\n"
        "    from elsewhere import *\n\nx = Impl()\n",
        "from pkg.core.api import Manager as Impl\nimport sys\n\nif sys.platform:\n"
        "    from elsewhere import *\n\nx = Impl()\n",
        "the star import on line 5 may bind `Manager` again",
    ),
    "a star import on a block's header line below": (
        "from pkg.core.impl import Impl\ntry: from elsewhere import *\nexcept ImportError: pass\n"
        "x = Impl()\n",
        "from pkg.core.api import Manager as Impl\ntry: from elsewhere import *\n"
        "except ImportError: pass\nx = Impl()\n",
        "the star import on line 2 may bind `Manager` again",
    ),
    "a type-checking repeat that shares its line": (
        "from typing import TYPE_CHECKING\n\nfrom pkg.core.api import Manager\n\n"
        "if TYPE_CHECKING:\n    from pkg.core.impl import Impl; import os\n\n"
        "x: 'Impl' = Manager()\n",
        "from typing import TYPE_CHECKING\n\nfrom pkg.core.api import Manager\n\n"
        "if TYPE_CHECKING:\n    from pkg.core.api import Manager as Impl; import os\n\n"
        "x: 'Impl' = Manager()\n",
        "`Manager` is also imported in another block of this scope (the import on line 6 "
        "shares a line with another statement)",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsafe_renames_keep_the_as_and_say_why(project: Project, case: str) -> None:
    """``check`` promises what ``fix`` does: before the fix, the finding says the name is kept
    and why, and suggests the ``as``; after it, the renamed import left has no safe fix (an
    unsafe one when ``--unsafe-fixes`` would make the rename), with the same reason."""
    before, after, reason = REFUSED[case]
    project.write("pkg/app/consumer.py", before)
    [found] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert (found.code, found.fix_safety) == ("SSOT001", "safe")
    assert found.message.endswith(f"(the file calls it `Impl`: `fix` keeps that name, as {reason})")
    assert found.suggestion.endswith(" as Impl") and found.suggestion in after
    text, result = fix(project, before)
    assert text == after
    assert result.code == 1
    left = [line.strip() for line in result.out.splitlines()[2:] if line.startswith("  ")]
    assert left[-1].startswith("pkg/app/consumer.py:")
    [kept] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert kept.code == "SSOT005"
    if "--unsafe-fixes" in reason:
        assert (kept.fix_safety, kept.unfixable_reason) == ("unsafe", None)
        assert left[-1].endswith(f"SSOT005 renamed-import: `Impl` was kept: {reason}")
    else:
        assert (kept.fixable, kept.unfixable_reason) == (False, f"`fix` keeps `Impl`, as {reason}")
        assert left[-1].endswith(f"SSOT005 renamed-import: `fix` keeps `Impl`, as {reason}")


def test_the_preferred_name_bound_otherwise_keeps_the_as(project: Project) -> None:
    """A module that defines the preferred name itself (a wrapper) needs the ``as``: the
    import is fixed, the name kept, and the check accepts it (no renamed-import)."""
    source = "from pkg.core.impl import Impl\n\nManager = 'a local thing'\nx = Impl()\n"
    text, result = fix(project, source)
    assert text == source.replace(
        "pkg.core.impl import Impl", "pkg.core.api import Manager as Impl"
    )
    assert (result.code, result.out) == (
        0,
        "fixed 1 violation in 1 file\n  pkg/app/consumer.py: 1 fixed\n",
    )


def test_a_function_reading_the_outer_name_keeps_the_as(project: Project) -> None:
    """Binding the preferred name in the function would change what its read of the
    module's own ``Manager`` means: the import is fixed, the name kept."""
    source = (
        'Manager = "a local thing"\n\n\ndef f():\n    from pkg.core.impl import Impl\n'
        "    return Impl, Manager\n"
    )
    text, result = fix(project, source)
    assert text == source.replace(
        "pkg.core.impl import Impl", "pkg.core.api import Manager as Impl"
    )
    assert result.code == 0, result.out


def test_a_name_another_module_imports_is_kept(project: Project) -> None:
    project.write("pkg/app/reader.py", "from pkg.app.consumer import Impl\n")
    text, result = fix(project, "from pkg.core.api import Manager as Impl\n")
    assert text == "from pkg.core.api import Manager as Impl\n"
    assert result.code == 1
    assert result.out.splitlines()[-1] == (
        "  pkg/app/consumer.py:1: SSOT005 renamed-import: `Impl` was kept: `Impl` may be read "
        "from `pkg.app.consumer` by another file (reader.py)"
    )


@pytest.mark.parametrize(
    ("reader", "why"),
    [
        ("from pkg.app import consumer as mod\n\nsaved = mod.Impl\n", "reader.py"),
        ("import pkg.app.consumer as compat\n\nx = compat.Impl\n", "reader.py"),
        ('from pkg.app import consumer\n\nx = getattr(consumer, "Impl")\n', "reader.py"),
        (
            "from unittest import mock\n\nfrom pkg.app import consumer as c\n\n"
            'P = mock.patch.object(c, "Impl")\n',
            "reader.py",
        ),
        ("from pkg.app.consumer import *\n\nprint(Impl)\n", "reader.py"),
        ("from pkg.app.consumer import *  # noqa: F403\n\nprint(Impl)\n", "reader.py"),
        (
            'import importlib\n\nmod = importlib.import_module("pkg.app.consumer")\n'
            'x = getattr(mod, "Impl")\n',
            "reader.py",
        ),
        ('import sys\n\nx = sys.modules["pkg.app.consumer"].Impl\n', "reader.py"),
        ('from pkg.app import consumer\n\nx = vars(consumer)["Impl"]\n', "reader.py"),
        # Written in forms a helper's trial found missed: continued, a `)` in a comment, no
        # space after `from` (a relative import), after a one-line block's header.
        ("from pkg.app.consumer import \\\n    Impl\n", "reader.py"),
        ("from pkg.app.consumer import (  # see (x)\n    Impl,\n)\n", "reader.py"),
        ("from.consumer import Impl\n", "reader.py"),
        (
            "try: from pkg.app.consumer import *\nexcept ImportError: pass\nprint(Impl)\n",
            "reader.py",
        ),
        # ... and three more forms a helper's trial found missed: the module named whole in
        # `getattr`, an `import` continued by a backslash, a star import so continued.
        ('import pkg.app.consumer\n\nx = getattr(pkg.app.consumer, "Impl")\n', "reader.py"),
        ("import \\\n    pkg.app.consumer as compat\n\nx = compat.Impl\n", "reader.py"),
        ("from pkg.app.consumer \\\n    import *\n\nprint(Impl)\n", "reader.py"),
        # ... and two a second trial found: a name known when it runs, `attrgetter`.
        (
            'from pkg.app import consumer\n\nname = "Impl"\nx = getattr(consumer, name)\n',
            "reader.py",
        ),
        (
            "import operator\n\nfrom pkg.app import consumer\n\n"
            'x = operator.attrgetter("Impl")(consumer)\n',
            "reader.py",
        ),
    ],
)
def test_a_name_another_file_reads_in_any_way_is_kept(
    project: Project, reader: str, why: str
) -> None:
    """Through another name for the module, by `getattr`/`patch.object`, or after a star
    import: each broke after the rename (AttributeError, NameError; a fresh-user trial)."""
    project.write("pkg/app/reader.py", reader)
    text, result = fix(project, "from pkg.core.api import Manager as Impl\n")
    assert text == "from pkg.core.api import Manager as Impl\n"
    assert f"`Impl` may be read from `pkg.app.consumer` by another file ({why})" in result.out


def test_a_file_with_old_mac_line_endings_is_renamed_whole(project: Project) -> None:
    """Lines that end with a bare CR: the uses were not found (the lines were counted by
    LF), and the import alone was renamed: NameError (a fresh-user trial)."""
    path = project.write_bytes(
        "pkg/app/consumer.py", b"from pkg.core.impl import Impl as Eng\r\rprint(Eng)\r"
    )
    project.cli("fix", "--no-cache")
    assert path.read_bytes() == b"from pkg.core.api import Manager\r\rprint(Manager)\r"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # A name joining the import above, its own import dropped.
        (
            b"from pkg.core.api import Manager\rfrom pkg.core.impl import Impl as Manager\r"
            b"print(Manager)\r",
            b"from pkg.core.api import Manager\rprint(Manager)\r",
        ),
        # Mixed: LF lines, and one that ends with a bare CR.
        (
            b"import os\nfrom pkg.core.api import Manager\nfrom pkg.core.impl import Impl\r"
            b"print(os, Manager, Impl)\n",
            b"import os\nfrom pkg.core.api import Manager\nprint(os, Manager, Manager)\n",
        ),
    ],
)
def test_a_merge_in_a_file_with_bare_cr_line_endings_keeps_every_line(
    project: Project, before: bytes, after: bytes
) -> None:
    """libcst drops the last bare CR of what it rewrites: the next line joined the import
    (`...Managerprint(...)`, a syntax error written to disk; a fresh-user trial)."""
    path = project.write_bytes("pkg/app/consumer.py", before)
    project.cli("fix", "--no-cache")
    assert path.read_bytes() == after


def _with_mode(project: Project) -> None:
    """A second object, `Mode`, that the façade exports under its own name."""
    project.write("pkg/core/impl.py", "class Impl:\n    pass\n\n\nclass Mode:\n    pass\n")
    project.write(
        "pkg/core/api.py",
        "from pkg.core.impl import Impl as Manager\nfrom pkg.core.impl import Mode\n",
    )


def test_a_name_never_joins_an_earlier_import_across_code_that_runs(project: Project) -> None:
    """A call between two imports may look the name up (`globals()`, a function reading it):
    joining would bind it before the call (a fresh-user trial)."""
    _with_mode(project)
    before = (
        "from pkg.core.api import Manager\n\n\ndef show():\n    print(sorted(globals()))\n\n\n"
        "show()\nfrom pkg.core.impl import Mode  # noqa: E402\n\nprint(Manager, Mode)\n"
    )
    text, _ = fix(project, before)
    assert text == before.replace("pkg.core.impl import Mode", "pkg.core.api import Mode")


@pytest.mark.parametrize(
    "elsewhere",
    [
        "\n\ndef install():\n    global Manager\n    Manager = None\n",
        "\nfrom os.path import *  # noqa: F403\n",
    ],
)
def test_a_functions_import_stays_when_the_module_name_may_be_rebound(
    project: Project, elsewhere: str
) -> None:
    """The function's import is dropped for the module's only when nothing can rebind the
    module's name: a `global` in another function, a star import (a fresh-user trial)."""
    before = (
        "from pkg.core.api import Manager\n\nx = Manager\n\n\ndef f():\n"
        "    from pkg.core.impl import Impl\n    return Impl\n" + elsewhere
    )
    text, _ = fix(project, before)
    assert "    from pkg.core.api import Manager as Impl\n    return Impl\n" in text


def test_a_name_read_through_a_star_import_of_the_module_elsewhere_is_kept(
    project: Project,
) -> None:
    """`from .consumer import *` in the package's __init__ puts every name of the module in
    the package, for any reader of that (a fresh-user trial)."""
    project.write("pkg/app/__init__.py", "from .consumer import *  # noqa: F403\n")
    text, result = fix(project, "from pkg.core.api import Manager as Impl\n")
    assert text == "from pkg.core.api import Manager as Impl\n"
    assert "`Impl` may be read from `pkg.app.consumer` by another file (__init__.py)" in result.out


def test_a_name_never_joins_an_earlier_import_across_a_rebinding(project: Project) -> None:
    """A name moving to the canonical module joined its earlier import in the block, which
    binds it earlier: across `Name = ...` (or a star import) in between, the later binding
    won (a fresh-user trial). It is then rewritten where it is."""
    _with_mode(project)
    crossing = (
        "from pkg.core.api import Manager\n\nMode = 'local'\n"
        "from pkg.core.impl import Mode  # noqa: E402\n\nprint(Manager, Mode)\n"
    )
    text, _ = fix(project, crossing)
    assert text == crossing.replace(
        "from pkg.core.impl import Mode", "from pkg.core.api import Mode"
    )
    plain = "from pkg.core.api import Manager\nimport os\nfrom pkg.core.impl import Mode\n\nprint(os, Mode)\n"
    text, _ = fix(project, plain, "pkg/app/plain.py")
    assert text == "from pkg.core.api import Manager, Mode\nimport os\n\nprint(os, Mode)\n"


def test_a_name_another_file_patches_is_kept(project: Project) -> None:
    project.write(
        "pkg/app/test_consumer.py",
        'from unittest import mock\n\nP = mock.patch("pkg.app.consumer.Impl")\n',
    )
    text, result = fix(project, "from pkg.core.api import Manager as Impl\n")
    assert text == "from pkg.core.api import Manager as Impl\n"
    assert "by another file (test_consumer.py)" in result.out


def test_renamed_uses_show_in_the_diff(project: Project) -> None:
    project.write("pkg/app/consumer.py", "from pkg.core.impl import Impl\n\nx = Impl()\n")
    result = project.cli("fix", "--no-cache", "--diff")
    assert result.code == 1
    assert result.out.splitlines()[2:] == [
        "@@ -1,3 +1,3 @@",
        "-from pkg.core.impl import Impl",
        "+from pkg.core.api import Manager",
        " ",
        "-x = Impl()",
        "+x = Manager()",
    ]


# Reads through a module bound by an import, and star imports.
SHIM = {
    "pkg/core/manager.py": "from pkg.core.api import Manager\n\n\ndef helper():\n    return 1\n",
    "pkg/core/starred.py": 'from pkg.core.api import Manager, Mode\n\n__all__ = ["Manager", "Mode"]\n',
    "pkg/core/loose.py": "from pkg.core.api import Manager\n\nEXTRA = 1\n",
}


@pytest.mark.parametrize(
    ("source", "after", "code"),
    [
        (  # every read is of a canonical object: the module import goes
            "import pkg.core.manager as compat\n\n\ndef build():\n    return compat.Manager()\n",
            "from pkg.core.api import Manager\n\n\ndef build():\n    return Manager()\n",
            0,
        ),
        (  # another read keeps the module import; the name is imported after it
            "import pkg.core.manager as compat\n\nx = (compat.Manager, compat.helper)\n",
            "import pkg.core.manager as compat\nfrom pkg.core.api import Manager\n\n"
            "x = (Manager, compat.helper)\n",
            0,
        ),
        (  # the preferred name imported already: only the reads change
            "from pkg.core.api import Manager\nfrom pkg.core import manager\n\n"
            "x = (Manager, manager.Manager)\n",
            "from pkg.core.api import Manager\n\nx = (Manager, Manager)\n",
            0,
        ),
        (  # a star import of a literal __all__ of canonical objects: the same names (its
            # `noqa: F403`, about the star, goes with it)
            "from pkg.core.starred import *  # noqa: F403\n\nx = (Manager, Mode)\n",
            "from pkg.core.api import Manager, Mode\n\nx = (Manager, Mode)\n",
            0,
        ),
        (  # other codes of that noqa stay
            "from pkg.core.starred import *  # noqa: F403, E501\n\nx = (Manager, Mode)\n",
            "from pkg.core.api import Manager, Mode  # noqa: E501\n\nx = (Manager, Mode)\n",
            0,
        ),
        (  # a star import of a module without __all__ binds unknown names: kept
            "from pkg.core.loose import *  # noqa: F403\n\nx = (Manager, EXTRA)\n",
            "from pkg.core.loose import *  # noqa: F403\n\nx = (Manager, EXTRA)\n",
            1,
        ),
    ],
)
def test_module_reads_and_star_imports(
    project: Project, source: str, after: str, code: int
) -> None:
    project.tree(SHIM)
    text, result = fix(project, source)
    assert text == after
    assert result.code == code, result.out


def test_a_module_read_from_a_string_is_kept(project: Project) -> None:
    project.tree(SHIM)
    source = 'import pkg.core.manager as compat\n\nx = compat.Manager\nNAME = "compat.Manager"\n'
    text, result = fix(project, source)
    assert text == source
    assert result.out.splitlines()[-1] == (
        "  pkg/app/consumer.py:1: SSOT003 shim-import: `fix` keeps `compat.Manager`, as `compat` "
        "is spelled in a string on line 4"
    )


def test_a_function_import_merges_into_the_modules(project: Project) -> None:
    """The module imports the object under the preferred name above the function: the
    function's own import goes and its uses read the module's (no shadowing, no F811)."""
    source = textwrap.dedent(
        """\
        from pkg.core.api import Manager as M


        def build():
            from pkg.core.impl import Impl
            return Impl()
        """
    )
    text, result = fix(project, source)
    assert text == textwrap.dedent(
        """\
        from pkg.core.api import Manager


        def build():
            return Manager()
        """
    )
    assert result.code == 0, result.out


def test_a_module_loaded_by_name_and_used_as_such_is_kept(project: Project) -> None:
    source = (
        'import importlib\n\nmodule = importlib.import_module("pkg.core.impl")\n'
        "assert module is not None\n"
    )
    text, result = fix(project, source, "pkg/app/consumer.py", "--unsafe-fixes")
    assert text == source
    assert result.out.splitlines()[-1] == (
        "  pkg/app/consumer.py:3: SSOT007 string-reference: the loaded module `module` "
        "is used as a module (line 4)"
    )
    # The check says so already: no fix offered that `fix` would refuse.
    (violation,) = project.check().violations
    assert (violation.fixable, violation.fix_safety) == (False, None)
    assert violation.unfixable_reason == "the loaded module `module` is used as a module (line 4)"
    helper = 'import importlib\n\nm = importlib.import_module("pkg.core.impl")\nm.helper()\n'
    text, result = fix(project, helper, "pkg/app/consumer.py", "--unsafe-fixes")
    assert text == helper
    assert "`m.helper` (line 4) is not the same object in the canonical module" in result.out


UNSAFE = {
    "a module loaded by name, used for canonical objects only": (
        """\
        import importlib

        module = importlib.import_module("pkg.core.impl")
        found = (module.Impl, getattr(module, "Mode"), hasattr(module, "Impl"))
        """,
        """\
        import importlib

        module = importlib.import_module("pkg.core.api")
        found = (module.Impl, getattr(module, "Mode"), hasattr(module, "Impl"))
        """,
    ),
    "a name listed in __all__": (
        'from pkg.core.impl import Impl\n\n__all__ = ["Impl"]\nx = Impl\n',
        'from pkg.core.api import Manager\n\n__all__ = ["Manager"]\nx = Manager\n',
    ),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_unsafe_fixes_only_when_asked(project: Project, case: str) -> None:
    before, after = (textwrap.dedent(text) for text in UNSAFE[case])
    text, result = fix(project, before)
    assert text != after  # the safe run leaves the unsafe part
    text, result = fix(project, before, "pkg/app/consumer.py", "--unsafe-fixes")
    assert text == after
    assert result.code == 0, result.out


def test_a_loaded_module_is_judged_by_its_uses_anywhere_in_the_file(project: Project) -> None:
    """The check reads the statements that spell the name holding the loaded module, cut out
    of the file (not the whole file parsed): a use far below, inside a function, counts."""
    filler = "".join(f"\n\ndef unrelated_{n}():\n    return {n}\n" for n in range(40))
    head = 'import importlib\n\nmodule = importlib.import_module("pkg.core.impl")\n'
    tail = "\n\nclass Holder:\n    def make(self):\n        return module.helper()\n"
    project.write("pkg/app/consumer.py", head + filler + tail)
    project.config()
    (violation,) = project.check().violations
    line = (head + filler).count("\n") + 5
    assert violation.unfixable_reason == (
        f"`module.helper` (line {line}) is not the same object in the canonical module"
    )
    project.write("pkg/app/consumer.py", head + filler + tail.replace("helper", "Impl"))
    (violation,) = project.check().violations
    assert (violation.unfixable_reason, violation.fix_safety) == (None, "unsafe")


def test_a_rename_fix_would_refuse_is_not_promised(project: Project) -> None:
    """A finding whose only fix is the rename (SSOT006 here) has no fix when ``fix`` would keep
    the name: the check says why, and ``fix`` leaves the file as it is."""
    project.write("pkg/app/fakes.py", "class Fake:\n    pass\n")
    source = "from pkg.app.fakes import Fake as Manager\n\nManager = Manager or None\n"
    project.write("pkg/app/consumer.py", source)
    [found] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert (found.code, found.fixable, found.unfixable_reason) == (
        "SSOT006",
        False,
        "`fix` keeps `Manager`, as `Manager` is also bound on line 3",
    )
    text, result = fix(project, source)
    assert text == source
    assert result.out.splitlines()[0] == "fixed 0 violations in 0 files"
    # Without the second binding the same finding is fixable, and fixed.
    source = "from pkg.app.fakes import Fake as Manager\n\nmade = Manager()\n"
    project.write("pkg/app/consumer.py", source)
    [found] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert (found.code, found.fix_safety) == ("SSOT006", "safe")
    text, _ = fix(project, source)
    assert text == "from pkg.app.fakes import Fake\n\nmade = Fake()\n"


def test_newer_syntax_keeps_the_name_in_check_and_fix(project: Project) -> None:
    """A file only libcst reads whole (Python 3.12 f-strings) that spells the name on too many
    lines to be cut into statements: ``fix`` renames nothing there, and the check says so
    (its partial tree of the statements ``ast`` reads is not taken for the file)."""
    uses = "".join(f"x{number} = Impl\n" for number in range(70))
    source = (
        'from pkg.core.impl import Impl\n\n\ndef label(items):\n    return f"{", ".join(items)}"\n'
        + uses
    )
    project.write("pkg/app/consumer.py", source)
    [found] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert found.suggestion == "from pkg.core.api import Manager as Impl"
    assert found.message.endswith(
        "`fix` keeps that name, as the file is not UTF-8 or uses syntax this Python does not read)"
    )
    project.cli("fix", "--no-cache")
    text = (project.root / "pkg/app/consumer.py").read_text()
    assert text == source.replace(
        "pkg.core.impl import Impl", "pkg.core.api import Manager as Impl"
    )


def test_a_guard_import_that_shares_its_line_stays(project: Project) -> None:
    """``from typing import TYPE_CHECKING; import os``: the line cannot go whole, so the
    guard's import stays (nothing else on the line is lost; ruff finds nothing undefined)."""
    source = (
        "from typing import TYPE_CHECKING; import os\n\nfrom pkg.core.api import Manager\n\n"
        "if TYPE_CHECKING:\n    from pkg.core.impl import Impl\n\n"
        "x: 'Impl' = Manager()\nPATH = os.sep\n"
    )
    project.write("pkg/app/consumer.py", source)
    project.cli("fix", "--no-cache")
    assert (project.root / "pkg/app/consumer.py").read_text() == (
        "from typing import TYPE_CHECKING; import os\n\nfrom pkg.core.api import Manager\n\n"
        "x: 'Manager' = Manager()\nPATH = os.sep\n"
    )
    assert [line for line in ruff_oracle(project) if "F401" not in line] == []


def test_a_rename_unsafe_fixes_cannot_make_either_says_what_stops_it(project: Project) -> None:
    """Listed in ``__all__`` (unsafe) and spelled in a string (never): the finding names the
    string, and its message no longer promises the rename."""
    source = "from pkg.core.api import Manager as M\n\n__all__ = ['M']\nx = getattr(object, 'M')\n"
    project.write("pkg/app/consumer.py", source)
    [found] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert (found.code, found.fixable, found.unfixable_reason) == (
        "SSOT005",
        False,
        "`fix` keeps `M`, as `M` is spelled in a string on line 4",
    )
    assert found.message == "`pkg.core.api.Manager` is bound under another name, `M`"
    assert project.cli("fix", "--no-cache", "--unsafe-fixes").out.startswith("fixed 0 ")


def test_a_star_import_of_a_module_that_binds_the_new_name_keeps_the_old_one(
    project: Project,
) -> None:
    """The star import below the renamed import would rebind ``Manager`` to a string (a run
    would fail with "'str' object is not callable"): check and fix keep ``Impl``."""
    project.write("pkg/app/other.py", "Manager = 'not the manager'\n")
    source = "from pkg.core.impl import Impl\nfrom pkg.app.other import *\n\n\ndef g():\n    return Impl()\n"
    project.write("pkg/app/consumer.py", source)
    [found] = [v for v in project.check().violations if v.path == "pkg/app/consumer.py"]
    assert found.suggestion == "from pkg.core.api import Manager as Impl"
    assert found.message.endswith(
        "`fix` keeps that name, as the star import on line 2 may bind `Manager` again)"
    )
    text, _ = fix(project, source)
    assert text == source.replace(
        "pkg.core.impl import Impl", "pkg.core.api import Manager as Impl"
    )


def test_a_module_whose_attributes_are_set_or_patched_keeps_its_import(project: Project) -> None:
    """`m.Impl = Fake` after `import pkg.core.impl as m`: with the import swapped, the
    façade would be changed instead; `patch.object(shim, "Name")` beside reads of
    `shim.Name`: the reads, rewritten, would not see the patch (a fresh-user trial)."""
    project.write("pkg/app/legacy.py", "from pkg.core.api import Manager as Eng\n")
    stores = "import pkg.core.impl as m\n\n\nclass Fake:\n    pass\n\n\nm.Impl = Fake\n"
    patches = (
        "from unittest import mock\n\nfrom pkg.app import legacy as p\n\n"
        'with mock.patch.object(p, "Eng") as fake:\n    assert p.Eng is fake\n'
    )
    project.write("pkg/app/stores.py", stores)
    project.write("pkg/app/patches.py", patches)
    found = {v.path: v for v in project.check().violations if v.path != "pkg/app/legacy.py"}
    assert {path: (v.code, v.fixable) for path, v in found.items()} == {
        "pkg/app/stores.py": ("SSOT002", False),
        "pkg/app/patches.py": ("SSOT003", False),
    }
    assert found["pkg/app/stores.py"].unfixable_reason == (
        "an attribute of `m` is assigned or deleted (line 8): with the import changed, the "
        "canonical module's would be"
    )
    assert found["pkg/app/patches.py"].unfixable_reason.startswith(
        "the module object `p` itself is used too"
    )
    project.cli("fix", "--no-cache")
    assert (project.root / "pkg/app/stores.py").read_text() == stores
    assert (project.root / "pkg/app/patches.py").read_text() == patches


def test_two_fixes_writing_the_same_import_leave_one(project: Project) -> None:
    """A shim's name renamed to the canonical one and a shim module whose attribute uses
    become that name each write `from pkg.core.api import Manager`: the second is dropped
    (ruff's F811 otherwise); one separated from the first by code stays."""
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    project.write("pkg/app/legacy.py", "from pkg.core.api import Manager as Old\n")
    text, _ = fix(
        project,
        "from pkg.app.legacy import Old\nimport pkg.app.compat as c\n\nprint(Old, c.Manager)\n",
    )
    assert text == "from pkg.core.api import Manager\n\nprint(Manager, Manager)\n"
    text, _ = fix(
        project,
        "from pkg.app.legacy import Old\nprint(Old)\nimport pkg.app.compat as c  # noqa: E402\n"
        "\nprint(c.Manager)\n",
        "pkg/app/later.py",
    )
    assert text == (
        "from pkg.core.api import Manager\nprint(Manager)\nfrom pkg.core.api import Manager"
        "  # noqa: E402\n\nprint(Manager)\n"
    )
    # In a function, with a comment on either line (the dropped line's stays, alone).
    text, _ = fix(
        project,
        "def probe():\n    from pkg.app.legacy import Old  # first\n"
        "    import pkg.app.compat as c  # second\n    return Old, c.Manager\n",
        "pkg/app/inner.py",
    )
    assert text == (
        "def probe():\n    from pkg.core.api import Manager  # first\n    # second\n"
        "    return Manager, Manager\n"
    )


def test_a_statement_that_goes_keeps_its_comment_but_not_its_directives(project: Project) -> None:
    """When every name of an import joins an earlier import of the façade (or a written
    import repeats one), the statement goes but its comment stays, on a line of its own (it
    was lost: a helper's trial); what only applied to its line (``noqa``, ``type: ignore``)
    goes with it."""
    _with_mode(project)
    text, _ = fix(
        project,
        "from pkg.core.api import Manager  # first\n"
        "from pkg.core.impl import Mode  # keep this note\n"
        "from pkg.core.impl import Impl  # noqa: F401\n"
        "from pkg.core.impl import Mode as Other  # type: ignore[misc]  # why: legacy\n"
        "\nprint(Manager, Mode, Impl, Other)\n",
    )
    assert text == (
        "from pkg.core.api import Manager, Mode  # first\n# keep this note\n# why: legacy\n"
        "\nprint(Manager, Mode, Manager, Mode)\n"
    )
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    project.write("pkg/app/legacy.py", "from pkg.core.api import Manager as Old\n")
    text, _ = fix(
        project,
        "from pkg.app.legacy import Old\nimport pkg.app.compat as c  # noqa: F401 -- old path\n"
        "\nprint(Old, c.Manager)\n",
        "pkg/app/repeated.py",
    )
    assert text == "from pkg.core.api import Manager\n# old path\n\nprint(Manager, Manager)\n"


def test_a_module_attribute_in_a_string_annotation_is_renamed_with_its_reads(
    project: Project,
) -> None:
    """``c.Manager`` becomes ``Manager`` in string annotations too: left as it was, the
    annotation named a module the fix no longer imports (a helper's trial). One that reads
    the module otherwise keeps it imported, and stays as it is."""
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    text, _ = fix(
        project,
        "from __future__ import annotations\n\nimport pkg.app.compat as c\n\n\n"
        'def make(x: "c.Manager | None") -> c.Manager:\n'
        '    made: "list[c .Manager]" = [c.Manager()]\n    return made[0]\n',
    )
    assert text == (
        "from __future__ import annotations\n\nfrom pkg.core.api import Manager\n\n\n"
        'def make(x: "Manager | None") -> Manager:\n'
        '    made: "list[Manager]" = [Manager()]\n    return made[0]\n'
    )
    text, _ = fix(
        project,
        'import pkg.app.compat as c\n\n\ndef make(x: "c.Manager | c.Other") -> None:\n'
        "    return c.Manager()\n",
        "pkg/app/other.py",
    )
    assert text == (
        "import pkg.app.compat as c\nfrom pkg.core.api import Manager\n\n\n"
        'def make(x: "c.Manager | c.Other") -> None:\n    return Manager()\n'
    )


@pytest.mark.parametrize(
    ("use", "reason"),
    [
        ('print(f"{c.Manager=}")', "`c` is shown by name in an f-string on line 5 (`{…=}`)"),
        ('"""\n    >>> c.Manager()\n    """', "`c` is spelled in a doctest on line 5"),
        ("made = c.Manager()  # type: c.Manager", "`c` is named in a type comment on line 5"),
    ],
)
def test_a_module_attribute_shown_as_text_keeps_its_import(
    project: Project, use: str, reason: str
) -> None:
    """Where the file shows ``c.Manager`` as text (an f-string's ``=``, a doctest, a type
    comment), renaming its reads would change what it prints, runs or declares: the finding
    stays, unfixable, with the reason, and the file is left as it is."""
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    source = f"import pkg.app.compat as c\n\n\ndef probe():\n    {use}\n    return c.Manager\n"
    path = project.write("pkg/app/consumer.py", source)
    report = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    assert [
        (v["path"], v["line"], v["fixable"], v["unfixable_reason"]) for v in report["violations"]
    ] == [("pkg/app/consumer.py", 1, False, f"`fix` keeps `c.Manager`, as {reason}")]
    project.cli("fix", "--no-cache")
    assert path.read_text() == source


def test_a_written_import_of_names_an_extended_one_binds_goes(project: Project) -> None:
    """A shim's name joins the façade's earlier import (``Mode, Manager``) and the shim
    module's attribute read writes ``from pkg.core.api import Manager`` too: the second
    binds nothing new, and ruff reported F811 (a helper's trial). It goes; one that binds
    another name as well stays."""
    _with_mode(project)
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    project.write("pkg/app/legacy.py", "from pkg.core.api import Manager as Old\n")
    text, _ = fix(
        project,
        "from pkg.core.api import Mode\nfrom pkg.app.legacy import Old\n"
        "import pkg.app.compat as c\n\nprint(Mode, Old, c.Manager)\n",
    )
    assert text == "from pkg.core.api import Mode, Manager\n\nprint(Mode, Manager, Manager)\n"
    text, _ = fix(
        project,
        "from pkg.core.api import Mode\nfrom pkg.app.legacy import Old\nprint(Old)\n"
        "import pkg.app.compat as c  # noqa: E402\n\nprint(Mode, c.Manager)\n",
        "pkg/app/later.py",
    )
    assert text == (
        "from pkg.core.api import Mode, Manager\nprint(Manager)\n"
        "from pkg.core.api import Manager  # noqa: E402\n\nprint(Mode, Manager)\n"
    )


@pytest.mark.parametrize(
    "reader",
    [
        "from pkg.app import consumer\n\nprint(consumer.c.Manager)\n",
        'from unittest import mock\n\nP = mock.patch("pkg.app.consumer.c.Manager")\n',
        'from pkg.app import consumer\n\nx = getattr(consumer, "c")\n',
    ],
)
def test_a_module_name_another_file_reads_keeps_its_import(project: Project, reader: str) -> None:
    """``c.Manager`` becoming ``Manager`` takes the name ``c`` away from the module: a file
    that reads ``consumer.c`` (an attribute, a ``mock.patch`` target, ``getattr``) broke
    (AttributeError; a helper's trial). The import stays, the finding says why."""
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    project.write("pkg/app/reader.py", reader)
    source = "import pkg.app.compat as c\n\n\ndef make():\n    return c.Manager()\n"
    text, result = fix(project, source)
    assert text == source
    assert result.out.splitlines()[-1] == (
        "  pkg/app/consumer.py:1: SSOT003 shim-import: `c` was kept: `c` may be read from "
        "`pkg.app.consumer` by another file (reader.py)"
    )


def test_comments_stay_with_what_they_were_about(project: Project) -> None:
    """A parenthesised import that goes keeps every comment (after its parenthesis, beside
    a name, after it), each on a line of its own; a name joining a parenthesised import
    comes last without the comment of the name before it (it took that comment: a helper's
    trial); a ``# ruff: noqa`` goes whole (a stray ``# ruff:`` was left)."""
    _with_mode(project)
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    text, _ = fix(
        project,
        "from pkg.core.api import Mode\nfrom pkg.app.compat import (  # header\n"
        "    Manager,  # inner: until #1104\n)  # closing\n\nprint(Mode, Manager)\n",
    )
    assert text == (
        "from pkg.core.api import Mode, Manager\n# header\n# inner: until #1104\n# closing\n"
        "\nprint(Mode, Manager)\n"
    )
    text, _ = fix(
        project,
        "from pkg.core.api import (\n    Mode,  # see #77\n)\n"
        "from pkg.app.compat import Manager  # ruff: noqa: F401\n\nprint(Mode, Manager)\n",
        "pkg/app/grouped.py",
    )
    assert text == (
        "from pkg.core.api import (\n    Mode,  # see #77\n    Manager,\n)\n\nprint(Mode, Manager)\n"
    )


def test_a_module_read_only_in_string_annotations_is_found_and_fixed(project: Project) -> None:
    """``import pkg.app.compat as c`` under ``if TYPE_CHECKING:``, read only in ``"c.Manager"``
    annotations (how a module is imported for typing alone): the shim import was not
    reported (a helper's trial); it is, and fixed with its annotations."""
    project.write("pkg/app/compat.py", "from pkg.core.api import Manager\n")
    source = (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import pkg.app.compat as c\n\n\n"
        'def f(a: "c.Manager", b: "list[c.Manager] | None" = None) -> "c.Manager":\n'
        "    return a\n"
    )
    path = project.write("pkg/app/consumer.py", source)
    report = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    assert [(v["path"], v["line"], v["code"], v["symbol"]) for v in report["violations"]] == [
        ("pkg/app/consumer.py", 4, "SSOT003", "Manager")
    ]
    text, _ = fix(project, source)
    assert text == (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from pkg.core.api import Manager\n\n\n"
        'def f(a: "Manager", b: "list[Manager] | None" = None) -> "Manager":\n    return a\n'
    )
    assert path.read_text() == text


def test_a_dropped_block_keeps_its_comments(project: Project) -> None:
    """A type-checking repeat and a dead fallback go whole; their comments stay, each on a
    line of its own at the block's indentation (they all went: a second helper's trial)."""
    project.write("pkg/app/shim.py", "from pkg.core.api import Manager\n")
    text, _ = fix(
        project,
        "from pkg.core.api import Manager\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:  # only for mypy\n    # explain the repeat\n"
        "    from pkg.app.shim import Manager as WSM  # repeat  # noqa: F811\n\n"
        'x: "WSM" = Manager()\n',
    )
    assert text == (
        "from pkg.core.api import Manager\n\n# only for mypy\n# explain the repeat\n# repeat\n\n"
        'x: "Manager" = Manager()\n'
    )
    text, _ = fix(
        project,
        "from pkg.core.api import Manager\n\ntry:  # try comment\n"
        "    from pkg.core.impl import Impl  # impl import\nexcept ImportError:\n"
        "    Impl = None  # fallback\n\nprint(Manager, Impl)\n",
        "pkg/app/fallback.py",
    )
    assert text == (
        "from pkg.core.api import Manager\n\n# try comment\n# impl import\n# fallback\n\n"
        "print(Manager, Manager)\n"
    )


def test_a_name_moved_out_of_a_list_takes_its_comment(project: Project) -> None:
    """A name split out of a parenthesised import of a shim takes the comment beside it to
    its new import; a name joining ``(Manager,  # note`` / ``)`` goes on a line of its own
    between them, the note kept (it was lost, and the names ran together: a second
    helper's trial)."""
    _with_mode(project)
    project.write("pkg/app/shim.py", "from pkg.core.api import Manager\nother = 1\n")
    text, _ = fix(
        project,
        "from pkg.app.shim import (\n    other,  # o\n    Manager,  # the one we need\n)\n\n"
        "print(Manager, other)\n",
    )
    assert text == (
        "from pkg.app.shim import (\n    other,  # o\n)\n"
        "from pkg.core.api import Manager  # the one we need\n\nprint(Manager, other)\n"
    )
    text, _ = fix(
        project,
        "from pkg.core.api import (Manager,  # keep this note\n                          )\n"
        "from pkg.core.impl import Mode\n\nprint(Manager, Mode)\n",
        "pkg/app/aligned.py",
    )
    assert text == (
        "from pkg.core.api import (Manager,  # keep this note\n"
        "                          Mode,\n                          )\n\nprint(Manager, Mode)\n"
    )
