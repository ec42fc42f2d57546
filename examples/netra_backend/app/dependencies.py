"""FastAPI-style dependencies: the canonical import (PATTERN 1)."""

from netra_backend.app.websocket_core.websocket_manager import WebSocketManager


def get_manager() -> WebSocketManager:
    return WebSocketManager()
