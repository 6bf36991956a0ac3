"""Every graduation page through the test client, as each role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from graduation.models import (
    AssessmentForm,
    Graduation,
    GraduationAssessment,
    GraduationProposal,
    MonitoringVisit,
    Objection,
    PipelineEntry,
    PipelineEvent,
    ProposalStatus,
    QuarterlyTarget,
    Stage,
)
from graduation.selectors import assessment_forms as form_selectors
from graduation.selectors import targets as target_selectors
from graduation.services import assessment_forms as form_services
from graduation.services import assessments as assessment_services
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
from households.models import ExitType, HouseholdStatus
from households.tests.factories import HouseholdFactory, MemberFactory, household_with_members

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"graduation:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def full_answers(profile=5):
    form = form_selectors.form_current()
    return {
        assessment_services.answer_field(pk): option
        for pk, option in answers_for(form, profile).items()
    }


def submit(household):
    return proposal_services.proposal_submit(
        household=household,
        by=household.facilitator,
        reason="Usaha stabil.",
        statement=pdf_upload(),
    )


def natural_family(facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    MemberFactory(household=household, is_pengurus=True)
    today = TODAY()
    MemberFactory(
        household=household,
        birth_date=today.replace(year=today.year - 7),
        components=["ANAK_USIA_DINI"],
    )
    return household


# --- assessments ---------------------------------------------------------------------


class TestAssessmentPages:
    def test_form_renders_every_indicator(self, client, facilitator, household):
        response = as_user(client, facilitator).get(url("assessment_create", household.pk))
        assert response.status_code == 200
        form = form_selectors.form_current()
        for indicator in form.indicators.all():
            assert indicator.text in response.content.decode()

    def test_submit(self, client, facilitator, household):
        data = {**full_answers(), "assessed_on": TODAY().isoformat(), "notes": "Rumah baru"}
        response = as_user(client, facilitator).post(url("assessment_create", household.pk), data)
        assessment = GraduationAssessment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("assessment_detail", assessment.pk)
        assert assessment.score_pct == 100
        page = client.get(response["Location"])
        assert "100%" in page.content.decode()
        assert "Siap graduasi mandiri" in page.content.decode()

    def test_unanswered_indicators_refused(self, client, facilitator, household):
        data = full_answers()
        dropped = sorted(data)[:2]
        for key in dropped:
            del data[key]
        data["assessed_on"] = TODAY().isoformat()
        response = as_user(client, facilitator).post(url("assessment_create", household.pk), data)
        assert response.status_code == 200
        assert response.content.decode().count("Indikator ini wajib dijawab.") == 2
        assert not GraduationAssessment.objects.exists()

    def test_garbage_answer_refused(self, client, facilitator, household):
        data = {**full_answers(), "assessed_on": "31-31-2025"}
        first = next(iter(data))
        data[first] = "abc"
        response = as_user(client, facilitator).post(url("assessment_create", household.pk), data)
        assert response.status_code == 200
        assert not GraduationAssessment.objects.exists()

    def test_wrong_user(self, client, household, other_facilitator, supervisor, admin_user):
        assert (
            as_user(client, other_facilitator)
            .get(url("assessment_create", household.pk))
            .status_code
            == 404
        )
        for user in (supervisor, admin_user):
            assert (
                as_user(client, user).get(url("assessment_create", household.pk)).status_code == 403
            )

    def test_history_side_by_side(self, client, household, supervisor, other_supervisor):
        assess(household, profile=0, days_ago=300)
        assess(household, profile=5, days_ago=10)
        response = as_user(client, supervisor).get(url("assessment_history", household.pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert "0%" in html and "100%" in html
        assert "Tanah atau bambu" in html and "Keramik, ubin atau kayu baik" in html
        assert (
            as_user(client, other_supervisor)
            .get(url("assessment_history", household.pk))
            .status_code
            == 404
        )

    def test_history_lines_up_versions(self, client, household, facilitator, catalogue_keeper):
        assess(household, days_ago=30)
        form = form_selectors.form_current()
        indicator = form.indicators.get(key="lantai")
        form_services.indicator_save(
            form=form,
            by=catalogue_keeper,
            indicator=indicator,
            group=indicator.group,
            text="Lantai rumah (baru)",
            options=[("Tanah", 0), ("Keramik", 2)],
        )
        assess(household, days_ago=1)
        response = as_user(client, facilitator).get(url("assessment_history", household.pk))
        rows = response.context["rows"]
        floor = [r for r in rows if r.text == "Lantai rumah (baru)"]
        assert len(floor) == 1 and all(cell is not None for cell in floor[0].cells)

    def test_history_query_count_constant(
        self, client, household, facilitator, django_assert_max_num_queries
    ):
        assess(household, days_ago=5)
        as_user(client, facilitator)
        with django_assert_max_num_queries(12):
            client.get(url("assessment_history", household.pk))
        for days in (10, 20, 30, 40, 50):
            assess(household, days_ago=days)
        with django_assert_max_num_queries(12):
            client.get(url("assessment_history", household.pk))

    def test_detail_scoped(self, client, household, other_facilitator, facilitator):
        assessment = assess(household)
        assert (
            as_user(client, facilitator).get(url("assessment_detail", assessment.pk)).status_code
            == 200
        )
        assert (
            as_user(client, other_facilitator)
            .get(url("assessment_detail", assessment.pk))
            .status_code
            == 404
        )


# --- family panel --------------------------------------------------------------------


class TestFamilyPanel:
    def test_panel_shows_readiness_and_stage(self, client, household, facilitator):
        assess(household)
        pipeline_services.pipeline_add(household=household, by=facilitator)
        response = as_user(client, facilitator).get(
            reverse("households:detail", args=[household.pk])
        )
        html = response.content.decode()
        assert 'data-panel="graduation/_family_panel.html"' in html
        assert "Siap graduasi mandiri" in html
        assert "Ditargetkan" in html
        # Aid coverage and FDS attendance stand beside readiness.
        assert "Cakupan bansos" in html and "Kehadiran P2K2" in html

    def test_panel_for_the_supervisor_and_constant_queries(
        self, client, household, facilitator, supervisor, django_assert_max_num_queries
    ):
        assess(household)
        page = reverse("households:detail", args=[household.pk])
        as_user(client, supervisor)
        with django_assert_max_num_queries(40) as first:
            html = client.get(page).content.decode()
        assert "Siap graduasi mandiri" in html
        assert url("assessment_create", household.pk) not in html  # only the facilitator
        for days in (20, 40, 60):
            assess(household, days_ago=days)
        pipeline_services.pipeline_add(household=household, by=facilitator)
        submit(household)
        with django_assert_max_num_queries(len(first.captured_queries)):
            html = client.get(page).content.decode()
        assert "Menunggu keputusan supervisor" in html

    def test_registered_fact_is_shown(self, client, household, facilitator):
        from graduation import hooks

        def attendance(*, household, user):
            return hooks.ReadinessFact(label="Kehadiran P2K2", value="9 dari 10 sesi")

        hooks.register_readiness_fact(attendance)
        try:
            html = (
                as_user(client, facilitator)
                .get(reverse("households:detail", args=[household.pk]))
                .content.decode()
            )
        finally:
            hooks.readiness_facts.remove(attendance)
        assert "9 dari 10 sesi" in html

    def test_aid_coverage_and_attendance_beside_readiness(self, client, household, facilitator):
        from assistance.models import AidEnrolment, AidStatus

        enrolments = AidEnrolment.objects.filter(household=household).exclude(
            status=AidStatus.NOT_ELIGIBLE
        )
        total = enrolments.count()
        assert total > 1
        enrolments.filter(pk=enrolments.first().pk).update(status=AidStatus.RECEIVING)
        html = (
            as_user(client, facilitator)
            .get(reverse("households:detail", args=[household.pk]))
            .content.decode()
        )
        assert f"1 dari {total} bantuan yang layak sudah diterima" in html
        assert "belum ada pertemuan dalam 12 bulan" in html


# --- natural graduation --------------------------------------------------------------


class TestNaturalPages:
    def test_list_and_confirm(self, client, facilitator, household):
        candidate = natural_family(facilitator)
        response = as_user(client, facilitator).get(url("natural_list"))
        html = response.content.decode()
        assert response.status_code == 200
        assert f'data-household="{candidate.pk}"' in html
        assert f'data-household="{household.pk}"' not in html
        assert "sudah berusia 6 tahun" in html
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


# --- pipeline ------------------------------------------------------------------------


class TestPipelinePages:
    def test_add_record_and_board(self, client, facilitator, household, supervisor):
        item = objection(supervisor)
        as_user(client, facilitator)
        page = client.get(url("pipeline_family", household.pk))
        assert page.status_code == 200 and page.context["add_form"] is not None
        response = client.post(
            url("pipeline_add", household.pk),
            {"stage": Stage.TARGETED, "date": TODAY().isoformat(), "note": "Target"},
        )
        assert response.status_code == 302
        response = client.post(
            url("pipeline_record", household.pk),
            {
                "stage": Stage.APPROACHED,
                "date": TODAY().isoformat(),
                "note": "Keluarga merasa belum siap",
                "objection": item.pk,
            },
        )
        assert response.status_code == 302
        entry = PipelineEntry.objects.get(household=household)
        assert entry.stage == Stage.APPROACHED
        assert entry.events.last().objection == item
        html = client.get(url("pipeline_family", household.pk)).content.decode()
        assert item.argument in html
        board = client.get(url("pipeline"))
        assert board.status_code == 200
        assert board.context["progress"]["target"] == target_selectors.default_quarter_target(
            target_selectors.quarter_of(TODAY())[1]
        )
        approached = next(c for c in board.context["columns"] if c["stage"] == Stage.APPROACHED)
        assert [e.household_id for e in approached["entries"]] == [household.pk]
        listing = client.get(url("pipeline") + "?tampilan=daftar")
        assert [e.household_id for e in listing.context["page"]] == [household.pk]

    def test_board_column_shows_the_longest_waiting(self, client, facilitator, monkeypatch):
        from graduation.views import pipeline

        monkeypatch.setattr(pipeline, "BOARD_COLUMN_SIZE", 2)
        families = [household_with_members(facilitator=facilitator) for _ in range(3)]
        for days, household in zip((5, 20, 10), families, strict=True):
            pipeline_services.pipeline_add(
                household=household, by=facilitator, date=TODAY() - datetime.timedelta(days=days)
            )
        board = as_user(client, facilitator).get(url("pipeline"))
        column = next(c for c in board.context["columns"] if c["stage"] == Stage.TARGETED)
        assert column["count"] == 3
        assert [e.household_id for e in column["entries"]] == [families[1].pk, families[2].pk]
        assert "?tahap=targeted" in board.content.decode()  # "see all" link

    def test_bad_record_changes_nothing(self, client, facilitator, household):
        pipeline_services.pipeline_add(household=household, by=facilitator)
        as_user(client, facilitator)
        for data in (
            {"stage": Stage.TARGETED, "date": TODAY().isoformat(), "note": ""},
            {"stage": Stage.GRADUATED, "date": TODAY().isoformat(), "note": "x"},
            {"stage": Stage.APPROACHED, "date": "kemarin", "note": "x"},
        ):
            response = client.post(url("pipeline_record", household.pk), data, follow=True)
            assert any(m.level_tag == "error" for m in response.context["messages"])
        entry = PipelineEntry.objects.get()
        assert entry.stage == Stage.TARGETED and entry.events.count() == 1

    def test_wrong_user(self, client, household, other_facilitator, supervisor, facilitator):
        pipeline_services.pipeline_add(household=household, by=facilitator)
        assert (
            as_user(client, other_facilitator).get(url("pipeline_family", household.pk)).status_code
            == 404
        )
        assert (
            as_user(client, other_facilitator)
            .post(
                url("pipeline_record", household.pk),
                {"stage": "approached", "date": TODAY().isoformat()},
            )
            .status_code
            == 404
        )
        assert (
            as_user(client, supervisor)
            .post(
                url("pipeline_record", household.pk),
                {"stage": "approached", "date": TODAY().isoformat()},
            )
            .status_code
            == 403
        )
        assert PipelineEvent.objects.count() == 1

    @pytest.mark.parametrize("view", ["board", "list"])
    def test_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries, view
    ):
        path = url("pipeline") + ("?tampilan=daftar" if view == "list" else "")

        def add(n):
            for _ in range(n):
                h = household_with_members(facilitator=facilitator)
                assess(h)
                pipeline_services.pipeline_add(household=h, by=facilitator)

        add(1)
        as_user(client, supervisor)
        with django_assert_max_num_queries(16):
            client.get(path)
        add(8)
        with django_assert_max_num_queries(16):
            response = client.get(path)
        assert response.status_code == 200


# --- the family header (issue 19) ----------------------------------------------------


def _assert_family_header(response, household, status=200):
    """Who the page is about: the pengurus' name, the village and the components."""
    html = response.content.decode()
    assert response.status_code == status
    assert "data-family-header" in html
    assert household.members.get(is_pengurus=True).name in html
    assert "Patalan" in html
    assert "Anak SD/sederajat" in html and "Anak usia dini (0-6 tahun)" in html


