"""When a member's PKH component still counts: the programme's component rules.

A component is *held* when the registry says so (``Member.components``, the family's
``component_mask`` kept by triggers, the caseload's component filter and the family
header). It *counts* only while the member still fits it on a given day; the benefit
estimate (``households.selectors.household_benefit_estimate``) and natural graduation
(``graduation.selectors.natural``) read these rules, and so does what a verification
month asks (``commitments.selectors.due``, through ``component_fits_q``), in SQL through
``valid_component_q`` and in Python through ``component_end_reason``. Both say the same
thing (``households/tests/test_components.py`` checks them against each other).

The limits are settings (``pkh/settings/base.py``, docs/domain.md "Component rules"):

* IBU_HAMIL (ibu hamil/nifas): counts up to and including the last day of the nifas
  period, ``Member.expected_delivery_date`` (HPL) + ``PKH_NIFAS_DAYS`` days; from the
  next day it no longer counts, and the newborn, once registered as a member with
  ANAK_USIA_DINI, counts instead. A pregnancy recorded without an HPL (the roster has no
  HPL column) still counts: the registry cannot tell when it ends, and the family page
  asks for the date.
* ANAK_USIA_DINI (anak usia 0-6 tahun): counts while the child's age in completed years
  is at most ``PKH_EARLY_CHILDHOOD_MAX_AGE`` (6: a six-year-old is still "0-6"), so it
  ends on the birthday after that age (the 7th).
* SD/SMP/SMA: still in SD, SMP or SMA (``Member.school_level``); a child whose level
  was never recorded counts until ``PKH_EDUCATION_MAX_AGE`` (an import without school
  levels must not look like every pupil left school); "no longer in school" or "higher
  education" ends it.
* DISABILITAS: severe disability.
* LANSIA: at least ``PKH_LANSIA_MIN_AGE`` years old.
* Any component a district added: as long as it is held.

A member who left the family (``left_on``) holds nothing that counts.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households.models import Disability, Member, SchoolLevel

EDUCATION_COMPONENTS = ("SD", "SMP", "SMA")
IN_SCHOOL = (SchoolLevel.SD, SchoolLevel.SMP, SchoolLevel.SMA)
# Levels that say nothing about leaving school (never recorded, or not updated since PAUD).
SCHOOL_UNKNOWN = (SchoolLevel.NONE, SchoolLevel.PAUD)
KNOWN_COMPONENTS = ("IBU_HAMIL", "ANAK_USIA_DINI", *EDUCATION_COMPONENTS, "DISABILITAS", "LANSIA")


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def nifas_last_day(expected_delivery: datetime.date) -> datetime.date:
    """The last day an IBU_HAMIL component counts: HPL + ``PKH_NIFAS_DAYS`` days."""
    return expected_delivery + datetime.timedelta(days=settings.PKH_NIFAS_DAYS)


def pregnancy_counts_from(today: datetime.date) -> datetime.date:
    """A pregnancy whose HPL is on or after this day still counts on ``today``."""
    return today - datetime.timedelta(days=settings.PKH_NIFAS_DAYS)


def early_childhood_born_after(today: datetime.date) -> datetime.date:
    """A child born after this day is at most ``PKH_EARLY_CHILDHOOD_MAX_AGE`` on ``today``."""
    return years_before(today, settings.PKH_EARLY_CHILDHOOD_MAX_AGE + 1)


def valid_component_q(today: datetime.date, prefix: str = "member__") -> Q:
    """Member-component rows (``Member.components.through``, or any model reaching a
    member through ``prefix``) that still count on ``today``: the rules of the module
    docstring, as one condition the database answers."""
    return Q(**{f"{prefix}left_on__isnull": True}) & component_fits_q(today, prefix)


def component_fits_q(today: datetime.date, prefix: str = "member__") -> Q:
    """The component rules of ``valid_component_q`` without the member's departure:
    for a day in the past, when a member who has left since was still in the family
    (commitment verification asks this of a month, ``commitments.selectors.due``)."""
    school_age = years_before(today, settings.PKH_EDUCATION_MAX_AGE)
    lansia = years_before(today, settings.PKH_LANSIA_MIN_AGE)
    return (
        Q(
            Q(**{f"{prefix}expected_delivery_date__isnull": True})
            | Q(**{f"{prefix}expected_delivery_date__gte": pregnancy_counts_from(today)}),
            component_id="IBU_HAMIL",
        )
        | Q(
            component_id="ANAK_USIA_DINI",
            **{f"{prefix}birth_date__gt": early_childhood_born_after(today)},
        )
        | Q(component_id__in=EDUCATION_COMPONENTS, **{f"{prefix}school_level__in": IN_SCHOOL})
        | Q(
            component_id__in=EDUCATION_COMPONENTS,
            **{
                f"{prefix}school_level__in": SCHOOL_UNKNOWN,
                f"{prefix}birth_date__gt": school_age,
            },
        )
        | Q(component_id="DISABILITAS", **{f"{prefix}disability": Disability.SEVERE})
        | Q(component_id="LANSIA", **{f"{prefix}birth_date__lte": lansia})
        | ~Q(component_id__in=KNOWN_COMPONENTS)
    )


def component_fits(member, code: str, today: datetime.date) -> bool:
    """Whether ``member`` (a ``Member`` or any object with its ``birth_date``,
    ``expected_delivery_date``, ``school_level`` and ``disability``: a member as the
    audit trail had them) fits component ``code`` on ``today``, departure aside. The
    Python twin of ``component_fits_q``."""
    if code == "IBU_HAMIL":
        hpl = member.expected_delivery_date
        return hpl is None or hpl >= pregnancy_counts_from(today)
    if code == "ANAK_USIA_DINI":
        return member.birth_date > early_childhood_born_after(today)
    if code in EDUCATION_COMPONENTS:
        if member.school_level in SCHOOL_UNKNOWN:
            return member.birth_date > years_before(today, settings.PKH_EDUCATION_MAX_AGE)
        return member.school_level in IN_SCHOOL
    if code == "DISABILITAS":
        return member.disability == Disability.SEVERE
    if code == "LANSIA":
        return member.birth_date <= years_before(today, settings.PKH_LANSIA_MIN_AGE)
    return True


def component_end_reason(member: Member, code: str, today: datetime.date) -> str | None:
    """Why ``member``'s component ``code`` no longer counts on ``today`` (an Indonesian
    sentence), or None while it counts. The Python twin of ``valid_component_q``."""
    if member.left_on is not None:
        return _("keluar %(date)s (%(reason)s)") % {
            "date": date_format(member.left_on),
            "reason": member.get_left_reason_display() or "-",
        }
    if component_fits(member, code, today):
        return None
    if code == "IBU_HAMIL":
        hpl = member.expected_delivery_date
        return _("masa nifas berakhir %(date)s (HPL %(hpl)s + %(days)d hari)") % {
            "date": date_format(nifas_last_day(hpl)),
            "hpl": date_format(hpl),
            "days": settings.PKH_NIFAS_DAYS,
        }
    if code == "ANAK_USIA_DINI":
        return _("sudah berusia %(age)d tahun") % {"age": settings.PKH_EARLY_CHILDHOOD_MAX_AGE + 1}
    if code in EDUCATION_COMPONENTS:
        if member.school_level in SCHOOL_UNKNOWN:
            return _("sudah berusia %(age)d tahun, tidak tercatat bersekolah") % {
                "age": settings.PKH_EDUCATION_MAX_AGE
            }
        return _("tidak bersekolah di SD/SMP/SMA lagi (%(level)s)") % {
            "level": member.get_school_level_display()
        }
    if code == "DISABILITAS":
        return _("bukan disabilitas berat lagi")
    return _("belum berusia %(age)d tahun") % {"age": settings.PKH_LANSIA_MIN_AGE}


def member_component_states_attach(members: list[Member], today: datetime.date) -> None:
    """Set ``component_states`` on each member (components prefetched): a list of
    ``(component, end_reason)``, ``end_reason`` None while the component counts, and
    ``nifas_last_day`` (None without an HPL). No query."""
    for member in members:
        member.component_states = [
            (component, component_end_reason(member, component.code, today))
            for component in member.components.all()
        ]
        hpl = member.expected_delivery_date
        member.nifas_last_day = nifas_last_day(hpl) if hpl else None
