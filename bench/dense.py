"""The dense benchmark profile: trees shaped like the real codebase (``REAL_WORLD.md``).

The sparse profile's files average 1.1 KB; the real monorepo's average 19.8 KB, and a tool that
reads every file's bytes (a prefilter, a parser) pays for each of them. This generator writes
five root packages in the real proportions, files whose sizes, import lines, name mentions,
folders without ``__init__.py``, consumers of the canonical module and planted violations
follow the real figures (``REAL``), all scaled to the number of files asked for.

Counts are planted by quota, not by chance: each figure is ``round(real * n / 8353)`` files (or
imports), placed on files drawn from the right pool (production code, reachable tests, tests in
folders without ``__init__.py``), so a tree of 1,000 files already matches the shares. Sizes and
import counts are drawn by stratified sampling from the real quantiles for the same reason.
The shares of files that spell each of the four names are topped up last, with ordinary text
(comments, log messages, imports of sibling modules of the canonical one) that no tool should
report, after the planted statements have contributed theirs.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from code_text import ADJECTIVES, METHODS, NOUNS, SUFFIXES, VERBS, Code, camel

REAL_FILES = 8353
ROOT_FILES = {
    "backend": 4004,
    "tests": 3667,
    "test_framework": 323,
    "auth_service": 270,
    "shared": 89,
}
ROOTS = tuple(ROOT_FILES)
LARGEST_ROOT = "backend"

PACKAGE = "backend.app.relay_core"  # the websocket_core analogue
CANONICAL = f"{PACKAGE}.relay_manager"  # websocket_manager
IMPLEMENTATION = f"{PACKAGE}.unified_relay"  # unified_manager
LEGACY_SHIM = f"{PACKAGE}.manager"
COMPAT_SHIM = "backend.app.services.relay_compat"
TYPING_SHIM = "backend.app.agents.relay_typing"
BACKEND_FAKES = "backend.app.testing.fakes"
FRAMEWORK_FAKES = "test_framework.fakes.relay_fakes"
BACKEND_CONSTANTS = "backend.app.core.constants"
FRAMEWORK_CONSTANTS = "test_framework.constants"
TOUCH_FILE = "backend/app/core/app_settings.py"  # an ordinary module the warm runs change

# What the shares count, as the real table names them: the implementation's package, the
# canonical module's last name, the manager class, the implementation module's last name.
NAMES = ("relay_core", "relay_manager", "RelayManager", "unified_relay")
REAL_NAMES = ("websocket_core", "websocket_manager", "WebSocketManager", "unified_manager")
CANONICAL_EXPORTS = (
    "RelayManager",
    "UnifiedRelayManager",
    "_UnifiedRelayManagerImplementation",
    "RelayConnectionManager",
    "RelayMode",
    "get_relay_manager",
)
MANAGER_NAMES = CANONICAL_EXPORTS[:4]  # the names bound to the manager class itself

# The figures of REAL_WORLD.md ("The tree in figures"), for 8,353 files.
REAL = {
    "files": REAL_FILES,
    "files_per_root": ROOT_FILES,
    "total_bytes": 165_000_000,
    "bytes_mean": 19_800,
    "bytes_median": 16_100,
    "bytes_p95": 51_600,
    "bytes_max": 499_000,
    "import_lines_mean": 10.3,
    "import_lines_p95": 22,
    "import_lines_total": 86_000,
    "contains": dict(zip(NAMES, (1585, 1367, 1039, 440), strict=True)) | {"import *": 96},
    "no_init_files": 1972,
    "canonical_binders": 350,
    "implementation_imports": 451,
    "implementation_in_function": 95,
    "implementation_in_try": 53,
    "implementation_type_checking": 2,
    "string_references": 115,
    "strings_in_function": 104,
    "stale_imports": 3,
}
# Planted violations per 8,353 files (REAL_WORLD.md, "Sizes").
REAL_PLANTED = {
    "implementation_files": 390,
    "implementation_production": 30,
    "implementation_module_imports": 8,
    "shim_import": 145,
    "renamed_import": 40,
    "secondary_name": 10,
    "name_rebound": 100,
    "shadow_root": 5,
    "binder_shims": 12,
}

IMPORT_LINE = re.compile(
    r"^[ \t]*(?:import[ \t]+[A-Za-z_]|from[ \t]+[A-Za-z_.][\w.]*[ \t]+import\b)", re.M
)

# Bytes per file and import lines per file: (cumulative share, value) points of the quantile
# function, interpolated geometrically. Tuned so that whole trees (with their small
# ``__init__.py`` files and what the planting adds) match REAL; see ``bench/measure.py``.
SIZE_QUANTILES = (
    (0.0, 40), (0.04, 300), (0.08, 2_400), (0.25, 9_000), (0.50, 16_100), (0.75, 24_000),
    (0.90, 37_000), (0.95, 50_500), (0.98, 70_000), (0.995, 115_000), (0.999, 260_000),
    (1.0, 499_000),
)  # fmt: skip
IMPORT_QUANTILES = (
    (0.0, 1), (0.05, 4), (0.25, 7), (0.50, 10), (0.75, 14), (0.90, 19), (0.95, 22.4),
    (0.99, 31), (1.0, 48),
)  # fmt: skip

# (folder under the root, share of the root's files, has __init__.py, what its files are)
AREAS: dict[str, tuple[tuple[str, float, bool, str], ...]] = {
    "backend": (
        ("app/services", 0.13, True, "prod"), ("app/agents", 0.11, True, "prod"),
        ("app/routes", 0.05, True, "prod"), ("app/db", 0.05, True, "prod"),
        ("app/core", 0.05, True, "prod"), ("app/schemas", 0.04, True, "prod"),
        ("app/llm", 0.04, True, "prod"), ("app/tools", 0.04, True, "prod"),
        ("app/monitoring", 0.03, True, "prod"), ("app/middleware", 0.02, True, "prod"),
        ("app/handlers", 0.03, True, "prod"), ("app/workflows", 0.02, True, "prod"),
        ("app/testing", 0.01, True, "support"),
        ("test_suites/unit", 0.18, True, "test"), ("test_suites/integration", 0.10, True, "test"),
        ("test_suites/agents", 0.055, True, "test"),
        ("test_suites/e2e_staging", 0.03, False, "test"),
        ("test_suites/manual-checks", 0.015, False, "test"),
    ),
    "tests": (
        ("unit", 0.20, True, "test"), ("integration", 0.14, True, "test"),
        ("helpers", 0.03, True, "support"), ("mission_critical", 0.10, True, "test"),
        ("realtime", 0.05, True, "test"), ("e2e", 0.16, False, "test"),
        ("performance", 0.06, False, "test"), ("regression", 0.08, False, "test"),
        ("e2e-staging", 0.05, False, "test"), ("staging", 0.07, False, "test"),
        ("critical-paths", 0.03, False, "test"), ("smoke", 0.03, False, "test"),
    ),
    "test_framework": (
        ("fixtures", 0.30, True, "support"), ("fakes", 0.15, True, "support"),
        ("helpers", 0.25, True, "support"), ("ssot", 0.15, True, "support"),
        ("utils", 0.15, True, "support"),
    ),
    "auth_service": (
        ("auth_core", 0.45, True, "prod"), ("routes", 0.15, True, "prod"),
        ("models", 0.10, True, "prod"), ("services", 0.18, True, "prod"),
        ("tests", 0.12, False, "test"),
    ),
    "shared": (
        ("schemas", 0.30, True, "prod"), ("utilities", 0.30, True, "prod"),
        ("logging_support", 0.20, True, "prod"), ("config_support", 0.20, True, "prod"),
    ),
}  # fmt: skip

STD_IMPORTS = (
    "import asyncio", "import hashlib", "import json", "import logging", "import os",
    "import re", "import threading", "import time", "import uuid", "import itertools",
    "import math", "import copy", "from collections import defaultdict",
    "from dataclasses import dataclass, field", "from datetime import datetime, timezone",
    "from enum import Enum", "from functools import lru_cache", "from pathlib import Path",
    "from typing import Any", "from contextlib import asynccontextmanager",
    "from collections.abc import Iterable", "from typing import Optional, Union",
    "from datetime import timedelta", "import base64", "import contextvars", "import inspect",
)  # fmt: skip
PROD_IMPORTS = (
    "from fastapi import APIRouter, Depends, HTTPException",
    "from pydantic import BaseModel, Field",
    "from sqlalchemy import select", "from sqlalchemy.ext.asyncio import AsyncSession",
    "import httpx", "import structlog", "from tenacity import retry, stop_after_attempt",
    "import jwt", "from opentelemetry import trace", "import redis.asyncio as aioredis",
    "from starlette.requests import Request", "import orjson",
    "from prometheus_client import Counter",
)  # fmt: skip
TEST_IMPORTS = (
    "import pytest", "from unittest.mock import AsyncMock, MagicMock, patch",
    "from unittest import mock", "import pytest_asyncio", "from freezegun import freeze_time",
    "from httpx import AsyncClient",
)  # fmt: skip

RENAMES = ("RM", "RelayMgr", "CanonicalRelay", "HubManager", "UnifiedRelay", "RelayHub", "Mgr")


@dataclass(frozen=True)
class Violation:
    """One planted finding: its kind as ssot-imports names it, and what other tools can see."""

    kind: str
    path: str
    root: str
    reachable: bool  # in an import graph (every folder from the root has __init__.py)
    statement: str = ""  # implementation imports: one id per import statement


@dataclass
class DenseTree:
    """What ``generate_dense`` wrote: the number of Python files and the planted findings."""

    files: int
    violations: list[Violation]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _File:
    path: str
    root: str
    reachable: bool
    role: str  # init | module | test | conftest
    fixed: bool = False
    primary: str = ""  # class other modules import
    helper: str = ""  # function other modules import
    style: str = ""  # "constants": only constant blocks
    head: str | None = None  # fixed text instead of the generated head
    size: int = 0
    imports: int = 0
    header: list[str] = field(default_factory=list)  # planted module-level import statements
    required: list[str] = field(default_factory=list)  # ordinary imports the planted code uses
    tc: list[str] = field(default_factory=list)  # lines inside ``if TYPE_CHECKING:``
    blocks: list[str] = field(default_factory=list)  # module-level statements after imports
    defs: list[str] = field(default_factory=list)  # planted functions and classes
    doc: list[str] = field(default_factory=list)  # extra module docstring lines
    tail: list[str] = field(default_factory=list)
    planted_imports: int = 0
    mask: int = 0  # which NAMES the planted text spells
    star: bool = False
    bound: set[str] = field(default_factory=set)  # names bound at module level by planting
    subjects: list[str] = field(default_factory=list)  # classes a test file imports
    rebinds: bool = False  # holds a name-rebound import
    assigns: set[str] = field(default_factory=set)  # names assigned at module level
    counter: int = 0

    @property
    def module(self) -> str:
        dotted = self.path[: -len(".py")].replace("/", ".")
        return dotted[: -len(".__init__")] if dotted.endswith(".__init__") else dotted

    @property
    def is_test(self) -> bool:
        return self.role == "test"

    def note(self, text: str) -> None:
        for bit, name in enumerate(NAMES):
            if name in text:
                self.mask |= 1 << bit
        self.planted_imports += len(IMPORT_LINE.findall(text))
        self.star = self.star or "import *" in text

    def statement(self) -> str:
        self.counter += 1
        return f"{self.path}#{self.counter}"

    def need(self, line: str) -> None:
        if line not in self.required:
            self.required.append(line)


def scaled(real: float, n: int, minimum: int = 0) -> int:
    """A real count for 8,353 files, for ``n`` files."""
    return max(minimum, round(real * n / REAL_FILES))


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), exactly."""
    whole = sum(weights.values())
    raw = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(value) for key, value in raw.items()}
    left = total - sum(counts.values())
    for key in sorted(raw, key=lambda k: counts[k] - raw[k])[:left]:
        counts[key] += 1
    return counts


