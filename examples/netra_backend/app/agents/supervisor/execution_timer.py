"""Times agent runs. Written when netra_backend/ itself was on sys.path."""

from app.websocket_core.timestamp_utils import now_ms


def elapsed_since(start_ms: int) -> int:
    return now_ms() - start_ms
