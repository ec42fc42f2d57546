"""The demo in examples/: its exact findings, under ssot-imports and under plain lint-imports."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLES, REPO, findings, run_tool, script
from ssot_imports import api
from ssot_imports.api import CheckRequest

DEMO_FINDINGS = [
    ("netra_backend/app/agents/supervisor/agent_instance_factory.py", 4, "secondary-name", "UnifiedWebSocketManager"),
    ("netra_backend/app/agents/supervisor/agent_instance_factory.py", 6, "renamed-import", "WebSocketManager"),
    ("netra_backend/app/factories/websocket_bridge_factory.py", 4, "shim-import", "WebSocketManager"),
    ("netra_backend/app/factories/websocket_bridge_factory.py", 13, "shim-import", "WebSocketManager"),
    ("netra_backend/app/routes/admin.py", 3, "shim-import", "WebSocketManager"),
    ("netra_backend/app/routes/admin.py", 4, "shim-import", "*"),
    ("netra_backend/app/routes/admin.py", 5, "implementation-module-import", "netra_backend.app.websocket_core.unified_manager"),
    ("netra_backend/app/services/agent_websocket_bridge.py", 9, "implementation-import", "UnifiedWebSocketManager"),
    ("netra_backend/app/services/agent_websocket_bridge.py", 13, "implementation-import", "WebSocketManagerMode"),
    ("netra_backend/app/services/websocket_compat.py", 3, "shim-import", "WebSocketManager"),
    ("netra_backend/app/websocket_core/manager.py", 3, "implementation-import", "UnifiedWebSocketManager"),
    ("netra_backend/tests/unit/test_agent_websocket_bridge.py", 6, "implementation-import", "UnifiedWebSocketManager"),
    ("netra_backend/tests/unit/test_agent_websocket_bridge.py", 14, "string-reference", "netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager"),
    ("netra_backend/tests/unit/test_fakes.py", 1, "name-rebound", "FakeWebSocketManager"),
    ("netra_backend/tests/unit/test_websocket_manager_paths.py", 9, "string-reference", "netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager.send_event"),
    ("netra_backend/tests/unit/test_websocket_manager_paths.py", 16, "string-reference", "netra_backend.app.websocket_core.unified_manager"),
    ("netra_backend/tests/unit/test_websocket_manager_paths.py", 18, "string-reference", "netra_backend.app.websocket_core.unified_manager.WebSocketManagerMode.UNIFIED"),
    # A script outside the package, read through the contract's `include`.
    ("scripts/migrate_ws_connections.py", 4, "implementation-import", "UnifiedWebSocketManager"),
    # The second contract: one name per module.
    ("netra_backend/app/agents/supervisor/execution_timer.py", 3, "shadow-root", "app.websocket_core.timestamp_utils"),
    ("netra_backend/app/routes/health.py", 6, "stale-import", "netra_backend.app.websocket_manager"),
]  # fmt: skip

CANONICAL_LINE = "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager"


def copy_demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(EXAMPLES, target)
    return target


def test_demo_exact_findings() -> None:
    report = api.check(
        CheckRequest(config=str(EXAMPLES / ".importlinter"), project_root=EXAMPLES, use_cache=False)
    )
    assert findings(report) == DEMO_FINDINGS
    by_place = {(v.path, v.line): v for v in report.violations}
    seed = by_place[("netra_backend/app/services/agent_websocket_bridge.py", 9)]
    assert seed.suggestion == CANONICAL_LINE
    assert seed.statement.splitlines()[0] == (
        "from netra_backend.app.websocket_core.unified_manager import ("
    )
    # The canonical imports of the demo are not reported, nor is a patch of a consumer's
    # own binding ("patch where it is looked up") or prose that mentions the path.
    reported = {v.path for v in report.violations}
    assert "netra_backend/app/dependencies.py" not in reported
    assert "netra_backend/app/routes/websocket.py" not in reported
    assert all(
        "agent_websocket_bridge.WebSocketManager" not in (v.symbol or "") for v in report.violations
    )
    assert report.diagnostics == []
    strings = [v for v in report.violations if v.kind == "string-reference"]
    assert [v.suggestion for v in strings] == [
        '"netra_backend.app.websocket_core.websocket_manager.WebSocketManager"',
        '"netra_backend.app.websocket_core.websocket_manager.WebSocketManager.send_event"',
        '"netra_backend.app.websocket_core.websocket_manager"',
        '"netra_backend.app.websocket_core.websocket_manager.WebSocketManagerMode.UNIFIED"',
    ]
    assert [v.message.split(" names ")[0].split(" in ")[-1] for v in strings] == [
        "`mock.patch(…)`",
        "`mock.patch(…)`",
        "`importlib.import_module(…)`",
        "`monkeypatch.setattr(…)`",
    ]
    shadow, stale = report.violations[-2:]
    assert (
        shadow.suggestion == "from netra_backend.app.websocket_core.timestamp_utils import now_ms"
    )
    # A path from before the move: no such module; `fix` points it at the façade.
    assert stale.suggestion == (
        "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager"
    )
    assert stale.fix_safety == "safe"
    # The test that imports the old path on purpose: silenced on its line, with the reason.
    assert [(v.path, v.line, v.code, s.reason) for v, s in report.suppressed] == [
        (
            "netra_backend/tests/unit/test_legacy_path.py",
            6,
            "SSOT001",
            "checks the old path until the shim goes",
        )
    ]


def test_lint_imports_reports_the_demo(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    result = run_tool([script("lint-imports"), "--no-logo", "--config", ".importlinter"], cwd=demo)
    assert result.code == 1, result.out + result.err
    assert "WebSocket manager has one import path (SSOT, issue #1104) BROKEN" in result.out
    located = [line.split(": ")[0] for line in result.out.splitlines() if ": SSOT0" in line]
    expected = [f"{path}:{line}" for path, line, _, _ in DEMO_FINDINGS]
    assert located == expected
    assert f"    fix: {CANONICAL_LINE}" in result.out


def test_lint_imports_fails_loudly_on_a_misspelled_module(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    config = demo / ".importlinter"
    config.write_text(
        config.read_text().replace(
            "websocket_core.websocket_manager", "websocket_core.websocket_manger"
        )
    )
    result = run_tool([script("lint-imports"), "--no-logo", "--config", ".importlinter"], cwd=demo)
    assert result.code == 1
    assert (
        "option 'canonical_module' = 'netra_backend.app.websocket_core.websocket_manger': "
        "is not a module of the root packages (netra_backend); did you mean "
        "'netra_backend.app.websocket_core.websocket_manager'?"
    ) in " ".join(result.out.split())
    assert "KEPT" not in result.out


def test_the_readme_shows_the_real_config_error(tmp_path: Path) -> None:
    """The README's example of a config error is the demo's, with the line of the option."""
    demo = copy_demo(tmp_path)
    config = demo / ".importlinter"
    text = config.read_text()
    config.write_text(
        text.replace(
            "= netra_backend.app.websocket_core.websocket_manager\n",
            "= netra_backend.app.websocket_core.websocket_managr\n",
        )
    )
    result = run_tool([script("ssot-imports"), "check", "--config", ".importlinter"], cwd=demo)
    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith("ssot-imports: error: .importlinter line 18: contract ")
    assert f"\n{line}\n" in (REPO / "README.md").read_text()


def test_checked_code_is_never_imported_or_executed(tmp_path: Path) -> None:
    demo = copy_demo(tmp_path)
    marker = tmp_path / "executed"
    for path in (demo / "netra_backend").rglob("*.py"):
        path.write_text(
            f"open({str(marker)!r}, 'w').close()\nraise SystemExit('imported!')\n"
            + path.read_text()
        )
    result = run_tool([script("ssot-imports"), "check", "--format", "json"], cwd=demo)
    assert result.code == 1, result.err
    assert not marker.exists()
    result = run_tool([script("lint-imports"), "--no-logo", "--config", ".importlinter"], cwd=demo)
    assert result.code == 1
    assert not marker.exists()
