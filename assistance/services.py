"""Writes of complementary aid. Every write goes through a function here.

Eligibility is materialised: ``aid_eligibility_refresh`` keeps one ``AidEnrolment`` row
per subject the catalogue's rule makes eligible (set-based, in batches of families),
so the coverage-gap page and the coverage figures are plain aggregates. It runs when a
family or member changes (the ``families_changed`` reaction in
``assistance/extensions.py``), after a roster import
(``roster_aid_apply``), after the catalogue changes, and nightly (members age).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from assistance import eligibility
from assistance.models import (
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    AidUnit,
    CaseKind,
    CaseStatus,
    CoverageCount,
    EligibilityRule,
    Resource,
    StatusSource,
)
from assistance.selectors import (
    age_limit_problem,
    resource_editable_q,
    resource_scope_q,
)
from households.models import Household, HouseholdStatus, Member
from pkh.permissions import (
    can_edit_national_catalogue,
    may_edit_aid,
    may_manage_case,
    may_manage_resources,
)
from pkh.queue import publish
from pkh.scoping import area_q
from pkh.sql import chunks, fetch, insert_history

BATCH_SIZE = 2000
ROSTER_AIDS = eligibility.ROSTER_AIDS
CARD_SEPARATORS = re.compile(r"[\s.\-/]")


def _today() -> datetime.date:
    return timezone.localdate()


def _not_in_future(value: datetime.date | None, field: str) -> None:
    if value and value > _today():
        raise ValidationError({field: _("Tanggal tidak boleh di masa depan.")})


# ---------------------------------------------------------------- eligibility


def _rule_state(
    household_ids: list[int], aids: list[Aid], on: datetime.date
) -> tuple[set[tuple], dict[int, tuple], set[int]]:
    """For a batch of families: the rule-eligible subjects ``(aid, household, member)``
    (the rule's one definition, ``eligibility.eligible_sql``), each family's
    ``(active, facilitator_id, village_id)`` and the active members. Three queries."""
    families = {
        pk: (status == HouseholdStatus.ACTIVE, facilitator_id, village_id)
        for pk, status, facilitator_id, village_id in Household.objects.filter(
            pk__in=household_ids
        ).values_list("pk", "status", "facilitator_id", "village_id")
    }
    active_members = set(
        Member.objects.filter(household_id__in=household_ids, left_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    sql, params = eligibility.eligible_sql(
        aids, on, scope=(", ".join(["%s"] * len(household_ids)), list(household_ids))
    )
    eligible = {(aid, household, member) for aid, household, member, _key in fetch(sql, params)}
    return eligible, families, active_members


@transaction.atomic
def aid_eligibility_refresh(
    *,
    household_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
    set_based: bool | None = None,
) -> int:
    """Bring the stored rows in line with the catalogue's rules; returns rows written.

    * a subject the rule makes eligible and without a row gets one: "eligible, not
      receiving", source "rule";
    * a row whose status the rule set follows the rule (eligible <-> not eligible);
      statuses set by a user or the roster are never overwritten;
    * every row's ``in_programme`` follows its family's status and member's exit.

    ``household_ids=None`` refreshes every family. Two ways to the same result, with the
    rule's one definition (``assistance.eligibility.eligible_sql``): a few families (a
    form saved) in Python, five queries per batch; many (``set_based``, by default
    above ``batch_size`` families or for all of them) in SQL over a temporary table of
    the families, a fixed number of statements whatever their number.
    """
    on = on or _today()
    if household_ids is None:
        set_based = True if set_based is None else set_based
        ids = None
    else:
        ids = household_ids if isinstance(household_ids, (set, frozenset)) else set(household_ids)
        if set_based is None:
            set_based = len(ids) > batch_size
    if set_based:
        eligibility.scope_fill(household_ids=ids)
        return eligibility.refresh_scope(on=on)
    aids = list(Aid.objects.filter(is_active=True).prefetch_related("components"))
    if ids is None:
        ids = Household.objects.values_list("pk", flat=True)
    written = 0
    touched: set[Pair] = set()
    for batch in chunks(sorted(ids), batch_size):
        written += _refresh_batch(batch, aids, on, touched)
    if touched:
        # Once for all batches: the families of a large call share most pairs.
        coverage_counts_rebuild(pairs=touched)
    return written


def _refresh_batch(batch: list[int], aids: list[Aid], on: datetime.date, touched: set[Pair]) -> int:
    eligible, families, active_members = _rule_state(batch, aids, on)
    rule_aids = {a.code for a in aids}
    existing = {}
    old_pairs: set[Pair] = set()
    status_changed, copy_changed = [], []
    for row in AidEnrolment.objects.filter(household_id__in=batch).only(
        "pk",
        "aid_id",
        "household_id",
        "member_id",
        "status",
        "source",
        "since",
        "in_programme",
        "facilitator_id",
        "village_id",
    ):
        key = (row.aid_id, row.household_id, row.member_id)
        existing[key] = row
        old_pairs.add((row.facilitator_id, row.village_id))
        active, facilitator_id, village_id = families[row.household_id]
        copy = (
            active and (row.member_id is None or row.member_id in active_members),
            facilitator_id,
            village_id,
        )
        copy_differs = copy != (row.in_programme, row.facilitator_id, row.village_id)
        row.in_programme, row.facilitator_id, row.village_id = copy
        if (
            row.source == StatusSource.RULE
            and row.aid_id in rule_aids
            and row.status in (AidStatus.ELIGIBLE, AidStatus.NOT_ELIGIBLE)
        ):
            wanted = AidStatus.ELIGIBLE if key in eligible else AidStatus.NOT_ELIGIBLE
            if row.status != wanted:
                row.status, row.since = wanted, on
                status_changed.append(row)
                continue
        if copy_differs:
            copy_changed.append(row)
    new = [
        AidEnrolment(
            aid_id=aid,
            household_id=household,
            member_id=member,
            status=AidStatus.ELIGIBLE,
            since=on,
            source=StatusSource.RULE,
            in_programme=True,
            facilitator_id=families[household][1],
            village_id=families[household][2],
        )
        for (aid, household, member) in eligible
        if (aid, household, member) not in existing
    ]
    if new:
        _create_with_history(new)
    if status_changed:
        bulk_update_with_history(
            status_changed,
            AidEnrolment,
            ["status", "since", "in_programme", "facilitator", "village"],
            batch_size=1000,
            default_change_reason="rule",
        )
    if copy_changed:
        AidEnrolment.objects.bulk_update(
            copy_changed, ["in_programme", "facilitator", "village"], batch_size=1000
        )
    if new or status_changed or copy_changed:
        # Pairs before (as loaded) and after (the families' current ones).
        touched |= {(f, v) for f, v in old_pairs} | {
            (f, v) for _a, f, v in families.values() if v is not None
        }
    return len(new) + len(status_changed) + len(copy_changed)


def _create_with_history(objs: list[AidEnrolment], *, by: User | None = None) -> None:
    """``bulk_create_with_history`` for many new rows: the rows by ``bulk_create``, their
    "created" audit rows by one ``INSERT ... SELECT`` per chunk, copied from the rows
    just written (no historical instance built in Python)."""
    AidEnrolment.objects.bulk_create(objs, batch_size=2000)
    when = timezone.now()
    for chunk in chunks([obj.pk for obj in objs], 1000):
        insert_history(
            AidEnrolment,
            source_alias="e",
            from_sql=f"FROM {AidEnrolment._meta.db_table} e "  # noqa: S608
            f"WHERE e.id IN ({', '.join(['%s'] * len(chunk))})",
            from_params=chunk,
            history_type_sql="'+'",
            when=when,
            reason=None,
            user_id=by.pk if by else None,
        )


@transaction.atomic
def aid_household_copy_sync(*, household_ids: Iterable[int]) -> int:
    """Copy the families' facilitator and village onto their aid rows (after a
    reassignment): one UPDATE per batch, no eligibility work. Returns rows updated."""
    ids = sorted(set(household_ids))
    before = coverage_pairs(household_ids=ids)
    updated = 0
    for batch in chunks(ids, 10_000):
        family = Household.objects.filter(pk=OuterRef("household_id"))
        updated += (
            AidEnrolment.objects.filter(household_id__in=batch)
            .exclude(
                facilitator_id=Subquery(family.values("facilitator_id")[:1]),
                village_id=Subquery(family.values("village_id")[:1]),
            )
            .update(
                facilitator_id=Subquery(family.values("facilitator_id")[:1]),
                village_id=Subquery(family.values("village_id")[:1]),
            )
        )
    if updated:
        coverage_counts_rebuild(pairs=before | coverage_pairs(household_ids=ids))
    return updated


# ---------------------------------------------------------------- coverage rollup


Pair = tuple  # (facilitator_id | None, village_id)


def _pair_q(pairs: Iterable[Pair]) -> Q:
    q = Q(pk__in=[])
    by_facilitator: dict = {}
    for facilitator_id, village_id in pairs:
        by_facilitator.setdefault(facilitator_id, set()).add(village_id)
    for facilitator_id, villages in by_facilitator.items():
        who = (
            Q(facilitator__isnull=True)
            if facilitator_id is None
            else Q(facilitator_id=facilitator_id)
        )
        q |= who & Q(village_id__in=sorted(villages))
    return q


def coverage_pairs(*, household_ids: Iterable[int]) -> set[Pair]:
    """The (facilitator, village) pairs the aid rows of these families count under."""
    ids = sorted(set(household_ids))
    pairs: set[Pair] = set()
    for batch in chunks(ids, 10_000):
        pairs |= set(
            AidEnrolment.objects.filter(household_id__in=batch)
            .order_by()
            .values_list("facilitator_id", "village_id")
            .distinct()
        )
    return pairs


@transaction.atomic
def coverage_counts_rebuild(*, pairs: Iterable[Pair] | None = None) -> int:
    """Recount ``CoverageCount`` for the given (facilitator, village) pairs from the
    aid rows (``None``: everything). Set-based: one delete, one aggregate, one insert
    per 500 pairs. Returns the number of rollup rows written."""
    if pairs is None:
        CoverageCount.objects.all().delete()
        batches = [None]
    else:
        pairs = sorted(pairs, key=lambda p: (p[0] or 0, p[1] or ""))
        batches = list(chunks(pairs, 500))
    written = 0
    for chunk in batches:
        rows = AidEnrolment.objects.filter(in_programme=True, village__isnull=False)
        if chunk is not None:
            if not chunk:
                continue
            CoverageCount.objects.filter(_pair_q(chunk)).delete()
            rows = rows.filter(_pair_q(chunk))
        counts = (
            rows.values("facilitator_id", "village_id", "aid_id")
            .annotate(
                receiving=Count("pk", filter=Q(status=AidStatus.RECEIVING)),
                not_receiving=Count("pk", filter=Q(status=AidStatus.ELIGIBLE)),
                proposed=Count("pk", filter=Q(status=AidStatus.PROPOSED)),
            )
            .order_by()
        )
        objs = [
            CoverageCount(
                facilitator_id=c["facilitator_id"],
                village_id=c["village_id"],
                aid_id=c["aid_id"],
                receiving=c["receiving"],
                not_receiving=c["not_receiving"],
                proposed=c["proposed"],
            )
            for c in counts
            if c["receiving"] or c["not_receiving"] or c["proposed"]
        ]
        CoverageCount.objects.bulk_create(objs, batch_size=5000)
        written += len(objs)
    return written


# ---------------------------------------------------------------- aid status


def normalize_card_number(value: str) -> str:
    return CARD_SEPARATORS.sub("", value or "")


def validate_card_number(*, aid: Aid, card_number: str) -> str:
    """The card number in its stored form, or a ValidationError naming the format."""
    number = normalize_card_number(card_number)
    if not number:
        return ""
    if not aid.card_label:
        raise ValidationError(
            {"card_number": _("%(aid)s tidak memakai nomor kartu.") % {"aid": aid.code}}
        )
    if aid.card_pattern and not re.fullmatch(aid.card_pattern, number):
        raise ValidationError(
            {
                "card_number": _("%(label)s harus %(hint)s.")
                % {"label": aid.card_label, "hint": aid.card_hint or aid.card_pattern}
            }
        )
    return number


@transaction.atomic
def aid_status_set(
    *,
    household: Household,
    aid: Aid,
    member: Member | None = None,
    status: str,
    since: datetime.date | None,
    card_number: str = "",
    office: Resource | None = None,
    note: str = "",
    by: User,
) -> AidEnrolment:
    """Record a family's or member's status for one aid (with its audit trail).

    Refused: a user who may not edit this family; a member of another family, one who
    has left, or outside the aid's age limits (unless the status is "not eligible");
    a card number in the wrong format; a date in the future; "receiving" or
    "proposed" without a date.
    """
    if not may_edit_aid(by, household):
        raise ValidationError(_("Anda tidak dapat mengubah status bantuan keluarga ini."))
    if status not in AidStatus.values:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    if aid.unit == AidUnit.MEMBER and member is None:
        raise ValidationError(
            {"member": _("%(aid)s diberikan per anggota: pilih anggota.") % {"aid": aid.code}}
        )
    if aid.unit == AidUnit.FAMILY and member is not None:
        raise ValidationError(
            _("%(aid)s diberikan per keluarga, bukan per anggota.") % {"aid": aid.code}
        )
    if member is not None:
        if member.household_id != household.pk:
            raise ValidationError(_("Anggota ini bukan anggota keluarga tersebut."))
        if status != AidStatus.NOT_ELIGIBLE:
            if member.left_on is not None:
                raise ValidationError({"status": _("Anggota ini sudah keluar dari keluarga.")})
            problem = age_limit_problem(aid=aid, birth_date=member.birth_date, on=_today())
            if problem:
                raise ValidationError({"status": problem})
    _not_in_future(since, "since")
    if status in (AidStatus.RECEIVING, AidStatus.PROPOSED) and not since:
        raise ValidationError({"since": _("Tanggal wajib diisi untuk status ini.")})
    number = validate_card_number(aid=aid, card_number=card_number)
    if (
        office is not None
        and not Resource.objects.filter(resource_scope_q(by), pk=office.pk).exists()
    ):
        raise ValidationError({"office": _("Sistem sumber tidak ditemukan.")})
    if status not in (AidStatus.PROPOSED, AidStatus.RECEIVING):
        office = None
    enrolment = (
        AidEnrolment.objects.select_for_update()
        .filter(household=household, aid=aid, member=member)
        .first()
    ) or AidEnrolment(household=household, aid=aid, member=member)
    enrolment.status = status
    enrolment.since = since
    enrolment.card_number = number
    enrolment.office = office
    enrolment.note = note.strip()
    enrolment.source = StatusSource.USER
    old_pair = (enrolment.facilitator_id, enrolment.village_id) if enrolment.pk else None
    enrolment.in_programme = household.status == HouseholdStatus.ACTIVE and (
        member is None or member.left_on is None
    )
    enrolment.facilitator_id, enrolment.village_id = household.facilitator_id, household.village_id
    enrolment._history_user = by
    enrolment.save()
    pairs = {(enrolment.facilitator_id, enrolment.village_id)}
    if old_pair:
        pairs.add(old_pair)
    coverage_counts_rebuild(pairs=pairs)
    return enrolment


# ---------------------------------------------------------------- roster import


def roster_aid_problems(
    *,
    member_flags: dict,
    birth_dates: dict | None = None,
) -> dict:
    """Members whose roster says they receive an aid they cannot have (outside its age
    limits): ``{key: reason}``. For the importer's validation step (warnings).

    Keys of ``member_flags`` are Member pks, whose birth dates are read from the
    registry; or, with ``birth_dates`` (same keys, e.g. roster lines), any key: the
    birth dates given are used (the roster's, for members not registered yet).
    """
    aids = {a.code: a for a in Aid.objects.filter(code__in=ROSTER_AIDS)}
    wanted = [key for key, flags in member_flags.items() if any(flags.values())]
    if birth_dates is None:
        dates = Member.objects.filter(pk__in=wanted).values_list("pk", "birth_date")
    else:
        dates = ((key, birth_dates[key]) for key in wanted if birth_dates.get(key))
    problems = {}
    today = _today()
    for key, birth_date in dates:
        for code, receiving in member_flags[key].items():
            if receiving and code in aids:
                problem = age_limit_problem(aid=aids[code], birth_date=birth_date, on=today)
                if problem:
                    problems[key] = problem
                    break
    return problems


@transaction.atomic
def roster_aid_apply(
    *,
    member_flags: dict[int, dict[str, bool]],
    household_flags: dict[int, dict[str, bool]],
    by: User,
    on: datetime.date,
    refresh: bool = True,
) -> int:
    """Apply the roster's KIP/KIS (per member) and SEMBAKO/KKS (per family) columns.

    ``True`` = receiving (since ``on`` when it was not receiving before); ``False`` =
    not receiving: a receiving row becomes "eligible, not receiving" where the rule
    makes the subject eligible, else "not eligible"; a "proposed" row stays proposed
    (advocacy in process is not undone by a roster). Unknown aid codes are ignored.
    Returns the number of rows created or changed. Set-based: a fixed number of
    queries, whatever the number of rows (``roster_aid_apply_staged``).

    The families' rule rows are refreshed first (``aid_eligibility_refresh``) unless
    ``refresh`` is False: for a caller that refreshes them right after in the same
    transaction. The roster's rows are then created with their status at once instead
    of being created "eligible" and updated; roster statuses are never overwritten by
    a refresh.
    """
    member_households = dict(
        Member.objects.filter(pk__in=list(member_flags)).values_list("pk", "household_id")
    )
    rows = [
        (code, member_households[pk], pk, pk, int(bool(value)))
        for pk, flags in member_flags.items()
        if pk in member_households
        for code, value in flags.items()
        if code in ("KIP", "KIS")
    ] + [
        (code, pk, None, 0, int(bool(value)))
        for pk, flags in household_flags.items()
        for code, value in flags.items()
        if code in ("SEMBAKO", "KKS")
    ]
    table = eligibility.wanted_table()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (aid_id, household_id, member_id, member_key, receiving) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
    if refresh:
        household_ids = set(member_households.values()) | set(
            Household.objects.filter(pk__in=list(household_flags)).values_list("pk", flat=True)
        )
        aid_eligibility_refresh(household_ids=household_ids, on=on)
    return eligibility.roster_apply(on=on, user_id=by.pk if by else None, rows=len(rows))


@transaction.atomic
def roster_aid_apply_staged(*, by: User, on: datetime.date, rows: int = -1) -> int:
    """``roster_aid_apply`` (``refresh=False``) for the ``rows`` statuses already put into
    the temporary table ``eligibility.wanted_table()`` (the roster import fills it from
    its staging tables with one ``INSERT ... SELECT``): no flags held in Python. Returns
    the rows created or changed."""
    return eligibility.roster_apply(on=on, user_id=by.pk if by else None, rows=rows)


# ---------------------------------------------------------------- catalogue


AID_FIELDS = (
    "name",
    "ministry",
    "unit",
    "eligibility",
    "min_age",
    "max_age",
    "card_label",
    "card_pattern",
    "card_hint",
    "summary",
    "regulation",
    "is_active",
    "order",
)


@transaction.atomic
def aid_save(*, aid: Aid | None = None, code: str = "", components=(), by: User, **fields) -> Aid:
    """Create (``aid=None``) or change a catalogue entry; national catalogue keepers only
    (the catalogue is national: ``pkh.permissions.can_edit_national_catalogue``).

    A change of rule refreshes every family's stored eligibility after commit (a
    Celery task: in the background when a broker is configured).
    """
    if not can_edit_national_catalogue(by):
        raise ValidationError(
            _(
                "Katalog bantuan berlaku nasional: hanya pengelola katalog nasional yang dapat mengubahnya."
            )
        )
    unknown = set(fields) - set(AID_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    pattern = fields.get("card_pattern", "")
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise ValidationError({"card_pattern": _("Format (regex) tidak sah.")})
        if not fields.get("card_label"):
            raise ValidationError({"card_label": _("Isi nama nomor kartu untuk format ini.")})
    lo, hi = fields.get("min_age"), fields.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError({"max_age": _("Usia maksimal harus tidak kurang dari usia minimal.")})
    components = list(components)
    if fields.get("eligibility") == EligibilityRule.COMPONENTS and not components:
        raise ValidationError({"components": _("Pilih minimal satu komponen untuk aturan ini.")})
    if aid is None:
        code = code.strip().upper()
        if not re.fullmatch(r"[A-Z0-9_]{2,12}", code):
            raise ValidationError({"code": _("Kode 2-12 huruf besar/angka.")})
        if Aid.objects.filter(code=code).exists():
            raise ValidationError({"code": _("Kode ini sudah dipakai.")})
        aid = Aid(code=code)
    elif "unit" in fields and fields["unit"] != aid.unit and aid.enrolments.exists():
        raise ValidationError(
            {"unit": _("Sasaran tidak dapat diubah setelah ada status bantuan tercatat.")}
        )
    for name, value in fields.items():
        setattr(aid, name, value)
    aid._history_user = by
    aid.full_clean(exclude=["components"])
    aid.save()
    aid.components.set(components)
    from assistance.tasks import aid_eligibility_refresh_all

    # If the broker is down the change stays saved; the nightly refresh catches up.
    transaction.on_commit(partial(publish, aid_eligibility_refresh_all))
    return aid


# ---------------------------------------------------------------- resource directory


RESOURCE_FIELDS = (
    "name",
    "kind",
    "area",
    "contact_person",
    "phone",
    "email",
    "address",
    "notes",
    "is_active",
)


@transaction.atomic
def resource_save(
    *, resource: Resource | None = None, aids: Iterable[Aid] = (), by: User, **fields
) -> Resource:
    """Create or change an entry of the resource directory, inside the user's areas."""
    if not may_manage_resources(by):
        raise ValidationError(_("Hanya supervisor dan admin yang mengelola sistem sumber."))
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Isian tidak dikenal: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    area = fields.get("area")
    if (
        area is None
        or not type(area).objects.filter(area_q(by.area_codes, village="code"), pk=area.pk).exists()
    ):
        raise ValidationError({"area": _("Wilayah ini di luar wilayah tugas Anda.")})
    if resource is None:
        resource = Resource(created_by=by)
    elif not Resource.objects.filter(resource_editable_q(by), pk=resource.pk).exists():
        raise ValidationError(_("Anda tidak dapat mengubah sistem sumber ini."))
    for name, value in fields.items():
        setattr(resource, name, value.strip() if isinstance(value, str) else value)
    if not resource.name:
        raise ValidationError({"name": _("Nama wajib diisi.")})
    resource._history_user = by
    resource.full_clean(exclude=["aids", "created_by"])
    resource.save()
    resource.aids.set(list(aids))
    return resource


