"""Tests that name the manager in strings: patch targets, dynamic imports."""

import importlib
from unittest import mock

from netra_backend.app.dependencies import get_manager


@mock.patch("netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager.send_event")
def test_send_event_is_patched(send_event):
    get_manager().send_event("ready")
    send_event.assert_called_once_with("ready")


def test_manager_module_loads(monkeypatch):
    module = importlib.import_module("netra_backend.app.websocket_core.unified_manager")
    monkeypatch.setattr(
        "netra_backend.app.websocket_core.unified_manager.WebSocketManagerMode.UNIFIED", "x"
    )
    assert module is not None


def test_prose_is_not_a_reference():
    note = "see netra_backend.app.websocket_core.unified_manager for the implementation"
    assert "unified_manager" in note
