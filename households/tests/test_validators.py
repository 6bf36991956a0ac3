import datetime

import pytest
from django.core.exceptions import ValidationError

from households.validators import nik_birth_parts, nik_warnings, validate_sixteen_digits


@pytest.mark.parametrize("value", ["3402094202810001", "0000000000000000"])
def test_sixteen_digits_accepts(value):
    validate_sixteen_digits(value)


@pytest.mark.parametrize(
    "value", ["340209420281000", "34020942028100011", "3.40209420281E+15", "340209420281000a", ""]
)
def test_sixteen_digits_rejects(value):
    with pytest.raises(ValidationError):
        validate_sixteen_digits(value)


def test_birth_parts_for_a_woman_adds_40_to_the_day():
    assert nik_birth_parts("3402094202810001") == (2, 2, 81, "P")
    assert nik_birth_parts("3402092911900001") == (29, 11, 90, "L")


def test_a_nik_that_agrees_gives_no_warning():
    assert (
        nik_warnings(
            "3402094202810001",
            birth_date=datetime.date(1981, 2, 2),
            sex="P",
            village_code="34.02.09.2003",
        )
        == []
    )


def test_birth_date_mismatch_is_a_warning():
    warnings = nik_warnings("3402094202810001", birth_date=datetime.date(1981, 2, 3), sex="P")
    assert len(warnings) == 1
    assert "Tanggal lahir" in warnings[0]


def test_sex_mismatch_is_a_warning():
    warnings = nik_warnings("3402090202810001", birth_date=datetime.date(1981, 2, 2), sex="P")
    assert len(warnings) == 1
    assert "Jenis kelamin" in warnings[0]


def test_region_mismatch_is_a_warning():
    warnings = nik_warnings(
        "3374014202810001",
        birth_date=datetime.date(1981, 2, 2),
        sex="P",
        village_code="34.02.09.2003",
    )
    assert len(warnings) == 1
    assert "337401" in warnings[0] and "340209" in warnings[0]


def test_impossible_date_in_nik_is_a_warning_when_no_birth_date_is_known():
    assert nik_warnings("3402097302810001")  # 33-02 for a woman: day 33 does not exist
    assert nik_warnings("3402094202810001") == []
