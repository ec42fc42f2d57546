"""Canonical façade: the one import path for the WebSocket manager (SSOT)."""

from __future__ import annotations

from netra_backend.app.websocket_core.unified_manager import (
    UnifiedWebSocketManager as _UnifiedWebSocketManagerImplementation,
)
from netra_backend.app.websocket_core.unified_manager import WebSocketManagerMode

WebSocketManager = _UnifiedWebSocketManagerImplementation
UnifiedWebSocketManager = _UnifiedWebSocketManagerImplementation
WebSocketConnectionManager = WebSocketManager


def get_websocket_manager() -> WebSocketManager:
    if WebSocketManager._instance is None:
        WebSocketManager._instance = WebSocketManager()
    return WebSocketManager._instance


__all__ = [
    "WebSocketManager",
    "UnifiedWebSocketManager",
    "WebSocketConnectionManager",
    "WebSocketManagerMode",
    "get_websocket_manager",
]
