import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from commitments.models import (
    Enrolment,
    EnrolmentChange,
    Sector,
    VerificationEntry,
    VerificationSheet,
)
from commitments.rules import Verdict
from commitments.selectors import compliance
from commitments.selectors.due import FACILITY, SCHOOL, month_due
from commitments.services.enrolment import enrolment_record
from commitments.services.places import school_create
from commitments.services.verification import Finding, month_sheet_save
from commitments.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def school_items(user, month, school):
    return month_due(user=user, month=month, place=(SCHOOL, school.pk))


def test_sheet_saves_each_entry_and_a_double_submit_saves_once(family, facilitator, month, school):
    items = school_items(facilitator, month, school)
    assert len(items) == 1
    token = uuid.uuid4()
    findings = [Finding(item=items[0], school_days=20, days_sick=1, days_unexcused=2)]
    sheet, created = month_sheet_save(
        by=facilitator, month=month, sector=Sector.EDUCATION, place=school,
        findings=findings, client_token=token,
    )  # fmt: skip
    again, created_again = month_sheet_save(
        by=facilitator, month=month, sector=Sector.EDUCATION, place=school,
        findings=findings, client_token=token,
    )  # fmt: skip
    assert (created, created_again, again.pk) == (True, False, sheet.pk)
    entry = VerificationEntry.objects.get()
    assert (entry.school_days, entry.days_sick, entry.days_unexcused, entry.school_id) == (
        20, 1, 2, school.pk,
    )  # fmt: skip
    assert entry.recorded_by == facilitator and entry.history.count() == 1
    assert VerificationSheet.objects.count() == 1


def test_a_new_sheet_replaces_the_month_entry(family, facilitator, month, school):
    item = school_items(facilitator, month, school)[0]
    month_sheet_save(by=facilitator, month=month, sector=Sector.EDUCATION, place=school,
                     findings=[Finding(item=item, school_days=20)], client_token=uuid.uuid4())  # fmt: skip
    item = school_items(facilitator, month, school)[0]
    month_sheet_save(by=facilitator, month=month, sector=Sector.EDUCATION, place=school,
                     findings=[Finding(item=item, school_days=20, days_unexcused=5)],
                     client_token=uuid.uuid4())  # fmt: skip
    entry = VerificationEntry.objects.get()
    assert entry.days_unexcused == 5
    assert entry.history.count() == 2
    verdict = compliance.entries_with_verdict().get().verdict
    assert verdict == Verdict.FAILS  # 15/20 = 75 %


def test_health_items_default_to_what_is_asked(family, facilitator, month, posyandu):
    (item,) = month_due(user=facilitator, month=month, place=(FACILITY, posyandu.pk))
    assert item.component.code == "ANAK_USIA_DINI" and "weighed" in item.required
    month_sheet_save(
        by=facilitator, month=month, sector=Sector.HEALTH, place=posyandu,
        findings=[Finding(item=item, items={"weighed": True, "care_visit": True})],
    )  # fmt: skip
    entry = VerificationEntry.objects.get()
    assert entry.weighed is True
    assert entry.care_visit is None  # not asked of a toddler: not stored


def test_absences_beyond_school_days_are_refused_and_nothing_written(
    family, facilitator, month, school
):
    item = school_items(facilitator, month, school)[0]
    with pytest.raises(ValidationError, match="melebihi"):
        month_sheet_save(by=facilitator, month=month, sector=Sector.EDUCATION, place=school,
                         findings=[Finding(item=item, school_days=10, days_unexcused=11)])  # fmt: skip
    assert not VerificationEntry.objects.exists()


def test_future_month_refused(family, facilitator, school):
    from django.utils import timezone

    from commitments.rules import month_add

    future = month_add(timezone.localdate().replace(day=1), 1)
    item = school_items(facilitator, month_add(future, -2), school)[0]
    with pytest.raises(ValidationError):
        month_sheet_save(by=facilitator, month=future, sector=Sector.EDUCATION, place=school,
                         findings=[Finding(item=item, school_days=20)])  # fmt: skip
    assert not VerificationSheet.objects.exists()


