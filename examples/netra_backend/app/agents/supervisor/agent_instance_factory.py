"""Creates agent instances; uses the canonical module, but under other names."""

from netra_backend.app.websocket_core.websocket_manager import (
    UnifiedWebSocketManager,  # a secondary alias of WebSocketManager
)
from netra_backend.app.websocket_core.websocket_manager import WebSocketManager as WSM


def create_agent_manager() -> UnifiedWebSocketManager:
    manager = WSM()
    assert isinstance(manager, UnifiedWebSocketManager)
    return manager
