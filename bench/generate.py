"""Deterministic synthetic monorepos for the benchmark, with planted violations.

``generate(root, modules, seed, profile)`` writes a tree under ``root`` and returns the planted
counts. Two profiles:

* ``sparse`` (the default, unchanged so earlier results stay comparable): ``mono/``, nested
  packages of small modules (1.1 KB on average) that import each other (2 to 30 project imports
  each, mean about 6, lazy imports, ``TYPE_CHECKING`` blocks), one canonical/implementation
  pair, a few re-export shims, test modules with ``mock.patch`` strings (some in folders without
  ``__init__.py``), and a known number of violations of each kind;
* ``dense``: five root packages shaped like the real codebase of REAL_WORLD.md (19.8 KB per file
  on average, its import density, name shares, folders without ``__init__.py``, and violations
  at its rates); see ``dense.py``, and ``measure.py`` for checking a tree against those figures.

    python bench/generate.py ROOT --modules 8353 --profile dense --seed 1
    python bench/generate.py ROOT --modules 1000 --profile dense --print-profile
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dense

PROFILES = ("sparse", "dense")
ROOT = "mono"
CANONICAL = "mono.core.ws.manager_api"
IMPLEMENTATION = "mono.core.ws.manager_impl"


# Planted counters and the kind ssot-imports reports for each.
KINDS = {
    "implementation_import": "implementation-import",
    "implementation_module_import": "implementation-module-import",
    "shim_import": "shim-import",
    "renamed_import": "renamed-import",
    "secondary_name": "secondary-name",
    "name_rebound": "name-rebound",
    "string_reference": "string-reference",
    "shadow_root": "shadow-root",
    "stale_import": "stale-import",
}


@dataclass
class Planted:
    """How many violations of each kind the tree contains, and where they can be seen.

    The counters are for the whole tree; ``by_root`` splits them by root package, so that a
    benchmark configured on some roots only knows what it should find (``expected``). An
    import statement naming two things is two ssot-imports findings but one for lint-imports
    and ruff, hence the separate ``implementation_statements`` counters.
    """

    implementation_import: int = 0
    implementation_import_in_graph: int = 0
    shim_import: int = 0
    renamed_import: int = 0
    secondary_name: int = 0
    string_reference: int = 0
    shadow_root: int = 0
    stale_import: int = 0
    modules: int = 0
    notes: dict[str, str] = field(default_factory=dict)
    implementation_module_import: int = 0
    name_rebound: int = 0
    implementation_statements: int = 0
    implementation_statements_in_graph: int = 0
    profile: str = "sparse"
    by_root: dict[str, dict[str, int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """The counters ``by_root`` splits."""
        return {
            name: getattr(self, name)
            for name in (*KINDS, "implementation_import_in_graph", "implementation_statements",
                         "implementation_statements_in_graph")
        }  # fmt: skip

    def expected(self, roots: list[str] | tuple[str, ...] | None = None) -> dict[str, dict]:
        """What each tool should report when configured on ``roots`` (default: every root).

        lint-imports' ``protected`` contract sees the implementation import statements of the
        files in its graph, wherever they are in the file; ruff's banned-api sees those of every
        file; ssot-imports sees every kind, one finding per imported name.
        """
        roots = list(self.by_root) if roots is None else roots
        total = dict.fromkeys(self.counts(), 0)
        for root in roots:
            for name, count in self.by_root.get(root, {}).items():
                total[name] += count
        ours = {kind: total[name] for name, kind in KINDS.items() if total[name]}
        return {
            "ssot-imports": ours,
            "lint-imports": {"implementation-import": total["implementation_statements_in_graph"]},
            "ruff": {"implementation-import": total["implementation_statements"]},
        }


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


def generate(root: Path, modules: int, seed: int = 1, profile: str = "sparse") -> Planted:
    """Write a tree of about ``modules`` Python files under ``root``; return what was planted."""
    if profile == "dense":
        return _planted_dense(dense.generate_dense(root, modules, seed))
    if profile != "sparse":
        raise ValueError(f"unknown profile {profile!r}: expected one of {', '.join(PROFILES)}")
    planted = _generate_sparse(root, modules, seed)
    planted.implementation_statements = planted.implementation_import
    planted.implementation_statements_in_graph = planted.implementation_import_in_graph
    planted.by_root = {ROOT: planted.counts()}
    return planted


def _planted_dense(tree: dense.DenseTree) -> Planted:
    planted = Planted(modules=tree.files, profile="dense")
    fields = {kind: name for name, kind in KINDS.items()}
    by_root = {root: dict.fromkeys(planted.counts(), 0) for root in dense.ROOTS}
    statements: dict[str, set[str]] = {root: set() for root in dense.ROOTS}
    for violation in tree.violations:
        counts = by_root[violation.root]
        counts[fields[violation.kind]] += 1
        if violation.kind == "implementation-import" and violation.reachable:
            counts["implementation_import_in_graph"] += 1
        if violation.statement and violation.statement not in statements[violation.root]:
            statements[violation.root].add(violation.statement)
            counts["implementation_statements"] += 1
            counts["implementation_statements_in_graph"] += violation.reachable
    planted.by_root = by_root
    for name in planted.counts():
        setattr(planted, name, sum(counts[name] for counts in by_root.values()))
    planted.notes = {
        "implementation_import": "one per imported name, in every file (folders without "
        "__init__.py included)",
        "implementation_import_in_graph": "the same, in the files an import graph can see",
        "implementation_statements": "import statements of the implementation module (ruff)",
        "implementation_statements_in_graph": "the same, in the graph (lint-imports)",
        "by_root": "the counters per root package; Planted.expected(roots) sums them",
    }
    if tree.warnings:
        planted.notes["warnings"] = "; ".join(tree.warnings)
    return planted


def _generate_sparse(root: Path, modules: int, seed: int) -> Planted:
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


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit code 2), like the ssot-imports command line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        description="Write a seeded synthetic monorepo with planted import-path violations and "
        "print what was planted (JSON).",
        epilog="The same arguments always give byte-identical trees.",
    )
    parser.add_argument("root", type=Path, metavar="ROOT", help="folder to write the tree into")
    parser.add_argument("--modules", type=int, default=1000, metavar="N",
                        help="number of Python files, about (default: 1000)")  # fmt: skip
    parser.add_argument("--profile", choices=PROFILES, default="sparse",
                        help="sparse: small modules, the original benchmark (default); "
                        "dense: shaped like the real codebase (19.8 KB per file)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--print-profile", action="store_true",
                        help="print the tree's figures against the real codebase's "
                        "(Markdown) instead of the planted counts")  # fmt: skip
    arguments = parser.parse_args(argv)
    if arguments.modules < 1:
        parser.error("--modules must be at least 1")
    existing = [name for name in (ROOT, *dense.ROOTS) if (arguments.root / name).exists()]
    if existing:
        parser.error(f"{arguments.root} already holds {', '.join(existing)}: use an empty folder")
    if arguments.print_profile and arguments.profile != "dense":
        parser.error("--print-profile measures the dense profile's figures: add --profile dense")
    planted = generate(arguments.root, arguments.modules, arguments.seed, arguments.profile)
    if arguments.print_profile:
        from measure import measure_profile, profile_table

        print(profile_table(measure_profile(arguments.root)))
    else:
        print(json.dumps(asdict(planted), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
