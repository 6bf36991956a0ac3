import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from graduation.models import (
    AssessmentForm,
    Graduation,
    GraduationAssessment,
    GraduationProposal,
    MonitoringVisit,
    PipelineEntry,
    PipelineEvent,
    ProposalStatus,
    QuarterlyTarget,
    Readiness,
    Stage,
)
from graduation.selectors import assessment_forms as form_selectors
from graduation.selectors import family as family_selectors
from graduation.selectors import natural as natural_selectors
from graduation.selectors import objections as objection_selectors
from graduation.selectors import targets as target_selectors
from graduation.services import assessment_forms as form_services
from graduation.services import assessments as assessment_services
from graduation.services import graduations as graduation_services
from graduation.services import monitoring as monitoring_services
from graduation.services import objections as objection_services
from graduation.services import pipeline as pipeline_services
from graduation.services import proposals as proposal_services
from graduation.services import targets as target_services
from graduation.tests.factories import (
    answers_for,
    assess,
    fake_pdf_upload,
    objection,
    pdf_upload,
    png_upload,
)
from households.models import ExitType, Household, HouseholdStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def current_form():
    return form_selectors.form_current()


# --- assessments ---------------------------------------------------------------------


class TestAssessment:
    def test_default_form_is_seeded_with_the_issue_indicators(self):
        form = current_form()
        keys = set(form.indicators.values_list("key", flat=True))
        assert {
            "penghasilan_umk",
            "pekerjaan",
            "lantai",
            "dinding",
            "atap",
            "luas_per_orang",
            "sanitasi",
            "air_minum",
            "listrik",
            "bahan_bakar",
            "kendaraan",
            "lahan",
            "ternak",
            "tabungan",
            "anak_sekolah",
            "anggota_asn",
            "lama_pkh",
        } <= keys
        assert form.version == 1

    def test_score_and_readiness(self, household, facilitator, settings):
        settings.PKH_GRADUATION_READY_SCORE = 70
        settings.PKH_GRADUATION_APPROACHING_SCORE = 50
        best = assess(household, profile=5)
        assert (best.score, best.score_pct, best.readiness) == (
            best.max_score,
            100,
            Readiness.READY,
        )
        poorest = assess(household, profile=0)
        assert poorest.score == 0
        assert poorest.readiness == Readiness.NOT_READY
        assert best.answers.count() == current_form().indicators.count()

    def test_readiness_thresholds_come_from_settings(self, settings):
        settings.PKH_GRADUATION_READY_SCORE = 80
        settings.PKH_GRADUATION_APPROACHING_SCORE = 40
        assert assessment_services.readiness_for(79) == Readiness.APPROACHING
        assert assessment_services.readiness_for(80) == Readiness.READY
        assert assessment_services.readiness_for(39) == Readiness.NOT_READY

    def test_unanswered_indicator_is_refused_and_nothing_saved(self, household, facilitator):
        form = current_form()
        answers = answers_for(form)
        missing = next(iter(answers))
        del answers[missing]
        with pytest.raises(ValidationError) as exc:
            assessment_services.assessment_create(
                household=household,
                form=form,
                answers=answers,
                by=facilitator,
                assessed_on=TODAY(),
            )
        assert assessment_services.answer_field(missing) in exc.value.message_dict
        assert not GraduationAssessment.objects.exists()

    def test_option_of_another_indicator_is_refused(self, household, facilitator):
        form = current_form()
        answers = answers_for(form)
        first, second = list(answers)[:2]
        answers[first] = answers[second]
        with pytest.raises(ValidationError):
            assessment_services.assessment_create(
                household=household, form=form, answers=answers, by=facilitator, assessed_on=TODAY()
            )
        assert not GraduationAssessment.objects.exists()

    def test_future_date_refused(self, household, facilitator):
        form = current_form()
        with pytest.raises(ValidationError):
            assessment_services.assessment_create(
                household=household,
                form=form,
                answers=answers_for(form),
                by=facilitator,
                assessed_on=TODAY() + datetime.timedelta(days=1),
            )

    def test_only_the_familys_facilitator_assesses(self, household, other_facilitator, supervisor):
        form = current_form()
        for user in (other_facilitator, supervisor):
            with pytest.raises(PermissionDenied):
                assessment_services.assessment_create(
                    household=household,
                    form=form,
                    answers=answers_for(form),
                    by=user,
                    assessed_on=TODAY(),
                )
        assert not GraduationAssessment.objects.exists()

    def test_latest_flag_follows_the_assessment_date(self, household):
        recent = assess(household, days_ago=5)
        older = assess(household, days_ago=50)
        recent.refresh_from_db()
        older.refresh_from_db()
        assert recent.is_latest and not older.is_latest
        newest = assess(household, days_ago=0)
        recent.refresh_from_db()
        assert newest.is_latest and not recent.is_latest
        assert GraduationAssessment.objects.filter(household=household, is_latest=True).count() == 1


