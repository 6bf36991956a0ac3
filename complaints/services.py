"""Writes of complaints: open, work through the life cycle, link or open an advocacy
case, escalate overdue tickets. Each write records a ``ComplaintEvent`` and tells the
people concerned through ``notifications.services.notify`` (titles carry the ticket
number and category, never a family's name or NIK)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from assistance.models import CLOSED_CASE_STATUSES, AdvocacyCase, Aid, Resource
from assistance.selectors.resources import resource_scope_q
from assistance.services.cases import case_open
from complaints.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
    Escalation,
    EventKind,
)
from households.models import Household, Member
from notifications.services import notify, notify_many
from pkh.permissions import (
    carries_complaint,
    may_handle_complaint,
    may_manage_case,
    may_open_complaint,
    may_reject_complaint,
)
from pkh.photos import photo_prepare
from pkh.sql import chunks


def _url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _title(message: str, complaint: Complaint) -> str:
    """A notification title in the site's language: number and category only."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % {"n": complaint.pk, "category": complaint.category.name}


def _event(complaint: Complaint, *, by: User | None, kind: str, **fields) -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=complaint, by=by, kind=kind, **fields)


def _locked(complaint: Complaint) -> Complaint:
    """The complaint's row, locked for this transaction, with its current state."""
    fresh = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("household", "category", "facilitator")
        .get(pk=complaint.pk)
    )
    return fresh


def _check_open(complaint: Complaint) -> None:
    if complaint.status in CLOSED_STATUSES:
        raise ValidationError(_("Pengaduan ini sudah ditutup."))


@transaction.atomic
def complaint_open(
    *,
    household: Household,
    by: User,
    category: ComplaintCategory,
    channel: str,
    description: str,
    member: Member | None = None,
    photo=None,
    client_token: uuid.UUID | None = None,
) -> tuple[Complaint, bool]:
    """Open a complaint for a family (or a member); ``(complaint, created)``. A repeated
    ``client_token`` (a double-submitted form) returns the complaint already opened."""
    if client_token:
        existing = Complaint.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing, False
    if not may_open_complaint(by, household):
        raise PermissionDenied
    errors = {}
    if not category.is_active:
        errors["category"] = _("Kategori ini tidak aktif lagi.")
    if channel not in Channel.values:
        errors["channel"] = _("Saluran tidak dikenal.")
    if member is not None and member.household_id != household.pk:
        errors["member"] = _("Anggota ini bukan anggota keluarga tersebut.")
    if not description.strip():
        errors["description"] = _("Tuliskan uraian pengaduan.")
    if errors:
        raise ValidationError(errors)
    # Stored like a P2K2 session photo: the same limit, size and thumbnail.
    prepared = (
        photo_prepare(
            photo,
            max_bytes=settings.PKH_FDS_PHOTO_MAX_BYTES,
            sides=(settings.PKH_FDS_PHOTO_SIZE, settings.PKH_FDS_THUMBNAIL_SIZE),
        )
        if photo
        else None
    )
    now = timezone.now()
    today = timezone.localdate(now)
    complaint = Complaint(
        household=household,
        member=member,
        category=category,
        channel=channel,
        description=description.strip(),
        facilitator_id=household.facilitator_id,
        opened_by=by,
        opened_at=now,
        due_on=today + datetime.timedelta(days=category.effective_deadline_days),
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError:
        if client_token and (existing := Complaint.objects.filter(client_token=client_token)):
            return existing.get(), False
        raise
    if prepared is not None:
        full, thumb = prepared
        stem = f"complaints/{household.pk}/{complaint.pk}-{uuid.uuid4().hex}"
        complaint.photo.save(f"{stem}.jpg", full, save=False)
        complaint.photo_thumbnail.save(f"{stem}-thumb.jpg", thumb, save=False)
        complaint.save(update_fields=["photo", "photo_thumbnail"])
    _event(
        complaint,
        by=by,
        kind=EventKind.OPENED,
        to_status=ComplaintStatus.NEW,
        detail=complaint.get_channel_display(),
    )
    if complaint.facilitator_id and not carries_complaint(by, complaint):
        notify(
            household.facilitator,
            kind="complaint_assigned",
            title=_title(
                gettext_noop("Pengaduan baru #%(n)d (%(category)s) untuk Anda"), complaint
            ),
            url=_url(complaint),
        )
    return complaint, True


def _status_change(
    complaint: Complaint,
    *,
    by: User,
    to: str,
    kind: str = EventKind.STATUS,
    note: str = "",
    detail: str = "",
    fields: dict | None = None,
) -> Complaint:
    before = complaint.status
    complaint.status = to
    for name, value in (fields or {}).items():
        setattr(complaint, name, value)
    complaint.save(update_fields=["status", "updated_at", *(fields or {})])
    _event(complaint, by=by, kind=kind, from_status=before, to_status=to, note=note, detail=detail)
    return complaint


def _check_handler(complaint: Complaint, by: User) -> None:
    if not may_handle_complaint(by, complaint):
        raise PermissionDenied


@transaction.atomic
def complaint_start(*, complaint: Complaint, by: User, note: str = "") -> Complaint:
    """New → in progress."""
    complaint = _locked(complaint)
    _check_handler(complaint, by)
    if complaint.status != ComplaintStatus.NEW:
        raise ValidationError(_("Hanya pengaduan baru yang dapat mulai diproses."))
    return _status_change(complaint, by=by, to=ComplaintStatus.IN_PROGRESS, note=note.strip())


@transaction.atomic
def complaint_refer(
    *, complaint: Complaint, by: User, resource: Resource | None, note: str = ""
) -> Complaint:
    """Refer to an office of the resource directory (again, to another one, if need be)."""
    complaint = _locked(complaint)
    _check_handler(complaint, by)
    _check_open(complaint)
    if resource is None:
        raise ValidationError({"resource": _("Pilih kantor tujuan rujukan.")})
    if not Resource.objects.filter(resource_scope_q(by), pk=resource.pk, is_active=True).exists():
        raise ValidationError({"resource": _("Sistem sumber tidak ditemukan.")})
    return _status_change(
        complaint,
        by=by,
        to=ComplaintStatus.REFERRED,
        kind=EventKind.REFERRED,
        note=note.strip(),
        detail=resource.name[:200],
        fields={"referred_to": resource},
    )


def _close(complaint: Complaint, *, by: User, to: str, text: str, message: str) -> Complaint:
    complaint = _status_change(
        complaint,
        by=by,
        to=to,
        note=text,
        fields={"resolution": text, "closed_at": timezone.now()},
    )
    if complaint.facilitator_id and not carries_complaint(by, complaint):
        notify(
            complaint.facilitator,
            kind=f"complaint_{to}",
            title=_title(message, complaint),
            url=_url(complaint),
        )
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, by: User, resolution: str) -> Complaint:
    complaint = _locked(complaint)
    _check_handler(complaint, by)
    _check_open(complaint)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Tuliskan hasil penyelesaiannya.")})
    return _close(
        complaint,
        by=by,
        to=ComplaintStatus.RESOLVED,
        text=resolution.strip(),
        message=gettext_noop("Pengaduan #%(n)d (%(category)s) diselesaikan"),
    )


