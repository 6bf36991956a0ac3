"""The attendance screen on a 360-px phone screen, in headless Chromium."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fds_sessions import services
from fds_sessions.models import (
    Attendance,
    FdsModule,
    FdsModuleSession,
    FdsSession,
    SessionStatus,
)
from fds_sessions.tests.factories import GroupFactory, add_families
from pkh.testing import phone_page_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_take_attendance_on_a_phone(browser, live_server, facilitator, tmp_path):
    # Transactional tests start from an empty database: add one curriculum session.
    module, _ = FdsModule.objects.get_or_create(number=1, defaults={"title": "Pengasuhan"})
    item, _ = FdsModuleSession.objects.get_or_create(
        module=module, order=1, defaults={"title": "Menjadi Orang Tua yang Lebih Baik"}
    )
    group = GroupFactory(facilitator=facilitator, name="Melati Patalan")
    families = add_families(group, 25)
    session = services.session_plan(
        group=group, date=timezone.localdate(), module_session=item, by=facilitator
    )
    page = phone_page_signed_in(browser, live_server)

    page.goto(live_server.url + reverse("fds_sessions:group_detail", args=[group.pk]))
    assert _overflow(page) <= 0, "group page scrolls sideways on a phone"
    page.goto(live_server.url + reverse("fds_sessions:session_attendance", args=[session.pk]))
    assert _overflow(page) <= 0, "attendance screen scrolls sideways on a phone"
    first = families[0]
    for status in ("present", "sick", "excused", "absent"):
        box = page.locator(f"label[for='a{first.pk}-{status}']").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 70, f"{status} too small to tap"
    page.locator(f"label[for='a{families[1].pk}-absent']").tap()
    page.locator(f"label[for='a{families[2].pk}-sick']").tap()
    page.locator(f"label[for='a{families[3].pk}-excused']").tap()
    page.click("#att-all-present")
    assert "sudah ditandai" in page.locator("#att-count").inner_text()
    page.screenshot(path=str(tmp_path / "attendance-360.png"), full_page=True)
    page.click("button[type=submit][data-once]")
    page.wait_for_url(live_server.url + reverse("fds_sessions:session_detail", args=[session.pk]))
    assert "Kehadiran disimpan." in page.content()
    marks = dict(Attendance.objects.values_list("household_id", "status"))
    assert len(marks) == 25
    assert marks[families[1].pk] == "absent"
    assert marks[families[2].pk] == "sick"
    assert marks[families[3].pk] == "excused"
    assert marks[first.pk] == "present"
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_plan_without_module_shows_the_error_on_a_phone(browser, live_server, facilitator):
    # Regression: with no module chosen, Simpan seemed to do nothing.
    module, _ = FdsModule.objects.get_or_create(number=1, defaults={"title": "Pengasuhan"})
    item, _ = FdsModuleSession.objects.get_or_create(
        module=module, order=1, defaults={"title": "Menjadi Orang Tua yang Lebih Baik"}
    )
    group = GroupFactory(facilitator=facilitator, name="Melati Patalan")
    services.session_plan(
        group=group, date=timezone.localdate(), module_session=item, by=facilitator
    )
    page = phone_page_signed_in(browser, live_server)
    url = live_server.url + reverse("fds_sessions:session_plan", args=[group.pk])
    page.goto(url)
    # The second session of the day: the curriculum's one session again, preselected.
    assert page.input_value("#id_module_session") == str(item.pk)
    page.select_option("#id_module_session", "")
    page.click("button[type=submit][data-once]")
    error = page.locator("#error_1_id_module_session")
    error.wait_for()
    assert error.inner_text() == "Pilih modul dan sesi yang akan dibahas."
    assert error.is_visible() and error.bounding_box()["y"] < PHONE["height"]
    assert page.url == url
    assert page.locator("button[type=submit][data-once]").is_enabled()
    assert FdsSession.objects.count() == 1
    assert _overflow(page) <= 0