def _stratified(rng: random.Random, table: tuple[tuple[float, float], ...], count: int):
    """``count`` draws from a quantile table, one per stratum, so small samples keep the shape."""
    points = [p for p, _ in table]
    values = []
    for index in range(count):
        u = (index + rng.random()) / count
        j = min(bisect.bisect_right(points, u) - 1, len(table) - 2)
        (p0, v0), (p1, v1) = table[j], table[j + 1]
        t = (u - p0) / (p1 - p0)
        values.append(v0 * (v1 / v0) ** t)
    rng.shuffle(values)
    return values


# -- layout -------------------------------------------------------------------------------


class _Layout:
    """Folders and file names of one tree; every name unique among its siblings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.files: list[_File] = []
        self.taken: dict[str, set[str]] = {}

    def name(self, folder: str, make: Callable[[], str]) -> str:
        taken = self.taken.setdefault(folder, set())
        for _ in range(50):
            candidate = make()
            if candidate not in taken and candidate not in ROOTS:
                taken.add(candidate)
                return candidate
        candidate = f"{make()}_{len(taken)}"
        taken.add(candidate)
        return candidate

    def add(self, path: str, root: str, reachable: bool, role: str, **extra) -> _File:
        folder, _, leaf = path.rpartition("/")
        self.taken.setdefault(folder, set()).add(leaf[:-3] if leaf.endswith(".py") else leaf)
        file = _File(path=path, root=root, reachable=reachable, role=role, **extra)
        self.files.append(file)
        return file

    def module_file(self, folder: str, root: str, reachable: bool, kind: str) -> _File:
        rng = self.rng
        if kind == "test" and rng.random() < 0.9:
            stem = self.name(folder, lambda: f"test_{rng.choice(NOUNS)}_{rng.choice(VERBS)}")
            return self.add(f"{folder}/{stem}.py", root, reachable, "test")
        stem = self.name(folder, lambda: f"{rng.choice(NOUNS)}_{rng.choice(SUFFIXES)}")
        noun, suffix = stem.split("_", 1)
        return self.add(
            f"{folder}/{stem}.py",
            root,
            reachable,
            "module",
            primary=camel(noun, *suffix.split("_")),
            helper=f"{rng.choice(VERBS)}_{stem}",
        )

    def area(self, root: str, folder: str, count: int, has_init: bool, kind: str) -> None:
        """``count`` files under ``folder``: an ``__init__.py``, a few modules, subfolders."""
        rng = self.rng
        reachable = has_init and self.reachable(folder)
        if has_init and count > 0:
            self.add(f"{folder}/__init__.py", root, reachable, "init")
            count -= 1
        direct = min(count, rng.randint(2, 8))
        for _ in range(direct):
            self.module_file(folder, root, reachable, kind)
        count -= direct
        while count > 0:
            size = min(count, rng.randint(6, 30))
            count -= size
            self.subfolder(root, folder, size, reachable or not has_init, reachable, kind)

    def subfolder(
        self, root: str, parent: str, size: int, init_likely: bool, reachable: bool, kind: str
    ) -> None:
        rng = self.rng
        folder = f"{parent}/{self.name(parent, lambda: rng.choice(NOUNS) + rng.choice(('', 's')))}"
        has_init = reachable or (init_likely and rng.random() < 0.4)
        if has_init and size >= 2:
            self.add(f"{folder}/__init__.py", root, reachable, "init")
            size -= 1
        if size > 16 and rng.random() < 0.4:  # one level deeper
            inner = size // 2
            self.subfolder(root, folder, inner, has_init, reachable, kind)
            size -= inner
        if kind == "test" and size >= 4 and rng.random() < 0.3:
            self.add(f"{folder}/conftest.py", root, reachable, "conftest")
            size -= 1
        for _ in range(size):
            self.module_file(folder, root, reachable, kind)

    def reachable(self, folder: str) -> bool:
        """Every folder from the root down to ``folder``'s parent has an ``__init__.py``."""
        parts = folder.split("/")
        known = {file.path for file in self.files}
        return all(
            f"{'/'.join(parts[:depth])}/__init__.py" in known for depth in range(1, len(parts))
        )