def test_assessment_and_proposal_pages_show_the_family(client, facilitator, supervisor, household):
    as_user(client, facilitator)
    _assert_family_header(client.get(url("assessment_create", household.pk)), household)
    assess(household)
    _assert_family_header(client.get(url("proposal_create", household.pk)), household)
    proposal = submit(household)
    as_user(client, supervisor)
    _assert_family_header(client.get(url("proposal_detail", proposal.pk)), household)
    # A refused decision shows the page again, still with the family.
    response = client.post(url("proposal_decide", proposal.pk), {"decision": "approve"})
    _assert_family_header(response, household, status=400)


# --- proposals -----------------------------------------------------------------------


class TestProposalPages:
    def test_submit_and_decide(self, client, facilitator, supervisor, household):
        assess(household)
        as_user(client, facilitator)
        assert client.get(url("proposal_create", household.pk)).status_code == 200
        response = client.post(
            url("proposal_create", household.pk),
            {
                "exit_type": ExitType.GRADUASI_MANDIRI,
                "reason": "Usaha stabil",
                "statement": png_upload(),
            },
        )
        proposal = GraduationProposal.objects.get()
        assert response.status_code == 302
        detail = client.get(url("proposal_detail", proposal.pk))
        assert detail.context["can_decide"] is False
        as_user(client, supervisor)
        detail = client.get(url("proposal_detail", proposal.pk))
        assert detail.context["can_decide"] is True
        response = client.post(
            url("proposal_decide", proposal.pk),
            {"decision": "approve", "graduation_date": TODAY().isoformat()},
        )
        assert response.status_code == 302
        household.refresh_from_db()
        assert household.status == HouseholdStatus.GRADUATED
        assert household.exit_type == ExitType.GRADUASI_MANDIRI

    @pytest.mark.parametrize(
        "case", ["no-file", "not-pdf", "too-large", "old-assessment", "no-reason"]
    )
    def test_bad_submissions_change_nothing(self, client, facilitator, household, settings, case):
        settings.PKH_GRADUATION_STATEMENT_MAX_BYTES = 2000
        assess(household, days_ago=400 if case == "old-assessment" else 3)
        data = {
            "exit_type": ExitType.GRADUASI_MANDIRI,
            "reason": "Usaha stabil",
            "statement": pdf_upload(),
        }
        if case == "no-file":
            del data["statement"]
        elif case == "not-pdf":
            data["statement"] = fake_pdf_upload()
        elif case == "too-large":
            data["statement"] = pdf_upload(size=2001)
        elif case == "no-reason":
            data["reason"] = ""
        response = as_user(client, facilitator).post(url("proposal_create", household.pk), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not GraduationProposal.objects.exists()
        assert not PipelineEntry.objects.exists()

    def test_return_with_comment_and_already_decided(self, client, supervisor, household):
        assess(household)
        proposal = submit(household)
        as_user(client, supervisor)
        response = client.post(
            url("proposal_decide", proposal.pk), {"decision": "return", "comment": ""}
        )
        assert response.status_code == 400
        assert "Tulis komentar" in response.content.decode()
        response = client.post(
            url("proposal_decide", proposal.pk),
            {"decision": "return", "comment": "Foto usaha kurang"},
        )
        assert response.status_code == 302
        response = client.post(
            url("proposal_decide", proposal.pk),
            {"decision": "approve", "graduation_date": TODAY().isoformat()},
        )
        assert response.status_code == 400
        assert "sudah diputuskan" in response.content.decode()
        proposal.refresh_from_db()
        household.refresh_from_db()
        assert proposal.status == ProposalStatus.RETURNED
        assert household.status == HouseholdStatus.ACTIVE

    def test_who_may_decide(self, client, facilitator, other_supervisor, admin_user, household):
        assess(household)
        proposal = submit(household)
        data = {"decision": "approve", "graduation_date": TODAY().isoformat()}
        assert (
            as_user(client, facilitator).post(url("proposal_decide", proposal.pk), data).status_code
            == 403
        )
        assert (
            as_user(client, admin_user).post(url("proposal_decide", proposal.pk), data).status_code
            == 403
        )
        assert (
            as_user(client, other_supervisor)
            .post(url("proposal_decide", proposal.pk), data)
            .status_code
            == 404
        )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PENDING

    def test_statement_served_only_in_scope(
        self,
        client,
        household,
        facilitator,
        supervisor,
        other_facilitator,
        other_supervisor,
        admin_user,
        other_region_admin,
    ):
        assess(household)
        proposal = submit(household)
        for user in (facilitator, supervisor, admin_user):
            response = as_user(client, user).get(url("proposal_statement", proposal.pk))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response["Content-Security-Policy"]
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        for user in (other_facilitator, other_supervisor, other_region_admin):
            assert (
                as_user(client, user).get(url("proposal_statement", proposal.pk)).status_code == 404
            )

    def test_statement_has_no_public_url(self, household):
        assess(household)
        proposal = submit(household)
        with pytest.raises(ValueError):
            proposal.statement.url  # noqa: B018

    def test_wrong_role_cannot_propose(self, client, supervisor, other_facilitator, household):
        assess(household)
        assert (
            as_user(client, supervisor).get(url("proposal_create", household.pk)).status_code == 403
        )
        assert (
            as_user(client, other_facilitator).get(url("proposal_create", household.pk)).status_code
            == 404
        )

    def test_list_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        def add(n):
            for _ in range(n):
                h = household_with_members(facilitator=facilitator)
                assess(h)
                submit(h)

        add(1)
        as_user(client, supervisor)
        with django_assert_max_num_queries(10):
            client.get(url("proposal_list"))
        add(6)
        with django_assert_max_num_queries(10):
            response = client.get(url("proposal_list") + "?status=pending")
        assert response.context["page"].paginator.count == 7


# --- monitoring ----------------------------------------------------------------------


def graduate(household, supervisor, days_ago=100):
    assess(household)
    proposal = submit(household)
    proposal_services.proposal_decide(
        proposal=proposal,
        by=supervisor,
        approve=True,
        graduation_date=TODAY() - datetime.timedelta(days=days_ago),
    )
    return Graduation.objects.get(household=household)


class TestMonitoringPages:
    def test_todo_and_record(self, client, facilitator, supervisor, household):
        graduation = graduate(household, supervisor, days_ago=95)
        visit = graduation.monitoring_visits.get(months_after=3)
        home = as_user(client, facilitator).get(reverse("home"))
        assert url("monitoring_record", visit.pk) in home.content.decode()
        assert 'data-kind="graduation_monitoring"' in home.content.decode()
        assert client.get(url("monitoring_record", visit.pk)).status_code == 200
        response = client.post(
            url("monitoring_record", visit.pk),
            {"done_on": TODAY().isoformat(), "outcome": "self_reliant", "note": "Usaha jalan"},
        )
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.outcome == "self_reliant"
        home = client.get(reverse("home"))
        assert url("monitoring_record", visit.pk) not in home.content.decode()

    def test_bad_input_and_wrong_user(
        self, client, facilitator, supervisor, other_facilitator, household
    ):
        graduation = graduate(household, supervisor)
        visit = graduation.monitoring_visits.get(months_after=3)
        response = as_user(client, facilitator).post(
            url("monitoring_record", visit.pk), {"done_on": TODAY().isoformat(), "outcome": "maybe"}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert (
            as_user(client, other_facilitator).get(url("monitoring_record", visit.pk)).status_code
            == 404
        )
        assert (
            as_user(client, supervisor).get(url("monitoring_record", visit.pk)).status_code == 403
        )
        visit.refresh_from_db()
        assert visit.done_on is None

    def test_list_query_count_constant(
        self, client, facilitator, supervisor, django_assert_max_num_queries
    ):
        graduate(household_with_members(facilitator=facilitator), supervisor)
        as_user(client, facilitator)
        with django_assert_max_num_queries(10):
            client.get(url("monitoring_list"))
        for _ in range(3):
            graduate(household_with_members(facilitator=facilitator), supervisor)
        with django_assert_max_num_queries(10):
            response = client.get(url("monitoring_list"))
        assert response.context["page"].paginator.count == 12
        assert MonitoringVisit.objects.count() == 12


# --- targets and review --------------------------------------------------------------


class TestTargetsAndReview:
    def test_targets_page(self, client, supervisor, facilitator, other_facilitator):
        as_user(client, supervisor)
        page = client.get(url("targets") + "?tahun=2026&triwulan=1")
        assert page.status_code == 200
        assert page.context["form"].initial[f"target_{facilitator.pk}"] == 3
        response = client.post(
            url("targets") + "?tahun=2026&triwulan=1",
            {f"target_{facilitator.pk}": "4", f"target_{other_facilitator.pk}": "2"},
        )
        assert response.status_code == 302
        assert (
            QuarterlyTarget.objects.get(facilitator=facilitator, year=2026, quarter=1).target == 4
        )

    @pytest.mark.parametrize("value", ["-1", "abc", ""])
    def test_bad_target_changes_nothing(
        self, client, supervisor, facilitator, other_facilitator, value
    ):
        response = as_user(client, supervisor).post(
            url("targets") + "?tahun=2026&triwulan=1",
            {f"target_{facilitator.pk}": value, f"target_{other_facilitator.pk}": "2"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not QuarterlyTarget.objects.exists()

    def test_wrong_role(self, client, facilitator, admin_user):
        for user in (facilitator, admin_user):
            as_user(client, user)
            assert client.get(url("targets")).status_code == 403
            assert client.get(url("review")).status_code == 403

    def test_review_numbers(
        self, client, supervisor, facilitator, other_facilitator, other_team_facilitator
    ):
        year, quarter = target_selectors.quarter_of(TODAY())
        target_services.targets_set(
            by=supervisor, year=year, quarter=quarter, targets={facilitator.pk: 4}
        )
        graduated = household_with_members(facilitator=facilitator)
        graduate(graduated, supervisor, days_ago=0)
        pending = household_with_members(facilitator=facilitator)
        assess(pending)
        submit(pending)
        ready = household_with_members(facilitator=other_facilitator)
        assess(ready, profile=5)
        not_ready = household_with_members(facilitator=other_facilitator)
        assess(not_ready, profile=0)
        targeted = household_with_members(facilitator=other_facilitator)
        assess(targeted, profile=5)
        pipeline_services.pipeline_add(household=targeted, by=other_facilitator)
        outsider = household_with_members(facilitator=other_team_facilitator)
        assess(outsider, profile=5)
        response = as_user(client, supervisor).get(url("review"))
        assert response.status_code == 200
        rows = {r.facilitator.pk: r for r in response.context["rows"]}
        assert set(rows) == {facilitator.pk, other_facilitator.pk}
        mine = rows[facilitator.pk]
        assert (
            mine.target,
            mine.target_is_default,
            mine.proposed,
            mine.approved,
            mine.pending,
        ) == (
            4,
            False,
            2,
            1,
            1,
        )
        assert mine.stages == {Stage.GRADUATED: 1, Stage.PROPOSED: 1}
        other = rows[other_facilitator.pk]
        assert other.target_is_default and other.ready_not_targeted == 1
        assert other.stages == {Stage.TARGETED: 1}
        ready_page = client.get(url("ready_list") + f"?pendamping={other_facilitator.pk}")
        assert [h.pk for h in ready_page.context["page"]] == [ready.pk]

    def test_review_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        from accounts.tests.factories import FacilitatorFactory

        def team_work(f):
            h = household_with_members(facilitator=f)
            assess(h)
            pipeline_services.pipeline_add(household=h, by=f)

        team_work(facilitator)
        as_user(client, supervisor)
        with django_assert_max_num_queries(14):
            client.get(url("review"))
        for _ in range(4):
            f = FacilitatorFactory(supervisor=supervisor)
            team_work(f)
            team_work(f)
        with django_assert_max_num_queries(14):
            response = client.get(url("review"))
        assert len(response.context["rows"]) == 5

    def test_ready_list_query_count(self, client, facilitator, django_assert_max_num_queries):
        assess(household_with_members(facilitator=facilitator))
        as_user(client, facilitator)
        with django_assert_max_num_queries(10):
            client.get(url("ready_list"))
        for _ in range(5):
            assess(household_with_members(facilitator=facilitator))
        with django_assert_max_num_queries(10):
            response = client.get(url("ready_list"))
        assert response.context["page"].paginator.count == 6


# --- objections ----------------------------------------------------------------------


class TestObjectionPages:
    def test_curate_and_search(self, client, supervisor, facilitator):
        as_user(client, supervisor)
        response = client.post(
            url("objection_create"),
            {"argument": "Anak masih sekolah", "answer": "KIP tetap jalan", "tags": "pendidikan"},
        )
        item = Objection.objects.get()
        assert response.status_code == 302
        response = client.post(
            url("objection_edit", item.pk),
            {"argument": "Anak masih sekolah SMA", "answer": "KIP tetap jalan", "tags": ""},
        )
        item.refresh_from_db()
        assert item.argument == "Anak masih sekolah SMA"
        as_user(client, facilitator)
        found = client.get(url("objection_list") + "?q=kip")
        assert [o.pk for o in found.context["page"]] == [item.pk]
        assert client.get(url("objection_list") + "?q=sawah").context["page"].paginator.count == 0
        assert client.get(url("objection_detail", item.pk)).status_code == 200

    def test_facilitator_cannot_curate(self, client, facilitator, supervisor):
        item = objection(supervisor)
        as_user(client, facilitator)
        assert client.get(url("objection_create")).status_code == 403
        assert (
            client.post(
                url("objection_edit", item.pk), {"argument": "x", "answer": "y"}
            ).status_code
            == 403
        )
        assert client.post(url("objection_archive", item.pk)).status_code == 403
        item.refresh_from_db()
        assert not item.is_archived and item.argument != "x"

    def test_empty_input_refused(self, client, supervisor):
        response = as_user(client, supervisor).post(
            url("objection_create"), {"argument": "", "answer": ""}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not Objection.objects.exists()

    def test_archive(self, client, supervisor):
        item = objection(supervisor)
        as_user(client, supervisor)
        client.post(url("objection_archive", item.pk), {"archived": "1"})
        assert client.get(url("objection_list")).context["page"].paginator.count == 0
        assert client.get(url("objection_list") + "?arsip=1").context["page"].paginator.count == 1
        client.post(url("objection_archive", item.pk), {"archived": "0"})
        item.refresh_from_db()
        assert not item.is_archived

    def test_list_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        objection(supervisor)
        as_user(client, facilitator)
        with django_assert_max_num_queries(8):
            client.get(url("objection_list"))
        for i in range(10):
            objection(supervisor, argument=f"Keberatan {i}")
        with django_assert_max_num_queries(8):
            client.get(url("objection_list"))


# --- assessment form pages: admins read, the national keeper edits -------------------


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


def test_menu_entries(client, facilitator, supervisor, admin_user):
    expectations = {
        facilitator: [url("pipeline")],
        supervisor: [url("review"), url("proposal_list")],
        admin_user: [url("form_list")],
    }
    for user, links in expectations.items():
        html = as_user(client, user).get(reverse("home")).content.decode()
        for link in links:
            assert f'href="{link}"' in html
