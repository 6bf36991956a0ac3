"""Shared by the commitment-verification and complaints section tests: the quarters, and
builders of verification entries, sanction proposals and complaints as the plans ask."""

import datetime

from commitments.models import SanctionProposal, SanctionStatus, Sector, VerificationEntry
from complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Escalation,
    EventKind,
)
from reports.quarters import Quarter, report_tz

Q = Quarter(2026, 2)
P = Q.previous
TZ = report_tz()
BEFORE = P.start - datetime.timedelta(days=200)
EDUCATION = ("SD", "SMP", "SMA")
# The health item each component asks of a member born in 2015 (household_at's members).
ITEM = {"ANAK_USIA_DINI": "posyandu_visit", "LANSIA": "care_visit", "IBU_HAMIL": "antenatal_check"}
COMPONENTS = ["SD", "SMP", "ANAK_USIA_DINI", "LANSIA", "IBU_HAMIL"]


def quarter_months(q: Quarter) -> list[datetime.date]:
    first = q.first_day
    return [
        datetime.date(first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1)
        for i in range(3)
    ]


def month_end(month: datetime.date) -> datetime.datetime:
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime.datetime.combine(following, datetime.time(), tzinfo=TZ)


def instant(rng, start, end):
    return start + datetime.timedelta(seconds=rng.randrange(1, int((end - start).total_seconds())))


def entry(member, household, *, component, month, outcome, by):
    """One verification entry whose verdict is ``outcome`` (complies / fails / exempt)."""
    fields = {}
    if component in EDUCATION:
        absent = {"complies": 2, "fails": 6, "exempt": 0}[outcome]
        fields = {
            "school_days": 0 if outcome == "exempt" else 20,
            "days_sick": absent,
            "days_excused": 0,
            "days_unexcused": 0,
        }
        sector = Sector.EDUCATION
    else:
        assert outcome != "exempt"
        fields = {ITEM[component]: outcome == "complies"}
        sector = Sector.HEALTH
    return VerificationEntry.objects.create(
        household=household,
        member=member,
        component_id=component,
        month=month,
        sector=sector,
        age_months=(month.year - member.birth_date.year) * 12
        + month.month
        - member.birth_date.month,
        recorded_by=by,
        **fields,
    )


def proposal(household, *, kind, proposed_at, status=SanctionStatus.PENDING, decided_at=None):
    """A sanction proposal made at ``proposed_at`` (and decided at ``decided_at``)."""
    p = SanctionProposal.objects.create(
        household=household,
        kind=kind,
        quarter=P.first_day,
        months_failed=3,
        status=status,
        reason="Tiga bulan tidak hadir sekolah.",
        proposed_by=household.facilitator,
        decided_by=household.facilitator.supervisor if decided_at else None,
        decided_at=decided_at,
    )
    SanctionProposal.objects.filter(pk=p.pk).update(proposed_at=proposed_at)
    return p


def make_complaint(household, *, opened, category, outcome, closed, escalations):
    complaint = Complaint.objects.create(
        household=household,
        category=category,
        channel=Channel.PHONE,
        description="Bantuan tahap dua belum diterima.",
        status=outcome if closed else ComplaintStatus.IN_PROGRESS,
        facilitator=household.facilitator,
        opened_by=household.facilitator,
        opened_at=opened,
        due_on=opened.astimezone(TZ).date()
        + datetime.timedelta(days=category.effective_deadline_days),
        closed_at=closed,
        resolution="Sudah cair di kantor pos." if closed else "",
        escalation=Escalation.SUPERVISOR if escalations else Escalation.NONE,
    )
    for at in escalations:
        ComplaintEvent.objects.create(
            complaint=complaint, at=at, kind=EventKind.ESCALATED, detail="Ke supervisor"
        )
    return complaint