def _fixed_files(layout: _Layout) -> None:
    """The canonical/implementation pair, its shims, fakes and the other named modules."""
    add = layout.add
    add("backend/__init__.py", "backend", True, "init", fixed=True)
    add("backend/app/__init__.py", "backend", True, "init", fixed=True)
    add("backend/test_suites/__init__.py", "backend", True, "init", fixed=True)
    for root in ROOTS[1:]:
        add(f"{root}/__init__.py", root, True, "init", fixed=True)
    core = "backend/app/relay_core"
    add(f"{core}/__init__.py", "backend", True, "init", fixed=True, head=PACKAGE_INIT)
    add(f"{core}/relay_manager.py", "backend", True, "module", fixed=True, head=CANONICAL_TEXT)
    add(f"{core}/unified_relay.py", "backend", True, "module", fixed=True, head=IMPL_HEAD)
    add(f"{core}/manager.py", "backend", True, "module", fixed=True, head=LEGACY_HEAD)
    add(f"{core}/events.py", "backend", True, "module", fixed=True, primary="RelayEvent",
        helper="encode_event")  # fmt: skip
    add(f"{core}/protocol.py", "backend", True, "module", fixed=True, primary="RelayFrame",
        helper="parse_frame")  # fmt: skip
    add(f"{core}/timestamps.py", "backend", True, "module", fixed=True, primary="Clock",
        helper="now_ms")  # fmt: skip
    add("backend/app/services/relay_compat.py", "backend", True, "module", fixed=True,
        primary="CompatHub", helper="compat_hub")  # fmt: skip
    add("backend/app/agents/relay_typing.py", "backend", True, "module", fixed=True,
        primary="HubAware", helper="hub_of")  # fmt: skip
    add("backend/app/testing/fakes.py", "backend", True, "module", fixed=True,
        primary="FakeRelayManager", helper="make_fake_hub")  # fmt: skip
    add("backend/app/core/constants.py", "backend", True, "module", fixed=True,
        style="constants")  # fmt: skip
    add(TOUCH_FILE, "backend", True, "module", fixed=True, primary="AppSettings",
        helper="load_app_settings")  # fmt: skip
    # A module file next to a package of the same name (Python imports the package).
    add("backend/app/core/config.py", "backend", True, "module", fixed=True,
        primary="LegacyConfig", helper="load_legacy_config")  # fmt: skip
    add("backend/app/core/config/__init__.py", "backend", True, "init", fixed=True)
    add("backend/app/core/config/loader.py", "backend", True, "module", fixed=True,
        primary="ConfigLoader", helper="load_config")  # fmt: skip
    add("test_framework/fakes/relay_fakes.py", "test_framework", True, "module", fixed=True,
        primary="FakeRelayManager", helper="fake_hub")  # fmt: skip
    add("test_framework/constants.py", "test_framework", True, "module", fixed=True,
        style="constants")  # fmt: skip


def _layout(rng: random.Random, n: int) -> list[_File]:
    layout = _Layout(rng)
    _fixed_files(layout)
    fixed_per_root = {root: sum(1 for f in layout.files if f.root == root) for root in ROOTS}
    budget = _apportion(n, ROOT_FILES)
    for root in ROOTS:
        areas = AREAS[root]
        left = max(0, budget[root] - fixed_per_root[root])
        counts = _apportion(left, {spec[0]: spec[1] for spec in areas})
        largest = max(counts, key=counts.__getitem__)
        for folder in counts:  # a folder holding fixed files needs its __init__.py
            if counts[folder] == 0 and any(
                f.path.startswith(f"{root}/{folder}/") for f in layout.files
            ):
                counts[folder] = 1
                counts[largest] -= 1
        for folder, _, has_init, kind in areas:
            layout.area(root, f"{root}/{folder}", counts[folder], has_init, kind)
    return layout.files


# -- the fixed modules ----------------------------------------------------------------------

PACKAGE_INIT = f'''"""Real-time fan-out: connections, per-user queues and the hub that drives them.

Import the hub from ``{CANONICAL}``; this package re-exports it for old call sites.
"""

from {CANONICAL} import RelayManager
from {CANONICAL} import get_relay_manager as _canonical_get_relay_manager


def get_relay_manager(*, user_id: str | None = None) -> RelayManager:
    """Per-user wrapper kept for old call sites: a different object from the canonical factory."""
    manager = _canonical_get_relay_manager()
    if user_id is not None:
        manager.bind_user(user_id)
    return manager


__all__ = ["RelayManager", "get_relay_manager"]
'''

CANONICAL_TEXT = f'''"""The one import path for the real-time hub (single source of truth).

Every consumer imports the hub from here. The class lives in ``{IMPLEMENTATION}``,
which nothing else may import: patches, wrappers and future moves of this module would not
reach code that reads the implementation directly. Secondary names are kept while old call
sites migrate; new code uses ``RelayManager``.
"""

from __future__ import annotations

from {IMPLEMENTATION} import RelayMode, get_relay_manager
from {IMPLEMENTATION} import UnifiedRelayManager as _Impl

RelayManager = _Impl
UnifiedRelayManager = _Impl
_UnifiedRelayManagerImplementation = _Impl
RelayConnectionManager = RelayManager

__all__ = [
    "RelayManager",
    "UnifiedRelayManager",
    "_UnifiedRelayManagerImplementation",
    "RelayConnectionManager",
    "RelayMode",
    "get_relay_manager",
]
'''

IMPL_HEAD = f'''"""Implementation of the real-time hub.

Import it through ``{CANONICAL}``: the names of this module are an
implementation detail and may move.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from enum import Enum
from typing import Any

logger = logging.getLogger(__name__)


class RelayMode(str, Enum):
    """How events reach the connections of one user."""

    DIRECT = "direct"
    FANOUT = "fanout"
    DEFAULT = "fanout"


class RelayStats:
    """Counters the health endpoint reads; never reset while the process runs."""

    def __init__(self) -> None:
        self.sent = 0
        self.dropped = 0
        self.connections = 0


def build_envelope(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap ``payload`` the way every client expects it (type first, then data)."""
    return {{"type": event_type, "data": payload}}


class UnifiedRelayManager:
    """One hub per process: connections, fan-out and per-user queues."""

    def __init__(self, mode: RelayMode = RelayMode.DEFAULT) -> None:
        self.mode = mode
        self.stats = RelayStats()
        self._connections: dict[str, list[Any]] = defaultdict(list)
        self._user: str | None = None

    def bind_user(self, user_id: str) -> None:
        self._user = user_id
'''
for _method in METHODS:
    IMPL_HEAD += f'''
    async def {_method}(self, *args: Any, **kwargs: Any) -> bool:
        """{_method.replace("_", " ").capitalize()} for the bound user or the given one."""
        self.stats.sent += 1
        await asyncio.sleep(0)
        logger.debug("{_method} %s %s", args, kwargs)
        return True
'''
IMPL_HEAD += '''

_HUB: UnifiedRelayManager | None = None


def get_relay_manager() -> UnifiedRelayManager:
    """The process-wide hub, created on first use."""
    global _HUB
    if _HUB is None:
        _HUB = UnifiedRelayManager()
    return _HUB
'''

