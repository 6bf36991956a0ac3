"""The objections bank."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    PipelineEvent,
)
from graduation.selectors import objections as objection_selectors
from graduation.services import objections as objection_services
from graduation.services import pipeline as pipeline_services
from graduation.tests.factories import (
    objection,
)
from graduation.tests.services.helpers import TODAY

pytestmark = pytest.mark.django_db


class TestObjections:
    def test_curated_by_supervisors_only(self, supervisor, facilitator):
        item = objection(supervisor, tags="Usaha; Kesehatan")
        assert item.tags == "usaha, kesehatan"
        with pytest.raises(PermissionDenied):
            objection(facilitator)
        objection_services.objection_archive(objection=item, by=supervisor)
        assert not objection_selectors.objection_list().exists()
        assert objection_selectors.objection_list(archived=True).get() == item

    def test_search(self, supervisor):
        objection(supervisor, argument="Anak masih sekolah", answer="KIP tetap", tags="pendidikan")
        objection(supervisor, argument="Belum sejahtera", answer="Lihat penilaian", tags="")
        assert [o.argument for o in objection_selectors.objection_list(search="kip")] == [
            "Anak masih sekolah"
        ]
        assert objection_selectors.objection_list(search="pendidikan sekolah").count() == 1

    def test_archived_objection_cannot_be_linked(self, household, facilitator, supervisor):
        item = objection(supervisor)
        objection_services.objection_archive(objection=item, by=supervisor)
        entry = pipeline_services.pipeline_add(household=household, by=facilitator)
        with pytest.raises(ValidationError):
            pipeline_services.pipeline_record(
                entry=entry,
                by=facilitator,
                stage=entry.stage,
                date=TODAY(),
                note="x",
                objection=item,
            )
        assert PipelineEvent.objects.count() == 1
