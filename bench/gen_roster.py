"""Generate a realistic roster CSV of N families (~4 members each) for the import benchmark.

    python bench/gen_roster.py 100000 /tmp/roster.csv [--start 1] [--part 0]
        [--regency 34.02] [--facilitators 50] [--reject-rate 0.02]

Villages are those of ``--regency`` in the bundled Kemendagri list; facilitators are
``bench_pendamping1`` ... ``bench_pendampingN`` (bench_import.py creates them).
About ``--reject-rate`` of the rows are spoiled in mixed ways (Excel scientific
notation, impossible date, unknown village, duplicate NIK, bad sex, missing name).
Written as Indonesian Excel does: semicolons, UTF-8 with BOM. Needs no Django.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imports.tests.roster import HEADERS, RosterBuilder, spoil  # noqa: E402

REGIONS = ROOT / "regions" / "data" / "wilayah_kemendagri_2025.csv"


def villages_of(regency: str) -> list[str]:
    with open(REGIONS, encoding="utf-8-sig", newline="") as f:
        return [
            row["kode"]
            for row in csv.DictReader(f)
            if row["kode"].startswith(regency + ".") and len(row["kode"]) == 13
        ]


def generate(
    path: str,
    families: int,
    *,
    start: int = 1,
    part: int = 0,
    regency: str = "34.02",
    facilitators: int = 50,
    reject_rate: float = 0.02,
    seed: int = 11,
    prefix: str = "0034",
    facilitator_names: list[str] | None = None,
) -> int:
    builder = RosterBuilder(
        id_prefix=prefix,
        villages=villages_of(regency),
        facilitators=facilitator_names
        or [f"bench_pendamping{i}" for i in range(1, facilitators + 1)],
        seed=seed + part,
        part=part,
    )
    rows_written = 0
    spoiled = 0
    previous_nik = None
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADERS)
        for rows in builder.families(families, start=start):
            rows_written += len(rows)
            # Spoil one row of a family whenever the running share falls behind the rate.
            if spoiled < reject_rate * rows_written:
                spoil(rows, spoiled, other_nik=previous_nik)
                spoiled += 2 if spoiled % 6 == 3 else 1  # a duplicate NIK rejects two rows
            previous_nik = rows[0]["NIK KTP"]
            for row in rows:
                writer.writerow([row.get(h, "") for h in HEADERS])
    return rows_written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("families", type=int)
    parser.add_argument("path")
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--regency", default="34.02")
    parser.add_argument("--facilitators", type=int, default=50)
    parser.add_argument("--reject-rate", type=float, default=0.02)
    parser.add_argument("--prefix", default="0034", help="ID_KELUARGA prefix (leading zeros)")
    args = parser.parse_args()
    rows = generate(
        args.path,
        args.families,
        start=args.start,
        part=args.part,
        regency=args.regency,
        facilitators=args.facilitators,
        reject_rate=args.reject_rate,
        prefix=args.prefix,
    )
    print(f"{rows} rows, {args.families} families -> {args.path}")


if __name__ == "__main__":
    main()
