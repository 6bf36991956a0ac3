"""A facilitator's verification sheet imports: only their own (another user's answers
404, like one that does not exist), and the row-error report."""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from commitments.models import SheetImport
from commitments.sheet_format import SHEET_COLUMNS
from imports.issue_report import neutralise, with_original_rows
from imports.reader import RosterFileError, iter_original_rows


def sheet_import_list(*, user) -> QuerySet[SheetImport]:
    return SheetImport.objects.filter(created_by_id=user.pk)


def sheet_import_get(*, user, pk: int) -> SheetImport:
    found = sheet_import_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _original(sheet_import: SheetImport) -> Iterator[tuple[int, list[str]]]:
    try:
        path = sheet_import.file.path
    except (ValueError, NotImplementedError):
        return
    if not os.path.exists(path):
        return
    try:
        yield from iter_original_rows(path, columns=SHEET_COLUMNS)
    except RosterFileError:
        return


def sheet_import_report_rows(sheet_import: SheetImport) -> Iterator[list[str]]:
    """Header, then one row per row error (line, column, reason) followed by the row
    as it stands in the file, in line order; every cell safe from formula injection."""
    headers = [h or f"#{i + 1}" for i, h in enumerate(sheet_import.headers or [])]
    yield [neutralise(h) for h in (_("BARIS"), _("KOLOM"), _("ALASAN"), *headers)]
    issues = ((line, [str(line), column, reason]) for line, column, reason in sheet_import.issues)
    yield from with_original_rows(issues, _original(sheet_import))
