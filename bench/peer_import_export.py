"""The peer baseline: the same roster loaded with django-import-export, as a user would.

    bench/.peer-venv/bin/python bench/peer_import_export.py ROSTER.csv --by bench_admin

Run by ``bench/bench_import.py --peer-sizes ...`` in its own environment
(``bench/.peer-venv``: django-import-export 4.4.3 on top of the app's packages, made by
the benchmark; never in requirements.txt). What a user does with that library: split
the roster into a households file (one row per ID_KELUARGA: the first row's family
columns) and a members file (every row), then import the households, then the members
(``ModelResource``, ``use_bulk=True``, ``batch_size=1000``, rows that fail are reported
and skipped: ``raise_errors=False``), the household by ID_KELUARGA and the facilitator by
username through ``ForeignKeyWidget``. It checks only what the model fields check: no
duplicate NIK in the file, no family disagreement, no probable duplicates, no audit
rows, no components, no aid rows. The split (the user's spreadsheet work) is not
timed. Prints one JSON object: seconds of each import, rows, errors.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")

ALIASES = {
    "IDSEMESTA": "ID_KELUARGA",
    "NO KK": "NO_KK",
    "NIK KTP": "NIK",
    "NAMA ART": "NAMA",
    "JK": "JENIS_KELAMIN",
    "TGL LAHIR": "TANGGAL_LAHIR",
    "HUB KK": "HUBUNGAN",
    "KODE DESA": "KODE_WILAYAH",
    "NO HP": "TELEPON",
    "KELOMPOK P2K2": "KELOMPOK",
}
SEX = {"L": "L", "P": "P", "LAKI-LAKI": "L", "PEREMPUAN": "P"}


def iso_date(text: str) -> str:
    """The date column as a user formats it in the spreadsheet (YYYY-MM-DD)."""
    import datetime

    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def split(path: str) -> tuple[str, str, int]:
    """The roster as two CSV texts (households, members), as a user would prepare them."""
    sample = Path(path).read_text(encoding="utf-8-sig")[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    households, members = io.StringIO(), io.StringIO()
    hw, mw = csv.writer(households), csv.writer(members)
    hw.writerow(["id_keluarga", "no_kk", "village", "address", "rt", "rw", "phone", "facilitator"])
    mw.writerow(
        ["household", "nik", "name", "name_normalized", "sex", "birth_date", "relationship"]
    )
    seen = set()
    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for raw in csv.DictReader(f, delimiter=delimiter):
            row = {ALIASES.get(k, k): (v or "").strip() for k, v in raw.items()}
            rows += 1
            family = row["ID_KELUARGA"]
            code = row["KODE_WILAYAH"].replace(".", "")
            village = f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}" if len(code) == 10 else code
            if family not in seen:
                seen.add(family)
                hw.writerow(
                    [
                        family,
                        row["NO_KK"],
                        village,
                        row.get("ALAMAT", ""),
                        (row.get("RT") or "").lstrip("0"),
                        (row.get("RW") or "").lstrip("0"),
                        row.get("TELEPON", ""),
                        row.get("PENDAMPING", ""),
                    ]
                )
            name = " ".join(row["NAMA"].split())
            relationship = row.get("HUBUNGAN", "").upper().replace(" ", "_") or "LAINNYA"
            mw.writerow(
                [
                    family,
                    row["NIK"],
                    name,
                    name.upper(),
                    SEX.get(row["JENIS_KELAMIN"].upper(), row["JENIS_KELAMIN"]),
                    iso_date(row["TANGGAL_LAHIR"]),
                    relationship,
                ]
            )
    return households.getvalue(), members.getvalue(), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--by", default="bench_admin")
    args = parser.parse_args()
    import django

    django.setup()
    import tablib
    from import_export import fields, resources, widgets

    from accounts.models import User
    from households.models import Household, Member
    from regions.models import Region

    class HouseholdResource(resources.ModelResource):
        village = fields.Field(
            attribute="village",
            column_name="village",
            widget=widgets.ForeignKeyWidget(Region, "code"),
        )
        facilitator = fields.Field(
            attribute="facilitator",
            column_name="facilitator",
            widget=widgets.ForeignKeyWidget(User, "username"),
        )

        class Meta:
            model = Household
            fields = (
                "id_keluarga",
                "no_kk",
                "village",
                "address",
                "rt",
                "rw",
                "phone",
                "facilitator",
            )
            import_id_fields = ("id_keluarga",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True

    class MemberResource(resources.ModelResource):
        household = fields.Field(
            attribute="household",
            column_name="household",
            widget=widgets.ForeignKeyWidget(Household, "id_keluarga"),
        )
        name_normalized = fields.Field(attribute="name_normalized", column_name="name_normalized")
        birth_date = fields.Field(
            attribute="birth_date",
            column_name="birth_date",
            widget=widgets.DateWidget(format="%Y-%m-%d"),
        )

        class Meta:
            model = Member
            fields = (
                "household",
                "nik",
                "name",
                "name_normalized",
                "sex",
                "birth_date",
                "relationship",
            )
            import_id_fields = ("nik",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True

    households, members, rows = split(args.path)
    result = {"rows": rows}
    for label, resource, text in (
        ("households", HouseholdResource(), households),
        ("members", MemberResource(), members),
    ):
        dataset = tablib.Dataset().load(text, format="csv")
        started = time.perf_counter()
        outcome = resource.import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=True
        )
        result[f"{label}_seconds"] = time.perf_counter() - started
        result[f"{label}_rows"] = len(dataset)
        result[f"{label}_errors"] = len(outcome.row_errors()) + len(outcome.invalid_rows)
        if outcome.row_errors():
            result[f"{label}_first_error"] = repr(outcome.row_errors()[0][1][0].error)[:300]
        elif outcome.invalid_rows:
            result[f"{label}_first_error"] = repr(outcome.invalid_rows[0].error_dict)[:300]
        elif outcome.base_errors:
            result[f"{label}_first_error"] = repr(outcome.base_errors[0].error)[:300]
    result["seconds"] = result["households_seconds"] + result["members_seconds"]
    result["households_written"] = Household.objects.filter(
        id_keluarga__in=[r.split(",")[0] for r in households.splitlines()[1:50]]
    ).count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
