"""Real-world files: what Excel and national exports do to a roster (docs/roster_format.md)."""

import datetime
import resource

import openpyxl
import pytest

from households.models import Household, Member
from imports.models import ImportMode, ImportStatus, IssueKind
from imports.tests.roster import HEADERS, csv_bytes, nik_for, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def rejections(roster_import):
    return list(
        roster_import.issues.filter(kind=IssueKind.REJECTION).values_list(
            "line", "column", "reason"
        )
    )


def one_family(builder, number=1):
    return builder.family(number)


def test_indonesian_excel_semicolon_csv_with_bom(builder, run_import):
    families = list(builder.families(4))
    data = csv_bytes(families, delimiter=";", encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    roster_import = run_import(data)
    assert roster_import.committed, roster_import.error
    assert roster_import.delimiter == ";"
    assert roster_import.rows_rejected == 0
    assert Household.objects.count() == 4
    assert "IDSEMESTA" in roster_import.headers  # the BOM is not glued to the first header


def test_comma_csv_without_bom(builder, run_import):
    families = list(builder.families(2))
    roster_import = run_import(csv_bytes(families, delimiter=",", encoding="utf-8"))
    assert roster_import.committed
    assert roster_import.delimiter == ","
    assert Household.objects.count() == 2


def test_windows_1252_names(builder, run_import):
    family = one_family(builder)
    family[0]["NAMA ART"] = "MA’RUF AMIN"  # a curly apostrophe, as Word and Excel type it
    family[1]["NAMA ART"] = "RENÉ SÖDERBERG"
    data = csv_bytes([family], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    roster_import = run_import(data)
    assert roster_import.committed, rejections(roster_import)
    names = set(Member.objects.values_list("name", flat=True))
    assert {"MA’RUF AMIN", "RENÉ SÖDERBERG"} <= names
    assert roster_import.encoding == "windows-1252"


def test_headers_in_any_case_with_spaces_dots_and_dashes(builder, run_import):
    family = one_family(builder)
    spelled = {
        "IDSEMESTA": "id keluarga pkh",
        "NO KK": "No. KK",
        "NIK KTP": "nik_ktp",
        "NAMA ART": "Nama Anggota",
        "JK": "jk",
        "TGL LAHIR": "Tgl-Lahir",
        "KODE DESA": "kode  desa",
    }
    headers = [spelled.get(h, h) for h in HEADERS]
    rows = [{spelled.get(k, k): v for k, v in row.items()} for row in family]
    roster_import = run_import(csv_bytes([rows], headers=[*headers, "CATATAN PETUGAS"]))
    assert roster_import.committed, rejections(roster_import)
    unknown = roster_import.issues.get(kind=IssueKind.WARNING, column="CATATAN PETUGAS")
    assert unknown.line == 1
    assert "tidak dikenal" in unknown.reason


def test_nik_mangled_by_excel_is_rejected_never_guessed(builder, run_import):
    family = one_family(builder)
    good = family[0]["NIK KTP"]
    family[0]["NIK KTP"] = "3.40209E+15"  # scientific notation: digits lost
    family[1]["NO KK"] = f"{int(family[1]['NO KK'])}.0"[:-2] + "0.0"  # float ending in 0
    roster_import = run_import(csv_bytes([family]))
    assert not roster_import.committed
    found = rejections(roster_import)
    assert (2, "NIK") in [(line, column) for line, column, _reason in found]
    assert any("notasi ilmiah" in reason for _line, _column, reason in found)
    assert any(column == "NO_KK" and line == 3 for line, column, _reason in found)
    assert not Member.objects.filter(nik=good).exists()
    assert Household.objects.count() == 0


def test_float_written_nik_with_all_digits_is_accepted(builder, run_import):
    family = one_family(builder)
    nik = family[0]["NIK KTP"]
    assert nik[-1] != "0"
    family[0]["NIK KTP"] = nik + ".0"
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.committed, rejections(roster_import)
    assert Member.objects.filter(nik=nik).exists()


def test_xlsx_numeric_nik_cells(builder, run_import, tmp_path):
    family = one_family(builder)
    other = one_family(builder, number=2)
    kept = family[0]["NIK KTP"]
    assert kept[-1] != "0"
    family[1]["NIK KTP"] = family[1]["NIK KTP"][:-1] + "0"  # Excel's 15-digit truncation look

    def convert(header, value):
        if header == "NIK KTP" and value:
            return int(value)  # a number cell, as Excel stores a NIK typed without Text format
        return value

    path = tmp_path / "roster.xlsx"
    write_xlsx(path, [family, other], convert=convert)
    roster_import = run_import(path, name="roster.xlsx")
    found = rejections(roster_import)
    assert [(line, column) for line, column, _reason in found if column == "NIK"] == [(3, "NIK")]
    assert "15 digit" in [r for _l, c, r in found if c == "NIK"][0]
    assert not roster_import.committed
    run = run_import(path, name="roster.xlsx", mode=ImportMode.SKIP_INVALID)
    assert run.committed
    assert run.households_created == 1 and run.households_skipped == 1
    assert not Member.objects.filter(nik=kept).exists()  # the whole family was skipped
    # A number cell with a non-zero last digit cannot have lost it: read exactly.
    assert Member.objects.filter(nik=other[0]["NIK KTP"]).exists()


def test_leading_zeros_of_id_keluarga_are_kept(builder, run_import, tmp_path):
    family = one_family(builder, number=42)
    assert family[0]["IDSEMESTA"] == "003400000042"
    run_import(csv_bytes([family]))
    assert Household.objects.filter(id_keluarga="003400000042").exists()
    # An XLSX text cell keeps them too.
    other = one_family(builder, number=43)
    path = tmp_path / "roster.xlsx"
    write_xlsx(path, [other])
    run_import(path, name="roster.xlsx")
    assert Household.objects.filter(id_keluarga="003400000043").exists()


def test_every_date_format_and_excel_date_cells(builder, run_import, tmp_path):
    family = one_family(builder)
    births = [datetime.date.fromisoformat(m) for m in ("1980-03-05", "1984-11-29", "2015-07-09")]
    formats = ["05/03/1980", "29-11-1984", "2015-07-09"]
    for row, birth, text in zip(family, births, formats, strict=False):
        region6 = row["NIK KTP"][:6]
        row["NIK KTP"] = nik_for(region6, birth, row["JK"], 7001 + births.index(birth))
        row["TGL LAHIR"] = text
    family = family[: len(births)]
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.committed, rejections(roster_import)
    assert sorted(Member.objects.values_list("birth_date", flat=True)) == births
    assert roster_import.warnings == 0  # NIKs agree with the dates

    # The same family as XLSX with real date cells (and an Excel datetime): unchanged.
    def convert(header, value):
        if header == "TGL LAHIR":
            day = datetime.date.fromisoformat(
                value
                if "-" in value and len(value.split("-")[0]) == 4
                else "-".join(reversed(value.replace("/", "-").split("-")))
            )
            return datetime.datetime(day.year, day.month, day.day)
        return value

    path = tmp_path / "dates.xlsx"
    write_xlsx(path, [family], convert=convert)
    again = run_import(path, name="dates.xlsx")
    assert again.committed
    assert again.members_unchanged == 3 and again.members_updated == 0


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2019", "tidak terbaca"),
        ("2019/02/03", "tidak terbaca"),
        ("12-2019", "tidak terbaca"),
        ("01/01/2099", "masa depan"),
        ("", "Wajib"),
    ],
)
def test_unreadable_and_future_dates_are_rejected(builder, run_import, value, reason):
    family = one_family(builder)
    family[2]["TGL LAHIR"] = value
    roster_import = run_import(csv_bytes([family]))
    assert not roster_import.committed
    assert [(line, column) for line, column, _r in rejections(roster_import)] == [
        (4, "TANGGAL_LAHIR")
    ]
    assert reason in rejections(roster_import)[0][2]
    assert Member.objects.count() == 0


