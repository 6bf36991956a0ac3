"""The online month screen on a 360-px phone, in headless Chromium: a facilitator signs
in, opens the month from the menu, opens a school's list, types one child's absence,
saves, and reads the result, with no sideways scrolling on any of the screens."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from commitments.forms import month_key
from commitments.models import VerificationEntry
from commitments.selectors.due import FACILITY, SCHOOL
from e2e.journey import PHONE, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide on a 360-px phone"


def test_a_school_list_entered_on_a_phone(browser, live_server, facilitator, family, school, month):
    pupil = family.members.get(components__code="SD")
    j = Journey(browser, live_server, device=PHONE)
    page = j.page
    j.login(facilitator.username)

    j.menu("Komitmen")
    page.select_option("#id_bulan", month_key(month))
    j.tap(page.get_by_role("button", name="Tampilkan"))
    page.wait_for_url(f"**bulan={month_key(month)}")
    figure = page.locator("[data-figure=month-completeness]")
    expect(figure).to_contain_text("0 dari 2")
    no_sideways_scroll(page)
    j.assert_fits()

    j.tap(page.locator(f"[data-group='{SCHOOL}-{school.pk}']"))
    expect(page.locator("h1")).to_have_text(school.name)
    no_sideways_scroll(page)
    row = page.locator(f"fieldset.att-row[data-member='{pupil.pk}']")
    expect(row.locator("legend")).to_contain_text(pupil.name)
    row.locator("input[name$='_days_unexcused']").fill("6")
    j.tap(page.get_by_role("button", name="Simpan verifikasi"))

    page.wait_for_url(f"**bulan={month_key(month)}")
    j.expect_message("Verifikasi komitmen disimpan.")
    expect(figure).to_contain_text("1 dari 2")
    expect(page.locator(f"[data-group='{SCHOOL}-{school.pk}'] [data-count]")).to_have_text("1/1")
    no_sideways_scroll(page)
    entry = VerificationEntry.objects.get(member=pupil, month=month)
    assert (entry.school_id, entry.days_unexcused, entry.days_sick) == (school.pk, 6, 0)

    # The list again: the child's verdict, as the facilitator sees it on the phone.
    j.tap(page.locator(f"[data-group='{SCHOOL}-{school.pk}']"))
    expect(row.locator("[data-verdict]")).to_have_attribute("data-verdict", "tidak_memenuhi")
    expect(row.locator("input[name$='_days_unexcused']")).to_have_value("6")
    no_sideways_scroll(page)
    j.assert_fits()


def test_a_compliant_posyandu_list_is_one_tap_on_a_phone(
    browser, live_server, facilitator, family, posyandu, month
):
    """Every box ticked by default: opening the posyandu's list and saving it is the
    whole job for a list where everyone came."""
    toddler = family.members.get(components__code="ANAK_USIA_DINI")
    j = Journey(browser, live_server, device=PHONE)
    page = j.page
    j.login(facilitator.username)
    page.goto(f"{live_server.url}/komitmen/?bulan={month_key(month)}")
    j.tap(page.locator(f"[data-group='{FACILITY}-{posyandu.pk}']"))
    expect(page.locator("h1")).to_have_text(posyandu.name)
    no_sideways_scroll(page)
    row = page.locator(f"fieldset.att-row[data-member='{toddler.pk}']")
    boxes = row.locator("input[type=checkbox]")
    assert boxes.count() >= 1
    for k in range(boxes.count()):
        expect(boxes.nth(k)).to_be_checked()
    j.tap(page.get_by_role("button", name="Simpan verifikasi"))
    page.wait_for_url(f"**bulan={month_key(month)}")
    j.expect_message("Verifikasi komitmen disimpan.")
    expect(page.locator(f"[data-group='{FACILITY}-{posyandu.pk}'] [data-count]")).to_have_text(
        "1/1"
    )
    no_sideways_scroll(page)
    entry = VerificationEntry.objects.get(member=toddler, month=month)
    assert entry.facility_id == posyandu.pk and entry.weighed
