"""A second, independent roster generator, shaped like real exports (for tests and the
benchmark), that writes beside the file the counts an import must give.

    python bench/gen_roster_field.py 100000 /tmp/roster.csv [--prefix 0037] [--part 0]
        [--regency 34.02] [--facilitators 50] [--bad-rate 0.02] [--seed 5]

Unlike ``bench/gen_roster.py`` (tidy families of ~4): a comma CSV without BOM with the
canonical headers and one unknown column (KETERANGAN); common names repeated across and
within family cards (many SITI and MUHAMMAD; the same child's name under two NIKs on one
No. KK, with another birth date or with the same one); families of 1 to 14 members
(about 4 % with 10 or more: grandparents, children in law, grandchildren); families
spread over every village of the regency; about 1 % of members whose NIK disagrees with
their sex or birth date; pengurus missing or marked twice; KELOMPOK differing between
a family's rows; KIP = Y for adults; RT/RW with leading zeros; and the bad-row kinds of
``ROSTER_FORMAT.md`` mixed in at ``--bad-rate`` of the rows (NIK in scientific notation,
with 15 digits or as a float that lost a digit; a date that cannot be read or lies in
the future; sex, component or relationship not allowed; unknown village or
facilitator; a missing name; the same NIK on two rows; a family whose rows disagree on
NO_KK or SEMBAKO).

``<path>.expected.json`` holds what an import with "skip invalid" into a registry that
has none of these families or NIKs must count: rows, rows rejected, families created and
skipped, members created, warnings, and rejections and warnings by column. They are
computed here, from what the generator made, by rules written for it (the roster
format's), never by calling the importer. Names are chosen so that none is a name
``bench/seed/`` gives (its names are one first name, or a first name and one of its
family names): importing into a seeded registry adds no registry warning. Needs no
Django.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # also run as a file: python bench/gen_roster_field.py

from bench.roster_field_data import (  # noqa: E402
    BAD_KINDS,
    FAMILY_KINDS,
    FEMALE_FIRST,
    FEMALE_SECOND,
    GROUPS,
    HAMLETS,
    HEADERS,
    MALE_FIRST,
    MALE_SECOND,
    THIRD,
    UNKNOWN_COLUMNS,
    villages_of,
)


class Row:
    """One roster row: the cells written, and what an importer must read from them."""

    __slots__ = (
        "cells",
        "nik",
        "name",
        "birth",
        "sex",
        "no_kk",
        "kip",
        "rejected",
        "nik_warnings",
        "relationship",
    )

    def __init__(self, cells: dict, *, nik, name, birth, sex, no_kk, kip, relationship):
        self.cells = cells
        self.nik = nik  # read value or None (rejected)
        self.name = name  # normalised name or None
        self.birth = birth  # datetime.date or None
        self.sex = sex
        self.no_kk = no_kk
        self.kip = kip
        self.relationship = relationship
        self.rejected = False
        self.nik_warnings = 0


class FieldRoster:
    def __init__(
        self,
        *,
        villages: list[str],
        facilitators: list[str],
        prefix: str = "0037",
        part: int = 0,
        seed: int = 5,
        bad_rate: float = 0.02,
        today: datetime.date | None = None,
    ):
        self.villages = villages
        self.facilitators = facilitators
        self.prefix = prefix
        self.base = 6000 + 1000 * (part % 4)  # NIK serials: never those of bench/seed/
        self.r = random.Random(seed * 1000 + part)
        self.bad_rate = bad_rate
        self.today = today or datetime.date.today()
        self.serials: dict[str, int] = {}
        self.bad_rows = 0
        self.kind_turn = 0
        self.expected = Counter()
        self.rejections = Counter()
        self.warnings = Counter()
        # (normalised name, birth date) -> [first NIK, rows, several NIKs?]
        self.same_person: dict[tuple, list] = {}
        self.previous_clean: list[Row] | None = None
        self.pending: list[list[Row]] = []  # families not written yet

    # -- values ---------------------------------------------------------------
    def serial(self, prefix: str) -> str:
        n = self.serials.get(prefix, 0) + 1
        self.serials[prefix] = n
        return f"{prefix}{self.base + n:04d}"

    def nik_for(self, region6: str, birth: datetime.date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        return self.serial(f"{region6}{day:02d}{birth.month:02d}{birth.year % 100:02d}")

    def birth(self, min_age: float, max_age: float) -> datetime.date:
        days = self.r.randint(int(min_age * 365.25) + 30, int(max_age * 365.25) + 30)
        return self.today - datetime.timedelta(days=days)

    def name(self, sex: str) -> str:
        r = self.r
        first = r.choice(FEMALE_FIRST if sex == "P" else MALE_FIRST)
        second = r.choice(FEMALE_SECOND if sex == "P" else MALE_SECOND)
        third = r.choice(THIRD)
        return " ".join(part for part in (first, second, third) if part)

    def date_text(self, date: datetime.date) -> str:
        style = self.r.randrange(3)
        return (date.strftime("%d/%m/%Y"), date.strftime("%d-%m-%Y"), date.isoformat())[style]

    @staticmethod
    def age(birth: datetime.date, on: datetime.date) -> int:
        return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))

    # -- a family ---------------------------------------------------------------
    def people(self) -> list[tuple[str, str, datetime.date, str]]:
        """(relationship, sex, birth, name) of the members."""
        r = self.r
        size = r.choices((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14),
                         (3, 5, 18, 26, 20, 10, 6, 4, 4, 1.5, 1, 0.7, 0.5, 0.3))[0]  # fmt: skip
        people = []
        head_sex = "L" if r.random() < 0.9 else "P"
        people.append(("KEPALA KELUARGA", head_sex, self.birth(25, 70), self.name(head_sex)))
        if size >= 2 and head_sex == "L" and r.random() < 0.92:
            people.append(("ISTRI", "P", self.birth(20, 60), self.name("P")))
        while len(people) < size:
            left = size - len(people)
            if size >= 9 and left > 2 and r.random() < 0.2:
                relation = r.choice(("ORANG TUA", "MERTUA"))
                sex = r.choice("LP")
                people.append((relation, sex, self.birth(62, 88), self.name(sex)))
            elif size >= 10 and r.random() < 0.25:
                relation = r.choice(("CUCU", "MENANTU", "FAMILI LAIN"))
                sex = r.choice("LP")
                ages = (0, 8) if relation == "CUCU" else (18, 35)
                people.append((relation, sex, self.birth(*ages), self.name(sex)))
            else:
                sex = r.choice("LP")
                people.append(("ANAK", sex, self.birth(0, 24), self.name(sex)))
        return people

    def component(self, relation: str, sex: str, birth: datetime.date) -> str:
        age = self.age(birth, self.today)
        if relation == "ISTRI" and age < 40 and self.r.random() < 0.07:
            return "BUMIL"
        if age >= 70 or (relation in ("ORANG TUA", "MERTUA") and age >= 60):
            return "LANSIA"
        if relation in ("ANAK", "CUCU"):
            part = (
                "AUD"
                if age < 6
                else "SD"
                if age < 12
                else "SMP"
                if age < 15
                else "SMA"
                if age < 18
                else ""
            )
            if self.r.random() < 0.02:
                part = f"{part}, DISABILITAS" if part else "DISABILITAS BERAT"
            return part
        return ""

    def family(self, number: int) -> list[Row]:
        r = self.r
        village = r.choice(self.villages)
        region6 = village.replace(".", "")[:6]
        kk_date = self.birth(1, 25)
        no_kk = self.serial(f"{region6}{kk_date.strftime('%d%m%y')}")
        facilitator = r.choice(self.facilitators) if self.facilitators else ""
        group = f"{r.choice(GROUPS)} {r.randint(1, 4)}" if facilitator else ""
        sembako = r.choice("YT")
        family = {
            "ID_KELUARGA": f"{self.prefix}{number:08d}",
            "NO_KK": no_kk,
            "KODE_WILAYAH": village if r.random() < 0.5 else village.replace(".", ""),
            "ALAMAT": f"DUSUN {r.choice(HAMLETS)}",
            "RT": f"{r.randint(1, 15):03d}",
            "RW": f"{r.randint(1, 8):03d}",
            "PENDAMPING": facilitator,
            "KELOMPOK": group,
            "SEMBAKO": sembako,
            "KKS": "Y",
            "KETERANGAN": r.choice(("", "", "PINDAHAN", "DTSEN 2025")),
        }
        people = self.people()
        # The same child's name twice on the card, under another NIK: another birth date
        # (a warning "same name on one No. KK" for both rows), or the same one (a
        # probable duplicate person).
        children = [p for p in people if p[0] == "ANAK"]
        if children and r.random() < 0.02:
            relation, sex, birth, name = r.choice(children)
            if r.random() < 0.7:
                other = self.birth(0, 24)
                while other == birth:
                    other = self.birth(0, 24)
                people.append((relation, sex, other, name))
            else:
                people.append((relation, sex, birth, name))
        wife = next((i for i, p in enumerate(people) if p[0] == "ISTRI"), None)
        pengurus = {wife if wife is not None else 0}
        if r.random() < 0.01:
            pengurus = set()  # none marked: a warning
        elif r.random() < 0.006 and wife is not None:
            pengurus = {0, wife}  # two marked: a warning
        rows = []
        for i, (relation, sex, birth, name) in enumerate(people):
            nik_sex, nik_birth = sex, birth
            roll = r.random()
            warnings = 0
            if roll < 0.005:
                nik_sex = "L" if sex == "P" else "P"  # NIK of the other sex
                warnings = 1
            elif roll < 0.01:
                nik_birth = birth + datetime.timedelta(days=r.choice((-2, -1, 1, 2)))
                warnings = 1  # another day (or month, or year) in the NIK
            nik = self.nik_for(region6, nik_birth, nik_sex)
            component = self.component(relation, sex, birth)
            age = self.age(birth, self.today)
            school = any(c in component for c in ("SD", "SMP", "SMA")) and 7 <= age <= 20
            kip = "Y" if school and r.random() < 0.6 else "T"
            if relation == "KEPALA KELUARGA" and age >= 30 and r.random() < 0.004:
                kip = "Y"  # KIP for an adult: outside the aid's age limits (6-21)
            cells = {
                **family,
                "NIK": nik,
                "NAMA": name if r.random() < 0.9 else f" {name.title()}  ",
                "JENIS_KELAMIN": sex
                if r.random() < 0.8
                else ("LAKI-LAKI" if sex == "L" else "PEREMPUAN"),  # fmt: skip
                "TANGGAL_LAHIR": self.date_text(birth),
                "HUBUNGAN": relation,
                "PENGURUS": "Y" if i in pengurus else "T",
                "KOMPONEN": component,
                "TELEPON": f"08{r.randint(1000000000, 9999999999)}" if i in pengurus else "",
                "KIP": kip,
                "KIS": r.choice("YYT"),
            }
            row = Row(
                cells,
                nik=nik,
                name=name,
                birth=birth,
                sex=sex,
                no_kk=no_kk,
                kip=kip == "Y",
                relationship=relation,
            )
            row.nik_warnings = warnings
            rows.append(row)
        if r.random() < 0.003 and len(rows) > 1:
            rows[-1].cells["KELOMPOK"] = f"{r.choice(GROUPS)} 9"  # differs: a warning
            self.warnings["KELOMPOK"] += 1
        if not pengurus:
            self.warnings["PENGURUS"] += 1  # none marked (ISTRI or the head is taken)
        elif len(pengurus) > 1:
            self.warnings["PENGURUS"] += 1
        return rows

    # -- bad rows -----------------------------------------------------------------
    def spoil(self, rows: list[Row]) -> bool:
        """Spoil the family's last row (or the family) in the next bad-row kind. Returns
        False when the kind needs what is not there (tried again on the next family)."""
        kind, column = BAD_KINDS[self.kind_turn % len(BAD_KINDS)]
        row = rows[-1]
        if row.nik_warnings or (row.kip and row.relationship == "KEPALA KELUARGA"):
            return False  # keep every row's warnings simple to count
        if kind in (*FAMILY_KINDS, "facilitator_unknown") and len(rows) < 2:
            return False  # a one-row family: its family-level values come from that row
        c = row.cells
        if kind == "nik_repeated":
            if not any(rows_ is self.previous_clean for rows_ in self.pending):
                return False  # its family is written already
            other = self.previous_clean[0]
            c["NIK"] = row.nik = other.nik
            # The copied NIK tells another birth date and sex: warnings of its own.
            row.nik_warnings = nik_disagreements(row.nik, row.birth, row.sex)
            self.reject(other, column)
            self.reject(row, column)
            self.previous_clean = None
            self.bad_rows += 2
        elif kind in FAMILY_KINDS:
            if kind == "family_no_kk_differs":
                region6 = row.no_kk[:6]
                c["NO_KK"] = row.no_kk = self.serial(f"{region6}010199")
            else:
                c["SEMBAKO"] = "T" if c["SEMBAKO"] == "Y" else "Y"
            for each in rows:
                self.reject(each, column)
            self.bad_rows += len(rows)
        else:
            if kind == "nik_scientific":
                c["NIK"] = f"{int(row.nik) / 1e15:.1f}E+15"
                row.nik = None
            elif kind == "nik_15_digits":
                c["NIK"] = row.nik[1:]
                row.nik = None
            elif kind == "nik_float_lost_digit":
                c["NIK"] = f"{row.nik[:15]}0.0"
                row.nik = None
            elif kind == "date_unreadable":
                c["TANGGAL_LAHIR"] = "31/02/2019"
                row.birth = None
            elif kind == "date_future":
                c["TANGGAL_LAHIR"] = (self.today + datetime.timedelta(days=400)).strftime(
                    "%d/%m/%Y"
                )
                row.birth = None
            elif kind == "sex_not_allowed":
                c["JENIS_KELAMIN"] = "X"
                row.sex = None
            elif kind == "name_missing":
                c["NAMA"] = ""
                row.name = None
            elif kind == "village_unknown":
                c["KODE_WILAYAH"] = "34.02.99.9999"
            elif kind == "facilitator_unknown":
                c["PENDAMPING"] = "pendamping_tidak_ada"
            elif kind == "component_unknown":
                c["KOMPONEN"] = "BALITA2"
            elif kind == "relationship_unknown":
                c["HUBUNGAN"] = "ANAK ANGKAT"
            self.reject(row, column)
            self.bad_rows += 1
        self.kind_turn += 1
        return True

    def reject(self, row: Row, column: str) -> None:
        self.rejections[column] += 1
        row.rejected = True

    # -- the file ---------------------------------------------------------------------
    def write(self, path: str, families: int) -> dict:
        rows_written = 0
        pending = self.pending
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(HEADERS)
            for number in range(1, families + 1):
                rows = self.family(number)
                rows_written += len(rows)
                spoiled = False
                if self.bad_rows < self.bad_rate * rows_written:
                    spoiled = self.spoil(rows)
                pending.append(rows)
                if not spoiled:
                    self.previous_clean = rows
                # A family is written once the next one can no longer take its NIK.
                while len(pending) > 2:
                    self._finish(writer, pending.pop(0))
            while pending:
                self._finish(writer, pending.pop(0))
        expected = self.totals(rows_written, families)
        Path(str(path) + ".expected.json").write_text(json.dumps(expected, indent=1))
        return expected

    def _finish(self, writer, rows: list[Row]) -> None:
        for row in rows:
            writer.writerow([row.cells.get(h, "") for h in HEADERS])
        self.count_family(rows)

    def count_family(self, rows: list[Row]) -> None:
        e = self.expected
        e["rows"] += len(rows)
        rejected = sum(1 for row in rows if row.rejected)
        e["rows_rejected"] += rejected
        if rejected:
            e["households_skipped"] += 1
        else:
            e["households_created"] += 1
            e["members_created"] += len(rows)
        for row in rows:
            if row.nik_warnings:
                self.warnings["NIK"] += row.nik_warnings
            if row.kip and row.birth is not None and self.age(row.birth, self.today) > 21:
                self.warnings["KIP"] += 1
            if row.nik and row.name and row.birth is not None:
                key = (row.name, row.birth)
                seen = self.same_person.get(key)
                if seen is None:
                    self.same_person[key] = [row.nik, 1, False]
                else:
                    seen[1] += 1
                    if seen[0] != row.nik:
                        seen[2] = True
        # The same name twice on one card (No. KK) under another NIK and birth date.
        card = [row for row in rows if row.nik and row.name and row.no_kk]
        for row in card:
            if any(
                other.no_kk == row.no_kk
                and other.name == row.name
                and other.nik != row.nik
                and other.birth != row.birth
                for other in card
            ):
                self.warnings["NAMA"] += 1

    def totals(self, rows: int, families: int) -> dict:
        self.warnings["NAMA"] += sum(n for _nik, n, several in self.same_person.values() if several)
        for name in UNKNOWN_COLUMNS:
            self.warnings[name] += 1
        assert self.expected["rows"] == rows
        return {
            "families": families,
            "rows": rows,
            "rows_rejected": self.expected["rows_rejected"],
            "households_created": self.expected["households_created"],
            "households_skipped": self.expected["households_skipped"],
            "members_created": self.expected["members_created"],
            "warnings": sum(self.warnings.values()),
            "rejections_by_column": dict(sorted(self.rejections.items())),
            "warnings_by_column": dict(sorted(self.warnings.items())),
        }


def nik_disagreements(nik: str, birth: datetime.date | None, sex: str | None) -> int:
    """How many ways (birth date, sex) a 16-digit NIK disagrees with the row: NIK =
    region(6) + DD (+40 for women) MM YY + serial(4)."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "L"
    if day > 40:
        day -= 40
        nik_sex = "P"
    n = 0
    if birth is not None and (day, month, year) != (birth.day, birth.month, birth.year % 100):
        n += 1
    if sex is not None and sex != nik_sex:
        n += 1
    return n


def generate(
    path: str,
    families: int,
    *,
    prefix: str = "0037",
    part: int = 0,
    regency: str = "34.02",
    facilitators: list[str] | None = None,
    villages: list[str] | None = None,
    bad_rate: float = 0.02,
    seed: int = 5,
    today: datetime.date | None = None,
) -> dict:
    roster = FieldRoster(
        villages=villages or villages_of(regency),
        facilitators=facilitators
        if facilitators is not None
        else [f"bench_pendamping{i}" for i in range(1, 51)],
        prefix=prefix,
        part=part,
        seed=seed,
        bad_rate=bad_rate,
        today=today,
    )
    return roster.write(path, families)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("families", type=int)
    parser.add_argument("path")
    parser.add_argument("--prefix", default="0037", help="ID_KELUARGA prefix")
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--regency", default="34.02")
    parser.add_argument("--facilitators", type=int, default=50)
    parser.add_argument("--bad-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    expected = generate(
        args.path,
        args.families,
        prefix=args.prefix,
        part=args.part,
        regency=args.regency,
        facilitators=[f"bench_pendamping{i}" for i in range(1, args.facilitators + 1)],
        bad_rate=args.bad_rate,
        seed=args.seed,
    )
    json.dump(expected, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