@transaction.atomic
def complaint_reject(*, complaint: Complaint, by: User, reason: str) -> Complaint:
    complaint = _locked(complaint)
    _check_open(complaint)
    if not may_reject_complaint(by, complaint):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan penolakan.")})
    return _close(
        complaint,
        by=by,
        to=ComplaintStatus.REJECTED,
        text=reason.strip(),
        message=gettext_noop("Pengaduan #%(n)d (%(category)s) ditolak"),
    )


@transaction.atomic
def complaint_note(*, complaint: Complaint, by: User, note: str) -> ComplaintEvent:
    complaint = _locked(complaint)
    _check_handler(complaint, by)
    if not note.strip():
        raise ValidationError({"note": _("Catatan tidak boleh kosong.")})
    event = _event(complaint, by=by, kind=EventKind.NOTE, note=note.strip())
    complaint.save(update_fields=["updated_at"])
    return event


@transaction.atomic
def complaint_link_case(*, complaint: Complaint, by: User, case: AdvocacyCase) -> Complaint:
    """Link the complaint to one of the family's open advocacy cases."""
    complaint = _locked(complaint)
    _check_handler(complaint, by)
    _check_open(complaint)
    if case.household_id != complaint.household_id or case.status in CLOSED_CASE_STATUSES:
        raise ValidationError({"case": _("Pilih kasus advokasi keluarga ini yang masih terbuka.")})
    complaint.advocacy_case = case
    complaint.save(update_fields=["advocacy_case", "updated_at"])
    _event(
        complaint,
        by=by,
        kind=EventKind.CASE_LINKED,
        detail=f"#{case.pk} {case.get_kind_display()}"[:200],
    )
    return complaint


@transaction.atomic
def complaint_open_case(
    *,
    complaint: Complaint,
    by: User,
    kind: str,
    aid: Aid | None = None,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
) -> AdvocacyCase:
    """Open an advocacy case from the complaint, without typing it twice: the family, the
    member, the description and the office it was referred to come from the complaint
    (``assistance.services.cases.case_open`` checks the rest), and the case is linked."""
    complaint = _locked(complaint)
    _check_open(complaint)
    if not may_manage_case(by, complaint.household):
        raise PermissionDenied
    if complaint.advocacy_case_id:
        raise ValidationError(_("Pengaduan ini sudah terkait dengan kasus advokasi."))
    member = complaint.member
    case = case_open(
        household=complaint.household,
        kind=kind,
        opened_on=timezone.localdate(),
        by=by,
        aid=aid,
        member=member,
        resource=complaint.referred_to,
        description=_("Dari pengaduan #%(n)d: %(text)s")
        % {"n": complaint.pk, "text": complaint.description},
        next_step=next_step,
        next_step_due=next_step_due,
    )
    complaint.advocacy_case = case
    complaint.save(update_fields=["advocacy_case", "updated_at"])
    _event(
        complaint,
        by=by,
        kind=EventKind.CASE_LINKED,
        detail=f"#{case.pk} {case.get_kind_display()}"[:200],
        note=_("Kasus advokasi dibuka dari pengaduan ini."),
    )
    return case


