"""Deterministic synthetic monorepos for the benchmark, with planted violations.

``generate(root, modules, seed)`` writes ``mono/`` under ``root``: nested packages of modules
that import each other (2 to 30 project imports each, mean about 6, lazy imports, ``TYPE_CHECKING``
blocks), one canonical/implementation pair, a few re-export shims, test modules with
``mock.patch`` strings (some in folders without ``__init__.py``), and a known number of
violations of each kind. It returns the planted counts.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = "mono"
CANONICAL = "mono.core.ws.manager_api"
IMPLEMENTATION = "mono.core.ws.manager_impl"


@dataclass
class Planted:
    """How many violations of each kind the tree contains, and where they can be seen."""

    implementation_import: int = 0
    implementation_import_in_graph: int = 0
    shim_import: int = 0
    renamed_import: int = 0
    secondary_name: int = 0
    string_reference: int = 0
    shadow_root: int = 0
    modules: int = 0
    notes: dict[str, str] = field(default_factory=dict)


FIXED_FILES = {
    "mono/__init__.py": "",
    "mono/core/__init__.py": "",
    "mono/core/ws/__init__.py": (
        '"""Package re-export: a shim."""\n'
        "from mono.core.ws.manager_api import Manager\n\n__all__ = ['Manager']\n"
    ),
    "mono/core/ws/manager_impl.py": (
        "class ManagerImpl:\n"
        "    def __init__(self):\n        self.events = []\n\n"
        "    def send(self, event):\n        self.events.append(event)\n"
    ),
    "mono/core/ws/manager_api.py": (
        '"""Canonical module."""\n'
        "from mono.core.ws.manager_impl import ManagerImpl as _Impl\n\n"
        "Manager = _Impl\nUnifiedManager = _Impl\n\n"
        "__all__ = ['Manager', 'UnifiedManager']\n"
    ),
    "mono/core/ws/legacy.py": (
        '"""Legacy shim."""\nfrom mono.core.ws.manager_impl import ManagerImpl as Manager\n'
    ),
    "mono/core/ws/util.py": "def now():\n    return 0\n",
}


def _body(rng: random.Random, name: str) -> list[str]:
    lines = [f"class {name.title().replace('_', '')}:"]
    for method in range(rng.randint(2, 6)):
        lines += [
            f"    def method_{method}(self, value):",
            f"        result = value * {rng.randint(1, 9)}",
            "        for item in range(3):",
            "            result += item",
            "        return result",
            "",
        ]
    for function in range(rng.randint(1, 4)):
        lines += [
            f"def helper_{function}(data):",
            '    """Helper docstring mentioning mono.core.ws.manager_impl in prose."""',
            "    return [d for d in data if d]",
            "",
        ]
    return lines


def generate(root: Path, modules: int, seed: int = 1) -> Planted:
    rng = random.Random(seed)
    planted = Planted()
    files: dict[str, str] = dict(FIXED_FILES)
    planted.implementation_import += 1  # legacy.py
    planted.implementation_import_in_graph += 1

    # Package layout: mono/pkgNN/subNN/modNN.py, about 20 modules per package.
    names: list[str] = []
    package_count = max(1, modules // 20)
    for package in range(package_count):
        top = f"{ROOT}/pkg{package // 20:03d}"
        files.setdefault(f"{top}/__init__.py", "")
        sub = f"{top}/sub{package % 20:02d}"
        files.setdefault(f"{sub}/__init__.py", "")
        for module in range(20):
            names.append(f"{sub}/mod{module:02d}")
            if len(names) >= modules:
                break
        if len(names) >= modules:
            break

    dotted = [name.replace("/", ".") for name in names]
    test_dir_count = 0
    for index, name in enumerate(names):
        imports = ["import os", "import json", "from typing import TYPE_CHECKING"]
        earlier = dotted[max(0, index - 400) : index]
        # Most modules import a few others, some a few dozen (mean about 6, at most 30).
        fan_out = min(30, 2 + int(rng.expovariate(1 / 4)))
        for target in rng.sample(earlier, min(len(earlier), fan_out)):
            if rng.random() < 0.5:
                imports.append(f"from {target} import helper_0")
            else:
                imports.append(f"import {target}")
        roll = index % 50
        if roll == 7:
            imports.append(f"from {IMPLEMENTATION} import ManagerImpl as Manager")
            planted.implementation_import += 1
            planted.implementation_import_in_graph += 1
        elif roll == 13:
            imports.append("from mono.core.ws import Manager")
            planted.shim_import += 1
        elif roll == 21:
            imports.append(f"from {CANONICAL} import Manager as Mgr")
            planted.renamed_import += 1
        elif roll == 29:
            imports.append(f"from {CANONICAL} import UnifiedManager")
            planted.secondary_name += 1
        elif roll == 33:
            imports.append("from core.ws.util import now")
            planted.shadow_root += 1
        elif roll in (40, 41):
            imports.append(f"from {CANONICAL} import Manager")
        body = _body(rng, name.rsplit("/", 1)[1])
        if index % 5 == 0:
            body += [
                "def lazy():",
                f"    from {dotted[max(0, index - 1)]} import helper_0",
                "    return helper_0",
                "",
            ]
        if index % 5 == 1:
            body += ["if TYPE_CHECKING:", f"    import {dotted[max(0, index - 2)]}", ""]
        files[f"{name}.py"] = "\n".join([*imports, "", "", *body]) + "\n"

        if index % 40 == 0:
            # A test module: in a package for half of them, in a folder without __init__.py
            # (invisible to import graphs) for the other half.
            unreachable = test_dir_count % 2 == 1
            folder = f"{ROOT}/tests/{'unit' if unreachable else 'pkg'}{test_dir_count:03d}"
            test_dir_count += 1
            if not unreachable:
                files.setdefault(f"{ROOT}/tests/__init__.py", "")
                files[f"{folder}/__init__.py"] = ""
            lines = [
                "from unittest import mock",
                f"from {dotted[index]} import helper_0",
                "",
                f'@mock.patch("{IMPLEMENTATION}.ManagerImpl.send")',
                "def test_send(send):",
                "    assert helper_0([1]) == [1]",
                "",
                "def test_bridge():",
                f'    with mock.patch("{CANONICAL}.Manager"):',
                "        pass",
            ]
            planted.string_reference += 1
            if unreachable:
                lines.insert(1, f"from {IMPLEMENTATION} import ManagerImpl")
                planted.implementation_import += 1
            files[f"{folder}/test_mod.py"] = "\n".join(lines) + "\n"

    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    planted.modules = sum(1 for relative in files if relative.endswith(".py"))
    planted.notes = {
        "implementation_import": "includes imports in folders without __init__.py",
        "implementation_import_in_graph": "what an import graph can see",
    }
    return planted


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    print(json.dumps(asdict(generate(target, count)), indent=2))
