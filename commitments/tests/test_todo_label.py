"""The month to-do's label names the month in the project's one month notation
(``YEAR_MONTH_FORMAT``), in the active language."""

import datetime

import pytest
from django.utils import translation

from commitments.extensions import month_todo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"), [("id", "Verifikasi komitmen Des 2026"), ("en", "Dec 2026")]
)
def test_month_todo_label_uses_the_short_localised_month(family, facilitator, language, expected):
    with translation.override(language):
        items = month_todo(user=facilitator, today=datetime.date(2027, 1, 5))
    assert len(items) == 1
    assert expected in items[0].label
    assert "Desember" not in items[0].label and "December" not in items[0].label