LEGACY_HEAD = '''"""Legacy import path of the hub, kept for old call sites (a re-export shim)."""

from .unified_relay import UnifiedRelayManager as RelayManager

__all__ = ["RelayManager"]
'''


# -- planting -------------------------------------------------------------------------------


class _Planter:
    """Places every planted statement and records the findings it should produce."""

    def __init__(self, rng: random.Random, files: list[_File], n: int) -> None:
        self.rng = rng
        self.n = n
        self.files = files
        self.code = Code(rng)
        self.violations: list[Violation] = []
        self.warnings: list[str] = []
        self.by_path = {f.path: f for f in files}
        for file in files:
            if file.head:
                file.note(file.head)
            if file.fixed:
                file.note(file.primary)  # FakeRelayManager
        code = [f for f in files if not f.fixed and f.role in ("module", "test")]
        self.code_files = code
        self.prod_backend = [
            f for f in code if f.role == "module" and f.path.startswith("backend/app/")
        ]
        self.prod_other = [
            f for f in code if f.role == "module" and not f.path.startswith("backend/app/")
        ]
        self.tests_reach = [f for f in code if f.is_test and f.reachable]
        self.tests_unreach = [f for f in code if f.is_test and not f.reachable]
        self.binders: list[_File] = []  # consumers that bind RelayManager at module level
        # Ordinary import targets: modules of packages, away from the hub and its shims.
        self.targets = [
            f for f in files if f.role == "module" and f.reachable and f.primary
            and not f.path.startswith("backend/app/relay_core/")
            and f.path not in {"backend/app/services/relay_compat.py",
                               "backend/app/agents/relay_typing.py",
                               "backend/app/testing/fakes.py",
                               "test_framework/fakes/relay_fakes.py"}
        ]  # fmt: skip

    # helpers

    def sample(self, pool: list[_File], k: int) -> list[_File]:
        if k > len(pool):
            self.warnings.append(f"wanted {k} files from a pool of {len(pool)}")
            k = len(pool)
        return self.rng.sample(pool, k)

    def record(self, kind: str, file: _File, statement: str = "") -> None:
        self.violations.append(Violation(kind, file.path, file.root, file.reachable, statement))

    def header(self, file: _File, text: str, binds: Iterable[str] = ()) -> None:
        file.header.append(text)
        file.bound.update(binds)
        file.note(text)

    def define(self, file: _File, text: str) -> None:
        file.defs.append(text)
        file.note(text)

    def function(self, file: _File, body: list[str], *, needs_test: bool | None = None) -> str:
        """A function holding ``body``: a test in a test file, a helper or a method otherwise."""
        rng, code = self.rng, self.code
        noun, verb, adj = rng.choice(NOUNS), rng.choice(VERBS), rng.choice(ADJECTIVES)
        file.counter += 1
        test = file.is_test if needs_test is None else needs_test
        indented = [f"    {line}" if line else "" for line in body]
        if test:
            lines = [f"def test_{verb}_{noun}_{adj}_{file.counter}():", *indented]
            return "\n".join(lines)
        if rng.random() < 0.35:  # a method
            lines = [
                f"class {camel(noun, rng.choice(SUFFIXES))}Hooks{file.counter}:",
                f'    """{code.sentence()}"""',
                "",
                f'    def {verb}_{noun}(self, {noun}_id: str = "{adj}") -> Any:',
                *[f"    {line}" if line else "" for line in indented],
            ]
            return "\n".join(lines)
        lines = [
            f'def {verb}_{noun}_{adj}_{file.counter}({noun}_id: str = "{adj}") -> Any:',
            f'    """{code.sentence()}"""',
            *indented,
        ]
        return "\n".join(lines)

    def usage(self, name: str) -> list[str]:
        rng = self.rng
        noun = rng.choice(NOUNS)
        return [
            f"{noun} = {name}",
            f'logger.debug("{rng.choice(VERBS)} {noun} through %s", {noun})',
            f"return {noun}",
        ]

    # the planted kinds

    def implementation_imports(self) -> None:
        rng, n = self.rng, self.n
        total = scaled(451, n, 2)
        files_n = min(total, scaled(REAL_PLANTED["implementation_files"], n, 2))
        legacy = self.by_path["backend/app/relay_core/manager.py"]
        self.record("implementation-import", legacy, legacy.statement())
        prod_n = max(0, round(files_n * 30 / 390) - 1)
        unreach_n = round(files_n * 0.25)
        rest = files_n - 1 - prod_n - unreach_n
        chosen = (
            self.sample(self.prod_backend, prod_n)
            + self.sample(self.tests_unreach, unreach_n)
            + self.sample(self.tests_reach + self.prod_other, rest)
        )
        self.impl_files = chosen
        doubles = total - files_n  # files with a second imported name
        singles: list[_File] = list(chosen)
        pairs: list[_File] = []
        for file in rng.sample(chosen, min(doubles, len(chosen))):
            if rng.random() < 0.5:  # one statement importing two names
                pairs.append(file)
                singles.remove(file)
            else:  # two statements
                singles.append(file)
        rng.shuffle(singles)
        names = total - 1  # the legacy shim's import is one of them
        in_function = round(names * 95 / 451)
        in_try = round(names * 53 / 451)
        type_checking = max(1, round(names * 2 / 451))
        module_forms = max(1, scaled(REAL_PLANTED["implementation_module_imports"], n))
        contexts = ["function"] * in_function + ["try"] * in_try + ["tc"] * type_checking
        contexts += ["module"] * (len(singles) - len(contexts))
        for file, context in zip(singles, contexts, strict=False):
            if context == "module" and module_forms > 0:
                module_forms -= 1
                self.implementation_module_import(file, rng.random() < 0.5)
                continue
            self.implementation_import(file, context)
        for file in pairs:
            first, second = rng.choice(
                (("UnifiedRelayManager", "RelayMode"), ("UnifiedRelayManager", "build_envelope"),
                 ("RelayMode", "build_envelope"))
            )  # fmt: skip
            statement = file.statement()
            self.header(
                file,
                f"from {IMPLEMENTATION} import (\n    {first},\n    {second},\n)",
                (first, second),
            )
            for _ in range(2):
                self.record("implementation-import", file, statement)

    def implementation_import(self, file: _File, context: str) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.40:
            name, bound = "UnifiedRelayManager", "UnifiedRelayManager"
        elif roll < 0.65:
            name, bound = "UnifiedRelayManager as RelayManager", "RelayManager"
        elif roll < 0.80:
            name, bound = "RelayMode", "RelayMode"
        elif roll < 0.90:
            name, bound = "build_envelope", "build_envelope"
        else:
            name, bound = "get_relay_manager", "get_relay_manager"
        if context != "function" and bound in file.bound:
            name, bound = "RelayMode as _RelayModeImpl", "_RelayModeImpl"
        line = f"from {IMPLEMENTATION} import {name}"
        statement = file.statement()
        if context == "module":
            self.header(file, line, (bound,))
        elif context == "try":
            text = (
                f"try:\n    {line}\nexcept ImportError:  # {self.code.sentence()}\n"
                f"    {bound} = None  # type: ignore[assignment,misc]"
            )
            file.blocks.append(text)
            file.bound.add(bound)
            file.assigns.add(bound)
            file.note(text)
        elif context == "tc":
            file.need("from typing import TYPE_CHECKING")
            file.tc.append(line)
            file.bound.add(bound)
            file.note(line)
        else:
            self.define(file, self.function(file, [line, "", *self.usage(bound)]))
        self.record("implementation-import", file, statement)

    def implementation_module_import(self, file: _File, attribute_form: bool) -> None:
        if attribute_form:
            line, local = f"from {PACKAGE} import unified_relay", "unified_relay"
        else:
            line, local = f"import {IMPLEMENTATION} as relay_impl", "relay_impl"
        statement = file.statement()
        self.header(file, line, (local,))
        self.define(file, self.function(file, self.usage(f"{local}.UnifiedRelayManager()")))
        self.record("implementation-module-import", file, statement)

    def aliases(self) -> None:
        """Renamed imports of the manager and imports of its secondary names."""
        rng, n = self.rng, self.n
        pool = self.code_files
        # A module that assigns ``RelayManager`` itself (the ``except ImportError`` fallback of
        # a planted try-import) needs another name for the canonical object: ssot-imports
        # rightly does not report that rename, so none is planted there.
        renamable = [f for f in pool if "RelayManager" not in f.assigns]
        plan = [("renamed-import", f) for f in self.sample(renamable, scaled(40, n, 1))]
        plan += [("secondary-name", f) for f in self.sample(pool, scaled(10, n, 1))]
        for kind, file in plan:
            if kind == "renamed-import":
                alias = rng.choice(RENAMES)
                name = f"RelayManager as {alias}"
            else:
                alias = rng.choice(("UnifiedRelayManager", "RelayConnectionManager",
                                    "_UnifiedRelayManagerImplementation"))  # fmt: skip
                name = alias
            line = f"from {CANONICAL} import {name}"
            if rng.random() < 0.7 and alias not in file.bound:
                self.header(file, line, (alias,))
            else:
                self.define(file, self.function(file, [line, "", *self.usage(alias)]))
            self.record(kind, file)

    def consumers(self) -> None:
        """Modules that import the manager from the canonical module at top level (allowed)."""
        rng = self.rng
        module_level = sum(
            1 for f in self.files for line in f.header if line.startswith(f"from {CANONICAL} ")
        )
        wanted = scaled(REAL["canonical_binders"], self.n) - module_level - 2  # __init__, typing
        prod = round(wanted * 0.45)
        other = round(wanted * 0.10)
        chosen = (
            self.sample([f for f in self.prod_backend if "RelayManager" not in f.bound], prod)
            + self.sample(self.prod_other, other)
            + self.sample(self.tests_reach + self.tests_unreach, max(0, wanted - prod - other))
        )
        for file in chosen:
            roll = rng.random()
            if "RelayManager" in file.bound or roll < 0.05:
                names = ["RelayMode"] if "RelayMode" not in file.bound else ["get_relay_manager"]
            elif roll < 0.20:
                names = ["RelayManager", "RelayMode"]
            elif roll < 0.30:
                names = ["RelayManager", "get_relay_manager"]
            else:
                names = ["RelayManager"]
            names = [name for name in names if name not in file.bound] or ["RelayConnectionManager"]
            if names == ["RelayConnectionManager"]:  # would be a secondary name: skip the file
                continue
            self.header(file, f"from {CANONICAL} import {', '.join(names)}", names)
            if "RelayManager" in names:
                noun = rng.choice(NOUNS)
                self.define(
                    file,
                    f"def {rng.choice(VERBS)}_{noun}_through_hub(hub: RelayManager, "
                    f"{noun}_id: str) -> None:\n"
                    f'    """{self.code.sentence()}"""\n'
                    f'    hub.send_to_user({noun}_id, {{"type": "{noun}_{rng.choice(VERBS)}"}})',
                )
                if file.role == "module" and file.reachable and file.root == "backend":
                    self.binders.append(file)

    def shim_imports(self) -> None:
        rng, n = self.rng, self.n
        total = scaled(REAL_PLANTED["shim_import"], n, 4)
        compat = self.by_path["backend/app/services/relay_compat.py"]
        self.header(compat, f"from {LEGACY_SHIM} import RelayManager", ("RelayManager",))
        compat.tail.append('__all__ = ["RelayManager"]')
        self.record("shim-import", compat)
        typing_shim = self.by_path["backend/app/agents/relay_typing.py"]
        typing_shim.need("from typing import TYPE_CHECKING")
        typing_shim.tc.append(f"from {CANONICAL} import RelayManager")
        typing_shim.note(typing_shim.tc[-1])
        stars = scaled(3, n, 1)
        attributes = scaled(4, n, 1)
        rest = max(0, total - 1 - stars - attributes - 1)
        pool_prod = self.prod_backend + self.prod_other
        pool_tests = self.tests_reach + self.tests_unreach
        free = [f for f in pool_prod + pool_tests if "RelayManager" not in f.bound]
        for file in self.sample(free, stars):
            self.header(file, f"from {COMPAT_SHIM} import *  # noqa: F403", ("RelayManager",))
            self.record("shim-import", file)
        for file in self.sample(pool_prod + pool_tests, attributes):
            self.header(file, f"import {LEGACY_SHIM} as legacy_hub", ("legacy_hub",))
            self.define(file, self.function(file, self.usage("legacy_hub.RelayManager()")))
            self.record("shim-import", file)
        user = rng.choice(self.prod_backend)
        user.need("from typing import TYPE_CHECKING")
        user.tc.append(f"from {TYPING_SHIM} import RelayManager as HubType")
        user.note(user.tc[-1])
        self.record("shim-import", user)
        shims = self.sample(self.binders, scaled(REAL_PLANTED["binder_shims"], n, 2))
        prod_n = round(rest * 0.35)
        files = self.sample(pool_prod, prod_n) + self.sample(pool_tests, rest - prod_n)
        for file in files:
            roll = rng.random()
            if roll < 0.55:
                extra = ", get_relay_manager" if rng.random() < 0.2 else ""
                line = f"from {PACKAGE} import RelayManager{extra}"
                binds = ("RelayManager", "get_relay_manager") if extra else ("RelayManager",)
            elif roll < 0.80 or not shims:
                alias = " as LegacyHub" if rng.random() < 0.15 else ""
                line = f"from {LEGACY_SHIM} import RelayManager{alias}"
                binds = ("LegacyHub",) if alias else ("RelayManager",)
            else:
                shim = rng.choice(shims)
                if shim is file:
                    shim = shims[0] if shims[0] is not file else shims[-1]
                line = f"from {shim.module} import RelayManager"
                binds = ("RelayManager",)
            if rng.random() < 0.75 and not set(binds) & file.bound:
                self.header(file, line, binds)
            else:
                self.define(file, self.function(file, [line, "", *self.usage(binds[0])]))
            self.record("shim-import", file)

    def name_rebound(self) -> None:
        rng = self.rng
        total = scaled(REAL_PLANTED["name_rebound"], self.n, 1)
        prod = round(total * 0.15)
        files = self.sample(self.prod_backend, prod) + self.sample(
            self.tests_reach + self.tests_unreach, total - prod
        )
        for file in files:
            if rng.random() < 0.8:
                fakes = BACKEND_FAKES if file.root == "backend" else FRAMEWORK_FAKES
                line = f"from {fakes} import FakeRelayManager as RelayManager"
            else:
                other = rng.choice(
                    [t for t in self.targets if t.root == "backend" and t is not file]
                )
                line = f"from {other.module} import {other.primary} as RelayManager"
            if rng.random() < 0.8 and "RelayManager" not in file.bound:
                self.header(file, line, ("RelayManager",))
            else:
                self.define(file, self.function(file, [line, "", *self.usage("RelayManager")]))
            file.rebinds = True
            self.record("name-rebound", file)

    def strings(self) -> None:
        rng = self.rng
        total = scaled(REAL["string_references"], self.n, 2)
        inside = round(total * 104 / 115)
        outside = total - inside
        tests = self.tests_reach + self.tests_unreach
        overlap = [f for f in getattr(self, "impl_files", []) if f.is_test]
        slots: list[str] = ["import_module"] * scaled(4, self.n, 1)
        slots += ["inside"] * (inside - len(slots)) + ["decorator"] * outside
        rng.shuffle(slots)
        while slots:
            # Most files that patch the implementation also import it (as in the real tree).
            pool = overlap if overlap and rng.random() < 0.75 else tests
            file = rng.choice(pool)
            for _ in range(min(len(slots), rng.choice((1, 1, 1, 2, 2, 3)))):
                self.string_reference(file, slots.pop())

    def string_reference(self, file: _File, slot: str) -> None:
        rng, code = self.rng, self.code
        target = rng.choice(
            [f"{IMPLEMENTATION}.UnifiedRelayManager.{rng.choice(METHODS)}"] * 3
            + [f"{IMPLEMENTATION}.build_envelope", f"{IMPLEMENTATION}.get_relay_manager",
               f"{IMPLEMENTATION}.RelayMode.DEFAULT"]
        )  # fmt: skip
        noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
        file.counter += 1
        name = f"test_{verb}_{noun}_{file.counter}"
        if slot == "import_module":
            file.need("import importlib")
            text = (
                f"def {name}():\n"
                f'    module = importlib.import_module("{IMPLEMENTATION}")\n'
                '    assert hasattr(module, "RelayMode")'
            )
        elif slot == "decorator":
            file.need("from unittest.mock import patch")
            if rng.random() < 0.5:
                text = (
                    f'@patch("{target}")\ndef {name}(mocked):\n'
                    f"    mocked.return_value = {rng.randint(0, 99)}\n    assert mocked is not None"
                )
            else:
                text = (
                    f"class Test{camel(noun, verb)}{file.counter}:\n"
                    f'    """{code.sentence()}"""\n\n'
                    f'    @patch("{target}")\n    def {name}(self, mocked):\n'
                    "        assert mocked.call_count == 0"
                )
        else:
            roll = rng.random()
            if roll < 0.5:
                file.need("from unittest.mock import patch")
                text = (
                    f"def {name}():\n"
                    f'    with patch("{target}") as mocked:\n'
                    f"        mocked.return_value = {rng.randint(0, 99)}\n"
                    f"        result = mocked()\n"
                    f"    assert result == {rng.randint(0, 99)} or mocked.called"
                )
            elif roll < 0.7:
                text = (
                    f"def {name}(mocker):\n"
                    f'    mocked = mocker.patch("{target}")\n'
                    "    mocked.return_value = None\n"
                    "    assert not mocked.called"
                )
            elif roll < 0.85:
                text = (
                    f"def {name}(monkeypatch):\n"
                    f'    monkeypatch.setattr("{target}", lambda *args, **kwargs: None)\n'
                    f"    assert {noun!r}"
                )
            else:
                file.need("from unittest.mock import patch")
                text = (
                    f"def {name}():\n"
                    f'    patcher = patch("{target}")\n'
                    "    mocked = patcher.start()\n"
                    "    try:\n"
                    "        assert mocked is not None\n"
                    "    finally:\n"
                    "        patcher.stop()"
                )
        self.define(file, text)
        self.record("string-reference", file)

    def shadow_roots(self) -> None:
        rng = self.rng
        count = scaled(REAL_PLANTED["shadow_root"], self.n, 1)
        files = self.sample(self.prod_backend, count)
        backend_targets = [t for t in self.targets if t.path.startswith("backend/app/")]
        for index, file in enumerate(files):
            if index == 0:
                line = "from app.relay_core.timestamps import now_ms"
                binds = ("now_ms",)
            else:
                target = rng.choice([t for t in backend_targets if t is not file])
                short = target.module.removeprefix("backend.")
                line = f"from {short} import {target.primary}"
                binds = (target.primary,)
            if set(binds) & file.bound:
                line, binds = (
                    line.replace(f"import {binds[0]}", f"import {binds[0]} as _shadow"),
                    (),
                )
            self.header(file, line, binds)
            self.record("shadow-root", file)

    def stale_imports(self) -> None:
        count = scaled(REAL["stale_imports"], self.n, 1)
        files = self.sample(self.prod_backend, 1) + self.sample(self.tests_reach, count - 1)
        for index, file in enumerate(files):
            module = f"{PACKAGE}.legacy_hub" if index == 0 else "backend.app.services.hub_bridge_v1"
            line = f"from {module} import RelayManager  # moved; see the canonical module"
            self.define(file, self.function(file, [line, "", *self.usage("RelayManager")]))
            self.record("stale-import", file)

    def examples(self) -> None:
        """Things that look like findings and are not: the tools must stay quiet on them."""
        rng, n = self.rng, self.n
        tests = self.tests_reach + self.tests_unreach
        for file in self.sample(tests, scaled(30, n, 1)):  # patching a consumer's own binding
            if not self.binders:
                break
            binder = rng.choice(self.binders)
            file.need("from unittest.mock import patch")
            self.define(
                file,
                self.function(
                    file,
                    [f'with patch("{binder.module}.RelayManager") as hub:',
                     "    hub.return_value.send_to_user.return_value = True",
                     "    assert hub.called is False"],
                    needs_test=True,
                ),
            )  # fmt: skip
        for file in self.sample(self.code_files, scaled(25, n, 1)):  # the package's own wrapper
            line = f"from {PACKAGE} import get_relay_manager"
            if "get_relay_manager" in file.bound or rng.random() < 0.4:
                self.define(file, self.function(file, [line, "", *self.usage("get_relay_manager")]))
            else:
                self.header(file, line, ("get_relay_manager",))
        spelled = [f for f in tests if f.mask & 8] or tests  # files already naming the module
        for index, file in enumerate(self.sample(spelled, scaled(12, n, 2))):
            if index % 2:  # import lines in a string a source-text test checks
                body = ['source = """',
                        f"from {IMPLEMENTATION} import UnifiedRelayManager",
                        f"from {CANONICAL} import RelayManager",
                        '"""',
                        f'assert "{IMPLEMENTATION.rsplit(".", 1)[1]}" in source']  # fmt: skip
            else:  # import lines pasted in a docstring
                body = ['"""Old call sites wrote',
                        "",
                        f"    from {IMPLEMENTATION} import UnifiedRelayManager",
                        "",
                        "and must now import the hub from the canonical module.",
                        '"""',
                        f"assert {self.rng.choice(NOUNS)!r}"]  # fmt: skip
            self.define(file, self.function(file, body, needs_test=True))
        for file in self.sample(tests, scaled(20, n, 1)):  # canonical patch targets
            file.need("from unittest.mock import patch")
            self.define(
                file,
                self.function(
                    file,
                    [f'with patch("{CANONICAL}.get_relay_manager") as factory:',
                     "    factory.return_value = None",
                     "    assert factory.return_value is None"],
                    needs_test=True,
                ),
            )  # fmt: skip
        for file in self.sample(self.code_files, scaled(40, n, 1)):  # lazy canonical imports
            name = rng.choice(("RelayManager", "RelayManager", "get_relay_manager"))
            line = f"from {CANONICAL} import {name}"
            self.define(file, self.function(file, [line, "", *self.usage(name)]))
        for file in self.sample(spelled, scaled(3, n, 1)):  # an f-string, not a path
            self.define(
                file,
                self.function(
                    file,
                    ['attribute = "build_envelope"',
                     f'target = f"{IMPLEMENTATION}.{{attribute}}"',
                     "return target"],
                    needs_test=False,
                ),
            )  # fmt: skip

    def star_imports(self) -> None:
        wanted = scaled(REAL["contains"]["import *"], self.n, 1)
        have = sum(1 for f in self.files if f.star)
        # Not beside a name-rebound import: ssot-imports then reports the star import of a module
        # that binds no canonical object as a shim import (a false positive, reported upstream;
        # reproduction in docs/benchmark.md). Kept apart so that found == planted stays exact.
        free = [f for f in self.code_files if not f.star and not f.rebinds]
        for file in self.sample(free, max(0, wanted - have)):
            module = BACKEND_CONSTANTS if file.root == "backend" else FRAMEWORK_CONSTANTS
            self.header(file, f"from {module} import *  # noqa: F403")

    def top_up(self) -> None:
        """Bring the share of files spelling each name to its real value with harmless text."""
        rng = self.rng
        a, b, c, d = (1 << bit for bit in range(4))
        targets = {
            bit: scaled(REAL["contains"][name], self.n)
            for bit, name in zip((a, b, c, d), NAMES, strict=True)
        }

        def count(bit: int) -> int:
            return sum(1 for f in self.files if f.mask & bit)

        def pick(bit: int, prefer: int = 0) -> list[_File]:
            need = targets[bit] - count(bit)
            if need < 0:
                self.warnings.append(f"{NAMES[bit.bit_length() - 1]}: {-need} files too many")
                return []
            pool = [f for f in self.code_files if not f.mask & bit]
            rng.shuffle(pool)
            pool.sort(key=lambda f: not (f.mask & prefer))
            return pool[:need]

        for file in pick(d, prefer=a):
            if rng.random() < 0.5:
                file.doc.append(
                    f"The hub itself lives in {IMPLEMENTATION}; import it through the "
                    "canonical module."
                )
                file.note(IMPLEMENTATION)
            else:
                comment = f"# Mirrors {IMPLEMENTATION}.build_envelope; keep the keys in sync."
                self.define(file, f"{comment}\n{self.code.function_block()}")
        for file in pick(c):
            if file.is_test and self.binders and rng.random() < 0.3:
                binder = rng.choice(self.binders)
                file.need("from unittest.mock import patch")
                self.define(
                    file,
                    self.function(
                        file,
                        [f'with patch("{binder.module}.RelayManager"):',
                         f"    assert {rng.choice(NOUNS)!r}"],
                        needs_test=True,
                    ),
                )  # fmt: skip
            else:
                self.define(
                    file,
                    "# The RelayManager instance is injected by the caller; never build one here.\n"
                    + self.code.function_block(),
                )
        for file in pick(b):
            noun = rng.choice(NOUNS)
            if rng.random() < 0.5:
                self.define(file, f'{noun.upper()}_HUB_SETTING = "relay_manager.max_{noun}s"')
            else:
                self.define(
                    file,
                    f"def drain_{noun}s(count: int) -> int:\n"
                    f'    logger.info("relay_manager drained %d {noun}s", count)\n'
                    "    return count",
                )
        for file in pick(a):
            if rng.random() < 0.6:
                line = f"from {PACKAGE}.events import RelayEvent"
            else:
                line = f"from {PACKAGE}.protocol import RelayFrame"
            self.header(file, line)