def test_blank_trailing_rows_and_columns(builder, run_import, tmp_path):
    families = list(builder.families(2))
    data = csv_bytes(families).decode("utf-8-sig")
    lines = [line + ";;;" for line in data.splitlines()]  # three empty columns at the end
    text = "\r\n".join(lines) + "\r\n;;;;;;\r\n\r\n;;\r\n"
    roster_import = run_import(text.encode("utf-8-sig"))
    assert roster_import.committed, rejections(roster_import)
    assert roster_import.rows == sum(len(f) for f in families)
    assert not roster_import.issues.filter(column="").exists()  # blank headers are not "unknown"

    path = tmp_path / "trailing.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEADERS, None, None])
    for rows in builder.families(2, start=50):
        for row in rows:
            ws.append([row.get(h, "") for h in HEADERS] + [None, None])
    for _ in range(30):
        ws.append([None] * (len(HEADERS) + 2))
    ws.cell(row=200, column=30, value=None)
    wb.save(path)
    xlsx_import = run_import(path, name="trailing.xlsx")
    assert xlsx_import.committed
    assert xlsx_import.rows == xlsx_import.members_created


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n",
            "roster.csv",
            "PDF",
        ),
        (b"", "roster.csv", "kosong"),
        (b"\r\n  \r\n", "roster.csv", "kosong"),
        (b"Laporan bulanan,Bantul\nSiti,Dusun Kertan\n", "roster.csv", "Baris judul"),
        (b"NIK;NAMA\n3402094202810001;SITI\n", "roster.csv", "Kolom wajib tidak ada"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "roster.xls", ".xls"),
    ],
)
def test_files_that_are_not_rosters(run_import, data, name, message):
    roster_import = run_import(data, name=name)
    assert roster_import.status == ImportStatus.FAILED
    assert message in roster_import.error
    assert not roster_import.committed
    assert Household.objects.count() == 0


