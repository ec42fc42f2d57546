"""The implementation. Only websocket_manager.py may import this module."""

from __future__ import annotations

# Plain class attributes, not an Enum: tests patch a mode (an Enum member cannot be reassigned).


class WebSocketManagerMode:
    UNIFIED = "unified"
    ISOLATED = "isolated"


class UnifiedWebSocketManager:
    """One manager per process: every consumer must share this object."""

    _instance: UnifiedWebSocketManager | None = None

    def __init__(self, mode: WebSocketManagerMode = WebSocketManagerMode.UNIFIED) -> None:
        self.mode = mode
        self.events: list[str] = []

    def send_event(self, event: str) -> None:
        self.events.append(event)


def _reset_registry() -> None:
    """Test helper that the canonical module does not export."""
    UnifiedWebSocketManager._instance = None