# -- rendering ------------------------------------------------------------------------------


def _assign_sizes(rng: random.Random, files: list[_File]) -> None:
    """Sizes from the real quantiles; the smallest go to __init__ files, imports follow size."""
    sizes = sorted(_stratified(rng, SIZE_QUANTILES, len(files)))
    inits = [f for f in files if f.role == "init"]
    others = [f for f in files if f.role != "init"]
    for file, size in zip(inits, sizes[: len(inits)], strict=True):
        file.size = int(size)
    rest = sizes[len(inits) :]
    rng.shuffle(rest)
    for file, size in zip(others, rest, strict=True):
        file.size = int(size)
    imports = sorted(_stratified(rng, IMPORT_QUANTILES, len(others)))
    # Bigger files import more: rank by size plus noise, hand out the import counts in order.
    ranked = sorted(others, key=lambda f: f.size * rng.lognormvariate(0, 0.6))
    for file, count in zip(ranked, imports, strict=True):
        file.imports = round(count)
    for file in inits:
        file.imports = rng.choice((0, 0, 0, 0, 0, 0, 1, 1, 2, 3))


class _Renderer:
    """Turns a planned file into source text of about its target size."""

    def __init__(self, rng: random.Random, files: list[_File]) -> None:
        self.rng = rng
        self.code = Code(rng)
        self.siblings: dict[str, list[_File]] = {}
        for file in files:
            if file.role == "module" and file.primary and not file.fixed:
                self.siblings.setdefault(file.path.rpartition("/")[0], []).append(file)
        targets = [
            f for f in files if f.role == "module" and f.reachable and f.primary and not f.fixed
        ]
        self.backend_app = [f for f in targets if f.path.startswith("backend/app/")]
        self.framework = [f for f in targets if f.root == "test_framework"]
        self.shared = [f for f in targets if f.root == "shared"]
        self.auth = [f for f in targets if f.root == "auth_service"]
        self.by_folder: dict[str, list[_File]] = {}
        for target in self.backend_app:
            self.by_folder.setdefault(target.path.rpartition("/")[0], []).append(target)

    def project_targets(self, file: _File, count: int) -> list[_File]:
        rng = self.rng
        if file.root == "shared":
            pools = [(self.shared, 1.0)]
        elif file.root == "auth_service":
            pools = [(self.auth, 0.8), (self.shared, 0.2)]
        elif file.root == "test_framework" or file.root == "tests":
            pools = [(self.backend_app, 0.6), (self.framework, 0.3), (self.shared, 0.1)]
        elif file.is_test or file.path.startswith("backend/test_suites/"):
            pools = [(self.backend_app, 0.85), (self.framework, 0.1), (self.shared, 0.05)]
        else:
            near = self.by_folder.get(file.path.rpartition("/")[0], [])
            pools = [(near, 0.4), (self.backend_app, 0.5), (self.shared, 0.1)]
        pools = [(pool, weight) for pool, weight in pools if pool]
        chosen: dict[str, _File] = {}
        for _ in range(count * 3):
            if len(chosen) >= count or not pools:
                break
            pool = rng.choices([p for p, _ in pools], [w for _, w in pools])[0]
            target = rng.choice(pool)
            if target.path != file.path:
                chosen[target.path] = target
        return list(chosen.values())

    def import_lines(self, file: _File, count: int) -> tuple[list[str], list[str], list[str]]:
        """(standard and third-party lines, project lines, subjects for tests) of ``count``."""
        rng = self.rng
        lines: list[str] = []
        if count and file.role != "init" and rng.random() < 0.85:
            lines.append("from __future__ import annotations")
        lines += [line for line in file.required if line not in lines]
        left = count - len(lines)
        if file.role == "init":
            project = []
            subjects: list[str] = []
            for sibling in self.siblings.get(file.path.rpartition("/")[0], [])[:left]:
                leaf = sibling.path.rpartition("/")[2][:-3]
                project.append(f"from .{leaf} import {sibling.primary}")
                subjects.append(sibling.primary)
            return lines, project, subjects
        third = TEST_IMPORTS if file.is_test else PROD_IMPORTS
        n_std = min(len(STD_IMPORTS), max(0, round(left * rng.uniform(0.25, 0.45))))
        n_third = min(len(third), max(0, round(left * rng.uniform(0.1, 0.25))))
        if file.is_test and left > 0 and "import pytest" not in lines:
            lines.append("import pytest")
            left -= 1
        if not file.is_test and left > 0 and "import logging" not in lines:
            lines.append("import logging")
            left -= 1
        for line in rng.sample(STD_IMPORTS, n_std) + rng.sample(third, n_third):
            if left <= 0:
                break
            if line not in lines:
                lines.append(line)
                left -= 1
        project, subjects = [], []
        for target in self.project_targets(file, max(0, left)):
            roll = rng.random()
            if roll < 0.6:
                project.append(f"from {target.module} import {target.primary}")
                subjects.append(target.primary)
            elif roll < 0.8:
                project.append(f"from {target.module} import {target.helper}")
            elif roll < 0.9:
                project.append(f"from {target.module} import {target.primary}, {target.helper}")
                subjects.append(target.primary)
            else:
                project.append(f"import {target.module}")
        left -= len(project)
        for line in STD_IMPORTS:  # tiny trees: not enough modules to import
            if left <= 0:
                break
            if line not in lines:
                lines.append(line)
                left -= 1
        return lines, project, subjects

    def render(self, file: _File) -> str:
        rng, code = self.rng, self.code
        if file.head is not None and file.path.endswith(("__init__.py", "relay_manager.py")):
            return file.head
        out: list[str] = []
        if file.head is not None:
            out.append(file.head.rstrip("\n"))
        else:
            doc = [code.sentence()] if file.role != "init" or rng.random() < 0.5 else []
            if file.role != "init" and rng.random() < 0.6:
                doc += ["", code.sentence(), code.sentence()]
            doc += file.doc
            if doc:
                out.append('"""' + "\n".join(doc) + ("\n" if len(doc) > 1 else "") + '"""')
            ordinary = max(0, file.imports - file.planted_imports)
            plain, project, file.subjects = self.import_lines(file, ordinary)
            lazy: list[str] = []
            if len(plain) > 6:  # a few of them move into the functions that use them
                movable = [
                    line for line in plain
                    if line.startswith("import ") and line in STD_IMPORTS
                    and line not in file.required and line != "import logging"
                ]  # fmt: skip
                lazy = movable[: round(len(plain) * 0.1)]
            future = [line for line in plain if "__future__" in line]
            plain = [
                self.wrap(line) for line in plain if "__future__" not in line and line not in lazy
            ]
            groups = [future, sorted(plain), [self.wrap(line) for line in project] + file.header]
            rng.shuffle(groups[2])
            out.append("\n\n".join("\n".join(g) for g in groups if g))
            if file.tc:
                out.append("if TYPE_CHECKING:\n" + "\n".join(f"    {line}" for line in file.tc))
            out.extend(file.blocks)
            if "import logging" in plain:
                out.append("logger = logging.getLogger(__name__)")
            for line in lazy:
                file.defs.append(code.lazy_import_block(line))
        text = "\n\n".join(part for part in out if part)
        body = self.body(file, len(text) + sum(len(line) + 1 for line in file.tail))
        if body:
            text += "\n\n\n" + "\n\n\n".join(body)
        if file.tail:
            text += "\n\n" + "\n".join(file.tail)
        return text.strip("\n") + "\n" if text.strip() else ""

    def wrap(self, line: str) -> str:
        """Some multi-name imports are written in parentheses over several lines."""
        head, sep, names = line.partition(" import ")
        if sep and head.startswith("from ") and ", " in names and self.rng.random() < 0.3:
            inner = "".join(f"    {name},\n" for name in names.split(", "))
            return f"{head} import (\n{inner})"
        return line

    def body(self, file: _File, used: int) -> list[str]:
        """Planted definitions and ordinary code, until the file reaches its target size."""
        rng, code = self.rng, self.code
        chunks: list[str] = []
        used += sum(len(d) + 3 for d in file.defs)
        if file.role == "module" and file.primary and file.head is None:
            if file.primary.startswith("Fake"):
                chunks.append(
                    f"class {file.primary}:\n"
                    '    """Records what the code under test sends; never opens a connection."""\n'
                    "\n    def __init__(self) -> None:\n        self.sent: list[dict] = []\n"
                    "\n    async def send_to_user(self, user_id: str, event: dict) -> bool:\n"
                    "        self.sent.append({'user_id': user_id, **event})\n"
                    "        return True"
                )
            else:
                chunks.append(code.class_block(file.primary))
            chunks.append(code.function_block(file.helper))
        size = sum(len(c) + 3 for c in chunks) + used
        subjects = file.subjects
        while size < file.size:
            if file.style == "constants":
                chunk = code.constants_block()
            elif file.is_test or file.role == "conftest":
                subject = f"{rng.choice(subjects)}()" if subjects else "MagicMock()"
                roll = rng.random()
                if roll < 0.78:
                    chunk = code.test_block(subject)
                elif roll < 0.88:
                    chunk = code.fixture_block(subject)
                elif roll < 0.95:
                    chunk = code.function_block()
                else:
                    chunk = code.comment_block()
            else:
                roll = rng.random()
                if roll < 0.36:
                    chunk = code.class_block()
                elif roll < 0.72:
                    chunk = code.function_block()
                elif roll < 0.80:
                    chunk = code.dataclass_block()
                elif roll < 0.86:
                    chunk = code.enum_block()
                elif roll < 0.93:
                    chunk = code.constants_block()
                else:
                    chunk = code.comment_block()
            if size + len(chunk) > file.size and size + len(chunk) / 2 > file.size:
                break
            chunks.append(chunk)
            size += len(chunk) + 3
        for planted in file.defs:
            chunks.insert(rng.randint(0, len(chunks)), planted)
        return chunks


def generate_dense(root: Path, modules: int, seed: int = 1) -> DenseTree:
    """Write a dense tree of about ``modules`` Python files under ``root``."""
    rng = random.Random(f"dense:{seed}")
    n = max(modules, 60)
    files = _layout(rng, n)
    _assign_sizes(rng, files)
    planter = _Planter(rng, files, len(files))
    planter.implementation_imports()
    planter.aliases()
    planter.consumers()
    planter.shim_imports()
    planter.name_rebound()
    planter.strings()
    planter.shadow_roots()
    planter.stale_imports()
    planter.examples()
    planter.star_imports()
    planter.top_up()
    renderer = _Renderer(rng, files)
    for file in files:
        path = root / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(renderer.render(file))
    return DenseTree(len(files), planter.violations, planter.warnings)
