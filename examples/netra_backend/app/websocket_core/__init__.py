"""Package re-exports (a shim nobody listed in the config)."""

from netra_backend.app.websocket_core.websocket_manager import (
    WebSocketManager,
    WebSocketManagerMode,
)
from netra_backend.app.websocket_core.websocket_manager import (
    get_websocket_manager as _canonical_get_websocket_manager,
)


def get_websocket_manager() -> WebSocketManager:
    """A wrapper of its own: a different object from the canonical function."""
    return _canonical_get_websocket_manager()


__all__ = ["WebSocketManager", "WebSocketManagerMode", "get_websocket_manager"]
