"""The old implementation path stays importable until the legacy shim is removed.

This test imports it on purpose: the finding is silenced on its line, with the reason.
"""

from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager  # ssot-imports: ignore[SSOT001] -- checks the old path until the shim goes


def test_the_old_path_still_imports():
    assert UnifiedWebSocketManager.__name__ == "UnifiedWebSocketManager"
