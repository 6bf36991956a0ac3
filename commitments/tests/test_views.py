"""The month screen and one place's sheet, through the Django test client."""

import uuid

import pytest
from django.urls import reverse

from commitments import rules
from commitments.forms import month_key
from commitments.models import VerificationEntry, VerificationSheet
from commitments.selectors.due import FACILITY, SCHOOL
from conftest import login

pytestmark = pytest.mark.django_db


def sheet_url(month, kind, pk):
    return reverse("commitments:sheet", args=[month_key(month), kind, pk])


def month_url(month):
    return f"{reverse('commitments:month')}?bulan={month_key(month)}"


def school_post(family, school_days=20, **absences):
    """The POST of the school sheet for the one SD child of ``family``."""
    child = family.members.get(components__code="SD")
    prefix = f"m{child.pk}_SD_"
    data = {"school_days": school_days, "client_token": str(uuid.uuid4())}
    for name in ("days_sick", "days_excused", "days_unexcused"):
        data[prefix + name] = absences.get(name, 0)
    return data


def test_month_screen_lists_the_school_and_the_posyandu(
    client, family, facilitator, month, school, posyandu
):
    response = login(client, facilitator).get(month_url(month))
    assert response.status_code == 200
    html = response.content.decode()
    assert school.name in html and posyandu.name in html
    assert f'data-group="{SCHOOL}-{school.pk}"' in html
    assert f'data-group="{FACILITY}-{posyandu.pk}"' in html
    assert response.context["due_count"] == 2 and response.context["entered_count"] == 0


def test_month_screen_unknown_month_shows_a_field_error(client, family, facilitator):
    response = login(client, facilitator).get(reverse("commitments:month") + "?bulan=2019-13")
    assert response.status_code == 200
    assert "bulan" in response.context["form"].errors
    assert 'data-error="bulan"' in response.content.decode()


def test_school_sheet_saves_the_days(client, family, facilitator, month, school):
    url = sheet_url(month, SCHOOL, school.pk)
    c = login(client, facilitator)
    page = c.get(url)
    assert page.status_code == 200
    assert family.members.get(components__code="SD").name in page.content.decode()
    response = c.post(url, school_post(family, 20, days_sick=1, days_unexcused=2))
    assert response.status_code == 302 and response["Location"] == month_url(month)
    entry = VerificationEntry.objects.get()
    assert (entry.school_days, entry.days_sick, entry.days_excused, entry.days_unexcused) == (
        20, 1, 0, 2,
    )  # fmt: skip
    assert entry.school_id == school.pk and entry.recorded_by == facilitator
    after = c.get(month_url(month))
    assert after.context["entered_count"] == 1


def test_posyandu_sheet_defaults_to_complies(client, family, facilitator, month, posyandu):
    """A compliant list is one tap: the boxes come ticked, the POST carries them."""
    url = sheet_url(month, FACILITY, posyandu.pk)
    c = login(client, facilitator)
    page = c.get(url)
    form = page.context["form"]
    ticked = {name: True for name, field in form.fields.items() if field.initial is True}
    assert ticked and all(name.endswith(("weighed", "immunisation_given")) for name in ticked)
    response = c.post(url, {**dict.fromkeys(ticked, "on"), "client_token": str(uuid.uuid4())})
    assert response.status_code == 302
    entry = VerificationEntry.objects.get()
    assert entry.weighed is True and entry.facility_id == posyandu.pk
    assert rules.verdict(entry, rules.Rules.from_settings()) == rules.Verdict.COMPLIES


def test_unticked_item_fails(client, family, facilitator, month, posyandu):
    url = sheet_url(month, FACILITY, posyandu.pk)
    response = login(client, facilitator).post(url, {"client_token": str(uuid.uuid4())})
    assert response.status_code == 302
    entry = VerificationEntry.objects.get()
    assert entry.weighed is False
    assert rules.verdict(entry, rules.Rules.from_settings()) == rules.Verdict.FAILS


def test_saving_twice_is_idempotent(client, family, facilitator, month, school):
    url = sheet_url(month, SCHOOL, school.pk)
    c = login(client, facilitator)
    data = school_post(family, 20, days_unexcused=1)
    assert c.post(url, data).status_code == 302
    assert c.post(url, data).status_code == 302  # a double submit: same token
    assert VerificationSheet.objects.count() == 1
    entry = VerificationEntry.objects.get()
    assert entry.history.count() == 1
    # A new screen (new token) with the same figures replaces the entry, still one row.
    again = {**data, "client_token": str(uuid.uuid4())}
    assert c.post(url, again).status_code == 302
    assert VerificationEntry.objects.count() == 1 and VerificationSheet.objects.count() == 2


