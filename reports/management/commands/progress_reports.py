"""Generate (or regenerate) a quarter's progress reports from the command line.

    python manage.py progress_reports --quarter 2026Q3 [--facilitator USERNAME ...]
                                      [--by USERNAME] [--queue]

Without ``--queue`` the reports are computed in this process, one by one, and the command
exits 1 if any failed. With ``--queue`` the run is handed to the Celery workers. Either
way the run appears on the "Status laporan" page, recorded as started by the command
(and by ``--by`` if given).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from reports import services
from reports.models import ReportRun, RunStatus, Trigger
from reports.quarters import Quarter


class Command(BaseCommand):
    help = "Generate a quarter's progress reports (all active facilitators, or some)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument(
            "--facilitator",
            action="append",
            default=[],
            metavar="USERNAME",
            help="only this facilitator (repeatable)",
        )
        parser.add_argument("--by", metavar="USERNAME", help="record this user as requester")
        parser.add_argument("--queue", action="store_true", help="hand the run to Celery")

    def handle(self, *args, quarter, facilitator, by, queue, **options):
        try:
            q = Quarter.parse(quarter)
        except ValueError as exc:
            raise CommandError(str(exc))
        facilitators = services.active_facilitators()
        if facilitator:
            found = {
                u.username: u
                for u in User.objects.filter(username__in=facilitator, role=Role.FACILITATOR)
            }
            missing = sorted(set(facilitator) - set(found))
            if missing:
                raise CommandError(f"unknown facilitator(s): {', '.join(missing)}")
            facilitators = list(found.values())
        requester = None
        if by:
            requester = User.objects.filter(username=by).first()
            if requester is None:
                raise CommandError(f"unknown user: {by}")
        try:
            run = services.report_run_create(
                quarter=q,
                facilitators=facilitators,
                by=requester,
                trigger=Trigger.COMMAND,
                enqueue=queue,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        if queue:
            run.refresh_from_db()
            if run.status == RunStatus.FAILED:
                raise CommandError(run.error)
            self.stdout.write(f"run {run.pk}: {run.total} report(s) queued for {q}")
            return
        for n, item_id in enumerate(run.items.values_list("pk", flat=True), start=1):
            outcome = services.report_item_generate(item_id=item_id)
            if outcome == "failed" or n % 50 == 0:
                self.stdout.write(f"  {n}/{run.total} {outcome}")
        run = ReportRun.objects.get(pk=run.pk)
        self.stdout.write(
            f"run {run.pk} {run.status}: {run.done_count} done, {run.failed_count} failed ({q})"
        )
        if run.failed_count:
            raise CommandError("some reports failed; see the run page or rerun them")