# ---------------------------------------------------------------- advocacy cases


KKS_KINDS = {
    CaseKind.KKS_NOT_DISTRIBUTED,
    CaseKind.KKS_BLOCKED,
    CaseKind.KKS_LOST,
    CaseKind.KKS_WRONG_DATA,
    CaseKind.KKS_PIN,
    CaseKind.KKS_BALANCE,
}


def _check_case_owner(*, household: Household, by: User) -> None:
    if not may_manage_case(by, household):
        raise ValidationError(_("Hanya pendamping keluarga ini yang dapat mengelola kasusnya."))


def _check_case_dates(*, opened_on, taken_on, next_step_due) -> None:
    _not_in_future(opened_on, "opened_on")
    _not_in_future(taken_on, "taken_on")
    if taken_on and opened_on and taken_on < opened_on:
        raise ValidationError(
            {"taken_on": _("Tanggal dibawa ke kantor tidak boleh sebelum tanggal dibuka.")}
        )
    if next_step_due and opened_on and next_step_due < opened_on:
        raise ValidationError(
            {"next_step_due": _("Batas langkah berikutnya tidak boleh sebelum tanggal dibuka.")}
        )


def _check_resource(resource: Resource | None, by: User) -> None:
    if (
        resource is not None
        and not Resource.objects.filter(
            resource_scope_q(by), pk=resource.pk, is_active=True
        ).exists()
    ):
        raise ValidationError({"resource": _("Sistem sumber tidak ditemukan.")})


