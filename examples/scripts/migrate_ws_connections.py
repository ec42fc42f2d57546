"""One-off maintenance script, outside the netra_backend package: the contracts read it
because examples/.importlinter includes scripts/**/*.py."""

from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager


def main() -> None:
    manager = UnifiedWebSocketManager()
    print(f"manager in {manager.mode} mode")


if __name__ == "__main__":
    main()
