import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import ProgressReport, ReportRun
from reports.tests.conftest import Q

pytestmark = pytest.mark.django_db


def test_command_generates_the_quarter_and_reruns_replace(seeded):
    out = io.StringIO()
    call_command("progress_reports", "--quarter", str(Q), stdout=out)
    assert "3 done, 0 failed" in out.getvalue()
    call_command("progress_reports", "--quarter", str(Q), stdout=io.StringIO())
    assert ProgressReport.objects.count() == 3
    assert ReportRun.objects.filter(trigger="command").count() == 2


def test_command_for_one_facilitator_records_who(seeded, supervisor):
    call_command(
        "progress_reports",
        "--quarter",
        str(Q),
        "--facilitator",
        "pendamping2",
        "--by",
        supervisor.username,
        stdout=io.StringIO(),
    )
    report = ProgressReport.objects.get()
    assert report.facilitator.username == "pendamping2" and report.generated_by == supervisor


@pytest.mark.parametrize(
    "args",
    [
        ["--quarter", "2026Q9"],
        ["--quarter", "2099Q1"],
        ["--quarter", "2026Q2", "--facilitator", "tidakada"],
        ["--quarter", "2026Q2", "--by", "tidakada"],
    ],
)
def test_command_rejects_bad_input_and_writes_nothing(seeded, args):
    with pytest.raises(CommandError):
        call_command("progress_reports", *args, stdout=io.StringIO())
    assert not ReportRun.objects.exists() and not ProgressReport.objects.exists()
