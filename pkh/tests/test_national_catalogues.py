"""The national catalogues (issue 19): the aid catalogue, the P2K2 module curriculum and
the welfare assessment form are the same for every region, so only a national catalogue
keeper (``pkh.permissions.can_edit_national_catalogue``: an active superuser) changes
them. A regional admin, a supervisor and a facilitator read them, get 403 on every
URL that changes them, and see no button that leads there.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assistance.models import Aid
from fds_sessions.models import FdsModule, FdsModuleSession
from graduation.models import AnswerOption, AssessmentForm, Indicator, IndicatorGroup
from graduation.selectors import assessment_forms as form_selectors
from pkh.permissions import can_edit_national_catalogue
from pkh.tests.urlwalk import routes

pytestmark = pytest.mark.django_db

# The pages that show a catalogue; every other URL under a catalogue's path changes it.
VIEW_PAGES = {
    "assistance:catalogue",
    "fds_sessions:module_list",
    "graduation:form_list",
    "graduation:form_detail",
}
CATALOGUE_PATHS = ("bansos/katalog/", "p2k2/modul/", "graduasi/formulir/")

REFUSED = ["admin_user", "other_region_admin", "supervisor", "facilitator"]


def _aid_data(aid: Aid, **changes) -> dict:
    data = {
        "code": aid.code,
        "name": aid.name,
        "ministry": aid.ministry,
        "unit": aid.unit,
        "eligibility": aid.eligibility,
        "components": [c.pk for c in aid.components.all()],
        "card_label": aid.card_label,
        "card_pattern": aid.card_pattern,
        "card_hint": aid.card_hint,
        "summary": aid.summary,
        "regulation": aid.regulation,
        "is_active": "on",
        "order": aid.order,
    }
    for name in ("min_age", "max_age"):
        if getattr(aid, name) is not None:
            data[name] = getattr(aid, name)
    data.update(changes)
    return data


def _writes() -> dict[str, tuple[dict, dict, object]]:
    """URL name -> (kwargs, a valid POST, a check that the POST took effect)."""
    kis = Aid.objects.get(code="KIS")
    module = FdsModule.objects.get(number=1)
    item = module.sessions.order_by("order").first()
    form = form_selectors.form_current()
    group = form.groups.order_by("order").first()
    lantai = form.indicators.get(key="lantai")
    options = "Tanah = 0\nSemen = 1\nKeramik = 2"
    return {
        "assistance:aid_create": (
            {},
            _aid_data(kis, code="BLT", name="BLT Dana Desa", order=90),
            lambda: Aid.objects.filter(code="BLT", name="BLT Dana Desa").exists(),
        ),
        "assistance:aid_edit": (
            {"code": "KIS"},
            _aid_data(kis, summary="Ringkasan baru dari pusat."),
            lambda: Aid.objects.get(code="KIS").summary == "Ringkasan baru dari pusat.",
        ),
        "fds_sessions:module_create": (
            {},
            {"number": 7, "title": "Literasi Digital", "is_active": "on"},
            lambda: FdsModule.objects.filter(number=7).exists(),
        ),
        "fds_sessions:module_edit": (
            {"pk": module.pk},
            {"number": 1, "title": "Pengasuhan (revisi)", "is_active": "on"},
            lambda: FdsModule.objects.get(pk=module.pk).title == "Pengasuhan (revisi)",
        ),
        "fds_sessions:module_session_create": (
            {"pk": module.pk},
            {"title": "Sesi tambahan", "is_active": "on"},
            lambda: module.sessions.filter(title="Sesi tambahan").exists(),
        ),
        "fds_sessions:module_session_edit": (
            {"pk": item.pk},
            {"title": "Sesi (revisi)", "order": item.order, "is_active": "on"},
            lambda: FdsModuleSession.objects.get(pk=item.pk).title == "Sesi (revisi)",
        ),
        "graduation:form_edit": (
            {"pk": form.pk},
            {"name": "Formulir Nasional 2026", "description": ""},
            lambda: AssessmentForm.objects.filter(name="Formulir Nasional 2026").exists(),
        ),
        "graduation:group_create": (
            {"pk": form.pk},
            {"name": "Kesehatan", "order": 9},
            lambda: IndicatorGroup.objects.filter(name="Kesehatan").exists(),
        ),
        "graduation:group_edit": (
            {"pk": form.pk, "group_pk": group.pk},
            {"name": "Kelompok (revisi)", "order": group.order},
            lambda: IndicatorGroup.objects.filter(name="Kelompok (revisi)").exists(),
        ),
        "graduation:indicator_create": (
            {"pk": form.pk},
            {"group": group.pk, "text": "Akses internet di rumah", "order": 9, "options": options},
            lambda: Indicator.objects.filter(text="Akses internet di rumah").exists(),
        ),
        "graduation:indicator_edit": (
            {"pk": form.pk, "indicator_pk": lantai.pk},
            {"group": lantai.group_id, "text": "Lantai rumah", "order": 1, "options": options},
            lambda: Indicator.objects.filter(text="Lantai rumah").exists(),
        ),
        "graduation:indicator_remove": (
            {"pk": form.pk, "indicator_pk": form.indicators.get(key="ternak").pk},
            {},
            lambda: not Indicator.objects.filter(form=form, key="ternak").exists(),
        ),
    }


WRITE_NAMES = [
    "assistance:aid_create",
    "assistance:aid_edit",
    "fds_sessions:module_create",
    "fds_sessions:module_edit",
    "fds_sessions:module_session_create",
    "fds_sessions:module_session_edit",
    "graduation:form_edit",
    "graduation:group_create",
    "graduation:group_edit",
    "graduation:indicator_create",
    "graduation:indicator_edit",
    "graduation:indicator_remove",
]


def catalogue_state() -> list:
    """Every row of the three catalogues, to show that a refused request wrote nothing."""
    return [
        list(Aid.objects.order_by("code").values()),
        list(Aid.components.through.objects.order_by("pk").values()),
        list(FdsModule.objects.order_by("pk").values()),
        list(FdsModuleSession.objects.order_by("pk").values()),
        list(AssessmentForm.objects.order_by("pk").values()),
        list(IndicatorGroup.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values()),
        list(AnswerOption.objects.order_by("pk").values()),
    ]


def test_every_catalogue_write_url_is_listed():
    names = {
        r.name
        for r in routes()
        if r.pattern.startswith(CATALOGUE_PATHS) and r.name not in VIEW_PAGES
    }
    assert names == set(WRITE_NAMES)


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_regional_users_are_refused_and_nothing_changes(name, request, client):
    kwargs, data, _changed = _writes()[name]
    url = reverse(name, kwargs=kwargs)
    before = catalogue_state()
    for fixture in REFUSED:
        user = request.getfixturevalue(fixture)
        client.force_login(user)
        if name != "graduation:indicator_remove":  # POST only
            assert client.get(url).status_code == 403, (fixture, url)
        assert client.post(url, data).status_code == 403, (fixture, url)
    assert catalogue_state() == before


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_the_national_keeper_changes_the_catalogue(name, client, catalogue_keeper):
    kwargs, data, changed = _writes()[name]
    url = reverse(name, kwargs=kwargs)
    client.force_login(catalogue_keeper)
    if name != "graduation:indicator_remove":
        assert client.get(url).status_code == 200
    assert not changed()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert changed()
    assert client.get(response["Location"]).status_code == 200


def _pages():
    form = form_selectors.form_current()
    return {
        reverse("assistance:catalogue"): [
            reverse("assistance:aid_create"),
            reverse("assistance:aid_edit", args=["KIS"]),
        ],
        reverse("fds_sessions:module_list"): [
            reverse("fds_sessions:module_create"),
            reverse("fds_sessions:module_edit", args=[FdsModule.objects.get(number=1).pk]),
            reverse("fds_sessions:module_session_create", args=[FdsModule.objects.first().pk]),
            reverse("fds_sessions:module_session_edit", args=[FdsModuleSession.objects.first().pk]),
        ],
        reverse("graduation:form_detail", args=[form.pk]): [
            reverse("graduation:form_edit", args=[form.pk]),
            reverse("graduation:group_create", args=[form.pk]),
            reverse("graduation:indicator_create", args=[form.pk]),
            reverse("graduation:indicator_edit", args=[form.pk, form.indicators.first().pk]),
            reverse("graduation:indicator_remove", args=[form.pk, form.indicators.first().pk]),
        ],
    }


@pytest.mark.parametrize("fixture", ["admin_user", "other_region_admin"])
def test_regional_admins_read_the_catalogues_without_edit_buttons(fixture, request, client):
    client.force_login(request.getfixturevalue(fixture))
    for page, links in _pages().items():
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        for link in links:
            assert f'"{link}"' not in html, (page, link)


def test_facilitators_and_supervisors_read_without_edit_buttons(client, facilitator, supervisor):
    for user in (facilitator, supervisor):
        client.force_login(user)
        for page in (reverse("assistance:catalogue"), reverse("fds_sessions:module_list")):
            html = client.get(page).content.decode()
            for link in _pages()[page]:
                assert f'"{link}"' not in html, (user, page, link)


def test_the_keeper_sees_the_buttons_and_the_menu(client, catalogue_keeper):
    client.force_login(catalogue_keeper)
    for page, links in _pages().items():
        html = client.get(page).content.decode()
        for link in links:
            assert f'"{link}"' in html, (page, link)
    menu = [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    for page in ("assistance:catalogue", "fds_sessions:module_list", "graduation:form_list"):
        assert reverse(page) in menu


def test_the_rule(catalogue_keeper, admin_user, other_region_admin, supervisor, facilitator):
    assert can_edit_national_catalogue(catalogue_keeper)
    for user in (admin_user, other_region_admin, supervisor, facilitator):
        assert not can_edit_national_catalogue(user)
    admin_user.is_superuser = True  # a superuser keeps the right whatever their app role
    assert can_edit_national_catalogue(admin_user)
    catalogue_keeper.is_active = False
    assert not can_edit_national_catalogue(catalogue_keeper)
