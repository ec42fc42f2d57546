"""Legacy compatibility shim kept from before the consolidation."""

from .unified_manager import UnifiedWebSocketManager as WebSocketManager

__all__ = ["WebSocketManager"]
