"""The second roster shape (``bench/gen_roster_field.py``): the importer's counts equal
the ones the generator computed from what it made (on PostgreSQL and SQLite)."""

import json

import pytest
from django.db.models import Count

from bench import gen_roster_field
from imports.models import ImportIssue, ImportMode
from regions.models import Region, RegionLevel

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("components")]


def by_column(roster_import, kind):
    return dict(
        ImportIssue.objects.filter(roster_import=roster_import, kind=kind)
        .values_list("column")
        .annotate(n=Count("id"))
        .order_by("column")
    )


@pytest.fixture
def field_roster(tmp_path, admin_user, facilitator, other_facilitator):
    villages = sorted(
        Region.objects.filter(code__startswith="34.02.", level=RegionLevel.VILLAGE).values_list(
            "code", flat=True
        )
    )
    assert len(villages) > 1
    path = tmp_path / "field.csv"
    expected = gen_roster_field.generate(
        str(path),
        300,
        villages=villages,
        facilitators=[facilitator.username, other_facilitator.username],
        seed=3,
    )
    assert json.loads((tmp_path / "field.csv.expected.json").read_text()) == expected
    return path, expected


def test_the_importers_counts_are_the_generators(field_roster, run_import):
    path, e = field_roster
    # The shape asked for: bad rows of every kind, big families, shared names.
    assert set(e["rejections_by_column"]) >= {"NIK", "NO_KK", "TANGGAL_LAHIR", "NAMA"}
    assert e["warnings_by_column"]["NAMA"] > 0 and e["warnings_by_column"]["NIK"] > 0
    assert 0.01 < e["rows_rejected"] / e["rows"] < 0.2

    first = run_import(path, name="field.csv", mode=ImportMode.SKIP_INVALID)
    assert first.committed, first.error
    assert (
        first.rows,
        first.rows_rejected,
        first.households_created,
        first.households_skipped,
        first.members_created,
        first.warnings,
    ) == (
        e["rows"],
        e["rows_rejected"],
        e["households_created"],
        e["households_skipped"],
        e["members_created"],
        e["warnings"],
    )
    assert by_column(first, "rejection") == e["rejections_by_column"]
    assert by_column(first, "warning") == e["warnings_by_column"]

    # The same file again: nothing changes, and the same rejections and warnings (the
    # registry checks do not name the file's own pairs a second time).
    again = run_import(path, name="field.csv", mode=ImportMode.SKIP_INVALID)
    assert again.committed, again.error
    assert (again.households_created, again.members_created, again.households_updated) == (
        0,
        0,
        0,
    )
    assert again.households_unchanged == e["households_created"]
    assert again.members_unchanged == e["members_created"]
    assert again.rows_rejected == e["rows_rejected"]
    assert by_column(again, "rejection") == e["rejections_by_column"]
    assert by_column(again, "warning") == e["warnings_by_column"]


def test_large_families_and_common_names(tmp_path):
    """The shape itself (no database): 10+ member families, SITI and MUHAMMAD often."""
    import csv

    path = tmp_path / "f.csv"
    gen_roster_field.generate(str(path), 2000, villages=["34.02.09.2001", "34.02.09.2002"],
                              facilitators=["p1"])  # fmt: skip
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sizes = {}
    for row in rows:
        sizes[row["ID_KELUARGA"]] = sizes.get(row["ID_KELUARGA"], 0) + 1
    assert sum(1 for n in sizes.values() if n >= 10) >= 20
    first_words = [row["NAMA"].split()[0].upper() for row in rows if row["NAMA"].strip()]
    assert first_words.count("SITI") / len(first_words) > 0.1
    assert first_words.count("MUHAMMAD") / len(first_words) > 0.1


def test_no_name_is_one_the_seeded_registry_gives():
    """bench/seed.py names people "FIRST" or "FIRST LAST" (LAST from its family names),
    and imports/tests/roster.py "FIRST LAST": the field roster's names always have a
    second word from neither list, so a seeded registry adds no probable duplicate."""
    from bench.seed import LAST_NAMES
    from imports.tests.roster import LAST

    family_names = {name.upper() for name in (*LAST_NAMES, *LAST)}
    words = {
        *gen_roster_field.FEMALE_SECOND,
        *gen_roster_field.MALE_SECOND,
        *(w for w in gen_roster_field.THIRD if w),
    }
    assert not words & family_names
