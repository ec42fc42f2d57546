"""Unit tests in a folder without __init__.py: an import graph never sees this file."""

from unittest import mock

from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge
from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager

SOURCE_CHECK = """
from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager
"""


def test_bridge_uses_manager():
    with mock.patch("netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager"):
        bridge = AgentWebSocketBridge()
    assert bridge.manager is not None


@mock.patch("netra_backend.app.services.agent_websocket_bridge.WebSocketManager")
def test_bridge_patches_its_own_binding(manager_class):
    AgentWebSocketBridge()
    manager_class.assert_called_once()


def test_real_manager():
    assert isinstance(AgentWebSocketBridge().manager, UnifiedWebSocketManager)
