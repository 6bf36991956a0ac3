"""A 1280-px laptop in the district office: the supervisor's and the admin's menu is one
line (the less used entries under "Lainnya"), and a table wider than its box says so (a
hint above it, a shadow on the side where columns are hidden) and scrolls.

Regression: at 1280 px both menus wrapped onto two lines, and the graduation review and
the team report tables were cut off with nothing to say more columns were hidden.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1280, "height": 800}}
HINT = "Geser tabel ke samping untuk melihat semua kolom →"

# The bar's height, and the vertical middle of the brand, each entry, the name and buttons.
BAR = """() => {
  const bar = document.querySelector('nav.navbar');
  const parts = bar.querySelectorAll('.navbar-brand, #mainnav > ul > li > .nav-link,'
    + ' #mainnav .navbar-text, #mainnav button:not(.dropdown-toggle)');
  return {height: bar.getBoundingClientRect().height,
          middles: Array.from(parts).map(e => {
            const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })};
}"""
# A table's scroll box: how much of the table is hidden, the hint shown above it (if any),
# and whether the box can take the keyboard focus.
BOX = """table => {
  const box = table.closest('.table-responsive'), hint = box.parentElement.previousElementSibling;
  return {hidden: box.scrollWidth - box.clientWidth,
          hint: hint && hint.matches('[data-scroll-hint]') && !hint.hidden ? hint.innerText : null,
          focusable: box.tabIndex === 0};
}"""


def assert_menu_one_line(j: Journey) -> None:
    bar = j.page.evaluate(BAR)
    assert bar["height"] < 70, f"the menu bar is {bar['height']} px high: it wraps"
    assert max(bar["middles"]) - min(bar["middles"]) <= 8, f"menu parts on two lines: {bar}"


def more_entries(j: Journey) -> list[str]:
    return [t.strip() for t in j.page.locator("[data-nav-more] .dropdown-item").all_inner_texts()]


def assert_scrolls_with_hint(j: Journey, table) -> None:
    """A table wider than its box: the hint and the right shadow, none on the left; once
    scrolled to the end, the left shadow only and the last column in view."""
    wrap = table.locator("xpath=ancestor::div[contains(@class, 'table-scroll')][1]")
    state = table.evaluate(BOX)
    assert state["hidden"] > 0, "the table is not wider than its box"
    assert state["hint"] == HINT and state["focusable"], state
    expect(j.page.get_by_text(HINT)).to_be_visible()
    expect(wrap).to_have_class(re.compile(r"\bscroll-right\b"))
    expect(wrap).not_to_have_class(re.compile(r"\bscroll-left\b"))
    last = table.locator("thead th").last
    box = table.locator("xpath=..")
    assert last.bounding_box()["x"] >= box.bounding_box()["x"] + box.bounding_box()["width"]
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    expect(wrap).to_have_class(re.compile(r"\bscroll-left\b"))
    expect(wrap).not_to_have_class(re.compile(r"\bscroll-right\b"))
    right = last.bounding_box()["x"] + last.bounding_box()["width"]
    assert right <= box.bounding_box()["x"] + box.bounding_box()["width"] + 1
    j.assert_fits()  # the table scrolls within its box, never the page


def test_supervisor_at_1280(browser, live_server, facilitator):
    j = Journey(browser, live_server, device=WIDE)
    page = j.page
    j.login("supervisor1")
    assert_menu_one_line(j)
    assert more_entries(j) == [
        "Pengaduan",
        "Papan pengaduan",
        "Komitmen tim",
        "Status laporan",
        "Koreksi data",
        "Perangkat offline",
    ]
    j.menu("Status laporan")
    expect(page.locator("[data-nav-more] .dropdown-toggle")).to_have_class(
        re.compile(r"\bactive\b")
    )
    assert_menu_one_line(j)

    j.menu("Laporan tim")
    assert_scrolls_with_hint(j, page.locator("table[data-team-report]"))

    j.menu("Review graduasi")
    review = page.locator("table[data-review]")
    # At 1280 px the review uses the whole width and fits: no hint, no shadow.
    assert review.evaluate(BOX) == {"hidden": 0, "hint": None, "focusable": False}
    expect(page.locator(".table-scroll.scroll-right, .table-scroll.scroll-left")).to_have_count(0)
    # On a narrower window it no longer fits and says so (the box's width is watched).
    page.set_viewport_size({"width": 1024, "height": 800})
    expect(page.get_by_text(HINT)).to_be_visible()
    assert_scrolls_with_hint(j, review)
    page.set_viewport_size(WIDE["viewport"])
    expect(page.get_by_text(HINT)).to_be_hidden()


def test_admin_at_1280(browser, live_server, admin_user, facilitator):
    j = Journey(browser, live_server, device=WIDE)
    page = j.page
    j.login("admin1")
    assert_menu_one_line(j)
    entries = page.locator("#mainnav > ul > li > a.nav-link").all_inner_texts()
    assert "Impor roster" in entries and "Pengguna" in entries
    assert more_entries(j) == [
        "Formulir penilaian",
        "Pengaduan",
        "Papan pengaduan",
        "Komitmen tim",
        "Laporan wilayah",
        "Status laporan",
        "Modul P2K2",
        "Pindah pendamping",
        "Koreksi data",
        "Ekspor koreksi",
        "Perangkat offline",
    ]
    j.menu("Pindah pendamping")
    assert_menu_one_line(j)

    j.menu("Laporan tim")
    assert_scrolls_with_hint(j, page.locator("table[data-team-report]"))


def test_a_phone_reaches_the_entries_under_lainnya(browser, live_server, admin_user):
    j = Journey(
        browser,
        live_server,
        device={
            "viewport": {"width": 360, "height": 740},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        },
    )
    j.login("admin1")
    j.menu("Laporan wilayah")
    j.assert_fits()
