"""Applying the records a phone queued while offline (docs/offline.md).

Each record is ``{"token": uuid, "kind": "visit" | "attendance", "data": {...}}`` and is
applied on its own, through the same form and service as the online page, in one
transaction with its ``SyncReceipt``. Its outcome is one of:

* ``applied``: written now;
* ``duplicate``: this token was applied before (a resend after a dropped connection);
  nothing is written again;
* ``refused``: with the reason and the field errors, nothing written; the phone keeps
  the record for editing;
* ``conflict``: the server's copy changed since the phone took its copy, on fields the
  phone changes differently; both versions come back and nothing is written until the
  facilitator has chosen (the phone then sends again with the server's values as base).

More kinds register a handler with ``record_kind_register``, or (apps this one may not
import: commitment checks) come through ``pkh.extensions.offline_record_kinds``, whose
apply answers a conflict with ``OfflineConflict``: the endpoint and the phone's queue
take any kind.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from fds_sessions import services as fds_services
from fds_sessions.forms import AttendanceForm
from fds_sessions.selectors.groups import group_families_on
from fds_sessions.selectors.sessions import session_scope
from field.models import FieldDevice, RecordKind, SyncReceipt
from households import services as household_services
from households.forms import VisitForm
from households.models import Visit
from households.selectors import household_scope
from pkh import extensions


class BatchTooLarge(Exception):
    pass


@dataclass
class Refused(Exception):
    reason: str
    errors: dict = dataclass_field(default_factory=dict)


@dataclass
class Applied:
    object_id: int
    created: bool = True


Handler = Callable[..., Applied]
HANDLERS: dict[str, Handler] = {}


def record_kind_register(kind: str, handler: Handler) -> None:
    HANDLERS[kind] = handler


def _handler(kind) -> Handler | None:
    """This app's own kinds, then those the apps above the seam add
    (``pkh.extensions.offline_record_kinds``: commitment checks)."""
    if not isinstance(kind, str):
        return None
    if kind in HANDLERS:
        return HANDLERS[kind]
    contribution = extensions.offline_record_kinds.contributions.get(kind)
    if contribution is None:
        return None

    def handler(*, user: User, token: uuid.UUID, data: dict) -> Applied:
        object_id, created = contribution.apply(user=user, token=token, data=data)
        return Applied(object_id, created=created)

    return handler


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _form_errors(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


NOT_YOURS_FAMILY = gettext_lazy(
    "Keluarga ini tidak lagi dalam dampingan Anda; catatan tidak disimpan."
)


def _visit(*, user: User, token: uuid.UUID, data: dict) -> Applied:
    earlier = Visit.objects.filter(client_token=token).only("pk", "facilitator_id").first()
    if earlier is not None:
        if earlier.facilitator_id != user.pk:
            raise Refused(_("Token catatan ini milik pengguna lain."))
        return Applied(earlier.pk, created=False)
    household = household_scope(user=user).filter(pk=_int(data.get("household"))).first()
    if household is None:
        # The same answer whether the family moved away or never existed: nothing leaks.
        raise Refused(str(NOT_YOURS_FAMILY))
    form = VisitForm(
        data={
            "date": data.get("date") or "",
            "purpose": data.get("purpose") or "",
            "notes": data.get("notes") or "",
            "follow_up_date": data.get("follow_up_date") or "",
            "client_token": str(token),
        }
    )
    if not form.is_valid():
        raise Refused(_("Periksa isian kunjungan."), _form_errors(form))
    visit, created = household_services.visit_create(
        household=household, by=user, **form.cleaned_data
    )
    return Applied(visit.pk, created=created)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _photo(data: dict):
    encoded = data.get("photo")
    if not encoded:
        return None
    if not isinstance(encoded, str):
        raise Refused(_("Foto tidak dapat dibaca."), {"photo": [_("Foto tidak dapat dibaca.")]})
    encoded = encoded.split(",", 1)[-1]  # a data: URL's header
    limit = settings.PKH_FIELD_PHOTO_MAX_BYTES
    if len(encoded) * 3 // 4 > limit:
        message = _("Foto terlalu besar; maksimal %(kb)d KB setelah diperkecil.") % {
            "kb": limit // 1024
        }
        raise Refused(message, {"photo": [message]})
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(_("Foto tidak dapat dibaca."), {"photo": [_("Foto tidak dapat dibaca.")]})
    return SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg")


def _attendance_conflicts(*, session, families, data: dict) -> list[dict]:
    """Field-level rule: a family's mark (or the notes) conflicts when the server holds a
    value that is neither the phone's base copy nor what the phone now sends."""
    base = data.get("base") or {}
    base_marks = {str(k): v for k, v in (base.get("attendance") or {}).items()}
    mine = {str(k): v for k, v in (data.get("attendance") or {}).items()}
    names = {str(h.pk): h.pengurus_name or h.id_keluarga for h in families}
    conflicts = []
    for household_id, server in session.attendance.values_list("household_id", "status"):
        key = str(household_id)
        phone = mine.get(key)
        if phone is None or server == phone or server == base_marks.get(key):
            continue
        conflicts.append(
            {
                "field": f"a{key}",
                "household": household_id,
                "label": names.get(key, key),
                "server": server,
                "phone": phone,
            }
        )
    notes = data.get("notes") or ""
    if session.notes not in (notes, base.get("notes") or ""):
        conflicts.append(
            {
                "field": "notes",
                "label": str(_("Catatan pertemuan")),
                "server": session.notes,
                "phone": notes,
            }
        )
    return conflicts


