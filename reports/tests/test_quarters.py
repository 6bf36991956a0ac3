import datetime
import zoneinfo

import pytest

from reports.quarters import Quarter, recent_quarters

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def test_parse_and_label():
    assert str(Quarter.parse("2026Q3")) == "2026Q3"
    assert Quarter.parse(" 2026-q1 ") == Quarter(2026, 1)
    for bad in ["", "2026Q5", "Q3", "2026", "abcdQ1"]:
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_calendar_quarter_boundaries_are_midnight_in_jakarta():
    q = Quarter(2026, 3)
    assert q.first_day == datetime.date(2026, 7, 1)
    assert q.last_day == datetime.date(2026, 9, 30)
    assert q.start == datetime.datetime(2026, 7, 1, tzinfo=JAKARTA)
    assert q.end == datetime.datetime(2026, 10, 1, tzinfo=JAKARTA)
    # 17:00 UTC on 30 June is already 1 July in Jakarta (UTC+7).
    assert q.start == datetime.datetime(2026, 6, 30, 17, tzinfo=datetime.UTC)
    assert Quarter(2026, 4).next == Quarter(2027, 1)
    assert Quarter(2026, 1).previous == Quarter(2025, 4)


def test_last_ended_uses_the_report_time_zone():
    just_after = datetime.datetime(2026, 6, 30, 17, 30, tzinfo=datetime.UTC)  # 1 Jul 00:30 WIB
    assert Quarter.last_ended(just_after) == Quarter(2026, 2)
    just_before = datetime.datetime(2026, 6, 30, 16, 30, tzinfo=datetime.UTC)
    assert Quarter.last_ended(just_before) == Quarter(2026, 1)
    assert [str(q) for q in recent_quarters(3, just_after)] == ["2026Q2", "2026Q1", "2025Q4"]


def test_quarter_boundaries_follow_the_first_month_setting(settings):
    settings.PKH_QUARTER_FIRST_MONTH = 4  # a fiscal year starting in April
    q = Quarter(2026, 4)
    assert q.first_day == datetime.date(2027, 1, 1)
    assert q.last_day == datetime.date(2027, 3, 31)
    assert Quarter.containing(datetime.date(2026, 2, 10)) == Quarter(2025, 4)


def test_beat_schedule_runs_on_the_first_day_of_each_quarter(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-progress-reports"]
    assert entry["task"] == "reports.tasks.quarter_reports_start"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1}
    assert schedule.month_of_year == {1, 4, 7, 10}
