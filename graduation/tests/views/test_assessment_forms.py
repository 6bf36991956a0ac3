"""Assessment form pages: admins read, the national keeper edits."""

import pytest

from graduation.models import (
    AssessmentForm,
)
from graduation.selectors import assessment_forms as form_selectors
from graduation.services import assessment_forms as form_services
from graduation.tests.factories import (
    assess,
)
from graduation.tests.views.helpers import as_user, url

pytestmark = pytest.mark.django_db


class TestFormPages:
    def test_admin_reads_the_national_form(self, client, admin_user):
        form = form_selectors.form_current()
        as_user(client, admin_user)
        assert client.get(url("form_list")).status_code == 200
        page = client.get(url("form_detail", form.pk))
        assert page.status_code == 200 and "Jenis lantai terluas" in page.content.decode()
        assert client.get(url("form_edit", form.pk)).status_code == 403

    def test_keeper_pages(self, client, catalogue_keeper):
        form = form_selectors.form_current()
        as_user(client, catalogue_keeper)
        assert client.get(url("form_list")).status_code == 200
        page = client.get(url("form_detail", form.pk))
        assert page.status_code == 200 and "Jenis lantai terluas" in page.content.decode()
        indicator = form.indicators.get(key="lantai")
        assert client.get(url("indicator_edit", form.pk, indicator.pk)).status_code == 200
        assert client.get(url("indicator_create", form.pk)).status_code == 200
        assert client.get(url("group_create", form.pk)).status_code == 200
        assert client.get(url("form_edit", form.pk)).status_code == 200

    def test_edit_used_form_makes_new_version(self, client, catalogue_keeper, household):
        assess(household)
        form = form_selectors.form_current()
        indicator = form.indicators.get(key="lantai")
        response = as_user(client, catalogue_keeper).post(
            url("indicator_edit", form.pk, indicator.pk),
            {
                "group": indicator.group_id,
                "text": "Lantai",
                "help_text": "",
                "order": 1,
                "options": "Tanah = 0\nSemen = 1\nKeramik = 3",
            },
        )
        new = AssessmentForm.objects.get(version=2)
        assert response.status_code == 302 and response["Location"] == url("form_detail", new.pk)
        assert list(new.indicators.get(key="lantai").options.values_list("label", "weight")) == [
            ("Tanah", 0),
            ("Semen", 1),
            ("Keramik", 3),
        ]
        # The old version is read-only now.
        old_page = client.get(url("form_detail", form.pk))
        assert old_page.context["is_current"] is False
        response = client.post(url("form_edit", form.pk), {"name": "Lama", "description": ""})
        assert response.status_code == 200 and response.context["form"].errors
        form.refresh_from_db()
        assert form.name != "Lama"

    @pytest.mark.parametrize("options", ["Tanah\nKeramik", "Tanah = -1\nKeramik = 2", "Tanah = 1"])
    def test_bad_options_change_nothing(self, client, catalogue_keeper, options):
        form = form_selectors.form_current()
        indicator = form.indicators.get(key="lantai")
        before = list(indicator.options.values_list("label", "weight"))
        response = as_user(client, catalogue_keeper).post(
            url("indicator_edit", form.pk, indicator.pk),
            {"group": indicator.group_id, "text": "Lantai", "order": 1, "options": options},
        )
        assert response.status_code == 200 and response.context["form"].errors
        indicator.refresh_from_db()
        assert indicator.text == "Jenis lantai terluas"
        assert list(indicator.options.values_list("label", "weight")) == before
        assert AssessmentForm.objects.count() == 1

    def test_remove_indicator(self, client, catalogue_keeper):
        form = form_selectors.form_current()
        indicator = form.indicators.get(key="ternak")
        response = as_user(client, catalogue_keeper).post(
            url("indicator_remove", form.pk, indicator.pk)
        )
        assert response.status_code == 302
        assert not form.indicators.filter(key="ternak").exists()

    def test_add_group(self, client, catalogue_keeper):
        form = form_selectors.form_current()
        response = as_user(client, catalogue_keeper).post(
            url("group_create", form.pk), {"name": "Kesehatan", "order": 9}
        )
        assert response.status_code == 302
        assert form.groups.filter(name="Kesehatan").exists()

    def test_wrong_role(self, client, supervisor, facilitator):
        form = form_selectors.form_current()
        for user in (supervisor, facilitator):
            as_user(client, user)
            assert client.get(url("form_list")).status_code == 403
            assert client.get(url("form_detail", form.pk)).status_code == 403
            assert client.post(url("form_edit", form.pk), {"name": "x"}).status_code == 403
        form.refresh_from_db()
        assert form.name != "x"

    def test_form_list_query_count(
        self, client, admin_user, catalogue_keeper, household, django_assert_max_num_queries
    ):
        as_user(client, admin_user)
        with django_assert_max_num_queries(8):
            client.get(url("form_list"))
        for i in range(3):
            assess(household)  # the current version is used: the next edit makes a version
            form_services.form_update(
                form=form_selectors.form_current(), by=catalogue_keeper, name=f"F{i}"
            )
        assert AssessmentForm.objects.count() == 4
        with django_assert_max_num_queries(8):
            response = client.get(url("form_list"))
        assert len(response.context["forms"]) == 4