@pytest.mark.parametrize(
    "school_days, absences, field",
    [
        (-1, {}, "school_days"),
        (20, {"days_sick": -2}, "days_sick"),
        (10, {"days_sick": 4, "days_unexcused": 7}, "days_unexcused"),  # 11 > 10
        (40, {}, "school_days"),  # more days than the month has
        ("dua puluh", {}, "school_days"),
    ],
)
def test_bad_input_shows_field_errors_and_writes_nothing(
    client, family, facilitator, month, school, school_days, absences, field
):
    url = sheet_url(month, SCHOOL, school.pk)
    response = login(client, facilitator).post(url, school_post(family, school_days, **absences))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(name == field or name.endswith(f"_{field}") for name in errors), errors
    assert 'class="small text-danger"' in response.content.decode()
    assert not VerificationEntry.objects.exists() and not VerificationSheet.objects.exists()


@pytest.mark.parametrize("bad", ["2025-13", "bulan", "1999-01"])
def test_unknown_or_out_of_range_month_in_the_url_answers_404(
    client, family, facilitator, school, bad
):
    url = reverse("commitments:sheet", args=[bad, SCHOOL, school.pk])
    c = login(client, facilitator)
    assert c.get(url).status_code == 404
    assert c.post(url, school_post(family)).status_code == 404
    assert not VerificationEntry.objects.exists()


def test_future_month_answers_404(client, family, facilitator, school):
    from django.utils import timezone

    future = rules.month_add(timezone.localdate().replace(day=1), 1)
    c = login(client, facilitator)
    assert c.post(sheet_url(future, SCHOOL, school.pk), school_post(family)).status_code == 404
    assert not VerificationEntry.objects.exists()


def test_unknown_place_kind_answers_404(client, family, facilitator, month, school):
    url = reverse("commitments:sheet", args=[month_key(month), "kantor", school.pk])
    assert login(client, facilitator).get(url).status_code == 404


def test_another_facilitators_sheet_answers_404(
    client, family, other_facilitator, other_team_facilitator, month, school
):
    url = sheet_url(month, SCHOOL, school.pk)
    for user in (other_facilitator, other_team_facilitator):
        c = login(client, user)
        assert c.get(url).status_code == 404
        assert c.post(url, school_post(family)).status_code == 404
    assert not VerificationEntry.objects.exists()


def test_supervisor_reads_the_sheet_but_a_post_is_refused(
    client, family, supervisor, facilitator, month, school
):
    url = sheet_url(month, SCHOOL, school.pk)
    c = login(client, supervisor)
    page = c.get(url)
    assert page.status_code == 200 and not page.context["can_edit"]
    assert "Simpan verifikasi" not in page.content.decode()
    assert c.post(url, school_post(family)).status_code == 403
    assert not VerificationEntry.objects.exists()


def test_another_teams_supervisor_answers_404(client, family, other_supervisor, month, school):
    url = sheet_url(month, SCHOOL, school.pk)
    assert login(client, other_supervisor).get(url).status_code == 404


def test_admin_is_refused_the_month_and_the_sheet(client, family, admin_user, month, school):
    c = login(client, admin_user)
    assert c.get(month_url(month)).status_code == 403
    assert c.post(sheet_url(month, SCHOOL, school.pk), school_post(family)).status_code == 403
    assert not VerificationEntry.objects.exists()


def test_anonymous_is_sent_to_login(client, family, month, school):
    response = client.get(sheet_url(month, SCHOOL, school.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_supervisor_month_screen_shows_a_facilitators_caseload(
    client, family, supervisor, facilitator, month, school
):
    url = f"{month_url(month)}&pendamping={facilitator.pk}"
    response = login(client, supervisor).get(url)
    assert response.status_code == 200
    assert response.context["due_count"] == 2 and not response.context["can_enter"]
    assert school.name in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_month_screen_query_count_is_constant(
    client, facilitator, many, month, n, django_assert_max_num_queries
):
    many(n)
    c = login(client, facilitator)
    c.get(month_url(month))  # warm the session and caches
    with django_assert_max_num_queries(16):
        response = c.get(month_url(month))
    assert response.context["due_count"] == 2 * n


@pytest.mark.parametrize("n", [5, 50])
def test_sheet_query_count_is_constant(
    client, facilitator, many, month, school, n, django_assert_max_num_queries
):
    many(n)
    c = login(client, facilitator)
    url = sheet_url(month, SCHOOL, school.pk)
    c.get(url)
    with django_assert_max_num_queries(18):
        response = c.get(url)
    assert len(response.context["rows"]) == n