def test_xlsx_without_rows_and_header_only(run_import, tmp_path):
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    roster_import = run_import(empty, name="empty.xlsx")
    assert roster_import.status == ImportStatus.FAILED
    assert "tidak berisi baris" in roster_import.error

    header_only = tmp_path / "header.xlsx"
    write_xlsx(header_only, [])
    roster_import = run_import(header_only, name="header.xlsx")
    assert roster_import.status == ImportStatus.FAILED
    assert "baris data" in roster_import.error


def test_named_sheet(builder, run_import, tmp_path):
    path = tmp_path / "two-sheets.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Petunjuk"
    wb.active.append(["Isi data di sheet ROSTER"])
    ws = wb.create_sheet("ROSTER")
    ws.append(HEADERS)
    for row in one_family(builder):
        ws.append([row.get(h, "") for h in HEADERS])
    wb.save(path)
    assert run_import(path, name="r.xlsx").status == ImportStatus.FAILED  # first sheet: no roster
    roster_import = run_import(path, name="r.xlsx", sheet="ROSTER")
    assert roster_import.committed
    missing = run_import(path, name="r.xlsx", sheet="Data")
    assert "Sheet" in missing.error and "ROSTER" in missing.error


@pytest.mark.slow
def test_a_50_mb_file_streams(builder, run_import, tmp_path):
    """A 50 MB roster (with a long free-text column national exports carry) is read in a
    streaming pass: the process does not grow by anything like the file's size."""
    path = tmp_path / "big.csv"
    note = "Catatan verifikasi lapangan: " + "rumah semi permanen, lantai tanah, " * 12
    headers = [*HEADERS, "KETERANGAN"]

    def families():
        for rows in builder.families(22_000):
            for row in rows:
                row["KETERANGAN"] = note
            yield rows

    rows = write_csv(path, families(), headers=headers)
    size = path.stat().st_size
    assert size >= 50 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    roster_import = run_import(str(path), name="big.csv", mode=ImportMode.DRY_RUN)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert roster_import.status == ImportStatus.DONE, roster_import.error
    assert roster_import.rows == rows
    assert roster_import.rows_rejected == 0
    assert roster_import.households_created == 22_000
    assert grown_mb < 60, f"RSS grew by {grown_mb:.0f} MB for a {size / 2**20:.0f} MB file"