def test_only_the_familys_facilitator_saves(family, facilitator, supervisor, month, school):
    item = school_items(supervisor, month, school)[0]
    with pytest.raises(ValidationError):
        month_sheet_save(by=supervisor, month=month, sector=Sector.EDUCATION, place=school,
                         findings=[Finding(item=item, school_days=20)])  # fmt: skip
    assert not VerificationEntry.objects.exists()


def sd_child(family):
    return family.members.get(components__code="SD")


def test_moved_school_closes_the_period_and_opens_the_next(family, facilitator, school):
    child = sd_child(family)
    other = SchoolFactory(name="SD Muhammadiyah Kertan")
    new = enrolment_record(
        by=facilitator, member=child, sector=Sector.EDUCATION,
        change=EnrolmentChange.MOVED_SCHOOL, start_on=datetime.date(2025, 1, 6),
        school=other, grade="4",
    )  # fmt: skip
    old = Enrolment.objects.get(member=child, school=school)
    assert old.end_on == datetime.date(2025, 1, 5)
    assert (new.school, new.grade, new.end_on) == (other, "4", None)


def test_moved_to_the_same_school_refused(family, facilitator, school):
    with pytest.raises(ValidationError) as exc:
        enrolment_record(by=facilitator, member=sd_child(family), sector=Sector.EDUCATION,
                         change=EnrolmentChange.MOVED_SCHOOL, start_on=datetime.date(2025, 1, 6),
                         school=school)  # fmt: skip
    assert "school" in exc.value.message_dict
    assert Enrolment.objects.filter(member=sd_child(family)).count() == 1


def test_event_before_the_current_period_refused(family, facilitator):
    with pytest.raises(ValidationError) as exc:
        enrolment_record(by=facilitator, member=sd_child(family), sector=Sector.EDUCATION,
                         change=EnrolmentChange.NOT_ENROLLED, start_on=datetime.date(2024, 1, 1))  # fmt: skip
    assert "start_on" in exc.value.message_dict


def test_not_enrolled_has_no_place(family, facilitator):
    e = enrolment_record(by=facilitator, member=sd_child(family), sector=Sector.EDUCATION,
                         change=EnrolmentChange.NOT_ENROLLED, start_on=datetime.date(2025, 8, 1))  # fmt: skip
    assert e.school is None and not e.is_enrolled


def test_another_facilitator_cannot_record(family, other_facilitator, school):
    with pytest.raises(ValidationError):
        enrolment_record(by=other_facilitator, member=sd_child(family), sector=Sector.EDUCATION,
                         change=EnrolmentChange.NOT_ENROLLED, start_on=datetime.date(2025, 8, 1))  # fmt: skip


def test_school_with_a_taken_npsn_refused(facilitator, school):
    with pytest.raises(ValidationError) as exc:
        school_create(by=facilitator, name="SD Lain", level="SD", village=school.village,
                      npsn=school.npsn)  # fmt: skip
    assert "npsn" in exc.value.message_dict


def test_moved_school_without_an_earlier_record_refused_in_english(family, facilitator, school):
    # The curly quotes are literal in the source: written as \u escapes, xgettext kept the
    # backslashes in the msgid and the English message never matched.
    child = sd_child(family)
    Enrolment.objects.filter(member=child).delete()
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            enrolment_record(by=facilitator, member=child, sector=Sector.EDUCATION,
                             change=EnrolmentChange.MOVED_SCHOOL,
                             start_on=datetime.date(2025, 1, 6), school=school)  # fmt: skip
        assert exc.value.message_dict["change"] == ["No earlier record yet: choose “enrolled”."]
    assert not Enrolment.objects.filter(member=child).exists()
