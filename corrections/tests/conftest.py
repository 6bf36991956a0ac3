import pytest


@pytest.fixture
def notified(monkeypatch):
    """Every call the corrections make to the notifications adapter, as (recipient,
    kind, title, url); the adapter itself does nothing until the notifications app is
    installed, so the calls are checked here."""
    calls = []

    def record(recipient, *, kind, title, url):
        calls.append((recipient, kind, title, url))

    monkeypatch.setattr("corrections.notify.notify", record)
    return calls
