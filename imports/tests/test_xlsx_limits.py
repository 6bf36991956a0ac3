"""Hostile XLSX files: a zip that unpacks to far more than it weighs, a cell of many
megabytes, a part whose size header lies. Each is refused with a message while it is
being read, with bounded memory, and nothing is written; an ordinary roster still imports.
"""

import struct
import tracemalloc
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from households.models import Household
from imports.models import ImportMode, ImportStatus
from imports.reader import RosterFileError, XlsxTooLarge, open_roster
from imports.tests.roster import HEADERS, write_xlsx

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _indonesian():
    """The messages are checked in Indonesian, whatever language an earlier test in this
    process left active."""
    with translation.override("id"):
        yield


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _row_xml(number: int, values: list[str]) -> str:
    from openpyxl.utils import get_column_letter

    cells = "".join(
        _cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(values, start=1) if v
    )
    return f'<row r="{number}">{cells}</row>'


def hostile_xlsx(path, family, *, huge_cell_mb: int = 0, huge_column: str = "ALAMAT"):
    """A real workbook (openpyxl's parts) whose sheet holds the family's rows; with
    ``huge_cell_mb`` the first member's ``huge_column`` is that many MB of one letter,
    streamed into the zip so the test never holds it (it deflates ~1000:1)."""
    base = path.with_suffix(".base.xlsx")
    write_xlsx(base, [family])
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != SHEET:
                out.writestr(info, source.read(info.filename))
        with out.open(SHEET, "w") as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            sheet.write(_row_xml(1, HEADERS).encode())
            for number, row in enumerate(family, start=2):
                values = [str(row.get(h, "")) for h in HEADERS]
                if number == 2 and huge_cell_mb:
                    column = HEADERS.index(huge_column)
                    head = _row_xml(number, values[:column]).removesuffix("</row>")
                    ref = f"{chr(ord('A') + column)}{number}"
                    sheet.write(f'{head}<c r="{ref}" t="inlineStr"><is><t>'.encode())
                    block = b"A" * MB
                    for _ in range(huge_cell_mb):
                        sheet.write(block)
                    sheet.write(b"</t></is></c></row>")
                else:
                    sheet.write(_row_xml(number, values).encode())
            sheet.write(b"</sheetData></worksheet>")
    base.unlink()
    return path


def lie_about_size(path, member: str, size: int) -> None:
    """Rewrite the uncompressed size the zip records for ``member`` (central directory
    and local header) as ``size``: the part holds far more than it says."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
            break
        at += 4
    else:
        raise AssertionError(f"{member} not in the zip")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as check:
        assert check.getinfo(member).file_size == size


def read_all(path) -> int:
    source = open_roster(str(path))
    try:
        return sum(1 for _ in source.rows)
    finally:
        source.close()


def peak_mb(function, *args) -> tuple[float, object]:
    tracemalloc.start()
    try:
        outcome = function(*args)
    except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
        outcome = exc
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return peak, outcome


def test_one_huge_cell_is_refused_while_it_streams_with_bounded_memory(builder, tmp_path):
    path = hostile_xlsx(tmp_path / "bomb.xlsx", builder.family(1), huge_cell_mb=64)
    assert path.stat().st_size < 1 * MB  # small on disk, 64 MB unpacked
    peak, outcome = peak_mb(read_all, path)
    assert isinstance(outcome, XlsxTooLarge)
    assert "sel yang terlalu panjang (lebih dari 32767 karakter)" in str(outcome)
    assert "Tidak ada yang disimpan" in str(outcome)
    assert peak < 16, f"reading the bomb allocated {peak:.0f} MB"


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(builder, tmp_path):
    path = hostile_xlsx(tmp_path / "liar.xlsx", builder.family(1), huge_cell_mb=32)
    lie_about_size(path, SHEET, 4096)  # says 4 KB, holds 32 MB
    peak, outcome = peak_mb(read_all, path)
    assert isinstance(outcome, RosterFileError)
    assert "File XLSX ini rusak" in str(outcome)
    assert peak < 16, f"reading the lying part allocated {peak:.0f} MB"


def test_declared_expanded_size_over_the_limit_is_refused_before_unpacking(
    builder, tmp_path, settings
):
    settings.IMPORTS_XLSX_MAX_EXPANDED_MB = 8
    path = hostile_xlsx(tmp_path / "big.xlsx", builder.family(1), huge_cell_mb=9)
    peak, outcome = peak_mb(read_all, path)
    assert isinstance(outcome, XlsxTooLarge)
    assert "terlalu besar setelah dibuka: isinya lebih dari 8 MB," in str(outcome)
    assert peak < 4


def test_a_cell_just_over_the_character_limit_names_its_row(builder, tmp_path, settings):
    settings.IMPORTS_XLSX_MAX_CELL_CHARS = 100
    family = builder.family(1)
    family[1]["ALAMAT"] = "Jl. Parangtritis km 5, " * 6  # 138 characters
    path = tmp_path / "long.xlsx"
    write_xlsx(path, [family])
    with pytest.raises(XlsxTooLarge, match="Baris 3 file XLSX ini berisi sel yang terlalu"):
        read_all(path)
    settings.IMPORTS_XLSX_MAX_CELL_CHARS = 200
    assert read_all(path) == len(family)


def test_the_import_page_shows_the_message_and_writes_nothing(
    client, admin_user, builder, tmp_path, django_capture_on_commit_callbacks
):
    path = hostile_xlsx(tmp_path / "bomb.xlsx", builder.family(1), huge_cell_mb=64)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:create"),
            {
                "file": SimpleUploadedFile("roster.xlsx", path.read_bytes()),
                "mode": ImportMode.ALL_OR_NOTHING,
            },
        )
    page = client.get(response.url).content.decode()
    assert "File XLSX ini berisi sel yang terlalu panjang" in page
    assert "Tidak ada yang disimpan" in page
    assert Household.objects.count() == 0


def test_an_ordinary_xlsx_roster_still_imports(builder, run_import, tmp_path):
    families = list(builder.families(3))
    path = hostile_xlsx(tmp_path / "ok.xlsx", families[0])  # the same parts, no bomb
    assert run_import(path, name="ok.xlsx").committed
    path = tmp_path / "roster.xlsx"
    write_xlsx(path, families[1:])
    roster_import = run_import(path, name="roster.xlsx")
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert Household.objects.count() == 3


def test_the_upload_page_states_the_xlsx_limits(client, admin_user, settings):
    settings.IMPORTS_XLSX_MAX_EXPANDED_MB = 512
    settings.IMPORTS_XLSX_MAX_CELL_CHARS = 5000
    client.force_login(admin_user)
    page = client.get(reverse("imports:create")).content.decode()
    assert "isinya setelah dibuka paling banyak 512 MB, dan satu sel paling banyak 5000" in page
