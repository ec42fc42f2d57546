"""Bridge between agents and WebSocket events."""

from __future__ import annotations

from typing import TYPE_CHECKING

# PATTERN 2 from the seed: the implementation, renamed to the canonical name.
from netra_backend.app.websocket_core.unified_manager import (
    UnifiedWebSocketManager as WebSocketManager,
)

if TYPE_CHECKING:
    from netra_backend.app.websocket_core.unified_manager import WebSocketManagerMode


class AgentWebSocketBridge:
    def __init__(self, manager: WebSocketManager | None = None) -> None:
        self.manager = manager or WebSocketManager()

    def mode(self) -> WebSocketManagerMode:
        return self.manager.mode
