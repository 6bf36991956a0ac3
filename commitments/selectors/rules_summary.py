"""The rules in force, as the month page lists them ("Aturan yang berlaku"): each with
the setting it comes from and whether its value is the programme's or a local default
(*bawaan lokal*: the app's choice where the programme names no value, for the district
to set; docs/commitments.md "Where to change each rule"). No query."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from commitments.rules import Rules
from commitments.selectors.consequences import Thresholds
from commitments.selectors.panel import ITEM_TEXT


@dataclass(frozen=True)
class RuleLine:
    text: str
    setting: str  # the PKH_COMMITMENT_* name (without the prefix)
    local: bool  # a local default (bawaan lokal), not the programme's value


def _items(items: tuple[str, ...]) -> str:
    return ", ".join(str(ITEM_TEXT[i]) for i in items) or _("tidak ada")


def rules_in_force(*, rules: Rules | None = None) -> list[RuleLine]:
    rules = rules or Rules.from_settings()
    t = Thresholds.from_settings()
    absences = {"sick": _("sakit"), "excused": _("izin"), "unexcused": _("alpa")}
    months = rules.weighing_max_age_months
    return [
        RuleLine(
            _("Pendidikan: hadir minimal %(p)s%% hari sekolah.")
            % {"p": rules.attendance_min_percent},
            "ATTENDANCE_MIN_PERCENT",
            local=False,
        ),
        RuleLine(
            _("Ketidakhadiran yang dihitung: %(list)s.")
            % {
                "list": ", ".join(str(absences[a]) for a in rules.absences_counted)
                or _("tidak ada")
            },
            "ABSENCES_COUNTED",
            local=True,
        ),
        RuleLine(
            _("Hari sekolah yang disarankan: minggu sekolah %(n)s hari.")
            % {"n": settings.PKH_COMMITMENT_SCHOOL_WEEK_DAYS},
            "SCHOOL_WEEK_DAYS",
            local=True,
        ),
        RuleLine(
            _("Ibu hamil, setiap bulan: %(items)s.") % {"items": _items(rules.ibu_hamil_items)},
            "IBU_HAMIL_ITEMS",
            local=True,
        ),
        RuleLine(
            _(
                "Anak di bawah %(m)s bulan, setiap bulan: %(items)s; imunisasi pada umur %(ages)s bulan."
            )
            % {
                "m": months,
                "items": _items(rules.under_five_items),
                "ages": ", ".join(str(a) for a in rules.immunisation_ages_months),
            },
            "UNDER_FIVE_ITEMS",
            local=False,
        ),
        RuleLine(
            _("Anak usia dini mulai %(m)s bulan, setiap bulan: %(items)s.")
            % {"m": months, "items": _items(rules.older_child_items)},
            "OLDER_CHILD_ITEMS",
            local=True,
        ),
        RuleLine(
            _("Lansia, setiap bulan: %(items)s.") % {"items": _items(rules.lansia_items)},
            "LANSIA_ITEMS",
            local=True,
        ),
        RuleLine(
            _("Disabilitas berat, setiap bulan: %(items)s.")
            % {"items": _items(rules.disabilitas_items)},
            "DISABILITAS_ITEMS",
            local=True,
        ),
        RuleLine(
            _("Batas pengisian: tanggal %(d)s bulan berikutnya.")
            % {"d": settings.PKH_COMMITMENT_ENTRY_DUE_DAY},
            "ENTRY_DUE_DAY",
            local=True,
        ),
        RuleLine(
            _("Kunjungan rumah setelah %(n)s bulan berturut-turut tidak memenuhi.")
            % {"n": settings.PKH_COMMITMENT_HOME_VISIT_AFTER_MONTHS},
            "HOME_VISIT_AFTER_MONTHS",
            local=True,
        ),
        RuleLine(
            _(
                "Peringatan pertama: keluarga tidak memenuhi %(n)s bulan atau lebih dalam satu triwulan."
            )
            % {"n": t.warning_min_months},
            "WARNING_MIN_MONTHS",
            local=True,
        ),
        RuleLine(
            _(
                "Pengurangan bantuan: anggota tidak memenuhi %(n)s bulan atau lebih dalam satu triwulan."
            )
            % {"n": t.reduction_min_months},
            "REDUCTION_MIN_MONTHS",
            local=True,
        ),
        RuleLine(
            _("Besar pengurangan: %(p)s%% dari bagian triwulan komponen anggota itu.")
            % {"p": t.reduction_percent},
            "REDUCTION_PERCENT",
            local=False,
        ),
        RuleLine(
            _(
                "Usulan penangguhan: keluarga tidak memenuhi %(n)s bulan atau lebih dalam satu triwulan."
            )
            % {"n": t.suspension_min_months},
            "SUSPENSION_MIN_MONTHS",
            local=True,
        ),
        RuleLine(
            _("Usulan pembatalan: ambang penangguhan tercapai %(n)s triwulan berturut-turut.")
            % {"n": t.cancellation_after_quarters},
            "CANCELLATION_AFTER_QUARTERS",
            local=True,
        ),
    ]
