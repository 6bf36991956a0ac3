"""Commitment checks offline in headless Chromium on a 360-px phone: a school's list
entered with no signal, kept across a reload, and synced exactly once."""

from __future__ import annotations

import pytest

from commitments.models import VerificationEntry, VerificationSheet
from field.models import SyncReceipt
from field.tests.test_browser import (
    forget_expected,
    home,
    open_app,
    overflow,
    phone,
    prepare,
    wait_states,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_school_list_entered_offline_syncs_exactly_once(
    browser, live_server, facilitator, family, school, month
):
    context, page = phone(browser, live_server, 360)
    open_app(page, live_server)
    prepare(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#field-app[data-ready='1']", state="attached")
    home(page)
    sheet_id = f"sekolah-{school.pk}"
    page.locator(f"[data-sheet='{sheet_id}']").tap()
    page.wait_for_selector("#view-commitment:not([hidden])")
    assert overflow(page) <= 0, "the list scrolls sideways"
    row = page.locator(".cm-row").first
    row.locator("input[name$='days_sick']").fill("2")
    page.locator("#cm-form button[type=submit]").tap()
    page.wait_for_selector("#view-home:not([hidden])")
    wait_states(page, "pending", 1)
    page.reload()  # still offline: the queue is on the phone
    page.wait_for_selector("#field-app[data-ready='1']", state="attached")
    wait_states(page, "pending", 1)
    assert not VerificationSheet.objects.exists()

    context.set_offline(False)
    wait_states(page, "sent", 1)
    assert VerificationSheet.objects.count() == 1 and SyncReceipt.objects.count() == 1
    entry = VerificationEntry.objects.get(month=month, school=school)
    assert entry.days_sick == 2
    page.locator("#send-now").tap()
    page.wait_for_timeout(500)
    assert VerificationSheet.objects.count() == 1 and SyncReceipt.objects.count() == 1
    forget_expected(browser, r"ERR_INTERNET_DISCONNECTED")