def _attendance(*, user: User, token: uuid.UUID, data: dict) -> Applied:
    session = (
        session_scope(user=user)
        .filter(pk=_int(data.get("session")))
        .select_related("group")
        .first()
    )
    if session is None:
        raise Refused(_("Pertemuan ini tidak lagi dalam kelompok Anda; catatan tidak disimpan."))
    families = list(group_families_on(group=session.group, day=session.date))
    marks = data.get("attendance") or {}
    if not isinstance(marks, dict):
        raise Refused(_("Periksa isian kehadiran."))
    photo = _photo(data)
    form = AttendanceForm(
        data={"notes": data.get("notes") or "", **{f"a{k}": v for k, v in marks.items()}},
        files={"photo": photo} if photo else {},
        households=families,
    )
    known = {str(h.pk) for h in families}
    strangers = [k for k in map(str, marks) if k not in known]
    if strangers:
        raise Refused(
            _("%(n)d keluarga tidak lagi termasuk kelompok ini pada tanggal pertemuan.")
            % {"n": len(strangers)},
            {"attendance": [str(k) for k in strangers]},
        )
    if not form.is_valid():
        errors = _form_errors(form)
        codes = {name: {e.code for e in errs} for name, errs in form.errors.as_data().items()}
        missing = [h for h in families if "required" in codes.get(f"a{h.pk}", ())]
        unknown = [h for h in families if "invalid_choice" in codes.get(f"a{h.pk}", ())]
        if missing:
            reason = _("Tandai kehadiran semua keluarga (%(n)d belum ditandai).") % {
                "n": len(missing)
            }
        elif unknown:
            reason = _("Status kehadiran tidak dikenal.")
        else:
            reason = _("Periksa isian kehadiran.")
        raise Refused(reason, errors)
    # Locked, then compared: a change that lands between the check and the write waits.
    session = type(session).objects.select_for_update().get(pk=session.pk)
    conflicts = _attendance_conflicts(session=session, families=families, data=data)
    if conflicts:
        raise extensions.OfflineConflict(conflicts)
    fds_services.session_hold(
        session=session,
        attendance=form.attendance(),
        notes=form.cleaned_data["notes"],
        photo=form.cleaned_data["photo"],
        by=user,
    )
    return Applied(session.pk)


record_kind_register(RecordKind.VISIT, _visit)
record_kind_register(RecordKind.ATTENDANCE, _attendance)


def _outcome(token, status: str, **extra) -> dict:
    return {"token": str(token) if token else None, "status": status, **extra}


