"""More façade/implementation pairs in a dense tree: a consolidation programme runs dozens.

The dense profile plants one pair (the relay hub). A codebase in the middle of a
consolidation runs the same kind of move for its engine, its ID manager, its auth client and
more, each one a ``canonical_import`` contract of the same config. This module adds ``count``
more pairs to a generated dense tree, each with its consumers and violations of every kind,
appended to existing files of the largest root (so sizes stay those of the dense profile):

* ``backend/app/<area>_core/<area>_service.py``: the façade, re-exporting from
* ``backend/app/<area>_core/<area>_engine.py``: the implementation (two classes, a factory);
* ``backend/app/<area>_core/legacy.py``: a shim re-exporting from the implementation;
* per pair and per 8,353 files: 60 correct imports from the façade, 12 implementation
  imports, 4 imports of the implementation module, 4 shim imports, 4 renamed façade imports
  and 4 ``mock.patch`` strings naming the implementation path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from dense import LARGEST_ROOT, REAL_FILES

AREAS = (
    "ledger", "quota", "billing", "tenant", "session", "audit", "metric", "schedule",
    "invoice", "catalog", "profile", "token", "message", "report", "storage", "search",
    "routing", "payment", "policy", "export", "import_job", "feature", "webhook", "cache",
    "notice", "budget", "tracing", "consent", "pricing", "workflow", "secret", "archive",
)  # fmt: skip

# Planted statements per pair, per 8,353 files (scaled to the tree, at least one each).
PER_PAIR = {
    "consumer": 60,
    "implementation": 12,
    "module": 4,
    "shim": 4,
    "renamed": 4,
    "string": 4,
}


@dataclass(frozen=True)
class Pair:
    """One planted façade pair and what was planted for it."""

    area: str
    canonical: str
    implementation: str
    shim: str
    planted: dict[str, int]

    @property
    def engine(self) -> str:
        return _camel(self.area) + "Engine"


def _camel(area: str) -> str:
    return "".join(part.capitalize() for part in area.split("_"))


def plant_facades(tree: Path, count: int, seed: int = 1) -> list[Pair]:
    """Add ``count`` façade pairs to the dense tree at ``tree`` (generated already)."""
    if count > len(AREAS):
        raise ValueError(f"at most {len(AREAS)} extra façade pairs")
    rng = random.Random(seed)
    root = tree / LARGEST_ROOT
    hosts = sorted(
        path
        for path in root.rglob("*.py")
        # Not the packages of the pairs, and not the constants modules other files star-import
        # (whatever those bind, every star importer binds too).
        if path.name not in ("__init__.py", "constants.py") and "_core" not in path.parent.name
    )
    size = sum(1 for _ in tree.rglob("*.py"))
    pairs = []
    for area in AREAS[:count]:
        pair = _write_pair(root, area, rng, hosts, size)
        pairs.append(pair)
    return pairs


def _write_pair(root: Path, area: str, rng: random.Random, hosts: list[Path], size: int) -> Pair:
    package = f"{LARGEST_ROOT}.app.{area}_core"
    folder = root / "app" / f"{area}_core"
    folder.mkdir(parents=True, exist_ok=True)
    engine = _camel(area) + "Engine"
    (folder / "__init__.py").write_text(f'"""The {area.replace("_", " ")} subsystem."""\n')
    (folder / f"{area}_engine.py").write_text(
        f'"""Implementation of the {area} engine: import it from `{area}_service`."""\n\n'
        "from __future__ import annotations\n\n\n"
        f"class {engine}:\n"
        f'    """Runs {area} work for one user."""\n\n'
        "    def __init__(self, user_id: str) -> None:\n"
        "        self.user_id = user_id\n\n\n"
        f"class {engine}Error(RuntimeError):\n"
        f'    """Raised when {area} work fails."""\n\n\n'
        f"def get_{area}_engine(user_id: str) -> {engine}:\n"
        f"    return {engine}(user_id)\n"
    )
    (folder / f"{area}_service.py").write_text(
        f'"""The one import path of the {area} engine."""\n\n'
        f"from {package}.{area}_engine import {engine}, {engine}Error, get_{area}_engine\n\n"
        f'__all__ = ["{engine}", "{engine}Error", "get_{area}_engine"]\n'
    )
    (folder / "legacy.py").write_text(
        f'"""Old import path of the {area} engine, kept for old call sites."""\n\n'
        f"from {package}.{area}_engine import {engine}  # noqa: F401\n"
    )
    canonical, implementation = f"{package}.{area}_service", f"{package}.{area}_engine"
    statements = {
        "consumer": f"from {canonical} import {engine}\n",
        "implementation": f"from {implementation} import {engine}\n",
        "module": f"from {package} import {area}_engine\n",
        "shim": f"from {package}.legacy import {engine}\n",
        "renamed": f"from {canonical} import {engine} as {_camel(area)}Runner\n",
        "string": f'_{area.upper()}_TARGET = "{implementation}.{engine}"\n',
    }
    planted = {}
    for kind, real in PER_PAIR.items():
        count = max(1, round(real * size / REAL_FILES))
        planted[kind] = count
        for host in rng.sample(hosts, count):
            with host.open("a", encoding="utf-8") as stream:
                stream.write(f"\n{statements[kind]}")
    return Pair(area, canonical, implementation, f"{package}.legacy", planted)


def ssot_contract(pair: Pair) -> str:
    return (
        f"\n[importlinter:contract:{pair.area}]\n"
        f"name = One path to the {pair.area} engine\n"
        "type = canonical_import\n"
        f"canonical_module = {pair.canonical}\n"
        f"implementation_modules =\n    {pair.implementation}\n"
    )


def protected_contract(pair: Pair) -> str:
    return (
        f"\n[importlinter:contract:{pair.area}]\n"
        f"name = {pair.area} engine protected\n"
        "type = protected\n"
        f"protected_modules =\n    {pair.implementation}\n"
        f"allowed_importers =\n    {pair.canonical}\n"
    )
