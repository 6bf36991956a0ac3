"""``manage.py import_roster``: JSON keys and exit codes of the issue."""

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from households.models import Household
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db

KEYS = {
    "rows",
    "households_created",
    "households_updated",
    "households_unchanged",
    "members_created",
    "members_updated",
    "members_unchanged",
    "rows_rejected",
    "warnings",
    "committed",
}


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_roster", *args)
        raise SystemExit(0)
    out = capsys.readouterr().out.strip()
    return exit_info.value.code, out


def test_committed_import_exits_0_with_the_json_keys(tmp_path, builder, admin_user, capsys):
    path = tmp_path / "roster.csv"
    families = list(builder.families(3))
    path.write_bytes(csv_bytes(families))
    code, out = run(capsys, str(path), "--json", "--by", admin_user.username)
    result = json.loads(out)
    assert code == 0
    assert set(result) >= KEYS
    assert result["committed"] is True
    assert result["households_created"] == 3
    assert result["rows"] == sum(len(f) for f in families)
    code, out = run(capsys, str(path), "--json", "--by", admin_user.username)
    again = json.loads(out)
    assert code == 0 and again["households_unchanged"] == 3 and again["households_created"] == 0


def test_rejected_rows_exit_1_and_write_the_report(tmp_path, builder, admin_user, capsys):
    path, report = tmp_path / "roster.csv", tmp_path / "laporan.csv"
    families = list(builder.families(2))
    families[1][0]["NIK KTP"] = "3.40209E+15"
    path.write_bytes(csv_bytes(families))
    code, out = run(
        capsys, str(path), "--json", "--by", admin_user.username, "--report", str(report)
    )
    result = json.loads(out)
    assert code == 1
    assert result["committed"] is False and result["rows_rejected"] == 1
    assert Household.objects.count() == 0
    rows = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:5] == ["JENIS", "BARIS", "KOLOM", "ALASAN", "NILAI"]
    rejected = [r for r in rows[1:] if r[0] == "Ditolak"]
    assert rejected[0][1:3] == [str(2 + len(families[0])), "NIK"]
    # --skip-invalid writes the valid family; rows were still rejected: exit 1, committed.
    code, out = run(capsys, str(path), "--json", "--skip-invalid", "--by", admin_user.username)
    result = json.loads(out)
    assert code == 1 and result["committed"] is True and result["households_created"] == 1


def test_dry_run_exits_0_when_clean_and_writes_nothing(tmp_path, builder, admin_user, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([builder.family(1)]))
    code, out = run(capsys, str(path), "--dry-run", "--json", "--by", admin_user.username)
    assert code == 0
    assert json.loads(out)["committed"] is False
    assert json.loads(out)["households_created"] == 1
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"%PDF-1.5\n...", "PDF"), (b"", "kosong"), (b"A;B\n1;2\n", "judul")],
)
def test_unreadable_file_exits_2_with_a_clear_message(
    tmp_path, admin_user, capsys, content, message
):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    code, out = run(capsys, str(path), "--json", "--by", admin_user.username)
    assert code == 2
    result = json.loads(out)
    assert result["committed"] is False
    assert message in result["error"]


def test_missing_path_exits_2(tmp_path, admin_user, capsys):
    code, _out = run(capsys, str(tmp_path / "nope.csv"), "--by", admin_user.username)
    assert code == 2


def test_xlsx_sheet_option(tmp_path, builder, admin_user, capsys):
    import openpyxl

    from imports.tests.roster import HEADERS

    path = tmp_path / "roster.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Info"
    ws = wb.create_sheet("Data KPM")
    ws.append(HEADERS)
    for row in builder.family(1):
        ws.append([row[h] for h in HEADERS])
    wb.save(path)
    code, out = run(capsys, str(path), "--sheet", "Data KPM", "--json", "--by", admin_user.username)
    assert code == 0 and json.loads(out)["households_created"] == 1


def test_by_must_be_an_admin(tmp_path, builder, admin_user, facilitator):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([builder.family(1)]))
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--by", facilitator.username)
