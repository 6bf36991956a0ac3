"""The meaning of an import (docs/roster_format.md): duplicates in the file and against
the registered members."""

import pytest

from households.models import Household, Member
from households.tests.factories import household_with_members
from imports.models import ImportMode, IssueKind
from imports.tests.helpers import issues
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def test_same_nik_twice_in_the_file_rejects_every_such_row(builder, run_import):
    a, b = builder.family(1), builder.family(2)
    b[1]["NIK KTP"] = a[2]["NIK KTP"]
    roster_import = run_import(csv_bytes([a, b]))
    assert not roster_import.committed
    found = [(line, column) for line, column, _r in issues(roster_import)]
    line_a, line_b = 1 + 3, 1 + len(a) + 2  # header = line 1
    assert found == [(line_a, "NIK"), (line_b, "NIK")]
    assert str(line_b) in issues(roster_import)[0][2]  # each row names the other
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_nik_of_a_member_of_another_family_is_rejected(builder, run_import, facilitator):
    registered = household_with_members(facilitator=facilitator)
    nik = registered.members.first().nik
    family = builder.family(1)
    family[1]["NIK KTP"] = nik
    roster_import = run_import(csv_bytes([family]), mode=ImportMode.SKIP_INVALID)
    assert issues(roster_import) == [
        (
            3,
            "NIK",
            f"NIK ini sudah terdaftar sebagai anggota keluarga lain (ID {registered.id_keluarga}).",
        )
    ]
    assert roster_import.households_skipped == 1
    assert Household.objects.count() == 1  # the family was left out whole
    assert Member.objects.get(nik=nik).household == registered


def test_probable_duplicates_are_warnings_listing_both_records(builder, run_import, facilitator):
    registered = household_with_members(facilitator=facilitator)
    member = registered.members.order_by("birth_date").first()
    family = builder.family(1)
    family[3]["NAMA ART"] = f"  {member.name.lower()} "  # another NIK, same person?
    family[3]["TGL LAHIR"] = member.birth_date.strftime("%d/%m/%Y")
    other = builder.family(2)
    other[0]["NAMA ART"] = family[0]["NAMA ART"]
    other[0]["TGL LAHIR"] = family[0]["TGL LAHIR"]
    roster_import = run_import(csv_bytes([family, other]))
    assert roster_import.committed  # warnings do not block
    warnings = issues(roster_import, IssueKind.WARNING)
    registry = [w for w in warnings if "anggota terdaftar" in w[2]]
    assert registry and registry[0][0] == 5
    assert member.nik in registry[0][2] and registered.id_keluarga in registry[0][2]
    in_file = [w for w in warnings if "nama dan tanggal lahir sama" in w[2] and "baris" in w[2]]
    assert {w[0] for w in in_file} == {2, 2 + len(family)}
    assert any(w[2].find(str(2 + len(family))) > 0 for w in in_file if w[0] == 2)


def test_same_name_twice_on_one_family_card(builder, run_import):
    family = builder.family(1)
    family[3]["NAMA ART"] = family[2]["NAMA ART"]
    roster_import = run_import(csv_bytes([family]))
    lines = {w[0] for w in issues(roster_import, IssueKind.WARNING) if "No. KK" in w[2]}
    assert lines == {4, 5}


def test_the_same_file_again_warns_about_each_probable_duplicate_once(builder, run_import):
    """Once imported, the file's members are registered: a pair of them is still one
    warning per row (the file's), not one more against each other's registered record."""
    family, other = builder.family(1), builder.family(2)
    other[0]["NAMA ART"], other[0]["TGL LAHIR"] = family[0]["NAMA ART"], family[0]["TGL LAHIR"]
    family[3]["NAMA ART"] = family[2]["NAMA ART"]  # the same name twice on one card
    data = csv_bytes([family, other])
    first = run_import(data)
    assert first.committed
    second = run_import(data)
    assert second.committed and second.households_unchanged == 2
    warned = sorted(issues(second, IssueKind.WARNING))
    assert warned == sorted(issues(first, IssueKind.WARNING))
    assert not [w for w in warned if "terdaftar" in w[2]]
    assert len([w for w in warned if "No. KK" in w[2]]) == 2


def test_a_registered_member_whose_row_cannot_be_compared_is_still_named(builder, run_import):
    """The file has the registered member too, but their row's birth date is unreadable:
    the file checks cannot pair them, so the registry check still does."""
    family = builder.family(1)
    assert run_import(csv_bytes([family])).committed
    registered = Member.objects.get(nik=family[2]["NIK KTP"])
    family[2]["TGL LAHIR"] = "31/02/2019"  # rejected: the family is left out
    other = builder.family(2)
    other[3]["NAMA ART"] = family[2]["NAMA ART"]
    other[3]["TGL LAHIR"] = registered.birth_date.strftime("%d/%m/%Y")
    roster_import = run_import(csv_bytes([family, other]), mode=ImportMode.SKIP_INVALID)
    line = 1 + len(family) + 4  # header = line 1
    named = [w for w in issues(roster_import, IssueKind.WARNING) if "anggota terdaftar" in w[2]]
    assert [w[0] for w in named] == [line] and registered.nik in named[0][2]
