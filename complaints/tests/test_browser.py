"""A complaint on a 360-px phone screen, in headless Chromium: the facilitator opens it
from the family page, the supervisor works it to the end, the family page shows it."""

import pytest
from django.urls import reverse

from assistance.tests.factories import ResourceFactory
from complaints.models import Complaint, ComplaintStatus
from households.tests.factories import household_with_members
from notifications.models import Notification
from pkh.testing import phone_page_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _png(tmp_path):
    from PIL import Image

    path = tmp_path / "kks.png"
    Image.new("RGB", (64, 40), (30, 90, 160)).save(path)
    return path


def test_open_a_complaint_on_a_phone_and_the_supervisor_resolves_it(
    browser, live_server, facilitator, supervisor, seeded_rows, tmp_path
):
    household = household_with_members(facilitator=facilitator)
    member = household.members.order_by("birth_date").first()
    office = ResourceFactory(name="Bank Penyalur Cabang Bantul")
    page = phone_page_signed_in(browser, live_server)  # pendamping1

    family_url = live_server.url + reverse("households:detail", args=[household.pk])
    page.goto(family_url)
    panel = page.locator("[data-panel='complaints/panel.html']")
    assert "Belum ada pengaduan." in panel.inner_text()
    panel.locator("[data-new-complaint]").click()
    create_url = live_server.url + reverse("complaints:create", args=[household.pk])
    page.wait_for_url(create_url)
    assert _overflow(page) <= 0, "complaint form scrolls sideways on a phone"
    save = page.locator("#complaint-form button[type=submit][data-once]")
    box = save.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44, "save button too small to tap"

    # Nothing chosen: field errors on the page, nothing written.
    save.click()
    page.wait_for_url(create_url)
    errors = page.locator(".invalid-feedback").all_inner_texts()
    assert any("Pilih kategori pengaduan." in e for e in errors)
    assert any("Pilih saluran pengaduan." in e for e in errors)
    assert any("Tuliskan uraian pengaduan." in e for e in errors)
    assert Complaint.objects.count() == 0

    # A few taps: category, channel, who, what, a photo of the card.
    page.get_by_label("Masalah KKS").check()
    page.get_by_label("Kunjungan rumah").check()
    page.select_option("#id_member", str(member.pk))
    page.fill("#id_description", "Kartu KKS terblokir setelah salah PIN tiga kali.")
    page.set_input_files("#id_photo", str(_png(tmp_path)))
    page.screenshot(path=str(tmp_path / "complaint-form-360.png"), full_page=True)
    page.locator("#complaint-form button[type=submit][data-once]").click()
    page.wait_for_url(f"{live_server.url}/pengaduan/*/")
    complaint = Complaint.objects.get()
    assert page.url == live_server.url + reverse("complaints:detail", args=[complaint.pk])
    assert _overflow(page) <= 0, "complaint page scrolls sideways on a phone"
    assert page.locator("[data-complaint-detail] [data-status='baru']").count() == 1
    assert complaint.member == member and complaint.photo
    assert complaint.category.code == "kks" and complaint.channel
    photo = page.locator("img.complaint-photo")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")

    # The supervisor, on a phone too, finds it in the list and works it.
    page = phone_page_signed_in(browser, live_server, username=supervisor.username)
    page.goto(live_server.url + reverse("complaints:list"))
    assert _overflow(page) <= 0, "complaint list scrolls sideways on a phone"
    page.locator(f"[data-complaint='{complaint.pk}'] a").first.click()
    page.wait_for_url(live_server.url + reverse("complaints:detail", args=[complaint.pk]))
    page.fill("#id_start-note", "Dicek ke bank penyalur.")
    page.get_by_role("button", name="Mulai proses").click()
    page.wait_for_selector("[data-complaint-detail] [data-status='diproses']")

    page.locator("summary", has_text="Rujuk ke sistem sumber").click()
    page.select_option("#id_refer-resource", str(office.pk))
    page.get_by_role("button", name="Rujuk", exact=True).click()
    page.wait_for_selector("[data-complaint-detail] [data-status='dirujuk']")
    assert "Bank Penyalur Cabang Bantul" in page.locator("[data-complaint-detail]").inner_text()

    # Resolving without the outcome: the phone's own check stops it, still referred (the
    # server's field error for a blank outcome is tested in test_views).
    page.locator("summary", has_text="Selesaikan").click()
    page.get_by_role("button", name="Tandai selesai").click()
    outcome = page.locator("#id_resolve-resolution")
    assert outcome.evaluate("el => el.required && !el.validity.valid")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REFERRED
    page.fill("#id_resolve-resolution", "Kartu dibuka kembali oleh bank.")
    page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_selector("[data-complaint-detail] [data-status='selesai']")
    assert _overflow(page) <= 0
    assert page.locator("[data-actions]").count() == 0  # closed: no more actions
    events = page.locator("[data-events] [data-event]")
    assert events.count() == 4  # opened, in progress, referred, resolved
    assert "Dicek ke bank penyalur." in page.locator("[data-events]").inner_text()

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED
    assert list(complaint.events.values_list("by", flat=True)) == [
        facilitator.pk,
        supervisor.pk,
        supervisor.pk,
        supervisor.pk,
    ]

    # The facilitator is told the supervisor closed it (a link to the ticket, no name).
    told = Notification.objects.get(recipient=facilitator, kind="complaint_selesai")
    assert told.url == reverse("complaints:detail", args=[complaint.pk])
    assert member.name not in told.title

    # The family page shows the resolved ticket, no longer open.
    page.goto(family_url)
    panel = page.locator("[data-panel='complaints/panel.html']")
    assert panel.locator("[data-status='selesai']").count() == 1
    assert "0 pengaduan terbuka" in panel.inner_text()
    assert f"#{complaint.pk} Masalah KKS" in panel.inner_text()
