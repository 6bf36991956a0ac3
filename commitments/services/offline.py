"""Commitment checks offline (docs/offline.md): the school and posyandu lists of the
month due, in the phone's caseload copy, and a queued list applied through the same
form (``SheetForm``) and service (``month_sheet_save``) as the online sheet page.

Registered on ``pkh.extensions.offline_record_kinds`` as the kind ``"commitment"`` by
``commitments/extensions.py``. A record's ``data``::

    {"month": "2026-11", "kind": "sekolah", "place": 12,
     "items": ["m31_SD_", ...],           # the list as the phone had it
     "fields": {"school_days": "20", "m31_SD_days_sick": "1", ...},  # as the form posts
     "base": {"school_days": "20", "m31_SD_days_sick": "0", ...}}    # as the copy showed

Idempotent twice over: the field app's ``SyncReceipt`` by the record's token, and the
sheet's own ``client_token`` (the same token). A list saved since the copy with other
values than the phone's comes back as a conflict (``OfflineConflict``, both versions);
a record without ``base`` (queued before phones sent one) is saved as it stands.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BooleanField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import rules as r
from commitments.forms import SheetForm, month_key, month_parse, weekdays_in
from commitments.models import VerificationEntry, VerificationSheet
from commitments.selectors import due
from commitments.services.verification import month_sheet_save
from pkh.extensions import OfflineConflict
from pkh.permissions import is_facilitator, is_family_facilitator


def _month():
    """The month due for entry: last month (``month_todo`` asks for it)."""
    return r.month_add(timezone.localdate().replace(day=1), -1)


def _form(*, items, kind: str, month, data=None) -> SheetForm:
    return SheetForm(
        data,
        items=items,
        kind=kind,
        month=month,
        default_school_days=weekdays_in(month, settings.PKH_COMMITMENT_SCHOOL_WEEK_DAYS),
    )


def _field(form: SheetForm, name: str) -> dict:
    f = form.fields[name]
    out = {"name": name, "label": str(f.label), "initial": f.initial}
    if isinstance(f, BooleanField):
        out["type"] = "bool"
    else:
        out.update(type="int", min=0, max=f.widget.attrs.get("max"), required=f.required)
    return out


def offline_sheets(*, user) -> dict:
    """The lists of the month due, one per school or health facility (and the "not
    enrolled" list), each with its form's fields and their current values."""
    month = _month()
    if not is_facilitator(user):
        return {"month": month_key(month), "sheets": []}
    items = due.month_due(user=user, month=month)
    sheets = []
    for sector, groups in due.place_groups(items).items():
        for g in groups:
            if g.kind not in due.PLACE_KINDS:
                continue  # no school or facility recorded: entered online once known
            form = _form(items=g.items, kind=g.kind, month=month)
            rows = []
            for item in g.items:
                prefix = SheetForm.prefix_of(item)
                rows.append(
                    {
                        "prefix": prefix,
                        "household": item.member.household_id,
                        "name": item.member.name,
                        "component": item.component.name,
                        "fields": [_field(form, n) for n in form.fields if n.startswith(prefix)],
                    }
                )
            top = [_field(form, "school_days")] if "school_days" in form.fields else []
            sheets.append(
                {
                    "id": f"{g.kind}-{g.pk}",
                    "kind": g.kind,
                    "place": g.pk,
                    "sector": sector,
                    "name": g.place.name if g.place else _("Tidak terdaftar"),
                    "fields": top,
                    "rows": rows,
                }
            )
    return {"month": month_key(month), "sheets": sheets}


def _shown(field, value) -> str:
    """A value as the sheet form posts it (and the phone sends it): a number as text, a
    ticked box "on", an unticked one ""."""
    if isinstance(field, BooleanField):
        return "on" if field.to_python(value) else ""
    text = "" if value is None else str(value).strip()
    try:
        return str(int(text))
    except ValueError:
        return text


def _conflicts(*, user, month, kind: str, place_pk: int, items, data: dict) -> list[dict]:
    """The field-level rule, as for attendance: a field conflicts when the server's value
    is neither the phone's base (the copy it was prepared with) nor what it now sends,
    i.e. the list was saved since (online, or from another phone) with another value."""
    # Locked, then read again: a save that lands between this check and the write waits.
    list(
        VerificationEntry.objects.select_for_update()
        .filter(month=month, member_id__in={i.member.pk for i in items})
        .values_list("pk", flat=True)
    )
    _, items = due.place_sheet(user=user, month=month, kind=kind, pk=place_pk)
    server = _form(items=items, kind=kind, month=month)
    rows = {SheetForm.prefix_of(i): f"{i.member.name} · {i.component.name}" for i in items}
    base, mine = data["base"], data["fields"]
    conflicts = []
    for name, f in server.fields.items():
        now, phone = _shown(f, f.initial), _shown(f, mine.get(name))
        if now in (phone, _shown(f, base.get(name))):
            continue
        row = next((label for prefix, label in rows.items() if name.startswith(prefix)), "")
        conflicts.append(
            {
                "field": name,
                "label": f"{row} · {f.label}" if row else str(f.label),
                "type": "bool" if isinstance(f, BooleanField) else "int",
                "server": now,
                "phone": phone,
            }
        )
    return conflicts


NOT_YOURS = gettext_lazy("Daftar ini tidak lagi dalam dampingan Anda; catatan tidak disimpan.")


def offline_sheet_apply(*, user, token: uuid.UUID, data: dict) -> tuple[int, bool]:
    """Apply one queued list; ``ValidationError`` refuses it with nothing written."""
    earlier = VerificationSheet.objects.filter(client_token=token).first()
    if earlier is not None:
        if earlier.saved_by_id != user.pk:
            raise ValidationError(_("Token catatan ini milik pengguna lain."))
        return earlier.pk, False
    month = month_parse(data.get("month"))
    kind = data.get("kind")
    try:
        place_pk = int(data.get("place"))
    except (TypeError, ValueError):
        place_pk = None
    if month is None or kind not in due.PLACE_KINDS or place_pk is None:
        raise ValidationError(_("Catatan verifikasi tidak dapat dibaca."))
    try:
        place, items = due.place_sheet(user=user, month=month, kind=kind, pk=place_pk)
    except Http404:
        raise ValidationError(str(NOT_YOURS)) from None
    if not all(is_family_facilitator(user, i.member.household) for i in items):
        raise ValidationError(str(NOT_YOURS))
    phone_items = data.get("items")
    if not isinstance(phone_items, list) or sorted(map(str, phone_items)) != sorted(
        SheetForm.prefix_of(i) for i in items
    ):
        # A member joined or left the list since the copy: an unticked box would read
        # as "not met" for someone the phone never showed.
        raise ValidationError(
            _("Daftar ini berubah sejak disiapkan. Siapkan offline lagi, lalu isi ulang.")
        )
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise ValidationError(_("Catatan verifikasi tidak dapat dibaca."))
    form = _form(items=items, kind=kind, month=month, data={k: str(v) for k, v in fields.items()})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    base = data.get("base")
    if isinstance(base, dict):
        conflicts = _conflicts(
            user=user, month=month, kind=kind, place_pk=place_pk, items=items, data=data
        )
        if conflicts:
            raise OfflineConflict(conflicts)
    sheet, created = month_sheet_save(
        by=user,
        month=month,
        sector=form.sector,
        place=place,
        findings=form.findings(),
        client_token=token,
    )
    return sheet.pk, created
