import pytest

from notifications.models import Notification


class _Notified:
    """The in-app notifications written so far, oldest first, as (recipient, kind, title,
    url): read from the notifications app's table, so a test sees what users see."""

    def _rows(self):
        return [
            (n.recipient, n.kind, n.title, n.url)
            for n in Notification.objects.select_related("recipient").order_by("pk")
        ]

    def __getitem__(self, index):
        return self._rows()[index]

    def __len__(self):
        return len(self._rows())

    def __iter__(self):
        return iter(self._rows())


@pytest.fixture
def notified(db):
    return _Notified()
