"""The tables of ``bench/gen_roster_field.py``: its headers, the names, hamlets and groups
it draws from, its bad-row kinds, and the villages of a regency. Needs no Django."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "regions" / "data" / "wilayah_kemendagri_2025.csv"

HEADERS = [
    "ID_KELUARGA",
    "NO_KK",
    "NIK",
    "NAMA",
    "JENIS_KELAMIN",
    "TANGGAL_LAHIR",
    "HUBUNGAN",
    "PENGURUS",
    "KOMPONEN",
    "KODE_WILAYAH",
    "ALAMAT",
    "RT",
    "RW",
    "TELEPON",
    "PENDAMPING",
    "KELOMPOK",
    "KIP",
    "KIS",
    "SEMBAKO",
    "KKS",
    "KETERANGAN",  # not a roster column: one warning
]
UNKNOWN_COLUMNS = ("KETERANGAN",)

# First names, the most common ones many times over (their share in real rosters).
FEMALE_FIRST = ["SITI"] * 8 + [
    "NUR",
    "SRI",
    "DEWI",
    "ANI",
    "TRI",
    "PUJI",
    "RATNA",
    "YULI",
    "FITRI",
    "NINGSIH",
    "WARTINI",
]
MALE_FIRST = ["MUHAMMAD"] * 8 + [
    "AHMAD",
    "AGUS",
    "BUDI",
    "SLAMET",
    "EKO",
    "DWI",
    "RIZKI",
    "ANDI",
    "JOKO",
    "HERU",
]
# Second and third name words: none of them is a family name of bench/seed/ or
# imports/tests/roster.py (checked by imports/tests/test_field_roster.py).
FEMALE_SECOND = [
    "AMINAH",
    "NURHASANAH",
    "KHOIRUNNISA",
    "ROHIMAH",
    "ZAHRA",
    "AZZAHRA",
    "MUNAWAROH",
    "SUNDARI",
    "MARFUAH",
    "KHASANAH",
    "ISTIQOMAH",
    "JUWARIYAH",
]
MALE_SECOND = [
    "MAULANA",
    "FIRDAUS",
    "ALFIAN",
    "HIDAYATULLAH",
    "RAMADHANI",
    "SYAIFUDIN",
    "FAUZAN",
    "NURROHMAN",
    "ARDIANSYAH",
    "SUBEKTI",
    "MUSTOFA",
    "KHOIRUL",
]
THIRD = ["", "", "", "", "ADIPUTRA", "NUGRAHA", "WIJAYANTO", "ASMARA", "PAMUNGKAS", "ROFIQ"]
HAMLETS = ["KRAJAN", "SOROGENEN", "PANDES", "NGENTAK", "KARANGTENGAH", "GUNUNGSARI", "DLINGO"]
GROUPS = ["MAWAR", "MELATI", "KENANGA", "ANGGREK", "SEROJA", "TERATAI", "KAMBOJA"]

# Bad-row kinds: (name, the column of the rejection issue). Family kinds reject every
# row of the family (one issue each); "repeated NIK" rejects two rows of two families.
BAD_KINDS = (
    ("nik_scientific", "NIK"),
    ("nik_15_digits", "NIK"),
    ("nik_float_lost_digit", "NIK"),
    ("date_unreadable", "TANGGAL_LAHIR"),
    ("date_future", "TANGGAL_LAHIR"),
    ("sex_not_allowed", "JENIS_KELAMIN"),
    ("name_missing", "NAMA"),
    ("village_unknown", "KODE_WILAYAH"),
    ("facilitator_unknown", "PENDAMPING"),
    ("component_unknown", "KOMPONEN"),
    ("relationship_unknown", "HUBUNGAN"),
    ("nik_repeated", "NIK"),
    ("family_no_kk_differs", "NO_KK"),
    ("family_sembako_differs", "SEMBAKO"),
)
FAMILY_KINDS = ("family_no_kk_differs", "family_sembako_differs")


def villages_of(regency: str) -> list[str]:
    with open(REGIONS, encoding="utf-8-sig", newline="") as f:
        return [
            row["kode"]
            for row in csv.DictReader(f)
            if row["kode"].startswith(regency + ".") and len(row["kode"]) == 13
        ]
