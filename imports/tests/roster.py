"""Realistic rosters for tests and the benchmark (``bench/gen_roster.py``).

Families look like a PKH roster from Bantul: a head of family, a wife who is the
pengurus, children with components, sometimes a grandparent (LANSIA); NIKs agree with
birth date and sex; ID_KELUARGA keeps leading zeros; dates come in every accepted
format; headers are the upper-case-with-spaces kind Indonesian exports use.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Iterator

HEADERS = [
    "IDSEMESTA",
    "NO KK",
    "NIK KTP",
    "NAMA ART",
    "JK",
    "TGL LAHIR",
    "HUB KK",
    "PENGURUS",
    "KOMPONEN",
    "KODE DESA",
    "ALAMAT",
    "RT",
    "RW",
    "NO HP",
    "PENDAMPING",
    "KELOMPOK P2K2",
    "KIP",
    "KIS",
    "SEMBAKO",
    "KKS",
]
FEMALE = [
    "SITI",
    "SRI",
    "ENDANG",
    "SUMARNI",
    "LESTARI",
    "WAHYUNI",
    "TUTIK",
    "SUKINI",
    "DEWI",
    "RINI",
    "NGATINI",
    "SUPARMI",
    "IKA",
    "YULI",
    "NUR",
    "SUGIYEM",
    "PARJIYEM",
    "WARSINI",
]
MALE = [
    "NGADIMAN",
    "SUTRISNO",
    "AGUS",
    "HERU",
    "MUJIONO",
    "SUKIRMAN",
    "SUGENG",
    "BUDI",
    "SLAMET",
    "JOKO",
    "ILHAM",
    "MUHAMMAD",
    "SUPRIYADI",
    "WAGIMAN",
    "TUKIJO",
    "PAIMAN",
]
LAST = [
    "RAHAYU",
    "WIBOWO",
    "WIDODO",
    "LESTARI",
    "SAPUTRA",
    "PRASETYO",
    "SULISTYO",
    "HARYANTO",
    "SUSANTI",
    "KURNIAWAN",
    "PRATAMA",
    "NUGROHO",
    "SETIAWAN",
    "HIDAYAT",
    "PURNOMO",
]
DUSUN = [
    "Dusun Kertan",
    "Dusun Ngablak",
    "Dusun Bakulan",
    "Dusun Tegalan",
    "Dusun Kembangsongo",
    "Dusun Gadingharjo",
    "Dusun Karangasem",
    "Dusun Sumberagung",
]
GROUPS = ["Melati", "Anggrek", "Kenanga", "Mawar", "Dahlia", "Cempaka"]


def nik_for(region6: str, birth: datetime.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region6}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def date_text(date: datetime.date, style: int) -> str:
    return (
        date.strftime("%d/%m/%Y"),
        date.strftime("%d-%m-%Y"),
        date.isoformat(),
    )[style % 3]


class RosterBuilder:
    """Builds families as lists of dicts keyed by ``HEADERS``.

    ``part`` separates the NIK serials of rosters generated separately (0-9), so that
    two rosters never share a NIK by accident.
    """

    def __init__(
        self,
        *,
        villages: list[str],
        facilitators: list[str],
        seed: int = 7,
        part: int = 0,
        id_prefix: str = "0034",
        today: datetime.date | None = None,
    ):
        self.villages = villages
        self.facilitators = facilitators
        self.random = random.Random(seed)
        self.part = part
        self.id_prefix = id_prefix
        self.today = today or datetime.date.today()
        self._serials: dict[tuple, int] = {}
        self._kk = 0

    def _serial(self, region6: str, birth: datetime.date, sex: str) -> int:
        key = (region6, birth, sex)
        n = self._serials.get(key, 0) + 1
        self._serials[key] = n
        return self.part * 1000 + n

    def _birth(self, min_age: int, max_age: int) -> datetime.date:
        days = self.random.randint(min_age * 365, max_age * 365 + 364)
        return self.today - datetime.timedelta(days=days)

    def person(self, *, region6: str, sex: str, min_age: int, max_age: int, last: str, taken=()):
        birth = self._birth(min_age, max_age)
        first = self.random.choice([n for n in (FEMALE if sex == "P" else MALE) if n not in taken])
        nik = nik_for(region6, birth, sex, self._serial(region6, birth, sex))
        return nik, f"{first} {last}", birth

    def family(self, number: int) -> list[dict]:
        r = self.random
        village = r.choice(self.villages)
        region6 = village.replace(".", "")[:6]
        self._kk += 1
        kk_date = self._birth(1, 20)
        no_kk = f"{region6}{kk_date.strftime('%d%m%y')}{(self.part * 1000 + self._kk) % 10000:04d}"
        family_id = f"{self.id_prefix}{number:08d}"
        last = r.choice(LAST)
        facilitator = r.choice(self.facilitators) if self.facilitators else ""
        group = f"{r.choice(GROUPS)} {r.randint(1, 3)}" if facilitator else ""
        common = {
            "IDSEMESTA": family_id,
            "NO KK": no_kk,
            "KODE DESA": village if r.random() < 0.7 else village.replace(".", ""),
            "ALAMAT": r.choice(DUSUN),
            "RT": str(r.randint(1, 12)),
            "RW": str(r.randint(1, 6)),
            "PENDAMPING": facilitator,
            "KELOMPOK P2K2": group,
            "SEMBAKO": r.choice("YT"),
            "KKS": "Y",
        }
        people = []
        nik, name, birth = self.person(region6=region6, sex="L", min_age=28, max_age=60, last=last)
        people.append((nik, name, birth, "L", "KEPALA KELUARGA", "T", ""))
        nik, name, birth = self.person(
            region6=region6, sex="P", min_age=24, max_age=55, last=r.choice(LAST)
        )
        pregnant = r.random() < 0.08
        people.append((nik, name, birth, "P", "ISTRI", "Y", "IBU_HAMIL" if pregnant else ""))
        for _child in range(r.choice((1, 2, 2, 3))):
            sex = r.choice("LP")
            taken = {p[1].split()[0] for p in people}
            nik, name, birth = self.person(
                region6=region6, sex=sex, min_age=0, max_age=17, last=last, taken=taken
            )
            age = (self.today - birth).days // 365
            component = "AUD" if age < 6 else "SD" if age < 12 else "SMP" if age < 15 else "SMA"
            people.append((nik, name, birth, sex, "ANAK", "T", component))
        if r.random() < 0.15:
            sex = r.choice("LP")
            taken = {p[1].split()[0] for p in people}
            nik, name, birth = self.person(
                region6=region6, sex=sex, min_age=62, max_age=85, last=last, taken=taken
            )
            people.append((nik, name, birth, sex, "ORANG TUA", "T", "LANSIA"))
        rows = []
        for i, (nik, name, birth, sex, relation, pengurus, component) in enumerate(people):
            rows.append(
                {
                    **common,
                    "NIK KTP": nik,
                    "NAMA ART": name,
                    "JK": sex,
                    "TGL LAHIR": date_text(birth, i + number),
                    "HUB KK": relation,
                    "PENGURUS": pengurus,
                    "KOMPONEN": component,
                    "NO HP": f"08{r.randint(1000000000, 9999999999)}" if pengurus == "Y" else "",
                    "KIP": "Y" if component in ("SD", "SMP", "SMA") and r.random() < 0.6 else "T",
                    "KIS": r.choice("YYT"),
                }
            )
        return rows

    def families(self, count: int, *, start: int = 1) -> Iterator[list[dict]]:
        for number in range(start, start + count):
            yield self.family(number)


def spoil(rows: list[dict], kind: int, *, other_nik: str | None = None) -> None:
    """Make one row of a family invalid in one of several realistic ways (in place)."""
    row = rows[-1]
    kind %= 6
    if kind == 0:
        row["NIK KTP"] = f"{int(row['NIK KTP']) / 1e15:.1f}E+15"  # Excel's scientific notation
    elif kind == 1:
        row["TGL LAHIR"] = "31/02/2019"  # no such date
    elif kind == 2:
        row["KODE DESA"] = "34.02.99.9999"  # unknown village
    elif kind == 3 and other_nik:
        row["NIK KTP"] = other_nik  # the same NIK twice in the file
    elif kind == 4:
        row["JK"] = "X"
    else:
        row["NAMA ART"] = ""


def write_csv(path, families, *, delimiter=";", encoding="utf-8-sig", headers=HEADERS) -> int:
    """Write families (iterable of row lists) as CSV; returns the number of data rows."""
    n = 0
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(headers)
        for rows in families:
            for row in rows:
                writer.writerow([row.get(h, "") for h in headers])
                n += 1
    return n


def csv_bytes(families, *, delimiter=";", encoding="utf-8-sig", headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    for rows in families:
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def write_xlsx(path, families, *, headers=HEADERS, sheet="Sheet1", convert=None) -> None:
    """Write families as XLSX; ``convert(header, value)`` may turn text into typed cells."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(headers)
    for rows in families:
        for row in rows:
            values = [row.get(h, "") for h in headers]
            if convert:
                values = [convert(h, v) for h, v in zip(headers, values, strict=True)]
            ws.append(values)
    wb.save(path)
