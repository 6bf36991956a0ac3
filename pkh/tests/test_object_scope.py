"""Every URL that names an object refuses users of another team (or region): 404, or 403
where the role is refused before any lookup; never the object.

``OBJECTS`` maps every URL name whose pattern takes an object kwarg to how to build that
kwarg from objects belonging to ANOTHER team; ``SHARED`` lists the ones whose objects
belong to nobody's team (catalogues, with the reason). A new URL with an id kwarg that is
in neither fails ``test_every_object_url_is_mapped``.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from commitments.forms import month_key
from commitments.selectors.due import SCHOOL, current_month
from households.models import Household
from pkh.tests.urlwalk import routes
from pkh.tests.world import build_world
from regions.models import Region, RegionLevel

pytestmark = pytest.mark.django_db

# kwargs that name an object (ids); other kwargs (a size, a format) are parameters.
ID_KWARGS = {"pk", "member_pk", "group_pk", "indicator_pk", "object_id", "code", "id"}

OBJECTS = {
    "accounts:user_edit": lambda w: {"pk": w.facilitator.pk},
    "households:detail": lambda w: {"pk": w.household.pk},
    "households:edit": lambda w: {"pk": w.household.pk},
    "households:member_create": lambda w: {"pk": w.household.pk},
    "households:member_edit": lambda w: {"pk": w.household.pk, "member_pk": w.member.pk},
    "households:visit_create": lambda w: {"pk": w.household.pk},
    "households:visit_edit": lambda w: {"pk": w.visit.pk},
    "assistance:status_edit": lambda w: {"pk": w.household.pk, "code": "KIS"},
    "assistance:member_status_edit": lambda w: {
        "pk": w.household.pk,
        "code": "KIS",
        "member_pk": w.member.pk,
    },
    "assistance:case_open": lambda w: {"pk": w.household.pk},
    "assistance:case_detail": lambda w: {"pk": w.case.pk},
    "assistance:resource_edit": lambda w: {"pk": w.resource.pk},
    "field:device_revoke": lambda w: {"pk": w.device.pk},
    "fds_sessions:group_detail": lambda w: {"pk": w.group.pk},
    "fds_sessions:group_edit": lambda w: {"pk": w.group.pk},
    "fds_sessions:group_families": lambda w: {"pk": w.group.pk},
    "fds_sessions:session_plan": lambda w: {"pk": w.group.pk},
    "fds_sessions:session_detail": lambda w: {"pk": w.session.pk},
    "fds_sessions:session_edit": lambda w: {"pk": w.session.pk},
    "fds_sessions:session_cancel": lambda w: {"pk": w.session.pk},
    "fds_sessions:session_attendance": lambda w: {"pk": w.session.pk},
    "fds_sessions:session_photo": lambda w: {"pk": w.session.pk, "size": "besar"},
    "graduation:assessment_history": lambda w: {"pk": w.household.pk},
    "graduation:assessment_create": lambda w: {"pk": w.household.pk},
    "graduation:assessment_detail": lambda w: {"pk": w.assessment.pk},
    "graduation:natural_confirm": lambda w: {"pk": w.household.pk},
    "graduation:pipeline_family": lambda w: {"pk": w.household.pk},
    "graduation:pipeline_add": lambda w: {"pk": w.household.pk},
    "graduation:pipeline_record": lambda w: {"pk": w.household.pk},
    "graduation:proposal_create": lambda w: {"pk": w.household.pk},
    "graduation:proposal_detail": lambda w: {"pk": w.proposal.pk},
    "graduation:proposal_decide": lambda w: {"pk": w.proposal.pk},
    "graduation:proposal_statement": lambda w: {"pk": w.proposal.pk},
    "graduation:monitoring_record": lambda w: {"pk": w.monitoring.pk},
    "corrections:detail": lambda w: {"pk": w.correction.pk},
    "corrections:approve": lambda w: {"pk": w.correction.pk},
    "corrections:return": lambda w: {"pk": w.correction.pk},
    "corrections:withdraw": lambda w: {"pk": w.correction.pk},
    "corrections:photo": lambda w: {"pk": w.correction.pk},
    "corrections:propose_member_add": lambda w: {"pk": w.household.pk},
    "corrections:propose_member_leave": lambda w: {"pk": w.household.pk, "member_pk": w.member.pk},
    "corrections:propose_member_identity": lambda w: {
        "pk": w.household.pk,
        "member_pk": w.member.pk,
    },
    "corrections:propose_no_kk": lambda w: {"pk": w.household.pk},
    "corrections:propose_village": lambda w: {"pk": w.household.pk},
    "corrections:export_download": lambda w: {"pk": w.correction_export.pk, "fmt": "csv"},
    "imports:detail": lambda w: {"pk": w.roster_import.pk},
    "imports:status": lambda w: {"pk": w.roster_import.pk},
    "imports:confirm": lambda w: {"pk": w.roster_import.pk},
    "imports:cancel": lambda w: {"pk": w.roster_import.pk},
    "imports:retry": lambda w: {"pk": w.roster_import.pk},
    "imports:report": lambda w: {"pk": w.roster_import.pk, "kind": "ditolak", "fmt": "csv"},
    "imports:derived_retry": lambda w: {"pk": w.roster_import.pk},
    "notifications:open": lambda w: {"pk": w.notification.pk},
    "commitments:enrolment": lambda w: {"member_pk": w.pupil.pk, "sector": "pendidikan"},
    "commitments:sheet": lambda w: {
        "month": month_key(current_month(timezone.localdate())),
        "kind": SCHOOL,
        "pk": w.school.pk,
    },
    "commitments:sanction_propose": lambda w: {"pk": w.household.pk},
    "commitments:sanction_detail": lambda w: {"pk": w.sanction.pk},
    "commitments:sheet_import_detail": lambda w: {"pk": w.sheet_import.pk},
    "commitments:sheet_import_confirm": lambda w: {"pk": w.sheet_import.pk},
    "commitments:sheet_import_cancel": lambda w: {"pk": w.sheet_import.pk},
    "commitments:sheet_import_report": lambda w: {"pk": w.sheet_import.pk},
    "commitments:sheet_import_report_xlsx": lambda w: {"pk": w.sheet_import.pk},
    "complaints:create": lambda w: {"pk": w.household.pk},
    "complaints:detail": lambda w: {"pk": w.complaint.pk},
    "complaints:open_case": lambda w: {"pk": w.complaint.pk},
    "complaints:photo": lambda w: {"pk": w.complaint.pk, "size": "besar"},
    "reports:detail": lambda w: {"pk": w.report.pk},
    "reports:detail_xlsx": lambda w: {"pk": w.report.pk},
    "reports:detail_pdf": lambda w: {"pk": w.report.pk},
    "reports:regenerate": lambda w: {"pk": w.report.pk},
    "reports:run_detail": lambda w: {"pk": w.run.pk},
    "reports:run_resume": lambda w: {"pk": w.run.pk},
    "reports:item_rerun": lambda w: {"pk": w.run_item.pk},
}

# Objects that belong to no team or region: the same for every user by design.
SHARED = {
    "assistance:aid_edit": "the national aid catalogue (the national keeper edits it)",
    "fds_sessions:module_edit": "the national P2K2 curriculum (the national keeper edits it)",
    "fds_sessions:module_session_create": "the national P2K2 curriculum",
    "fds_sessions:module_session_edit": "the national P2K2 curriculum",
    "graduation:objection_detail": "the shared bank of answers to objections (no family data)",
    "graduation:objection_edit": "the shared bank of answers to objections (supervisors curate)",
    "graduation:objection_archive": "the shared bank of answers to objections",
    "graduation:form_detail": "the national assessment form",
    "graduation:form_edit": "the national assessment form (the national keeper edits it)",
    "graduation:group_create": "the national assessment form",
    "graduation:group_edit": "the national assessment form",
    "graduation:indicator_create": "the national assessment form",
    "graduation:indicator_edit": "the national assessment form",
    "graduation:indicator_remove": "the national assessment form",
}


def _object_routes():
    return [
        r
        for r in routes()
        if not r.is_admin_site and set(r.kwargs) & ID_KWARGS and r.name != "set_language"
    ]


def test_every_object_url_is_mapped():
    unmapped = [r.name for r in _object_routes() if r.name not in OBJECTS and r.name not in SHARED]
    assert not unmapped, (
        f"URL patterns with an object id and no entry in OBJECTS or SHARED: {unmapped}. "
        "Say how to build another team's object for them."
    )
    stale = (set(OBJECTS) | set(SHARED)) - {r.name for r in _object_routes()}
    assert not stale, f"entries for URLs that no longer exist: {sorted(stale)}"


@pytest.fixture
def elsewhere(other_team_facilitator, other_supervisor, admin_user, regions):
    """A full set of objects of another team (other_team_facilitator, other_supervisor);
    area-scoped ones in a regency that none of the users under test covers."""
    malang = Region.objects.create(code="35.07", name="Kabupaten Malang", level=RegionLevel.REGENCY)
    return build_world(
        facilitator=other_team_facilitator,
        supervisor=other_supervisor,
        admin=admin_user,
        village=Region.objects.get(code="34.02.09.2003"),
        resource_area=malang,
    )


@pytest.mark.parametrize("role", ["facilitator", "supervisor", "other_region_admin"])
def test_another_teams_objects_answer_404(role, request, client, elsewhere):
    user = request.getfixturevalue(role)
    client.force_login(user)
    failures, refused = [], 0
    for route in _object_routes():
        if route.name not in OBJECTS:
            continue
        url = reverse(route.name, kwargs=OBJECTS[route.name](elsewhere))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405:  # the view does not take this method at all
                continue
            if response.status_code in (403, 404):
                refused += 1
                continue
            failures.append(f"{method.upper()} {route.name} {url}: {response.status_code}")
    assert not failures, f"{user.username} reached another team's objects:\n" + "\n".join(failures)
    assert refused >= len(OBJECTS)


def test_the_map_builds_objects_the_owner_can_open(client, elsewhere, other_team_facilitator):
    """The control: the same URLs are not refused for the owning facilitator, so the
    404s above come from scoping, not from objects that do not exist."""
    client.force_login(other_team_facilitator)
    for name in ("households:detail", "graduation:proposal_detail", "fds_sessions:session_detail"):
        url = reverse(name, kwargs=OBJECTS[name](elsewhere))
        assert client.get(url).status_code == 200, name
    for name in (
        "graduation:monitoring_record",
        "assistance:case_detail",
        "commitments:sheet",
        "commitments:enrolment",
        "commitments:sanction_propose",
        "commitments:sanction_detail",
        "commitments:sheet_import_detail",
        "commitments:sheet_import_report",
        "commitments:sheet_import_report_xlsx",
        "complaints:detail",
        "complaints:photo",
    ):
        url = reverse(name, kwargs=OBJECTS[name](elsewhere))
        assert client.get(url).status_code == 200, name
    url = reverse("notifications:open", kwargs=OBJECTS["notifications:open"](elsewhere))
    assert client.post(url).status_code == 302  # marked read, on to its page


@pytest.mark.parametrize("role", ["facilitator", "supervisor", "other_region_admin"])
def test_the_admin_site_object_pages_are_closed_to_app_roles(role, request, client, elsewhere):
    """The Django admin site (/sistem/) is for superusers; no app role is staff, so every
    admin page with an object id sends them to the admin login instead of the object."""
    user = request.getfixturevalue(role)
    assert not user.is_staff
    client.force_login(user)
    admin_login = reverse("admin:login")
    values = {
        "object_id": elsewhere.household.pk,
        "app_label": "households",
        "id": elsewhere.facilitator.pk,
        "content_type_id": ContentType.objects.get_for_model(Household).pk,
    }
    checked = 0
    for route in routes():
        if not route.is_admin_site or not set(route.kwargs) & ID_KWARGS:
            continue
        url = route.path(values)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert response["Location"].startswith(admin_login), url
        checked += 1
    assert checked > 20
