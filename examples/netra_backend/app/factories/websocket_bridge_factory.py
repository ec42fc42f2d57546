"""Builds bridges; reaches the manager through two shims."""

from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge
from netra_backend.app.websocket_core import WebSocketManager, get_websocket_manager


def create_bridge() -> AgentWebSocketBridge:
    return AgentWebSocketBridge(WebSocketManager())


def create_legacy_bridge() -> AgentWebSocketBridge:
    # A lazy import through the legacy shim.
    from netra_backend.app.websocket_core.manager import WebSocketManager as LegacyManager

    return AgentWebSocketBridge(LegacyManager())


def shared_manager():
    return get_websocket_manager()
