"""CSRF everywhere: every URL of the project refuses a POST that carries no CSRF token."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from pkh.tests.urlwalk import routes

pytestmark = pytest.mark.django_db

# Any value will do: CsrfViewMiddleware refuses the POST before the view looks anything up.
DUMMY_KWARGS = {
    "pk": 1,
    "member_pk": 1,
    "group_pk": 1,
    "indicator_pk": 1,
    "code": "KIS",
    "size": "kecil",
    "kind": "ditolak",
    "fmt": "csv",
    "object_id": "1",
    "app_label": "accounts",
    "content_type_id": 1,
    "model_name": "user",
    "url": "x",
    "id": 1,
    "sector": "pendidikan",
    "month": "2026-01",
}

# The heading of templates/403_csrf.html (pkh.views.csrf_failure).
CSRF_PAGE = "Formulir tidak dapat dikirim"

# Views allowed to skip CSRF, each with the reason. None today.
CSRF_EXEMPT: dict[str, str] = {}


def _url(route) -> str:
    url = route.path(DUMMY_KWARGS)
    if resolve(url).func is not route.callback:  # the sample reached another view
        raise NoReverseMatch(f"{url} resolves to another view")
    return url


def test_no_view_is_csrf_exempt_without_a_reason():
    exempt = {
        r.name for r in routes() if getattr(r.callback, "csrf_exempt", False) and r.name
    } - set(CSRF_EXEMPT)
    assert not exempt, f"csrf_exempt views without a documented reason: {sorted(exempt)}"


@pytest.mark.parametrize("role", ["anonymous", "facilitator", "admin_user"])
def test_every_url_refuses_a_post_without_csrf_token(role, request):
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    checked, failures = 0, []
    for route in routes():
        if route.name in CSRF_EXEMPT:
            continue
        try:
            url = _url(route)
        except (KeyError, NoReverseMatch) as exc:
            failures.append(f"{route.name} ({route.pattern}): cannot build a URL: {exc!r}")
            continue
        response = client.post(url, {"q": "x", "name": "x"})
        checked += 1
        # The refused-form page (CSRF_FAILURE_VIEW), not a role's 403 page.
        if response.status_code != 403 or CSRF_PAGE not in response.content.decode():
            failures.append(f"{route.name} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert checked > 100  # the admin site and every app were walked


def test_a_post_with_the_token_gets_through(client, facilitator):
    """The control: the same client with a valid token is not refused by CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    page = client.get(reverse("households:caseload"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("households:caseload"), {"q": "Siti", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