@transaction.atomic
def case_open(
    *,
    household: Household,
    kind: str,
    opened_on: datetime.date,
    by: User,
    aid: Aid | None = None,
    member: Member | None = None,
    resource: Resource | None = None,
    description: str = "",
    taken_on: datetime.date | None = None,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    status: str = CaseStatus.OPEN,
) -> AdvocacyCase:
    """Open an advocacy case for a family. A missing-aid case marks the subject's aid
    status "proposed" (with the date and the office); a KKS case is about KKS."""
    _check_case_owner(household=household, by=by)
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("Jenis masalah tidak dikenal.")})
    if status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ValidationError({"status": _("Kasus baru berstatus terbuka atau menunggu kantor.")})
    if status == CaseStatus.WAITING and resource is None:
        raise ValidationError({"resource": _("Pilih kantor yang ditunggu.")})
    if kind in KKS_KINDS:
        aid = Aid.objects.filter(code="KKS").first()
        member = None
    if kind == CaseKind.MISSING_AID:
        if aid is None:
            raise ValidationError({"aid": _("Pilih bantuan yang belum diterima.")})
        if aid.unit == AidUnit.MEMBER and member is None:
            raise ValidationError({"member": _("Pilih anggota yang belum menerima.")})
        if aid.unit == AidUnit.FAMILY:
            member = None
    if member is not None and member.household_id != household.pk:
        raise ValidationError({"member": _("Anggota ini bukan anggota keluarga tersebut.")})
    _check_case_dates(opened_on=opened_on, taken_on=taken_on, next_step_due=next_step_due)
    _check_resource(resource, by)
    if kind == CaseKind.MISSING_AID:
        current = AidEnrolment.objects.filter(household=household, aid=aid, member=member).first()
        if current is not None and current.status == AidStatus.RECEIVING:
            raise ValidationError(
                {"aid": _("Status bantuan ini sudah 'menerima'; ubah statusnya dulu bila salah.")}
            )
        aid_status_set(
            household=household,
            aid=aid,
            member=member,
            status=AidStatus.PROPOSED,
            since=taken_on or opened_on,
            card_number=current.card_number if current else "",
            office=resource,
            note=current.note if current else "",
            by=by,
        )
    case = AdvocacyCase(
        household=household,
        member=member,
        aid=aid,
        kind=kind,
        description=description.strip(),
        resource=resource,
        opened_on=opened_on,
        taken_on=taken_on,
        next_step=next_step.strip(),
        next_step_due=next_step_due,
        status=status,
        opened_by=by,
    )
    case._history_user = by
    case.full_clean(exclude=["household", "member", "aid", "resource", "opened_by"])
    case.save()
    return case


