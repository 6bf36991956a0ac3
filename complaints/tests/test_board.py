"""The team complaints board through the HTTP stack: each number links to a list that
shows exactly the complaints it counts, including the row of complaints whose family
has no facilitator."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Complaint
from complaints.tests.factories import open_complaint
from conftest import login
from households.services import households_transfer
from households.tests.factories import households_bulk

pytestmark = pytest.mark.django_db


def _listed(client, query: str) -> set[int]:
    response = client.get(reverse("complaints:list") + "?" + query)
    assert response.status_code == 200
    return {c.pk for c in response.context["page"].object_list}


def test_row_without_facilitator_links_to_only_those_complaints(
    client, admin_user, facilitator, regions
):
    carried = open_complaint(households_bulk(1, facilitator=facilitator)[0])
    orphans = households_bulk(2, facilitator=None)
    unassigned = [open_complaint(h, by=admin_user) for h in orphans]
    assert all(c.facilitator_id is None for c in unassigned)
    login(client, admin_user)
    response = client.get(reverse("complaints:board"))
    board = response.context["board"]
    row = next(r for r in board.by_facilitator if r.key is None)
    assert row.open == 2
    assert row.label == "Tanpa pendamping"
    body = response.content.decode()
    assert "?status=terbuka&amp;pendamping=tanpa" in body
    assert "pendamping=&amp;" not in body and 'pendamping="' not in body
    assert _listed(client, "status=terbuka&pendamping=tanpa") == {c.pk for c in unassigned}
    assert _listed(client, f"status=terbuka&pendamping={facilitator.pk}") == {carried.pk}
    assert _listed(client, "status=terbuka") == {carried.pk, *(c.pk for c in unassigned)}


def test_list_filter_offers_no_facilitator_to_leads_only(client, admin_user, facilitator, regions):
    open_complaint(households_bulk(1, facilitator=facilitator)[0])
    open_complaint(households_bulk(1, facilitator=None)[0], by=admin_user)
    page = login(client, admin_user).get(reverse("complaints:list")).content.decode()
    assert 'value="tanpa"' in page
    page = login(client, facilitator).get(reverse("complaints:list")).content.decode()
    assert 'value="tanpa"' not in page
    # A facilitator asking for unassigned tickets still sees only their own.
    assert _listed(client, "pendamping=tanpa") == set(
        Complaint.objects.filter(facilitator=facilitator).values_list("pk", flat=True)
    )


def test_unknown_facilitator_value_is_a_field_error_not_everything(
    client, supervisor, facilitator, regions
):
    open_complaint(households_bulk(1, facilitator=facilitator)[0])
    response = login(client, supervisor).get(reverse("complaints:list") + "?pendamping=x")
    assert response.status_code == 200
    assert response.context["form"].errors["pendamping"]


def test_board_keeps_its_query_count_with_more_complaints_and_facilitators(
    client, supervisor, facilitator, other_facilitator, regions, django_assert_max_num_queries
):
    for h in households_bulk(2, facilitator=facilitator):
        open_complaint(h)
    login(client, supervisor)
    url = reverse("complaints:board")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for h in households_bulk(6, facilitator=other_facilitator):
        open_complaint(h, code="pembayaran")
    for h in households_bulk(4, facilitator=facilitator):
        open_complaint(h, code="lainnya")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    board = response.context["board"]
    assert board.total.open == 12
    assert sorted(r.open for r in board.by_facilitator) == [6, 6]
    assert len(board.by_category) == 3


def test_row_of_a_facilitator_no_longer_in_the_team_links_to_their_complaints_only(
    client, supervisor, facilitator, other_facilitator, admin_user, regions
):
    """A ticket resolved by a facilitator who has left since (deactivated, families
    handed over) keeps them on the board; their link lists that ticket, not every one."""
    family = households_bulk(1, facilitator=facilitator)[0]
    resolved = open_complaint(family)
    services.complaint_resolve(complaint=resolved, by=facilitator, resolution="Sudah cair.")
    still_open = open_complaint(households_bulk(1, facilitator=other_facilitator)[0])
    households_transfer(
        households=[family.pk], to_facilitator=other_facilitator, by=admin_user, reason="Mutasi"
    )
    facilitator.is_active = False
    facilitator.save()
    login(client, supervisor)
    board = client.get(reverse("complaints:board")).context["board"]
    row = next(r for r in board.by_facilitator if r.key == facilitator.pk)
    assert row.resolved == 1
    since = client.get(reverse("complaints:board")).context["since_iso"]
    query = f"status=selesai&sejak={since}&pendamping={row.filter_value}"
    assert _listed(client, query) == {resolved.pk}
    assert _listed(client, f"pendamping={other_facilitator.pk}") == {still_open.pk}
