"""Routes: correct imports only, including the package's own wrapper function."""

from netra_backend.app.websocket_core import get_websocket_manager
from netra_backend.app.websocket_core.websocket_manager import WebSocketManager


def handler() -> WebSocketManager:
    return get_websocket_manager()