# --- form versions -------------------------------------------------------------------


class TestFormVersions:
    def test_unused_form_is_edited_in_place(self, catalogue_keeper):
        form = current_form()
        indicator = form.indicators.get(key="lantai")
        after = form_services.indicator_save(
            form=form,
            by=catalogue_keeper,
            indicator=indicator,
            group=indicator.group,
            text="Lantai rumah",
            options=[("Tanah", 0), ("Keramik", 3)],
        )
        assert after.pk == form.pk
        assert AssessmentForm.objects.count() == 1
        indicator.refresh_from_db()
        assert indicator.text == "Lantai rumah"
        assert list(indicator.options.values_list("label", "weight")) == [
            ("Tanah", 0),
            ("Keramik", 3),
        ]

    def test_editing_a_used_form_creates_a_new_version(self, household, catalogue_keeper):
        old_assessment = assess(household, profile=5)
        form = current_form()
        old_score = (old_assessment.score, old_assessment.max_score, old_assessment.score_pct)
        indicator = form.indicators.get(key="lantai")
        after = form_services.indicator_save(
            form=form,
            by=catalogue_keeper,
            indicator=indicator,
            group=indicator.group,
            text="Lantai rumah",
            options=[("Tanah", 0), ("Semen", 2), ("Keramik", 5)],
        )
        assert after.version == 2 and after.previous_id == form.pk
        assert current_form() == after
        # Version 1 is untouched; the old assessment keeps its version and score.
        indicator.refresh_from_db()
        assert indicator.text == "Jenis lantai terluas"
        assert indicator.options.count() == 3
        old_assessment.refresh_from_db()
        assert old_assessment.form_id == form.pk
        assert (
            old_assessment.score,
            old_assessment.max_score,
            old_assessment.score_pct,
        ) == old_score
        new_indicator = after.indicators.get(key="lantai")
        assert new_indicator.text == "Lantai rumah"
        assert after.indicators.count() == form.indicators.count()
        # A second edit of version 2 (still unused) stays in version 2.
        again = form_services.form_update(form=after, by=catalogue_keeper, name="Formulir Nasional")
        assert again.pk == after.pk

    def test_removing_an_indicator_of_a_used_form(self, household, catalogue_keeper):
        assess(household)
        form = current_form()
        indicator = form.indicators.get(key="ternak")
        after = form_services.indicator_remove(form=form, by=catalogue_keeper, indicator=indicator)
        assert after.version == 2
        assert not after.indicators.filter(key="ternak").exists()
        assert form.indicators.filter(key="ternak").exists()

    def test_assessment_on_a_superseded_version_is_refused(self, household, catalogue_keeper):
        form = current_form()
        answers = answers_for(form)
        assess(household)
        form_services.group_save(form=form, by=catalogue_keeper, name="Tambahan", order=9)
        with pytest.raises(ValidationError):
            assessment_services.assessment_create(
                household=household,
                form=form,
                answers=answers,
                by=household.facilitator,
                assessed_on=TODAY(),
            )

    def test_only_the_national_keeper_edits_forms(
        self, supervisor, facilitator, admin_user, other_region_admin
    ):
        form = current_form()
        for user in (supervisor, facilitator, admin_user, other_region_admin):
            with pytest.raises(PermissionDenied):
                form_services.form_update(form=form, by=user, name="x")
        form.refresh_from_db()
        assert form.name == "Penilaian kesiapan graduasi"

    def test_indicator_needs_two_distinct_options(self, catalogue_keeper):
        form = current_form()
        group = form.groups.first()
        for options in ([("Ya", 1)], [("Ya", 1), ("ya", 2)]):
            with pytest.raises(ValidationError):
                form_services.indicator_save(
                    form=form, by=catalogue_keeper, group=group, text="Baru", options=options
                )
        assert not form.indicators.filter(text="Baru").exists()

    def test_new_indicator_gets_a_unique_key(self, catalogue_keeper):
        form = current_form()
        group = form.groups.first()
        for _ in range(2):
            form_services.indicator_save(
                form=form,
                by=catalogue_keeper,
                group=group,
                text="Punya HP",
                options=[("T", 0), ("Y", 1)],
            )
        assert sorted(form.indicators.filter(text="Punya HP").values_list("key", flat=True)) == [
            "punya_hp",
            "punya_hp_2",
        ]