# --------------------------------------------------------------- escalation


def _region_admins(village_codes: set[str]) -> dict[str, list[User]]:
    """``{village code: active admins whose areas hold it}`` in two queries."""
    ancestors = {
        ".".join(code.split(".")[:i])
        for code in village_codes
        for i in range(1, code.count(".") + 2)
    }
    admins = (
        User.objects.filter(role=Role.ADMIN, is_active=True, areas__code__in=ancestors)
        .prefetch_related("areas")
        .distinct()
    )
    out: dict[str, list[User]] = defaultdict(list)
    for admin in admins:
        codes = [a.code for a in admin.areas.all()]
        for village in village_codes:
            if any(village == c or village.startswith(c + ".") for c in codes):
                out[village].append(admin)
    return out


@transaction.atomic
def complaints_escalate(*, today: datetime.date | None = None) -> dict[str, int]:
    """Escalate the open complaints past their deadline: to the facilitator's supervisor
    (level 1) from the day after the deadline, to the region's admins (level 2) from
    ``PKH_COMPLAINT_ADMIN_ESCALATION_DAYS`` days after it. Each step once (a rerun on the
    same day changes nothing), written on the ticket as an event and notified."""
    today = today or timezone.localdate()
    now = timezone.now()
    admin_cutoff = today - datetime.timedelta(days=settings.PKH_COMPLAINT_ADMIN_ESCALATION_DAYS)
    due = list(
        Complaint.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .filter(
            Q(escalation=Escalation.NONE)
            | Q(escalation=Escalation.SUPERVISOR, due_on__lt=admin_cutoff)
        )
        .select_related("category", "facilitator__supervisor", "household__village")
        .order_by("pk")
    )
    to_admin = [c for c in due if c.due_on < admin_cutoff]
    admins = _region_admins({c.household.village_id for c in to_admin}) if to_admin else {}
    counts = {"supervisor": 0, "admin": 0}
    for complaint in due:
        level = Escalation.ADMIN if complaint.due_on < admin_cutoff else Escalation.SUPERVISOR
        complaint.escalation, complaint.escalated_at = level, now
        complaint.save(update_fields=["escalation", "escalated_at", "updated_at"])
        _event(complaint, by=None, kind=EventKind.ESCALATED, detail=str(Escalation(level).label))
        supervisor = complaint.facilitator.supervisor if complaint.facilitator else None
        if level == Escalation.ADMIN:
            counts["admin"] += 1
            recipients = [*admins.get(complaint.household.village_id, []), supervisor]
            message = gettext_noop(
                "Pengaduan #%(n)d (%(category)s) lewat tenggat: dieskalasi ke admin"
            )
        else:
            counts["supervisor"] += 1
            recipients = [supervisor] if supervisor else []
            message = gettext_noop(
                "Pengaduan #%(n)d (%(category)s) lewat tenggat: dieskalasi ke supervisor"
            )
        notify_many(
            [*recipients, complaint.facilitator],
            kind="complaint_escalated",
            title=_title(message, complaint),
            url=_url(complaint),
        )
    return counts


def complaints_follow_transfer(*, household_ids: set[int]) -> int:
    """Open complaints move with their family to its new facilitator (a transfer), who is
    told; closed ones stay with whoever closed them (the reports count them so)."""
    moved = 0
    rows = [
        complaint
        for chunk in chunks(sorted(household_ids), 1000)
        for complaint in Complaint.objects.filter(household_id__in=chunk, status__in=OPEN_STATUSES)
        .select_related("household__facilitator", "category")
        .order_by("pk")
    ]
    for complaint in rows:
        new = complaint.household.facilitator
        if complaint.facilitator_id == (new.pk if new else None):
            continue
        complaint.facilitator = new
        complaint.save(update_fields=["facilitator", "updated_at"])
        _event(complaint, by=None, kind=EventKind.REASSIGNED, detail=str(new or "-")[:200])
        notify(
            new,
            kind="complaint_assigned",
            title=_title(
                gettext_noop("Pengaduan #%(n)d (%(category)s) dipindahkan kepada Anda"), complaint
            ),
            url=_url(complaint),
        )
        moved += 1
    return moved
