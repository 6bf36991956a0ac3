"""One team's worth of objects of every kind, for the security tests (scope, CSP, logs)."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from assistance.tests.factories import CaseFactory, ResourceFactory
from commitments.models import SanctionKind, SanctionProposal
from commitments.selectors.due import current_month
from commitments.services.sheet_import import sheet_import_create
from commitments.tests.factories import SchoolFactory, enrol
from complaints.tests.factories import open_complaint
from complaints.tests.factories import png_upload as complaint_photo_upload
from corrections import services as correction_services
from corrections.tests.factories import png_upload
from fds_sessions.tests.factories import GroupFactory, add_families, held_session
from field.models import FieldDevice
from graduation.models import Graduation
from graduation.services import proposals as proposal_services
from graduation.tests.factories import assess, ensure_default_form, objection, pdf_upload
from households.tests.factories import VisitFactory, household_with_members
from imports.services import roster_import_create
from notifications.services import notify
from reports.models import ProgressReport, Trigger
from reports.quarters import Quarter
from reports.services import report_run_create


def build_world(*, facilitator, supervisor, admin, village, resource_area=None) -> SimpleNamespace:
    """Families, a visit, an advocacy case, a P2K2 group and held session, assessments, a
    pending and an approved proposal (with its monitoring visits), a progress report, a
    report run, a resource, a roster import, a school with an enrolled member, a commitment sanction proposal, a complaint
    (with a photo) and a notification, all belonging to ``facilitator``'s team
    (``supervisor``) and ``admin``."""
    ensure_default_form()
    household = household_with_members(facilitator=facilitator, village=village)
    graduated = household_with_members(facilitator=facilitator, village=village)
    assess(graduated)
    approved = proposal_services.proposal_submit(
        household=graduated,
        by=facilitator,
        reason="Usaha warung sudah stabil.",
        statement=pdf_upload(),
    )
    proposal_services.proposal_decide(
        proposal=approved,
        by=supervisor,
        approve=True,
        graduation_date=timezone.localdate() - datetime.timedelta(days=100),
    )
    assessment = assess(household)
    proposal = proposal_services.proposal_submit(
        household=household, by=facilitator, reason="Penghasilan naik.", statement=pdf_upload()
    )
    group = GroupFactory(facilitator=facilitator, village=village)
    add_families(group, 2)
    session = held_session(group, timezone.localdate() - datetime.timedelta(days=3), {})
    quarter = Quarter.containing(timezone.localdate() - datetime.timedelta(days=95))
    run = report_run_create(
        quarter=quarter, facilitators=[facilitator], by=supervisor, enqueue=False
    )
    report = ProgressReport.objects.create(
        facilitator=facilitator,
        quarter=str(quarter),
        snapshot={},
        summary={},
        generated_at=timezone.now(),
        trigger=Trigger.SCHEDULE,
    )
    resource = ResourceFactory(area=resource_area or village)
    roster_import = roster_import_create(
        by=admin,
        file=ContentFile(b"no_kk,nik\n", name="roster.csv"),
        file_name="roster.csv",
        enqueue=False,
    )
    correction, _ = correction_services.correction_propose_identity(
        household=household,
        by=facilitator,
        member=household.members.filter(is_pengurus=False).first(),
        document="ktp",
        name="Slamet Riyadi",
        photo=png_upload(),
    )
    approved_correction, _ = correction_services.correction_propose_identity(
        household=graduated, by=facilitator, document="kk", no_kk="3402091203150007"
    )
    correction_services.correction_approve(correction=approved_correction, by=admin)
    school = SchoolFactory(village=village)
    pupil = household.members.get(components__code="SD")  # due at school every month
    enrol(pupil, school, by=facilitator)
    sheet_month = current_month(timezone.localdate())
    sheet_import = sheet_import_create(
        by=facilitator,
        file=ContentFile(
            f"NIK,BULAN,HARI_SEKOLAH\n{pupil.nik},{sheet_month:%Y-%m},20\n".encode(),
            name="absensi.csv",
        ),
        file_name="absensi.csv",
    )
    sanction = SanctionProposal.objects.create(
        household=household,
        kind=SanctionKind.SUSPENSION,
        quarter=datetime.date(2025, 1, 1),
        months_failed=3,
        reason="Anak tidak sekolah tiga bulan.",
        proposed_by=facilitator,
    )
    complaint = open_complaint(household, by=facilitator, photo=complaint_photo_upload())
    notification = notify(facilitator, kind="complaint_assigned", title="Pengaduan #1", url="/")
    today = timezone.localdate()
    correction_export = correction_services.correction_export_create(
        by=admin, period_start=today, period_end=today
    )
    return SimpleNamespace(
        device=FieldDevice.objects.create(user=facilitator, key=uuid.uuid4()),
        school=school,
        sheet_import=sheet_import,
        sanction=sanction,
        pupil=pupil,
        complaint=complaint,
        notification=notification,
        correction=correction,
        correction_export=correction_export,
        facilitator=facilitator,
        household=household,
        graduated=graduated,
        member=household.members.first(),
        visit=VisitFactory(household=household),
        case=CaseFactory(household=household),
        resource=resource,
        group=group,
        session=session,
        assessment=assessment,
        proposal=proposal,
        monitoring=Graduation.objects.get(household=graduated).monitoring_visits.first(),
        roster_import=roster_import,
        report=report,
        quarter=quarter,
        run=run,
        run_item=run.items.get(),
        objection=objection(supervisor),
    )