def _apply(*, user: User, record) -> dict:
    raw = record.get("token") if isinstance(record, dict) else None
    try:
        token = uuid.UUID(str(raw))
    except ValueError:
        return _outcome(raw, "refused", reason=_("Catatan tanpa token yang sah."))
    kind = record.get("kind")
    handler = _handler(kind)
    if handler is None:
        return _outcome(token, "refused", reason=_("Jenis catatan tidak dikenal."))
    data = record.get("data")
    if not isinstance(data, dict):
        return _outcome(token, "refused", reason=_("Catatan tanpa isi."))
    receipt = SyncReceipt.objects.filter(client_token=token).first()
    if receipt is not None:
        if receipt.user_id != user.pk or receipt.kind != kind:
            return _outcome(token, "refused", reason=_("Token catatan ini milik pengguna lain."))
        return _outcome(token, "duplicate", id=receipt.object_id)
    try:
        with transaction.atomic():
            applied = handler(user=user, token=token, data=data)
            SyncReceipt.objects.create(
                client_token=token, user=user, kind=kind, object_id=applied.object_id
            )
    except Refused as exc:
        return _outcome(token, "refused", reason=exc.reason, errors=exc.errors)
    except extensions.OfflineConflict as exc:
        return _outcome(token, "conflict", reason=_("Data di server berubah."), fields=exc.fields)
    except ValidationError as exc:
        errors = _errors(exc)
        reason = "; ".join(m for messages in errors.values() for m in messages)
        return _outcome(token, "refused", reason=reason, errors=errors)
    except IntegrityError:
        # The same token raced in from a second request: the other one applied it.
        receipt = SyncReceipt.objects.filter(client_token=token, user=user).first()
        if receipt is None:
            raise
        return _outcome(token, "duplicate", id=receipt.object_id)
    status = "applied" if applied.created else "duplicate"
    return _outcome(token, status, id=applied.object_id)


def sync_records(*, user: User, records: list) -> list[dict]:
    """Apply a phone's batch; one outcome per record, in order. A batch over
    ``PKH_FIELD_SYNC_BATCH_MAX`` records is refused whole (``BatchTooLarge``)."""
    if len(records) > settings.PKH_FIELD_SYNC_BATCH_MAX:
        raise BatchTooLarge
    return [_apply(user=user, record=record) for record in records]


# --- devices --------------------------------------------------------------------------


class DeviceRevoked(Exception):
    """The device was revoked: the phone must wipe what it holds."""


class DeviceUnknown(Exception):
    """No device key, or a key that is not this user's device."""


def _device_label(user_agent: str) -> str:
    browser = next(
        (
            name
            for name in ("Edg", "Firefox", "SamsungBrowser", "Chrome", "Safari")
            if name in user_agent
        ),
        "",
    )
    system = next(
        (
            name
            for name in ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux")
            if name in user_agent
        ),
        "",
    )
    return " · ".join(part for part in ({"Edg": "Edge"}.get(browser, browser), system) if part)


def _key(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def device_revoked(*, key) -> bool:
    """Whether ``key`` names a revoked device (checked before sign-in: the phone holding
    the key learns only that it must wipe itself)."""
    key = _key(key)
    return (
        key is not None and FieldDevice.objects.filter(key=key, revoked_at__isnull=False).exists()
    )


def device_for_prepare(*, user: User, key, session_key: str, user_agent: str) -> uuid.UUID:
    """The key of the phone's device for a fresh caseload copy: its own if ``key`` names
    one of this user's live devices, else a new device's (a wiped phone, another user's
    key). ``DeviceRevoked`` if ``key`` names a revoked one."""
    key = _key(key)
    now = timezone.now()
    if key is not None:
        live = FieldDevice.objects.filter(key=key, user=user, revoked_at__isnull=True)
        if live.update(last_seen_at=now, session_key=session_key or ""):
            return key
        if FieldDevice.objects.filter(key=key, user=user).exists():
            raise DeviceRevoked
    device = FieldDevice.objects.create(
        user=user,
        key=uuid.uuid4(),
        label=_device_label(user_agent or "")[:80],
        session_key=session_key or "",
        last_seen_at=now,
    )
    return device.key


def device_check(*, user: User, key, session_key: str = "") -> None:
    """Nothing if ``key`` names a live device of ``user`` (noting when it was last seen,
    and in which session: the one a revocation ends); ``DeviceRevoked`` or
    ``DeviceUnknown`` otherwise."""
    key = _key(key)
    if key is None:
        raise DeviceUnknown
    changes = {"last_seen_at": timezone.now()}
    if session_key:
        changes["session_key"] = session_key
    live = FieldDevice.objects.filter(key=key, user=user, revoked_at__isnull=True)
    if live.update(**changes):
        return
    if FieldDevice.objects.filter(key=key, user=user).exists():
        raise DeviceRevoked
    raise DeviceUnknown


def device_revoke(*, device: FieldDevice, by: User) -> FieldDevice:
    """Revoke a phone: its sync is refused from now on, it wipes its copy and queue at
    its next contact, and the session it was registered in ends. The caller has checked
    ``pkh.permissions.may_revoke_device``."""
    if device.is_revoked:
        return device
    device.revoked_at, device.revoked_by = timezone.now(), by
    device.save(update_fields=["revoked_at", "revoked_by"])
    if device.session_key:
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore(session_key=device.session_key).delete()
    return device
