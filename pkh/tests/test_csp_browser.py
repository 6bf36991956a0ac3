"""In headless Chromium: the main pages, a report with charts and an htmx poll run under
the Content-Security-Policy without a single violation."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from households.tests.factories import VisitFactory, household_with_members
from imports.services import roster_import_create
from reports.models import ProgressReport, Trigger
from reports.quarters import Quarter
from reports.snapshot import snapshot_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"
CSP_WORDS = ("Content Security Policy", "Refused to")


class Console:
    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda msg: self.messages.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))

    def violations(self) -> list[str]:
        return [m for m in self.messages if any(w in m for w in CSP_WORDS)]


def sign_in(browser, live_server, user):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    console = Console(page)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(live_server.url + reverse("home"))
    return page, console


def test_the_detector_sees_a_violation(browser, live_server, facilitator):
    """The control: an inline style added to the page is refused and reported."""
    page, console = sign_in(browser, live_server, facilitator)
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')"
    )
    page.wait_for_timeout(300)
    assert console.violations(), console.messages
    # The refusal was the point: it must not fail this test as an unexpected page error.
    browser.problems.clear()


def test_main_pages_run_without_csp_violations(
    browser, live_server, facilitator, supervisor, admin_user
):
    quarter = Quarter.containing(timezone.localdate() - datetime.timedelta(days=95))
    families = [household_with_members(facilitator=facilitator) for _ in range(3)]
    for family in families:
        VisitFactory(household=family, date=(quarter.start + datetime.timedelta(days=10)).date())
    snapshot, summary = snapshot_build(facilitator=facilitator, quarter=quarter)
    report = ProgressReport.objects.create(
        facilitator=facilitator,
        quarter=str(quarter),
        snapshot=snapshot,
        summary=summary,
        generated_at=timezone.now(),
        trigger=Trigger.SCHEDULE,
    )
    running_import = roster_import_create(
        by=admin_user,
        file=ContentFile(b"no_kk,nik\n", name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    family = families[0]
    seen: list[str] = []

    # The facilitator: caseload, a search (a POST), the family page, the visit form.
    page, console = sign_in(browser, live_server, facilitator)
    for name, args in (
        ("households:caseload", []),
        ("households:detail", [family.pk]),
        ("households:visit_create", [family.pk]),
        ("households:edit", [family.pk]),
        ("fds_sessions:group_list", []),
        ("graduation:pipeline", []),
        ("assistance:gap", []),
    ):
        page.goto(live_server.url + reverse(name, args=args))
        seen.append(name)
    page.goto(live_server.url + reverse("households:caseload"))
    page.fill("input[name=q]", family.id_keluarga)
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert family.id_keluarga in page.content()
    # The report page draws its charts (inline SVG from the server, no script).
    page.goto(live_server.url + reverse("reports:detail", args=[report.pk]))
    page.wait_for_selector("svg.report-chart")
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('svg.report-chart'))"
        ".map(c => c.getBoundingClientRect().width)"
    )
    assert drawn and all(w > 0 for w in drawn), "charts were not drawn"
    assert not console.violations(), console.violations()

    # The supervisor: team report with its chart.
    page, console_sup = sign_in(browser, live_server, supervisor)
    page.goto(live_server.url + reverse("reports:team") + f"?triwulan={quarter}")
    page.goto(live_server.url + reverse("households:team_overview"))
    assert not console_sup.violations(), console_sup.violations()

    # The admin: the import page polls its status with htmx; the transfer page's
    # "select all" box is wired by a static script.
    page, console_admin = sign_in(browser, live_server, admin_user)
    page.goto(live_server.url + reverse("imports:detail", args=[running_import.pk]))
    with page.expect_response(lambda r: "/status/" in r.url, timeout=10_000) as polled:
        pass
    assert polled.value.status == 200
    page.wait_for_timeout(300)  # let htmx swap the fragment in
    assert page.locator("#import-status .progress-bar").count() == 1
    page.goto(
        live_server.url + reverse("households:transfer") + f"?from_facilitator={facilitator.pk}"
    )
    page.check("input[data-select-all]")
    checked = page.evaluate(
        "Array.from(document.querySelectorAll('input[name=households]')).every(c => c.checked)"
    )
    assert checked
    page.goto(live_server.url + reverse("reports:district") + f"?triwulan={quarter}")
    page.goto(live_server.url + reverse("accounts:user_list"))
    assert not console_admin.violations(), console_admin.violations()
