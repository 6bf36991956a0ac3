"""Natural graduation (graduasi alamiah): families with no member holding a valid component."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from households.models import Disability, Household, HouseholdStatus, Member, SchoolLevel
from households.selectors import household_scope, pengurus_name


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


EDUCATION_COMPONENTS = ("SD", "SMP", "SMA")
IN_SCHOOL = (SchoolLevel.SD, SchoolLevel.SMP, SchoolLevel.SMA)
# Levels that say nothing about leaving school (never recorded, or not updated since PAUD).
SCHOOL_UNKNOWN = (SchoolLevel.NONE, SchoolLevel.PAUD)
KNOWN_COMPONENTS = ("IBU_HAMIL", "ANAK_USIA_DINI", *EDUCATION_COMPONENTS, "DISABILITAS", "LANSIA")


def valid_component_q(today: datetime.date, prefix: str = "member__") -> Q:
    """Member-component rows that still count (the member is active and still fits):

    * ANAK_USIA_DINI: younger than 6;
    * SD/SMP/SMA: still in SD, SMP or SMA (``Member.school_level``); a child whose level
      was never recorded counts until ``PKH_EDUCATION_MAX_AGE`` (an import without school
      levels must not look like every pupil left school); "no longer in school" or
      "higher education" ends it;
    * DISABILITAS: severe disability;
    * LANSIA: at least ``PKH_LANSIA_MIN_AGE`` years old;
    * IBU_HAMIL and any component a district added: as long as it is held (the registry
      has no end date for a pregnancy)."""
    under_six = years_before(today, 6)
    school_age = years_before(today, settings.PKH_EDUCATION_MAX_AGE)
    lansia = years_before(today, settings.PKH_LANSIA_MIN_AGE)
    return Q(**{f"{prefix}left_on__isnull": True}) & (
        Q(component_id="IBU_HAMIL")
        | Q(component_id="ANAK_USIA_DINI", **{f"{prefix}birth_date__gt": under_six})
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


def natural_graduation_scope(
    households: QuerySet[Household], *, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Active families of ``households`` with no member holding a valid component.

    One set-based query (an anti-join): no Python loop over families."""
    today = today or timezone.localdate()
    through = Member.components.through
    still_valid = through.objects.filter(valid_component_q(today), member__household=OuterRef("pk"))
    return households.filter(status=HouseholdStatus.ACTIVE).exclude(Exists(still_valid))


def natural_graduation_candidates(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Families in ``user``'s scope detected as natural graduates, ready to render."""
    return (
        natural_graduation_scope(household_scope(user=user), today=today)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
        .order_by("village__name", "pengurus_name", "pk")
    )


def natural_graduation_ids(
    *, user: User, facilitator: int | None = None, today: datetime.date | None = None
) -> list[int]:
    """Ids of the detected families in ``user``'s scope, by village: one set-based query,
    so a page can count and slice without running the detection twice."""
    qs = natural_graduation_scope(household_scope(user=user), today=today)
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    return list(qs.order_by("village_id", "pk").values_list("pk", flat=True))


def natural_graduation_rows(ids: list[int]) -> list[Household]:
    """The families ``ids`` ready to render, in the order given."""
    rows = {
        h.pk: h
        for h in Household.objects.filter(pk__in=ids)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
    }
    return [rows[pk] for pk in ids if pk in rows]


def natural_graduation_reasons(
    household_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, list[str]]:
    """Why each family no longer has a component, one line per former component holder.
    Two queries whatever the number of families."""
    household_ids = list(household_ids)
    today = today or timezone.localdate()
    six = years_before(today, 6)
    lansia_age = settings.PKH_LANSIA_MIN_AGE
    lansia = years_before(today, lansia_age)
    school_age = years_before(today, settings.PKH_EDUCATION_MAX_AGE)
    members = (
        Member.objects.filter(household_id__in=household_ids)
        .prefetch_related("components")
        .order_by("household_id", "birth_date")
    )
    reasons: dict[int, list[str]] = defaultdict(list)
    for member in members:
        for component in member.components.all():
            code = component.code
            if member.left_on is not None:
                why = _("keluar %(date)s (%(reason)s)") % {
                    "date": date_format(member.left_on),
                    "reason": member.get_left_reason_display() or "-",
                }
            elif code == "ANAK_USIA_DINI" and member.birth_date <= six:
                why = _("sudah berusia 6 tahun")
            elif code in EDUCATION_COMPONENTS and member.school_level in SCHOOL_UNKNOWN:
                if member.birth_date > school_age:
                    continue
                why = _("sudah berusia %(age)d tahun, tidak tercatat bersekolah") % {
                    "age": settings.PKH_EDUCATION_MAX_AGE
                }
            elif code in EDUCATION_COMPONENTS and member.school_level not in IN_SCHOOL:
                why = _("tidak bersekolah di SD/SMP/SMA lagi (%(level)s)") % {
                    "level": member.get_school_level_display()
                }
            elif code == "DISABILITAS" and member.disability != Disability.SEVERE:
                why = _("bukan disabilitas berat lagi")
            elif code == "LANSIA" and member.birth_date > lansia:
                why = _("belum berusia %(age)d tahun") % {"age": lansia_age}
            else:
                continue
            reasons[member.household_id].append(
                _("%(name)s, %(component)s: %(why)s")
                % {"name": member.name, "component": component.name, "why": why}
            )
    for pk in household_ids:
        if not reasons.get(pk):
            reasons[pk] = [_("tidak ada anggota yang tercatat sebagai komponen")]
    return dict(reasons)
