"""Admin routes: the manager reached as module attributes."""

import netra_backend.app.websocket_core.manager as compat
from netra_backend.app.services.websocket_compat import *  # noqa: F403
from netra_backend.app.websocket_core import unified_manager


def admin_manager():
    return compat.WebSocketManager()


def manager_class():
    return unified_manager.UnifiedWebSocketManager
