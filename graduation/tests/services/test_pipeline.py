"""The self-graduation pipeline."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    PipelineEntry,
    Stage,
)
from graduation.services import pipeline as pipeline_services
from graduation.tests.factories import (
    objection,
)
from graduation.tests.services.helpers import TODAY

pytestmark = pytest.mark.django_db


class TestPipeline:
    def test_add_and_move(self, household, facilitator):
        entry = pipeline_services.pipeline_add(
            household=household, by=facilitator, note="Target T1"
        )
        assert entry.stage == Stage.TARGETED
        pipeline_services.pipeline_record(
            entry=entry, by=facilitator, stage=Stage.APPROACHED, date=TODAY(), note="Kunjungan"
        )
        entry.refresh_from_db()
        assert entry.stage == Stage.APPROACHED
        assert list(entry.events.values_list("stage", "stage_changed")) == [
            (Stage.TARGETED, True),
            (Stage.APPROACHED, True),
        ]

    def test_note_with_objection(self, household, facilitator, supervisor):
        entry = pipeline_services.pipeline_add(household=household, by=facilitator)
        item = objection(supervisor)
        event = pipeline_services.pipeline_record(
            entry=entry,
            by=facilitator,
            stage=entry.stage,
            date=TODAY(),
            note="Keluarga keberatan",
            objection=item,
        )
        assert event.objection == item and not event.stage_changed

    def test_empty_note_without_stage_change_refused(self, household, facilitator):
        entry = pipeline_services.pipeline_add(household=household, by=facilitator)
        with pytest.raises(ValidationError):
            pipeline_services.pipeline_record(
                entry=entry, by=facilitator, stage=entry.stage, date=TODAY()
            )
        assert entry.events.count() == 1

    def test_system_stages_cannot_be_set_by_hand(self, household, facilitator):
        entry = pipeline_services.pipeline_add(household=household, by=facilitator)
        for stage in (Stage.PROPOSED, Stage.GRADUATED, Stage.MONITORED):
            with pytest.raises(ValidationError):
                pipeline_services.pipeline_record(
                    entry=entry, by=facilitator, stage=stage, date=TODAY()
                )
        with pytest.raises(ValidationError):
            pipeline_services.pipeline_add(household=household, by=facilitator)  # already there
        entry.refresh_from_db()
        assert entry.stage == Stage.TARGETED

    def test_other_facilitator_refused(self, household, other_facilitator):
        with pytest.raises(PermissionDenied):
            pipeline_services.pipeline_add(household=household, by=other_facilitator)
        assert not PipelineEntry.objects.exists()
