import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import FacilitatorFactory
from regions.models import Region

pytestmark = pytest.mark.django_db


def new_user_data(**overrides):
    data = {
        "username": "pendamping7",
        "first_name": "Wartini",
        "last_name": "Susanti",
        "phone": "081234567890",
        "role": Role.FACILITATOR,
        "areas": ["34.02.09.2003"],
        "password": "Jetis-aman-2026",
    }
    return {**data, **overrides}


def test_admin_creates_a_facilitator_in_a_team(client, admin_user, supervisor):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_create"), new_user_data(supervisor=supervisor.pk))
    assert response.status_code == 302
    user = User.objects.get(username="pendamping7")
    assert (user.role, user.supervisor, user.area_codes) == (
        Role.FACILITATOR,
        supervisor,
        ["34.02.09.2003"],
    )
    assert user.check_password("Jetis-aman-2026")
    assert "pendamping7" in client.get(reverse("accounts:user_list")).content.decode()


def test_admin_creates_a_supervisor(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_create"),
        new_user_data(username="supervisor7", role=Role.SUPERVISOR, areas=["34.02.09"]),
    )
    assert response.status_code == 302
    assert User.objects.get(username="supervisor7").role == Role.SUPERVISOR


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"supervisor": ""}, "supervisor"),
        ({"areas": ["33.74.01.1001"]}, "areas"),  # outside the admin's region
        ({"password": "123"}, "password"),
        ({"username": "pendamping1"}, "username"),
        ({"username": "nama dengan spasi"}, "username"),
        ({"role": "admin"}, "role"),
    ],
)
def test_bad_user_input_is_refused(client, admin_user, supervisor, facilitator, overrides, field):
    client.force_login(admin_user)
    before = User.objects.count()
    data = new_user_data(**{"supervisor": supervisor.pk, **overrides})
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == before


def test_admin_edits_a_facilitator(client, admin_user, facilitator, other_supervisor):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_edit", args=[facilitator.pk]),
        {
            "first_name": "Sri",
            "last_name": "Wahyuni",
            "role": Role.FACILITATOR,
            "supervisor": other_supervisor.pk,
            "areas": ["34.02.09.2001", "34.02.09.2004"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.supervisor == other_supervisor
    assert sorted(facilitator.areas.values_list("code", flat=True)) == [
        "34.02.09.2001",
        "34.02.09.2004",
    ]


def test_cannot_deactivate_a_facilitator_who_holds_families(client, admin_user, facilitator):
    from households.tests.factories import HouseholdFactory

    HouseholdFactory(facilitator=facilitator)
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_edit", args=[facilitator.pk]),
        {
            "first_name": "Sri",
            "role": Role.FACILITATOR,
            "supervisor": facilitator.supervisor_id,
            "areas": ["34.02.09.2001"],
        },
    )
    assert response.status_code == 200
    assert "is_active" in response.context["form"].errors
    facilitator.refresh_from_db()
    assert facilitator.is_active


def test_user_management_is_scoped_to_the_region(client, other_region_admin, facilitator):
    client.force_login(other_region_admin)
    assert "pendamping1" not in client.get(reverse("accounts:user_list")).content.decode()
    assert client.get(reverse("accounts:user_edit", args=[facilitator.pk])).status_code == 404


@pytest.mark.parametrize("role_fixture", ["facilitator", "supervisor"])
def test_user_management_is_admin_only(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    for name in ("accounts:user_list", "accounts:user_create"):
        assert client.get(reverse(name)).status_code == 403


def test_user_list_query_count(client, admin_user, supervisor, django_assert_max_num_queries):
    for _ in range(30):
        FacilitatorFactory(supervisor=supervisor, areas=[Region.objects.get(code="34.02.09.2001")])
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:user_list")).status_code == 200


# --- add_user command -----------------------------------------------------------------------


def test_add_user_reads_the_password_from_stdin(supervisor):
    out = io.StringIO()
    call_command(
        "add_user",
        "pendamping8",
        "--role",
        "facilitator",
        "--supervisor",
        "supervisor1",
        "--area",
        "3402092001",
        "34.02.09.2002",
        stdin=io.StringIO("Rahasia-Jetis-8\n"),
        stdout=out,
    )
    user = User.objects.get(username="pendamping8")
    assert user.check_password("Rahasia-Jetis-8")
    assert sorted(user.area_codes) == ["34.02.09.2001", "34.02.09.2002"]
    assert user.supervisor == supervisor


def test_add_user_admin(regions):
    call_command(
        "add_user",
        "operator",
        "--role",
        "admin",
        "--area",
        "34.02",
        stdin=io.StringIO("Operator-Bantul-1\n"),
        stdout=io.StringIO(),
    )
    assert User.objects.get(username="operator").role == Role.ADMIN


@pytest.mark.parametrize(
    "args,stdin",
    [
        (["x1", "--role", "facilitator", "--supervisor", "nobody"], "Rahasia-Jetis-8\n"),
        (["x2", "--role", "facilitator", "--area", "99.99"], "Rahasia-Jetis-8\n"),
        (["x3", "--role", "facilitator"], "\n"),
        (["x4", "--role", "supervisor"], "123\n"),
    ],
)
def test_add_user_errors_are_clear_and_create_nothing(regions, args, stdin):
    with pytest.raises(CommandError):
        call_command("add_user", *args, stdin=io.StringIO(stdin), stdout=io.StringIO())
    assert not User.objects.filter(username__startswith="x").exists()
