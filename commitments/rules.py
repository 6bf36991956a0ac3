"""The commitment rules: whether one member met one component's commitment in a month.

Pure functions of an entry's facts and a :class:`Rules` read from the settings
(``PKH_COMMITMENT_*`` in ``pkh/settings/base.py``, explained in ``docs/commitments.md``):
no database, no clock. ``commitments.selectors.compliance`` states the same rules as a
database expression for set-based figures; a test holds the two to the same answers.

* Education (``SD``, ``SMP``, ``SMA``): enrolled, and the days attended are at least
  ``PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT`` of the month's school days; the absences that
  count against attendance are ``PKH_COMMITMENT_ABSENCES_COUNTED``. A month with no school
  days (holidays) asks nothing.
* Ibu hamil: ``PKH_COMMITMENT_IBU_HAMIL_ITEMS`` (antenatal check).
* Anak usia dini: below ``PKH_COMMITMENT_WEIGHING_MAX_AGE_MONTHS`` the monthly weighing
  (``PKH_COMMITMENT_UNDER_FIVE_ITEMS``), plus the immunisation in a month whose age is in
  ``PKH_COMMITMENT_IMMUNISATION_AGES_MONTHS``; from that age on,
  ``PKH_COMMITMENT_OLDER_CHILD_ITEMS`` (the posyandu visit).
* Lansia, disabilitas berat: ``PKH_COMMITMENT_LANSIA_ITEMS`` /
  ``PKH_COMMITMENT_DISABILITAS_ITEMS`` (the care visit).

Ages are counted in calendar months (:func:`age_in_months`): a child is ``N`` months old
for the whole calendar month in which they turn ``N`` months, so no month is skipped for
a child born on the 31st.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The health protocol items an entry can hold (``VerificationEntry`` fields).
HEALTH_ITEMS = ("antenatal_check", "weighed", "immunisation_given", "posyandu_visit", "care_visit")
# The absences an entry can hold, by the name the setting uses.
ABSENCE_FIELDS = {"sick": "days_sick", "excused": "days_excused", "unexcused": "days_unexcused"}

IBU_HAMIL = "IBU_HAMIL"
ANAK_USIA_DINI = "ANAK_USIA_DINI"
LANSIA = "LANSIA"
DISABILITAS = "DISABILITAS"


class Verdict(models.TextChoices):
    COMPLIES = "memenuhi", _("Memenuhi")
    FAILS = "tidak_memenuhi", _("Tidak memenuhi")
    # Nothing was asked that month (no school days; no item required).
    EXEMPT = "tidak_berlaku", _("Tidak berlaku")
    # Due, but no entry yet (only the selectors say this: the rules need an entry).
    NOT_ENTERED = "belum_diverifikasi", _("Belum diverifikasi")


@dataclass(frozen=True)
class Rules:
    attendance_min_percent: int
    absences_counted: tuple[str, ...]
    education_components: tuple[str, ...]
    ibu_hamil_items: tuple[str, ...]
    under_five_items: tuple[str, ...]
    weighing_max_age_months: int
    immunisation_ages_months: tuple[int, ...]
    older_child_items: tuple[str, ...]
    lansia_items: tuple[str, ...]
    disabilitas_items: tuple[str, ...]

    @classmethod
    def from_settings(cls) -> Rules:
        rules = cls(
            attendance_min_percent=settings.PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT,
            absences_counted=tuple(settings.PKH_COMMITMENT_ABSENCES_COUNTED),
            education_components=tuple(settings.PKH_COMMITMENT_EDUCATION_COMPONENTS),
            ibu_hamil_items=tuple(settings.PKH_COMMITMENT_IBU_HAMIL_ITEMS),
            under_five_items=tuple(settings.PKH_COMMITMENT_UNDER_FIVE_ITEMS),
            weighing_max_age_months=settings.PKH_COMMITMENT_WEIGHING_MAX_AGE_MONTHS,
            immunisation_ages_months=tuple(
                int(a) for a in settings.PKH_COMMITMENT_IMMUNISATION_AGES_MONTHS
            ),
            older_child_items=tuple(settings.PKH_COMMITMENT_OLDER_CHILD_ITEMS),
            lansia_items=tuple(settings.PKH_COMMITMENT_LANSIA_ITEMS),
            disabilitas_items=tuple(settings.PKH_COMMITMENT_DISABILITAS_ITEMS),
        )
        rules.check()
        return rules

    def check(self) -> None:
        """Refuse a setting that names no field (a typo would silently ask nothing)."""
        for name in self.absences_counted:
            if name not in ABSENCE_FIELDS:
                raise ValueError(f"PKH_COMMITMENT_ABSENCES_COUNTED: unknown absence {name!r}")
        for items in (
            self.ibu_hamil_items,
            self.under_five_items,
            self.older_child_items,
            self.lansia_items,
            self.disabilitas_items,
        ):
            for item in items:
                if item not in HEALTH_ITEMS:
                    raise ValueError(f"PKH_COMMITMENT_*_ITEMS: unknown item {item!r}")
        if not 0 <= self.attendance_min_percent <= 100:
            raise ValueError("PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT must be 0-100")

    @property
    def health_components(self) -> tuple[str, ...]:
        return (IBU_HAMIL, ANAK_USIA_DINI, LANSIA, DISABILITAS)

    @property
    def components(self) -> tuple[str, ...]:
        """Every component with a commitment to verify."""
        return self.education_components + self.health_components


class EntryFacts(Protocol):
    """What the rules read of an entry (a ``VerificationEntry`` has all of it)."""

    component_id: str
    age_months: int
    enrolled: bool
    school_days: int | None
    days_sick: int | None
    days_excused: int | None
    days_unexcused: int | None
    antenatal_check: bool | None
    weighed: bool | None
    immunisation_given: bool | None
    posyandu_visit: bool | None
    care_visit: bool | None


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_add(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def age_in_months(birth_date: datetime.date, month: datetime.date) -> int:
    """Calendar months from the birth month to ``month``: 0 in the birth month, 1 in the
    next, and so on (negative before birth)."""
    return (month.year - birth_date.year) * 12 + month.month - birth_date.month


def is_education(component: str, rules: Rules) -> bool:
    return component in rules.education_components


def has_commitment(component: str, rules: Rules) -> bool:
    return component in rules.components


def immunisation_due(component: str, age_months: int, rules: Rules) -> bool:
    return (
        component == ANAK_USIA_DINI
        and 0 <= age_months < rules.weighing_max_age_months
        and age_months in rules.immunisation_ages_months
    )


def required_items(component: str, age_months: int, rules: Rules) -> tuple[str, ...]:
    """The health items this component asks of a member of this age in a month (empty for
    education components and for components without a commitment)."""
    if component == IBU_HAMIL:
        return rules.ibu_hamil_items
    if component == ANAK_USIA_DINI:
        if age_months < rules.weighing_max_age_months:
            items = rules.under_five_items
            if immunisation_due(component, age_months, rules):
                items = (*items, "immunisation_given")
            return tuple(dict.fromkeys(items))
        return rules.older_child_items
    if component == LANSIA:
        return rules.lansia_items
    if component == DISABILITAS:
        return rules.disabilitas_items
    return ()


def days_absent(entry: EntryFacts, rules: Rules) -> int:
    """The absences that count against attendance."""
    return sum(getattr(entry, ABSENCE_FIELDS[name]) or 0 for name in rules.absences_counted)


def attendance_percent(entry: EntryFacts, rules: Rules) -> float | None:
    """Days attended as a percentage of school days (for display); None without days."""
    if not entry.school_days:
        return None
    return 100 * (entry.school_days - days_absent(entry, rules)) / entry.school_days


def verdict(entry: EntryFacts, rules: Rules) -> Verdict:
    """Did the member meet the commitment of ``entry.component_id`` that month?"""
    component = entry.component_id
    if not has_commitment(component, rules):
        return Verdict.EXEMPT
    if not entry.enrolled:
        return Verdict.FAILS
    if is_education(component, rules):
        if entry.school_days is None:
            return Verdict.FAILS
        if entry.school_days == 0:
            return Verdict.EXEMPT
        attended = entry.school_days - days_absent(entry, rules)
        # Integers only: 85 % of 20 days is 17 days exactly, never 16.999.
        if attended * 100 >= rules.attendance_min_percent * entry.school_days:
            return Verdict.COMPLIES
        return Verdict.FAILS
    items = required_items(component, entry.age_months, rules)
    if not items:
        return Verdict.EXEMPT
    if all(getattr(entry, item) is True for item in items):
        return Verdict.COMPLIES
    return Verdict.FAILS


def months_failed_in_a_row(verdicts: list[Verdict]) -> int:
    """How many of the last months (``verdicts`` oldest first) were non-compliant in a
    row, counting back from the last; any other verdict (complies, exempt, not entered)
    ends the run."""
    run = 0
    for v in reversed(verdicts):
        if v != Verdict.FAILS:
            break
        run += 1
    return run