# --- pipeline ------------------------------------------------------------------------


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


# --- proposals -----------------------------------------------------------------------


def submit(household, **kwargs):
    data = {
        "household": household,
        "by": household.facilitator,
        "reason": "Usaha warung stabil, penghasilan di atas UMK.",
        "statement": pdf_upload(),
    }
    data.update(kwargs)
    return proposal_services.proposal_submit(**data)


class TestProposal:
    def test_submit_carries_latest_assessment_and_moves_pipeline(self, household):
        assess(household, days_ago=40)
        latest = assess(household, days_ago=3)
        proposal = submit(household)
        assert proposal.assessment == latest
        assert proposal.status == ProposalStatus.PENDING
        assert proposal.statement_content_type == "application/pdf"
        assert proposal.statement.storage.exists(proposal.statement.name)
        assert PipelineEntry.objects.get(household=household).stage == Stage.PROPOSED

    def test_photo_statement_accepted(self, household):
        assess(household)
        assert submit(household, statement=png_upload()).statement_content_type == "image/png"

    @pytest.mark.parametrize(
        "statement",
        [None, "fake", "large"],
        ids=["missing", "not-pdf-or-image", "too-large"],
    )
    def test_bad_statement_refused(self, household, settings, statement):
        settings.PKH_GRADUATION_STATEMENT_MAX_BYTES = 1000
        assess(household)
        upload = {"fake": fake_pdf_upload(), "large": pdf_upload(size=1001), None: None}[statement]
        with pytest.raises(ValidationError) as exc:
            submit(household, statement=upload)
        assert "statement" in exc.value.message_dict
        assert not GraduationProposal.objects.exists()
        assert not PipelineEntry.objects.exists()

    def test_assessment_older_than_six_months_refused(self, household):
        assess(household, days_ago=200)
        with pytest.raises(ValidationError):
            submit(household)
        assert not GraduationProposal.objects.exists()

    def test_no_assessment_refused(self, household):
        with pytest.raises(ValidationError):
            submit(household)
        assert not GraduationProposal.objects.exists()

    def test_second_pending_proposal_refused(self, household):
        assess(household)
        submit(household)
        with pytest.raises(ValidationError):
            submit(household)
        assert GraduationProposal.objects.count() == 1

    def test_approve_graduates_the_family(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        day = TODAY() - datetime.timedelta(days=1)
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=True, graduation_date=day
        )
        household.refresh_from_db()
        assert household.status == HouseholdStatus.GRADUATED
        assert household.exit_type == ExitType.GRADUASI_MANDIRI
        assert household.status_date == day
        assert household.history.first().history_user == supervisor
        graduation = Graduation.objects.get(household=household)
        assert graduation.proposal == proposal and graduation.facilitator == household.facilitator
        assert sorted(
            MonitoringVisit.objects.filter(graduation=graduation).values_list(
                "months_after", flat=True
            )
        ) == [3, 6, 12]
        assert PipelineEntry.objects.get(household=household).stage == Stage.GRADUATED

    def test_approve_other_exit_type_sets_exited_without_monitoring(self, household, supervisor):
        assess(household)
        proposal = submit(household, exit_type=ExitType.NOT_ELIGIBLE)
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=True, graduation_date=TODAY()
        )
        household.refresh_from_db()
        assert household.status == HouseholdStatus.EXITED
        assert household.exit_type == ExitType.NOT_ELIGIBLE
        assert not MonitoringVisit.objects.exists()

    def test_return_keeps_history_and_allows_a_new_proposal(self, household, supervisor):
        assess(household)
        first = submit(household)
        proposal_services.proposal_decide(
            proposal=first, by=supervisor, approve=False, comment="Lengkapi foto usaha."
        )
        first.refresh_from_db()
        assert first.status == ProposalStatus.RETURNED
        assert first.decision_comment == "Lengkapi foto usaha."
        household.refresh_from_db()
        assert household.status == HouseholdStatus.ACTIVE
        assert PipelineEntry.objects.get(household=household).stage == Stage.SUPPORTED
        second = submit(household)
        assert set(GraduationProposal.objects.values_list("pk", "status")) == {
            (first.pk, ProposalStatus.RETURNED),
            (second.pk, ProposalStatus.PENDING),
        }

    def test_return_needs_a_comment(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        with pytest.raises(ValidationError):
            proposal_services.proposal_decide(
                proposal=proposal, by=supervisor, approve=False, comment=" "
            )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING

    def test_approve_needs_a_past_date(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        for day in (None, TODAY() + datetime.timedelta(days=3)):
            with pytest.raises(ValidationError):
                proposal_services.proposal_decide(
                    proposal=proposal, by=supervisor, approve=True, graduation_date=day
                )
        proposal.refresh_from_db()
        household.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING
        assert household.status == HouseholdStatus.ACTIVE

    def test_already_decided_proposal_refused_nothing_changed(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        stale = GraduationProposal.objects.get(pk=proposal.pk)  # loaded before the decision
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=False, comment="Belum lengkap."
        )
        with pytest.raises(ValidationError) as exc:
            proposal_services.proposal_decide(
                proposal=stale, by=supervisor, approve=True, graduation_date=TODAY()
            )
        assert "sudah diputuskan" in exc.value.messages[0]
        stale.refresh_from_db()
        household.refresh_from_db()
        assert stale.status == ProposalStatus.RETURNED
        assert household.status == HouseholdStatus.ACTIVE
        assert not Graduation.objects.exists()

    def test_facilitator_and_other_supervisor_cannot_decide(
        self, household, facilitator, other_facilitator, other_supervisor, admin_user
    ):
        assess(household)
        proposal = submit(household)
        for user in (facilitator, other_facilitator, other_supervisor, admin_user):
            with pytest.raises(PermissionDenied):
                proposal_services.proposal_decide(
                    proposal=proposal, by=user, approve=True, graduation_date=TODAY()
                )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING

    def test_approval_fails_whole_if_family_already_left(self, household, supervisor, facilitator):
        assess(household)
        proposal = submit(household)
        Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.EXITED)
        with pytest.raises(ValidationError):
            proposal_services.proposal_decide(
                proposal=proposal, by=supervisor, approve=True, graduation_date=TODAY()
            )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING  # the claim was rolled back


# --- natural graduation --------------------------------------------------------------


def years_ago(n, days=0):
    today = TODAY()
    return today.replace(year=today.year - n) - datetime.timedelta(days=days)


@pytest.fixture
def natural_families(facilitator):
    """One family per reason, plus two that keep a component."""
    from households.tests.factories import HouseholdFactory, MemberFactory

    def family(*members):
        household = HouseholdFactory(facilitator=facilitator)
        MemberFactory(household=household, is_pengurus=True, birth_date=years_ago(40))
        for fields in members:
            MemberFactory(household=household, **fields)
        return household

    return {
        "finished_sma": family(
            {"birth_date": years_ago(18), "components": ["SMA"], "school_level": "LULUS"}
        ),
        "elderly_died": family(
            {
                "birth_date": years_ago(75),
                "components": ["LANSIA"],
                "left_on": TODAY() - datetime.timedelta(days=20),
                "left_reason": "meninggal",
            }
        ),
        "turned_six": family(
            {"birth_date": years_ago(6, days=1), "components": ["ANAK_USIA_DINI"]}
        ),
        "lansia_too_young": family({"birth_date": years_ago(55), "components": ["LANSIA"]}),
        "pupil_unknown_level_over_21": family({"birth_date": years_ago(22), "components": ["SMP"]}),
        "keeps_sd_child": family(
            {"birth_date": years_ago(9), "components": ["SD"], "school_level": "SD"}
        ),
        "keeps_toddler": family(
            {"birth_date": years_ago(5, days=-1), "components": ["ANAK_USIA_DINI"]}
        ),
        "keeps_pupil_unknown_level": family({"birth_date": years_ago(12), "components": ["SD"]}),
        "keeps_lansia": family({"birth_date": years_ago(70), "components": ["LANSIA"]}),
    }


class TestNaturalGraduation:
    def test_detection(self, natural_families, facilitator, settings):
        settings.PKH_LANSIA_MIN_AGE = 60
        found = set(
            natural_selectors.natural_graduation_candidates(user=facilitator).values_list(
                "pk", flat=True
            )
        )
        expected = {
            natural_families[k].pk
            for k in (
                "finished_sma",
                "elderly_died",
                "turned_six",
                "lansia_too_young",
                "pupil_unknown_level_over_21",
            )
        }
        assert found == expected

    def test_detection_is_one_query_whatever_the_number_of_families(
        self, natural_families, supervisor, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            ids = natural_selectors.natural_graduation_ids(user=supervisor)
        assert len(ids) == 5

    def test_lansia_age_is_a_setting(self, natural_families, facilitator, settings):
        settings.PKH_LANSIA_MIN_AGE = 50
        found = set(
            natural_selectors.natural_graduation_candidates(user=facilitator).values_list(
                "pk", flat=True
            )
        )
        assert natural_families["lansia_too_young"].pk not in found

    def test_reasons(self, natural_families):
        ids = [natural_families[k].pk for k in ("finished_sma", "elderly_died", "turned_six")]
        reasons = natural_selectors.natural_graduation_reasons(ids)
        assert "tidak bersekolah" in reasons[ids[0]][0]
        assert "keluar" in reasons[ids[1]][0] and "Meninggal" in reasons[ids[1]][0]
        assert "6 tahun" in reasons[ids[2]][0]

    def test_scoped(self, natural_families, other_facilitator, other_team_facilitator, supervisor):
        assert not natural_selectors.natural_graduation_candidates(user=other_facilitator).exists()
        assert natural_selectors.natural_graduation_candidates(user=supervisor).count() == 5

    def test_confirm(self, natural_families, facilitator):
        household = natural_families["elderly_died"]
        graduation_services.natural_graduation_confirm(
            household=household, by=facilitator, date=TODAY()
        )
        household.refresh_from_db()
        assert household.status == HouseholdStatus.GRADUATED
        assert household.exit_type == ExitType.GRADUASI_ALAMIAH
        assert "Meninggal" in household.status_reason
        assert household.history.first().history_user == facilitator
        graduation = Graduation.objects.get(household=household)
        assert graduation.source == "natural"
        assert graduation.monitoring_visits.count() == 3
        assert household not in natural_selectors.natural_graduation_candidates(user=facilitator)

    def test_confirm_refused_when_a_component_remains(self, natural_families, facilitator):
        household = natural_families["keeps_sd_child"]
        with pytest.raises(ValidationError):
            graduation_services.natural_graduation_confirm(household=household, by=facilitator)
        household.refresh_from_db()
        assert household.status == HouseholdStatus.ACTIVE
        assert not Graduation.objects.exists()

    def test_confirm_by_others_refused(self, natural_families, other_facilitator, supervisor):
        household = natural_families["turned_six"]
        for user in (other_facilitator, supervisor):
            with pytest.raises(PermissionDenied):
                graduation_services.natural_graduation_confirm(household=household, by=user)
        household.refresh_from_db()
        assert household.status == HouseholdStatus.ACTIVE

    def test_confirm_twice_refused(self, natural_families, facilitator):
        household = natural_families["turned_six"]
        graduation_services.natural_graduation_confirm(household=household, by=facilitator)
        with pytest.raises(ValidationError):
            graduation_services.natural_graduation_confirm(household=household, by=facilitator)
        assert Graduation.objects.count() == 1


# --- monitoring ----------------------------------------------------------------------


class TestMonitoring:
    @pytest.fixture
    def graduation(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        day = TODAY() - datetime.timedelta(days=100)
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=True, graduation_date=day
        )
        return Graduation.objects.get(household=household)

    def test_due_dates(self, graduation):
        visits = list(graduation.monitoring_visits.order_by("months_after"))
        assert [v.due_on for v in visits] == [
            graduation_services.add_months(graduation.date, m) for m in (3, 6, 12)
        ]

    def test_record(self, graduation, facilitator):
        visit = graduation.monitoring_visits.get(months_after=3)
        monitoring_services.monitoring_record(
            visit=visit, by=facilitator, done_on=TODAY(), outcome="fallen_back", note="Usaha tutup"
        )
        visit.refresh_from_db()
        assert visit.outcome == "fallen_back" and visit.recorded_by == facilitator
        entry = PipelineEntry.objects.get(household=graduation.household)
        assert entry.stage == Stage.MONITORED
        summary = family_selectors.family_summary(household=graduation.household)
        assert summary.relapsed
        with pytest.raises(ValidationError):
            monitoring_services.monitoring_record(
                visit=visit, by=facilitator, done_on=TODAY(), outcome="self_reliant"
            )
        visit.refresh_from_db()
        assert visit.outcome == "fallen_back"

    def test_bad_outcome_and_other_user_refused(self, graduation, other_facilitator, facilitator):
        visit = graduation.monitoring_visits.get(months_after=3)
        with pytest.raises(PermissionDenied):
            monitoring_services.monitoring_record(
                visit=visit, by=other_facilitator, done_on=TODAY(), outcome="self_reliant"
            )
        with pytest.raises(ValidationError):
            monitoring_services.monitoring_record(
                visit=visit, by=facilitator, done_on=TODAY(), outcome="x"
            )
        visit.refresh_from_db()
        assert visit.done_on is None

    def test_add_months_clamps_month_end(self):
        assert graduation_services.add_months(datetime.date(2025, 11, 30), 3) == datetime.date(
            2026, 2, 28
        )
        assert graduation_services.add_months(datetime.date(2025, 1, 31), 12) == datetime.date(
            2026, 1, 31
        )


# --- targets and objections ----------------------------------------------------------


class TestTargets:
    def test_default_spreads_the_yearly_target(self, settings):
        settings.PKH_GRADUATION_YEARLY_TARGET = 10
        assert [target_selectors.default_quarter_target(q) for q in (1, 2, 3, 4)] == [3, 3, 2, 2]

    def test_set(self, supervisor, facilitator, other_facilitator):
        target_services.targets_set(
            by=supervisor,
            year=2026,
            quarter=2,
            targets={facilitator.pk: 4, other_facilitator.pk: 0},
        )
        assert target_selectors.quarterly_targets(user=supervisor, year=2026, quarter=2) == {
            facilitator.pk: 4,
            other_facilitator.pk: 0,
        }
        target_services.targets_set(
            by=supervisor, year=2026, quarter=2, targets={facilitator.pk: 5}
        )
        assert QuarterlyTarget.objects.get(facilitator=facilitator).target == 5

    def test_negative_refused_nothing_changed(self, supervisor, facilitator, other_facilitator):
        with pytest.raises(ValidationError):
            target_services.targets_set(
                by=supervisor,
                year=2026,
                quarter=1,
                targets={facilitator.pk: 3, other_facilitator.pk: -1},
            )
        assert not QuarterlyTarget.objects.exists()

    def test_only_own_team(self, supervisor, other_team_facilitator, facilitator):
        with pytest.raises(PermissionDenied):
            target_services.targets_set(
                by=supervisor, year=2026, quarter=1, targets={other_team_facilitator.pk: 3}
            )
        with pytest.raises(PermissionDenied):
            target_services.targets_set(
                by=facilitator, year=2026, quarter=1, targets={facilitator.pk: 3}
            )
        assert not QuarterlyTarget.objects.exists()


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
