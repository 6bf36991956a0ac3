"""One notation across the app: quarters, dates and counts (issue 19)."""

import datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from conftest import login
from households.tests.factories import households_bulk
from pkh.quarter_calendar import quarter_label
from reports import services
from reports.models import ProgressReport, Trigger
from reports.quarters import Quarter
from reports.tests.factories import household_at

Q = Quarter(2026, 2)


# --- quarter_label ---------------------------------------------------------------------


def test_quarter_label_in_indonesian_and_english():
    with translation.override("id"):
        assert quarter_label(2026, 3) == "T3 2026"
        assert quarter_label(None, 4) == "T4"
        assert Quarter(2026, 1).display == "T1 2026"
    with translation.override("en"):
        assert quarter_label(2026, 3) == "Q3 2026"
        assert quarter_label(None, 4) == "Q4"
        assert Quarter(2026, 1).display == "Q1 2026"


def test_quarter_label_filter_reads_a_quarter_a_key_or_a_year_and_number():
    template = Template(
        "{{ q|quarter_label }}|{{ key|quarter_label }}|{{ year|quarter_label:n }}|"
        "{{ other|quarter_label }}|{{ none|quarter_label }}"
    )
    context = Context({"q": Q, "key": "2026Q3", "year": 2027, "n": 1, "other": "x", "none": None})
    with translation.override("id"):
        assert template.render(context) == "T2 2026|T3 2026|T1 2027|x|"
    with translation.override("en"):
        assert template.render(context) == "Q2 2026|Q3 2026|Q1 2027|x|"


def test_number_filter_groups_numbers_only():
    template = Template("{{ a|number }} {{ b|number }} {{ c|number }} {{ d|number }}")
    context = Context({"a": 1200, "b": 1234567, "c": "-", "d": "2026-07"})
    with translation.override("id"):
        assert template.render(context) == "1.200 1.234.567 - 2026-07"
    with translation.override("en"):
        assert template.render(context) == "1,200 1,234,567 - 2026-07"


def test_dates_have_one_format_per_language():
    day = datetime.date(2026, 12, 5)
    when = datetime.datetime(2026, 12, 5, 14, 30)
    with translation.override("id"):
        assert date_format(day) == "5 Des 2026"
        assert date_format(when, "DATETIME_FORMAT") == "5 Des 2026 14:30"
        assert date_format(when, "SHORT_DATETIME_FORMAT") == "5 Des 2026 14:30"
        assert date_format(day, "MONTH_DAY_FORMAT") == "5 Des"
        assert Template("{{ d|date }}").render(Context({"d": day})) == "5 Des 2026"
    with translation.override("en"):
        assert date_format(day) == "5 Dec 2026"
        assert date_format(when, "DATETIME_FORMAT") == "5 Dec 2026 14:30"


def test_templates_hard_code_no_date_format():
    """Dates go through the named formats (pkh/formats); only a date input's ISO value
    and a weekday name are spelled out."""
    allowed = {'|date:"l"', "|date:'Y-m-d'"}
    found = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        start = 0
        while (i := text.find("|date:", start)) != -1:
            token = text[i : i + 6 + 1 + text[i + 7 :].find(text[i + 6]) + 1]
            if token not in allowed and not token[7:-1].endswith("_FORMAT"):
                found.append(f"{path.name}: {token}")
            start = i + 1
    assert found == []


# --- the same notation on every page ---------------------------------------------------


class _Text(HTMLParser):
    """The text a reader sees (no attribute values, no scripts)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _text(response) -> str:
    assert response.status_code == 200, response
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def big_caseload(facilitator, supervisor, django_capture_on_commit_callbacks):
    """A facilitator with 1,200 families and a 2026Q2 report whose caseload says so."""
    household_at(when=Q.start - datetime.timedelta(days=5), facilitator=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_create(
            quarter=Q, facilitators=[facilitator], by=None, trigger=Trigger.SCHEDULE
        )
    report = ProgressReport.objects.get(facilitator=facilitator)
    figure = report.snapshot["sections"][0]["figures"][0]
    figure["value"] = 1200
    report.summary = {**report.summary, figure["key"]: 1200}
    report.save(update_fields=["snapshot", "summary"])
    households_bulk(1199, facilitator=facilitator)
    return report


@pytest.mark.parametrize(
    ("language", "quarter", "thousands"), [("id", "T2 2026", "1.200"), ("en", "Q2 2026", "1,200")]
)
def test_pages_share_one_quarter_label_and_thousands_notation(
    client, facilitator, supervisor, big_caseload, language, quarter, thousands
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    login(client, facilitator)
    pages = {
        "home": _text(client.get(reverse("home"))),
        "caseload": _text(client.get(reverse("households:caseload"))),
        "report": _text(client.get(reverse("reports:detail", args=[big_caseload.pk]))),
        "report list": _text(client.get(reverse("reports:list"))),
    }
    login(client, supervisor)
    pages["team report"] = _text(client.get(reverse("reports:team"), {"triwulan": str(Q)}))
    pages["graduation review"] = _text(
        client.get(reverse("graduation:review"), {"tahun": 2026, "triwulan": 2})
    )
    pages["graduation targets"] = _text(
        client.get(reverse("graduation:targets"), {"tahun": 2026, "triwulan": 2})
    )
    for name in ["home", "caseload", "report", "team report"]:
        assert thousands in pages[name], name
        assert "1200" not in pages[name], name
    for name in ["report", "report list", "team report", "graduation review", "graduation targets"]:
        assert quarter in pages[name], name
        assert "2026Q2" not in pages[name], name  # the key stays in URLs and values
