"""The pages satisfy the Content-Security-Policy: no inline script, no inline event
handler, no style attribute; and the header is sent."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from pkh.tests.world import build_world
from regions.models import Region

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # blob: the offline attendance screen previews the photo resized on the phone.
    "img-src 'self' data: blob:",
    # The offline service worker (/sw.js) and the web app manifest, both same-origin.
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
}


class InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.problems.append(f"<style> element at line {self.getpos()[0]}")
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")
            if name == "style":
                self.problems.append(f"style= on <{tag}> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_finds_what_it_looks_for():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script>'
        '<a onclick="x()">a</a><div style="width: 1px"></div><img onerror="y" src="z"/>'
    )
    assert len(inline_code(html)) == 4


@pytest.fixture
def world(facilitator, supervisor, admin_user):
    return build_world(
        facilitator=facilitator,
        supervisor=supervisor,
        admin=admin_user,
        village=Region.objects.get(code="34.02.09.2001"),
    )


def pages(role: str, w) -> list[tuple[str, dict | None, str]]:
    """(URL name, kwargs, query string) of the main pages of ``role``."""
    family = {"pk": w.household.pk}
    common = [
        ("home", None, ""),
        ("login", None, ""),
        ("households:caseload", None, ""),
        ("households:detail", family, ""),
        ("fds_sessions:group_list", None, ""),
        ("fds_sessions:group_detail", {"pk": w.group.pk}, ""),
        ("fds_sessions:session_detail", {"pk": w.session.pk}, ""),
        ("fds_sessions:module_list", None, ""),
        ("graduation:pipeline", None, ""),
        ("graduation:proposal_list", None, ""),
        ("graduation:proposal_detail", {"pk": w.proposal.pk}, ""),
        ("graduation:assessment_history", family, ""),
        ("graduation:assessment_detail", {"pk": w.assessment.pk}, ""),
        ("graduation:objection_list", None, ""),
        ("graduation:objection_detail", {"pk": w.objection.pk}, ""),
        ("graduation:monitoring_list", None, ""),
        ("assistance:gap", None, ""),
        ("assistance:cases", None, ""),
        ("assistance:case_detail", {"pk": w.case.pk}, ""),
        ("assistance:resources", None, ""),
        ("reports:list", None, ""),
        ("reports:detail", {"pk": w.report.pk}, ""),
    ]
    if role == "facilitator":
        return common + [
            ("households:edit", family, ""),
            ("households:visit_create", family, ""),
            ("households:member_create", family, ""),
            ("households:member_edit", {"pk": w.household.pk, "member_pk": w.member.pk}, ""),
            ("fds_sessions:session_attendance", {"pk": w.session.pk}, ""),
            ("fds_sessions:session_plan", {"pk": w.group.pk}, ""),
            ("fds_sessions:group_families", {"pk": w.group.pk}, ""),
            ("graduation:assessment_create", family, ""),
            ("graduation:pipeline_family", family, ""),
            ("graduation:monitoring_record", {"pk": w.monitoring.pk}, ""),
            ("graduation:ready_list", None, ""),
            ("graduation:natural_list", None, ""),
            ("assistance:case_open", family, ""),
            ("commitments:sanction_propose", family, ""),
            ("commitments:sanction_detail", {"pk": w.sanction.pk}, ""),
        ]
    if role == "supervisor":
        return common + [
            ("households:team_overview", None, ""),
            ("graduation:review", None, ""),
            ("graduation:targets", None, ""),
            ("graduation:objection_create", None, ""),
            ("reports:team", None, f"triwulan={w.quarter}"),
            ("reports:runs", None, ""),
            ("reports:run_detail", {"pk": w.run.pk}, ""),
            ("assistance:coverage", None, ""),
            ("assistance:resource_create", None, ""),
            ("commitments:team", None, ""),
            ("commitments:sanction_detail", {"pk": w.sanction.pk}, ""),
        ]
    return common + [
        ("households:edit", family, ""),
        ("households:transfer", None, f"from_facilitator={w.facilitator.pk}"),
        ("households:transfer_history", None, ""),
        ("accounts:user_list", None, ""),
        ("accounts:user_create", None, ""),
        ("accounts:user_edit", {"pk": w.facilitator.pk}, ""),
        ("imports:list", None, ""),
        ("imports:create", None, ""),
        ("imports:detail", {"pk": w.roster_import.pk}, ""),
        ("reports:district", None, f"triwulan={w.quarter}"),
        ("graduation:form_list", None, ""),
        ("assistance:catalogue", None, ""),
    ]


# The national catalogues' edit forms, open only to the national catalogue keeper.
KEEPER_PAGES = [
    ("assistance:catalogue", None, ""),
    ("assistance:aid_create", None, ""),
    ("fds_sessions:module_list", None, ""),
    ("fds_sessions:module_create", None, ""),
    ("graduation:form_list", None, ""),
]


@pytest.mark.parametrize("role", ["facilitator", "supervisor", "admin_user"])
def test_main_pages_have_no_inline_code_and_send_the_policy(role, request, client, world):
    user = request.getfixturevalue(role)
    client.force_login(user)
    failures = []
    checked = pages(role if role != "admin_user" else "admin", world)
    for name, kwargs, query in checked:
        url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{url}: HTTP {response.status_code}")
            continue
        policy = {p.strip() for p in response.get("Content-Security-Policy", "").split(";")}
        if not policy >= EXPECTED_POLICY:
            failures.append(f"{url}: policy {response.get('Content-Security-Policy')!r}")
        failures.extend(f"{url}: {p}" for p in inline_code(response.content.decode()))
    assert not failures, "\n".join(failures)
    assert len(checked) >= 30


def test_catalogue_keeper_pages_have_no_inline_code(client, catalogue_keeper):
    client.force_login(catalogue_keeper)
    failures = []
    for name, kwargs, _query in KEEPER_PAGES:
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == 200, url
        assert {p.strip() for p in response["Content-Security-Policy"].split(";")} >= (
            EXPECTED_POLICY
        )
        failures.extend(f"{url}: {p}" for p in inline_code(response.content.decode()))
    assert not failures, "\n".join(failures)


def test_forms_with_errors_have_no_inline_code(client, facilitator, world):
    """crispy-forms renders errors too: a refused form is still clean."""
    client.force_login(facilitator)
    response = client.post(
        reverse("households:visit_create", args=[world.household.pk]), {"purpose": "bogus"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert inline_code(response.content.decode()) == []
