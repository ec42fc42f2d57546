class FakeWebSocketManager:
    """A test double: not the canonical manager."""

    def send_event(self, event: str) -> None:
        pass
