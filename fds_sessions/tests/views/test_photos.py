"""Session photos are served only within scope."""

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions import services
from fds_sessions.tests.factories import add_families
from fds_sessions.tests.views.helpers import P, jpeg

pytestmark = pytest.mark.django_db


def test_photo_served_only_in_scope(
    client, planned, group, facilitator, supervisor, other_facilitator, other_region_admin
):
    families = add_families(group, 1)
    services.session_hold(
        session=planned, attendance={families[0].pk: P}, photo=jpeg(), by=facilitator
    )
    planned.refresh_from_db()
    with pytest.raises(ValueError):
        planned.photo.url  # noqa: B018 - no public URL exists
    for size in ("kecil", "besar"):
        url = reverse("fds_sessions:session_photo", args=[planned.pk, size])
        for user in (facilitator, supervisor):
            response = login(client, user).get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert "private" in response["Cache-Control"]
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        for user in (other_facilitator, other_region_admin):
            assert login(client, user).get(url).status_code == 404
    assert (
        login(client, facilitator)
        .get(reverse("fds_sessions:session_photo", args=[planned.pk, "asli"]))
        .status_code
        == 404
    )


def test_photo_missing_is_404(client, planned, facilitator):
    url = reverse("fds_sessions:session_photo", args=[planned.pk, "kecil"])
    assert login(client, facilitator).get(url).status_code == 404
