"""Helpers of the import tests: an import's issues, the size of the audit trail, and an
upload through the page or an import made directly."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household, Member
from imports.models import ImportMode, IssueKind
from imports.services import roster_import_create, roster_import_validate


def issues(roster_import, kind=IssueKind.REJECTION):
    return list(roster_import.issues.filter(kind=kind).values_list("line", "column", "reason"))


def history_count():
    return Household.history.count() + Member.history.count()


def upload(client, data: bytes, *, name="roster.csv", mode=ImportMode.ALL_OR_NOTHING, follow=False):
    return client.post(
        reverse("imports:create"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "mode": mode},
        follow=follow,
    )


def make_import(by, data: bytes, *, validate=True, mode=ImportMode.ALL_OR_NOTHING):
    roster_import = roster_import_create(
        by=by, file=ContentFile(data, name="r.csv"), file_name="r.csv", mode=mode, enqueue=False
    )
    if validate:
        roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    return roster_import
