"""Proposing a correction on a 360-px phone screen, in headless Chromium."""

import datetime

import pytest
from django.urls import reverse

from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import child_of, family
from pkh.testing import phone_page_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_propose_a_member_leaving_on_a_phone(browser, live_server, facilitator, tmp_path):
    household, _ = family(facilitator)
    child = child_of(household)
    page = phone_page_signed_in(browser, live_server)

    detail = live_server.url + reverse("households:detail", args=[household.pk])
    page.goto(detail)
    assert _overflow(page) <= 0, "family page scrolls sideways on a phone"
    panel = page.locator("[data-panel='corrections/_family_panel.html']")
    assert "Belum ada koreksi data." in panel.inner_text()
    leave_url = reverse("corrections:propose_member_leave", args=[household.pk, child.pk])
    panel.locator(f"a[href='{leave_url}']").click()
    page.wait_for_url(live_server.url + leave_url)
    assert _overflow(page) <= 0, "correction form scrolls sideways on a phone"
    save = page.locator("button[type=submit][data-once]")
    box = save.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44, "submit button too small to tap"

    # A leaving date before the birth: a clear error, nothing proposed.
    page.select_option("#id_event", "pindah")
    page.fill("#id_left_on", "2010-01-01")
    page.select_option("#id_document", "surat_pindah")
    save.click()
    error = page.locator(".invalid-feedback")
    assert "sebelum tanggal lahir" in error.first.inner_text()
    assert error.first.is_visible()
    assert Correction.objects.count() == 0

    left_on = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    page.fill("#id_left_on", left_on)
    page.fill("#id_note", "Ikut orang tua bekerja di Batam.")
    page.screenshot(path=str(tmp_path / "correction-form-360.png"), full_page=True)
    page.locator("button[type=submit][data-once]").click()
    correction = Correction.objects.get()
    page.wait_for_url(live_server.url + reverse("corrections:detail", args=[correction.pk]))
    assert "Koreksi diajukan dan menunggu keputusan." in page.content()
    assert _overflow(page) <= 0, "correction page scrolls sideways on a phone"
    assert correction.status == CorrectionStatus.PENDING
    assert correction.new_values == {"left_on": left_on, "left_reason": "pindah"}
    child.refresh_from_db()
    assert child.left_on is None  # the registry waits for the supervisor

    page.goto(detail)
    assert page.locator("[data-corrections] [data-status='menunggu']").count() == 1