@transaction.atomic
def case_update(
    *,
    case: AdvocacyCase,
    by: User,
    status: str,
    resource: Resource | None = None,
    description: str = "",
    taken_on: datetime.date | None = None,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
) -> AdvocacyCase:
    """Record progress on an open case: office, next step, open / waiting on office."""
    _check_case_owner(household=case.household, by=by)
    if case.is_closed:
        raise ValidationError(_("Kasus ini sudah ditutup."))
    if status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ValidationError({"status": _("Untuk menutup kasus, pakai 'Tutup kasus'.")})
    if status == CaseStatus.WAITING and resource is None:
        raise ValidationError({"resource": _("Pilih kantor yang ditunggu.")})
    _check_case_dates(opened_on=case.opened_on, taken_on=taken_on, next_step_due=next_step_due)
    _check_resource(resource, by)
    case.status, case.resource, case.taken_on = status, resource, taken_on
    case.description, case.next_step = description.strip(), next_step.strip()
    case.next_step_due = next_step_due
    case._history_user = by
    case.save(
        update_fields=[
            "status",
            "resource",
            "taken_on",
            "description",
            "next_step",
            "next_step_due",
            "updated_at",
        ]
    )
    return case


@transaction.atomic
def case_close(
    *,
    case: AdvocacyCase,
    by: User,
    status: str,
    closed_on: datetime.date | None,
    outcome: str,
    aid_received: bool = False,
) -> AdvocacyCase:
    """Close a case as resolved or cannot be resolved; an outcome is required.

    For a missing-aid case: resolved with ``aid_received`` marks the aid "receiving"
    from ``closed_on``; cannot be resolved turns a "proposed" status back into
    "eligible, not receiving".
    """
    _check_case_owner(household=case.household, by=by)
    if case.is_closed:
        raise ValidationError(_("Kasus ini sudah ditutup."))
    if status not in (CaseStatus.RESOLVED, CaseStatus.UNRESOLVABLE):
        raise ValidationError(
            {"status": _("Pilih hasil akhir: selesai atau tidak dapat diselesaikan.")}
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Hasil wajib diisi untuk menutup kasus.")})
    if not closed_on:
        raise ValidationError({"closed_on": _("Tanggal ditutup wajib diisi.")})
    _not_in_future(closed_on, "closed_on")
    if closed_on < case.opened_on:
        raise ValidationError(
            {"closed_on": _("Tanggal ditutup tidak boleh sebelum tanggal dibuka.")}
        )
    if case.kind == CaseKind.MISSING_AID and case.aid_id:
        current = AidEnrolment.objects.filter(
            household=case.household, aid=case.aid, member=case.member
        ).first()
        new_status = None
        if status == CaseStatus.RESOLVED and aid_received:
            new_status = AidStatus.RECEIVING
        elif current is not None and current.status == AidStatus.PROPOSED and not aid_received:
            new_status = AidStatus.ELIGIBLE if status == CaseStatus.UNRESOLVABLE else None
        if new_status:
            aid_status_set(
                household=case.household,
                aid=case.aid,
                member=case.member,
                status=new_status,
                since=closed_on,
                card_number=current.card_number if current else "",
                office=case.resource if new_status == AidStatus.RECEIVING else None,
                note=current.note if current else "",
                by=by,
            )
    case.status, case.closed_on, case.outcome = status, closed_on, outcome
    case._history_user = by
    case.save(update_fields=["status", "closed_on", "outcome", "updated_at"])
    return case
