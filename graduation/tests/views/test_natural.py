"""Natural graduation pages."""

import datetime

import pytest

from graduation.models import (
    Graduation,
)
from graduation.tests.views.helpers import (
    TODAY,
    as_user,
    natural_family,
    url,
)
from households.models import ExitType, HouseholdStatus

pytestmark = pytest.mark.django_db


class TestNaturalPages:
    def test_list_and_confirm(self, client, facilitator, household):
        candidate = natural_family(facilitator)
        response = as_user(client, facilitator).get(url("natural_list"))
        html = response.content.decode()
        assert response.status_code == 200
        assert f'data-household="{candidate.pk}"' in html
        assert f'data-household="{household.pk}"' not in html
        assert "sudah berusia 7 tahun" in html
        response = client.post(url("natural_confirm", candidate.pk), {"date": TODAY().isoformat()})
        assert response.status_code == 302
        candidate.refresh_from_db()
        assert (candidate.status, candidate.exit_type) == (
            HouseholdStatus.GRADUATED,
            ExitType.GRADUASI_ALAMIAH,
        )

    def test_confirm_refusals(self, client, facilitator, other_facilitator, supervisor, household):
        candidate = natural_family(facilitator)
        assert (
            as_user(client, facilitator).get(url("natural_confirm", candidate.pk)).status_code
            == 405
        )
        assert (
            as_user(client, supervisor).post(url("natural_confirm", candidate.pk)).status_code
            == 403
        )
        assert (
            as_user(client, other_facilitator)
            .post(url("natural_confirm", candidate.pk))
            .status_code
            == 404
        )
        as_user(client, facilitator)
        future = (TODAY() + datetime.timedelta(days=5)).isoformat()
        for target, date in ((candidate, "bukan-tanggal"), (candidate, future), (household, "")):
            response = client.post(url("natural_confirm", target.pk), {"date": date}, follow=True)
            assert response.status_code == 200
            assert any(m.level_tag == "error" for m in response.context["messages"])
        candidate.refresh_from_db()
        household.refresh_from_db()
        assert candidate.status == household.status == HouseholdStatus.ACTIVE
        assert not Graduation.objects.exists()

    def test_list_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        natural_family(facilitator)
        as_user(client, supervisor)
        with django_assert_max_num_queries(10):
            client.get(url("natural_list"))
        for _ in range(6):
            natural_family(facilitator)
        with django_assert_max_num_queries(10):
            response = client.get(url("natural_list"))
        assert response.context["page"].paginator.count == 7
