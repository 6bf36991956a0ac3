"""The month page's "Aturan yang berlaku": every rule in force with its value, the local
defaults (bawaan lokal) marked, the programme's values not (docs/commitments.md)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from commitments.forms import month_key
from conftest import login

pytestmark = pytest.mark.django_db

LOCAL = {
    "ABSENCES_COUNTED",
    "SCHOOL_WEEK_DAYS",
    "IBU_HAMIL_ITEMS",
    "OLDER_CHILD_ITEMS",
    "LANSIA_ITEMS",
    "DISABILITAS_ITEMS",
    "ENTRY_DUE_DAY",
    "HOME_VISIT_AFTER_MONTHS",
    "WARNING_MIN_MONTHS",
    "REDUCTION_MIN_MONTHS",
    "SUSPENSION_MIN_MONTHS",
    "CANCELLATION_AFTER_QUARTERS",
}
PROGRAMME = {"ATTENDANCE_MIN_PERCENT", "UNDER_FIVE_ITEMS", "REDUCTION_PERCENT"}


def rules_on_page(client, user, month) -> dict[str, tuple[str, str]]:
    """``{setting: (data-source, the line's HTML)}`` of the page's rule list."""
    html = login(client, user).get(f"{reverse('commitments:month')}?bulan={month_key(month)}")
    html = html.content.decode()
    return {
        m["setting"]: (m["source"], m["body"])
        for m in re.finditer(
            r'<li data-rule="(?P<setting>\w+)" data-source="(?P<source>\w+)">(?P<body>.*?)</li>',
            html,
            re.S,
        )
    }


def test_local_defaults_are_labelled_and_programme_values_are_not(
    client, family, facilitator, month
):
    rules = rules_on_page(client, facilitator, month)
    assert set(rules) == LOCAL | PROGRAMME
    for setting in LOCAL:
        source, body = rules[setting]
        assert source == "local"
        assert f'data-local-default="{setting}"' in body and "bawaan lokal" in body, setting
    for setting in PROGRAMME:
        source, body = rules[setting]
        assert source == "programme" and "bawaan lokal" not in body, setting


@override_settings(
    PKH_COMMITMENT_ENTRY_DUE_DAY=15,
    PKH_COMMITMENT_ABSENCES_COUNTED=["unexcused"],
    PKH_COMMITMENT_SUSPENSION_MIN_MONTHS=2,
    PKH_COMMITMENT_LANSIA_ITEMS=[],
)
def test_the_lines_show_the_values_in_force(client, family, facilitator, month):
    rules = rules_on_page(client, facilitator, month)
    assert "tanggal 15 bulan berikutnya" in rules["ENTRY_DUE_DAY"][1]
    assert "dihitung: alpa." in rules["ABSENCES_COUNTED"][1]
    assert "tidak memenuhi 2 bulan atau lebih" in rules["SUSPENSION_MIN_MONTHS"][1]
    assert "Lansia, setiap bulan: tidak ada." in rules["LANSIA_ITEMS"][1]


def test_a_supervisor_reads_the_same_rules(client, family, supervisor, month):
    rules = rules_on_page(client, supervisor, month)
    assert (
        rules["ENTRY_DUE_DAY"][0] == "local" and rules["ATTENDANCE_MIN_PERCENT"][0] == "programme"
    )
