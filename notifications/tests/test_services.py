import pytest
from django.core import mail

from accounts.tests.factories import FacilitatorFactory
from notifications import services
from notifications.models import Notification, NotificationPreference
from pkh import extensions
from pkh.extensions import DigestLine

pytestmark = pytest.mark.django_db


def test_notify_writes_one_row(facilitator):
    n = services.notify(facilitator, kind="complaint_assigned", title="Pengaduan #3", url="/x/")
    assert Notification.objects.get() == n
    assert (n.recipient, n.kind, n.title, n.url, n.read_at) == (
        facilitator,
        "complaint_assigned",
        "Pengaduan #3",
        "/x/",
        None,
    )


def test_notify_skips_none_and_inactive(facilitator):
    facilitator.is_active = False
    facilitator.save()
    assert services.notify(None, kind="k", title="t", url="/") is None
    assert services.notify(facilitator, kind="k", title="t", url="/") is None
    assert not Notification.objects.exists()


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "pengaduan/"])
def test_notify_refuses_urls_outside_the_site(facilitator, url):
    with pytest.raises(ValueError):
        services.notify(facilitator, kind="k", title="t", url=url)
    assert not Notification.objects.exists()


def test_long_title_is_cut(facilitator):
    n = services.notify(facilitator, kind="k", title="x" * 500, url="/")
    assert len(n.title) == 200 and n.title.endswith("…")


def test_notify_many_once_per_user(facilitator, other_facilitator, supervisor):
    sent = services.notify_many(
        [facilitator, other_facilitator, facilitator, None, supervisor],
        kind="k",
        title="t",
        url="/",
    )
    assert len(sent) == 3
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        facilitator.pk,
        other_facilitator.pk,
        supervisor.pk,
    }


def test_open_marks_read_only_own(facilitator, other_facilitator):
    n = services.notify(facilitator, kind="k", title="t", url="/")
    with pytest.raises(Notification.DoesNotExist):
        services.notification_open(user=other_facilitator, notification_id=n.pk)
    n.refresh_from_db()
    assert n.read_at is None
    services.notification_open(user=facilitator, notification_id=n.pk)
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.fixture
def digest_line(monkeypatch):
    """A digest section added for the test (after the apps' own): 4 items for leads."""
    point = extensions.digest_sections

    def section(*, user):
        return [DigestLine(label="Hal uji menunggu", count=4, url="/uji/?status=menunggu")]

    monkeypatch.setattr(point, "order", (*point.order, "test_section"))
    monkeypatch.setitem(point.contributions, "test_section", section)


def test_digest_goes_to_leads_with_email_and_respects_opt_out(
    digest_line, supervisor, other_supervisor, admin_user, facilitator, settings
):
    settings.PKH_SITE_URL = "https://pkh.example.go.id"
    supervisor.email = "spv1@example.go.id"
    supervisor.save()
    other_supervisor.email = "spv2@example.go.id"
    other_supervisor.save()
    admin_user.email = "admin@example.go.id"
    admin_user.save()
    facilitator.email = "p1@example.go.id"
    facilitator.save()
    services.preference_set(user=other_supervisor, email_digest=False)

    assert services.weekly_digest_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.go.id", "spv1@example.go.id"]
    body = mail.outbox[0].body
    assert "Hal uji menunggu: 4" in body
    assert "https://pkh.example.go.id/uji/?status=menunggu" in body
    assert "https://pkh.example.go.id/notifikasi/pengaturan/" in body

    # A second run within the week sends nothing more.
    assert services.weekly_digest_send() == 0
    assert len(mail.outbox) == 2
    assert NotificationPreference.objects.filter(digest_sent_at__isnull=False).count() == 2


def test_digest_with_nothing_waiting_sends_nothing(supervisor):
    supervisor.email = "spv1@example.go.id"
    supervisor.save()
    assert services.weekly_digest_send() == 0
    assert mail.outbox == []


def test_facilitators_get_no_digest(digest_line, regions):
    FacilitatorFactory(email="p@example.go.id")
    assert services.weekly_digest_send() == 0
