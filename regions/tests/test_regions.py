"""Loading the Kemendagri region list: the bundled file, a given path, bad files."""

import io

import pytest
from django.core.management import CommandError, call_command

from regions.models import Region
from regions.services import regions_load

pytestmark = pytest.mark.django_db


def test_load_regions_bundled_file_is_complete_and_idempotent():
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert Region.objects.count() == 91_599
    assert Region.objects.filter(level=4).count() == 83_762
    assert Region.objects.get(code="34.02.09.2001").name == "Patalan"
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert "0 created, 0 updated, 91599 unchanged" in out.getvalue()


def test_load_regions_from_a_path(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text("kode,nama\n34,DIY\n34.02,Kabupaten Bantul\n", encoding="utf-8")
    call_command("load_regions", str(path), stdout=io.StringIO())
    assert Region.objects.count() == 2


def test_load_regions_reports_bad_files(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_regions", str(tmp_path / "missing.csv"), stdout=io.StringIO())
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,nama\n34.2,X\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_regions", str(bad), stdout=io.StringIO())


def test_regions_load_is_idempotent_and_updates_names(db):
    rows = [
        {"kode": "34", "nama": "Daerah Istimewa Yogyakarta"},
        {"kode": "34.02", "nama": "Kabupaten Bantul"},
        {"kode": "34.02.09", "nama": "Jetis"},
        {"kode": "34.02.09.2001", "nama": "Patalan"},
    ]
    assert regions_load(rows=rows)["created"] == 4
    assert regions_load(rows=rows) == {
        "total": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
    }
    rows[3] = {"kode": "34.02.09.2001", "nama": "Patalan Baru"}
    assert regions_load(rows=rows)["updated"] == 1
    village = Region.objects.get(code="34.02.09.2001")
    assert (village.name, village.level, village.parent_id) == ("Patalan Baru", 4, "34.02.09")


@pytest.mark.parametrize(
    "row",
    [{"kode": "34.02.9", "nama": "X"}, {"kode": "34.02.09.2001", "nama": ""}],
)
def test_regions_load_rejects_bad_rows_and_writes_nothing(db, row):
    with pytest.raises(ValueError):
        regions_load(rows=[{"kode": "34", "nama": "DIY"}, row])
    assert not Region.objects.exists()
