import pytest
from django.urls import reverse

from conftest import login
from notifications import services
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def _many(user, n):
    for i in range(n):
        services.notify(user, kind="k", title=f"Pengaduan #{i}", url=f"/pengaduan/{i}/")


def test_list_paginates_with_constant_queries(client, facilitator, django_assert_max_num_queries):
    login(client, facilitator)
    _many(facilitator, 3)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("notifications:list"))
    _many(facilitator, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.content.decode().count("data-notification=") == 25
    page3 = client.get(reverse("notifications:list") + "?page=3")
    assert page3.content.decode().count("data-notification=") == 13


def test_list_shows_only_own(client, facilitator, other_facilitator):
    services.notify(other_facilitator, kind="k", title="Milik orang lain", url="/")
    services.notify(facilitator, kind="k", title="Milik saya", url="/")
    body = login(client, facilitator).get(reverse("notifications:list")).content.decode()
    assert "Milik saya" in body and "Milik orang lain" not in body


def test_badge_counts_unread(client, facilitator):
    login(client, facilitator)
    assert "data-unread-count" not in client.get(reverse("notifications:badge")).content.decode()
    _many(facilitator, 3)
    assert 'data-unread-count="3"' in client.get(reverse("notifications:badge")).content.decode()
    # Every page carries the bell that loads the badge.
    assert reverse("notifications:badge") in client.get(reverse("home")).content.decode()


def test_open_marks_read_and_redirects(client, facilitator):
    n = services.notify(facilitator, kind="k", title="t", url="/pengaduan/5/")
    login(client, facilitator)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/pengaduan/5/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_another_users_notification_is_404(client, facilitator, other_facilitator):
    n = services.notify(other_facilitator, kind="k", title="t", url="/")
    response = login(client, facilitator).post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(client, facilitator, other_facilitator):
    _many(facilitator, 3)
    _many(other_facilitator, 2)
    login(client, facilitator).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=facilitator, read_at__isnull=True).exists()
    assert (
        Notification.objects.filter(recipient=other_facilitator, read_at__isnull=True).count() == 2
    )
    unread = client.get(reverse("notifications:list") + "?belum=1").content.decode()
    assert "data-notification=" not in unread


def test_switch_email_off_and_on(client, supervisor):
    login(client, supervisor)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and "checked" in page.content.decode()
    client.post(reverse("notifications:preferences"), {})
    assert NotificationPreference.objects.get(user=supervisor).email_digest is False
    client.post(reverse("notifications:preferences"), {"email_digest": "on"})
    assert NotificationPreference.objects.get(user=supervisor).email_digest is True


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/masuk/" in response["Location"]
