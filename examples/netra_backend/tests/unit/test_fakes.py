from netra_backend.app.testing.fakes import FakeWebSocketManager as WebSocketManager


def test_fake_manager_accepts_events():
    WebSocketManager().send_event("ping")
