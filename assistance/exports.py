"""Files of complementary aid built from rows a selector read: no query, no request."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import BinaryIO

from django.utils.translation import gettext as _

from assistance.models import AidEnrolment
from pkh.spreadsheet_safety import neutralise


def gap_xlsx(rows: Iterable[AidEnrolment]) -> BinaryIO:
    """The coverage gap as an XLSX workbook, one line per row of
    ``assistance.selectors.gap.aid_gap_details``, each aid by its name (as the family page
    shows it, not its code). Written to a temporary file on disk (an
    export can reach tens of thousands of rows) and returned open at its start, for
    ``FileResponse`` to stream and close."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Kesenjangan bansos"))
    sheet.append(
        [
            _("ID keluarga"),
            _("Pengurus"),
            _("Anggota"),
            _("Bantuan"),
            _("Desa"),
            _("Pendamping"),
            _("Layak sejak"),
        ]
    )
    for row in rows:
        household = row.household
        sheet.append(
            [
                neutralise(household.id_keluarga),
                neutralise(row.pengurus_name or ""),
                neutralise(row.member.name if row.member else ""),
                neutralise(row.aid.name),
                neutralise(household.village.name),
                neutralise(str(household.facilitator) if household.facilitator else ""),
                row.since,
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the caller's FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
