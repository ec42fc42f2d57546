"""A shim chain: re-exports the legacy shim, which re-exports the implementation."""

from netra_backend.app.websocket_core.manager import WebSocketManager

__all__ = ["WebSocketManager"]
