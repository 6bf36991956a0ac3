"""No NIK, No. KK or family/member name in any log line or any URL, during the main flows.

Every log record of every logger is captured at DEBUG (DEBUG=False, so no SQL logging)
and formatted, tracebacks included; every URL requested or redirected to is kept. At the
end, every NIK, No. KK and member name in the database is looked for in both.
"""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from graduation.tests.factories import assess, ensure_default_form, pdf_upload
from households.models import ExitType, Household, Member
from households.tests.factories import JETIS_VILLAGES, VisitFactory, household_with_members
from imports.models import ImportMode, RosterImport
from imports.tests.roster import RosterBuilder, csv_bytes
from reports.quarters import Quarter

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-123"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    # The test's own data generators (factory_boy, Faker) log what they build; they do not
    # run in the app, so their records are not the app's logs.
    TEST_TOOLING = ("factory", "faker")

    def emit(self, record):
        if record.name.split(".")[0] not in self.TEST_TOOLING:
            self.lines.append(self.format(record))


class RecordingClient(Client):
    """A test client that keeps every URL it requests and every redirect target."""

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls

    def request(self, **request):
        path = request.get("PATH_INFO", "")
        query = request.get("QUERY_STRING", "")
        self.urls.append(f"{path}?{query}" if query else path)
        response = super().request(**request)
        if response.get("Location"):
            self.urls.append(response["Location"])
        if response.get("HX-Redirect"):
            self.urls.append(response["HX-Redirect"])
        return response


@pytest.fixture
def capture(settings):
    settings.DEBUG = False
    root = logging.getLogger()
    handler = Capture()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def login(urls, user) -> RecordingClient:
    client = RecordingClient(urls)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


def test_main_flows_leave_no_personal_data_in_logs_or_urls(
    capture, facilitator, supervisor, admin_user, django_capture_on_commit_callbacks
):
    urls: list[str] = []
    ensure_default_form()
    families = [household_with_members(facilitator=facilitator) for _ in range(30)]
    family = families[0]
    pengurus = family.members.get(is_pengurus=True)
    VisitFactory(household=family)

    # A failed login first (a wrong password is logged by axes, with the username only).
    RecordingClient(urls).post(
        reverse("login"), {"username": facilitator.username, "password": "salah"}
    )
    client = login(urls, facilitator)
    # Caseload search by NIK and by name, then the next page of a plain list.
    for query in (pengurus.nik, pengurus.name, family.no_kk):
        response = client.post(reverse("households:caseload"), {"q": query}, follow=True)
        assert response.status_code == 200
        assert family.id_keluarga in response.content.decode()
    client.get(reverse("households:search_clear"))
    assert client.get(reverse("households:caseload") + "?page=2").status_code == 200
    # Family page, visit, household edit, a bad member edit (errors are rendered, not logged).
    assert client.get(reverse("households:detail", args=[family.pk])).status_code == 200
    response = client.post(
        reverse("households:visit_create", args=[family.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "purpose": "verifikasi",
            "notes": f"Bertemu {pengurus.name}",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("households:edit", args=[family.pk]))
    data = {
        k: v
        for k, v in page.context["form"].initial.items()
        if v is not None and not isinstance(v, bool)
    }
    data["address"] = "Dusun Kertan RT 03"
    assert client.post(reverse("households:edit", args=[family.pk]), data).status_code in (
        200,
        302,
    )
    client.get(reverse("households:detail", args=[999999]))  # a 404 is logged: id only
    # Graduation proposal with a signed statement.
    assess(family)
    response = client.post(
        reverse("graduation:proposal_create", args=[family.pk]),
        {
            "reason": f"{pengurus.name} membuka warung",
            "exit_type": ExitType.GRADUASI_MANDIRI,
            "statement": pdf_upload(),
        },
    )
    assert response.status_code == 302

    # The admin imports a small roster with bad rows, previews it and confirms.
    builder = RosterBuilder(
        villages=list(JETIS_VILLAGES),
        facilitators=[facilitator.username],
        today=datetime.date(2026, 11, 1),
    )
    rows = list(builder.families(4))
    rows[1][0]["JK"] = "X"  # a rejected family
    rows[2][0]["NIK"] = "1234"  # a malformed NIK
    admin = login(urls, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("imports:create"),
            {
                "file": SimpleUploadedFile("roster Siti.csv", csv_bytes(rows)),
                "mode": ImportMode.SKIP_INVALID,
            },
        )
    assert response.status_code == 302
    roster_import = RosterImport.objects.get()
    admin.get(reverse("imports:detail", args=[roster_import.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("imports:confirm", args=[roster_import.pk]), {"mode": ImportMode.SKIP_INVALID}
        )
    admin.get(reverse("imports:report", args=[roster_import.pk, "ditolak", "csv"]))
    assert Household.objects.count() > len(families)  # the good rows landed

    # The supervisor produces last quarter's reports and opens them.
    lead = login(urls, supervisor)
    quarter = Quarter.containing(timezone.localdate() - datetime.timedelta(days=95))
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(reverse("reports:run_start"), {"triwulan": str(quarter)})
    assert response.status_code == 302
    lead.get(response["Location"])
    assert lead.get(reverse("reports:team") + f"?triwulan={quarter}").status_code == 200

    # What must never appear.
    secrets = set()
    for nik, name in Member.objects.values_list("nik", "name"):
        secrets.update({nik, name})
    secrets.update(Household.objects.values_list("no_kk", flat=True))
    secrets.discard("")
    assert len(secrets) > 100

    log_text = "\n".join(capture.lines)
    assert capture.lines, "nothing was logged: the capture is broken"
    leaks = sorted(s for s in secrets if s in log_text)
    leaking_lines = [line for line in capture.lines if any(s in line for s in leaks)]
    assert not leaks, f"personal data in the logs: {leaks[:5]}\n" + "\n".join(leaking_lines[:20])
    url_text = "\n".join(urls)
    leaks = sorted(
        s
        for s in secrets
        if any(form in url_text for form in (s, s.replace(" ", "+"), s.replace(" ", "%20")))
    )
    assert not leaks, f"personal data in URLs: {leaks[:5]}"
    assert any("?page=2" in u for u in urls)
