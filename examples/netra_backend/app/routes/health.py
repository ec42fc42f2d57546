"""Health route: still imports the manager from where it lived before the move (issue #1104)."""


def manager_type():
    # The manager's path before the move: no such module any more, so this call fails.
    from netra_backend.app.websocket_manager import WebSocketManager

    return WebSocketManager
