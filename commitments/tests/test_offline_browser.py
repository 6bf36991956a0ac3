"""Commitment checks offline in headless Chromium on 360- and 412-px phones: a school's
list entered with no signal, kept across a reload, and synced exactly once; a list saved
online meanwhile shows both versions."""

from __future__ import annotations

import pytest

from commitments.models import VerificationEntry, VerificationSheet
from commitments.services.offline import offline_sheets
from commitments.tests.test_offline import save_online
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


def test_a_school_list_saved_online_meanwhile_shows_both_versions(
    browser, live_server, facilitator, family, school, month
):
    context, page = phone(browser, live_server, 412)
    open_app(page, live_server)
    prepare(page)
    context.set_offline(True)
    home(page)
    page.locator(f"[data-sheet='sekolah-{school.pk}']").tap()
    page.wait_for_selector("#view-commitment:not([hidden])")
    page.locator(".cm-row").first.locator("input[name$='days_sick']").fill("2")
    page.locator("#cm-form button[type=submit]").tap()
    page.wait_for_selector("#view-home:not([hidden])")
    # Meanwhile the facilitator saves the same list on the online page: 3 days sick.
    sheet = next(s for s in offline_sheets(user=facilitator)["sheets"] if s["kind"] == "sekolah")
    prefix = sheet["rows"][0]["prefix"]
    save_online(facilitator, sheet, month, **{f"{prefix}days_sick": "3"})
    context.set_offline(False)
    wait_states(page, "conflict", 1)
    record = page.locator("[data-record][data-state='conflict']")
    row = record.locator(f"tr[data-field='{prefix}days_sick']")
    assert row.locator("td").nth(1).inner_text().strip() == "3"
    assert row.locator("td").nth(2).inner_text().strip() == "2"
    assert record.locator("tr[data-field]").count() == 1
    assert overflow(page) <= 0
    assert VerificationEntry.objects.get(month=month, school=school).days_sick == 3
    row.locator("input[value=server]").check()
    record.locator("[data-resolve]").tap()
    wait_states(page, "sent", 1)
    assert VerificationEntry.objects.get(month=month, school=school).days_sick == 3
    assert VerificationSheet.objects.count() == 2 and SyncReceipt.objects.count() == 1
    forget_expected(browser, r"ERR_INTERNET_DISCONNECTED")
