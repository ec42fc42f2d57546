"""A tree with one very large test module, shaped like the real codebase's biggest files.

The real tree has test modules of several megabytes: thousands of test functions, each
taking the manager from the implementation path (at module level and again inside
functions), patching it by its dotted path, and building payloads. ``fix`` must rewrite such a
file in seconds, not minutes, and without gigabytes of memory.
"""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
[importlinter]
root_packages =
    svc
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract

[importlinter:contract:manager]
name = one path to the manager
type = canonical_import
canonical_module = svc.core.manager
implementation_modules =
    svc.core.unified_manager
"""

HEADER = '''"""Tests of the websocket manager: a very large module."""

import json
from unittest import mock

from svc.core.unified_manager import UnifiedManager
from svc.core.unified_manager import send_to_user as push


'''

CASE = '''
def test_case_{n}(tmp_path):
    """Case {n}: the UnifiedManager delivers payload {n} to its user."""
    manager = UnifiedManager()
    data = json.dumps({{"case": {n}, "values": [1, 2, 3, 4, 5], "name": "case-{n}"}})
    assert manager is not None, data
    with mock.patch("svc.core.unified_manager.UnifiedManager") as patched:
        patched.return_value = manager
    push("user-{n}", data)
    for index in range(10):
        value = index * {n} + len(data)
        assert value >= 0
    return manager


class TestGroup{n}:
    def test_inner(self):
        from svc.core.unified_manager import UnifiedManager

        return UnifiedManager, push
'''


def write_tree(root: Path, megabytes: float) -> dict[str, int]:
    """Write the tree under ``root``; returns what was planted (cases, bytes, findings)."""
    files = {
        "svc/__init__.py": "",
        "svc/core/__init__.py": "",
        "svc/core/unified_manager.py": (
            "class UnifiedManager:\n    pass\n\n\ndef send_to_user(user, data):\n    return data\n"
        ),
        "svc/core/manager.py": (
            "from svc.core.unified_manager import UnifiedManager as Manager\n"
            "from svc.core.unified_manager import send_to_user\n\n"
            '__all__ = ["Manager", "send_to_user"]\n'
        ),
        "svc/tests/__init__.py": "",
        ".importlinter": CONFIG,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    parts, size, cases = [HEADER], len(HEADER), 0
    while size < megabytes * 1_000_000:
        part = CASE.format(n=cases)
        parts.append(part)
        size += len(part)
        cases += 1
    (root / "svc/tests/test_big.py").write_text("".join(parts))
    # Two module-level imports, one function-level import and one patch string per case.
    return {"cases": cases, "bytes": size, "findings": 2 + 2 * cases}
