"""Demo data for ``make run``: realistic aid statuses, a small resource directory and a
few advocacy cases for the demo families of Kecamatan Jetis (Bantul). Idempotent:
rerunning changes nothing (statuses are derived from the row's id, resources and
cases are looked up before they are made)."""

from __future__ import annotations

import datetime
import zlib

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Cast, LPad, Mod
from django.utils import timezone

from assistance.models import (
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    CaseKind,
    CaseStatus,
    Resource,
    ResourceKind,
    StatusSource,
)
from assistance.services.cases import case_open
from assistance.services.coverage import coverage_counts_rebuild, coverage_pairs
from assistance.services.eligibility import aid_eligibility_refresh
from households.models import Household, Member
from pkh.sql import chunks
from regions.models import Region

JETIS = "34.02.09"

# name, kind, area code, contact person, phone, aids handled
RESOURCES = [
    (
        "Dinas Sosial Kabupaten Bantul",
        ResourceKind.DINSOS,
        "34.02",
        "Bidang Perlindungan dan Jaminan Sosial",
        "0274-367001",
        ["KIS", "SEMBAKO", "KKS", "RTLH", "KUBE", "PENA"],
    ),
    (
        "Kantor Kecamatan Jetis",
        ResourceKind.DISTRICT_OFFICE,
        JETIS,
        "Seksi Kesejahteraan Sosial",
        "0274-6990001",
        ["RTLH", "KUBE"],
    ),
    ("Puskesmas Jetis I", ResourceKind.PUSKESMAS, JETIS, "Petugas JKN", "0274-6990002", ["KIS"]),
    (
        "BRI Unit Jetis",
        ResourceKind.BANK,
        JETIS,
        "Customer service bansos",
        "0274-6990003",
        ["KKS", "SEMBAKO"],
    ),
    (
        "BPJS Kesehatan Kantor Cabang Bantul",
        ResourceKind.BPJS,
        "34.02",
        "Loket PBI",
        "0274-6990004",
        ["KIS"],
    ),
    ("SD Negeri 1 Jetis", ResourceKind.SCHOOL, JETIS, "Operator Dapodik", "0274-6990005", ["KIP"]),
    (
        "Kantor Desa Patalan",
        ResourceKind.VILLAGE_OFFICE,
        "34.02.09.2001",
        "Kasi Kesejahteraan",
        "0274-6990011",
        ["KIS", "SEMBAKO", "RTLH"],
    ),
    (
        "Kantor Desa Canden",
        ResourceKind.VILLAGE_OFFICE,
        "34.02.09.2002",
        "Kasi Kesejahteraan",
        "0274-6990012",
        ["KIS", "SEMBAKO", "RTLH"],
    ),
    (
        "Kantor Desa Sumberagung",
        ResourceKind.VILLAGE_OFFICE,
        "34.02.09.2003",
        "Kasi Kesejahteraan",
        "0274-6990013",
        ["KIS", "SEMBAKO", "RTLH"],
    ),
    (
        "Kantor Desa Trimulyo",
        ResourceKind.VILLAGE_OFFICE,
        "34.02.09.2004",
        "Kasi Kesejahteraan",
        "0274-6990014",
        ["KIS", "SEMBAKO", "RTLH"],
    ),
]

# Share of eligible subjects shown as receiving / proposed, per aid (per mille).
RECEIVING = {"KKS": 900, "SEMBAKO": 820, "KIS": 780, "KIP": 550}
PROPOSED = {"KKS": 30, "SEMBAKO": 60, "KIS": 60, "KIP": 120}


def _bucket(pk: int) -> int:
    return zlib.crc32(str(pk).encode()) % 1000


def _card(aid: str):
    """A made-up card number derived from the row's id, as a database expression."""
    text = models.CharField()

    def digits(number):  # SQLite's MOD gives a float: back to an integer, then text
        return Cast(Cast(number, models.BigIntegerField()), text)

    if aid == "KIS":  # 13 digits
        return digits(Value(10**12) + Mod(F("pk") * 7919, Value(10**12)))
    if aid == "KIP":  # 10 digits
        return LPad(digits(Value(10**8) + Mod(F("pk") * 104729, Value(10**9))), 10, Value("0"))
    if aid == "KKS":  # 16 digits
        return digits(Value(6013010000000000) + F("pk"))
    return Value("")


@transaction.atomic
def seed_assistance(*, stdout) -> None:
    regions = set(Region.objects.filter(code__startswith="34.02").values_list("code", flat=True))
    resources = {}
    aids = {a.code: a for a in Aid.objects.all()}
    for name, kind, area, contact, phone, aid_codes in RESOURCES:
        if area not in regions:
            continue
        resource, created = Resource.objects.get_or_create(
            name=name,
            area_id=area,
            defaults={"kind": kind, "contact_person": contact, "phone": phone},
        )
        if created:
            resource.aids.set([aids[c] for c in aid_codes if c in aids])
        resources[name] = resource

    households = list(
        Household.objects.filter(village__code__startswith=f"{JETIS}.")
        .select_related("facilitator")
        .order_by("pk")
    )
    ids = [h.pk for h in households]
    aid_eligibility_refresh(household_ids=ids)
    today = timezone.localdate()
    office = resources.get("Dinas Sosial Kabupaten Bantul")
    # Rows that end in the same state are one UPDATE (the card number is computed by the
    # database from the id): a bulk_update of thousands of rows took most of `make run`.
    groups: dict[tuple, list[int]] = {}
    rows = AidEnrolment.objects.filter(
        household_id__in=ids,
        aid_id__in=list(RECEIVING),
        source=StatusSource.RULE,
        status=AidStatus.ELIGIBLE,
    ).values_list("pk", "aid_id")
    for pk, aid_id in rows:
        bucket = _bucket(pk)
        if bucket < RECEIVING[aid_id]:
            state = (AidStatus.RECEIVING, datetime.date(2019 + bucket % 6, 1 + bucket % 12, 1))
            groups.setdefault((aid_id, *state, None), []).append(pk)
        elif bucket < RECEIVING[aid_id] + PROPOSED[aid_id]:
            since = today - datetime.timedelta(days=10 + bucket % 60)
            groups.setdefault((aid_id, AidStatus.PROPOSED, since, office), []).append(pk)
    for (aid_id, status, since, to_office), pks in groups.items():
        receiving = status == AidStatus.RECEIVING
        for chunk in chunks(pks, 500):
            AidEnrolment.objects.filter(pk__in=chunk).update(
                status=status,
                since=since,
                source=StatusSource.ROSTER,
                # Receiving: its card; proposed: the office it was proposed to.
                card_number=_card(aid_id) if receiving else F("card_number"),
                office=F("office") if receiving else to_office,
            )
    changed = [pk for pks in groups.values() for pk in pks]
    AidEnrolment.history.bulk_history_create(
        list(AidEnrolment.objects.filter(pk__in=changed)),
        update=True,
        default_change_reason="demo",
        batch_size=500,
    )
    coverage_counts_rebuild(pairs=coverage_pairs(household_ids=ids))

    cases = 0
    with_facilitator = [h for h in households if h.facilitator_id][:6]
    bank = resources.get("BRI Unit Jetis")
    school = resources.get("SD Negeri 1 Jetis")
    for i, household in enumerate(with_facilitator):
        if AdvocacyCase.objects.filter(household=household).exists():
            continue
        if i % 3 == 0:
            AdvocacyCase.objects.create(
                household=household,
                aid=aids.get("KKS"),
                kind=CaseKind.KKS_BLOCKED,
                description="Kartu terblokir setelah tiga kali salah PIN.",
                resource=bank,
                opened_on=today - datetime.timedelta(days=20),
                taken_on=today - datetime.timedelta(days=18),
                next_step="Tanyakan hasil pembukaan blokir ke bank",
                next_step_due=today - datetime.timedelta(days=2),
                status=CaseStatus.WAITING if bank else CaseStatus.OPEN,
                opened_by_id=household.facilitator_id,
            )
            cases += 1
        elif i % 3 == 1:
            children = Member.objects.filter(
                household=household,
                left_on__isnull=True,
                components__code__in=["SD", "SMP", "SMA"],
                aid_enrolments__aid_id="KIP",
                aid_enrolments__status=AidStatus.ELIGIBLE,
            ).order_by("pk")
            child = children.first()
            if child is None:
                continue
            try:
                with transaction.atomic():
                    case_open(
                        household=household,
                        member=child,
                        aid=aids["KIP"],
                        kind=CaseKind.MISSING_AID,
                        description="Anak sudah sekolah tetapi belum terdaftar PIP.",
                        resource=school,
                        opened_on=today - datetime.timedelta(days=7),
                        next_step="Minta operator sekolah mengusulkan lewat Dapodik",
                        next_step_due=today + datetime.timedelta(days=5),
                        by=household.facilitator,
                    )
            except ValidationError:
                continue
            cases += 1
        else:
            AdvocacyCase.objects.create(
                household=household,
                aid=aids.get("KKS"),
                kind=CaseKind.KKS_PIN,
                description="Pengurus lupa PIN KKS.",
                resource=bank,
                opened_on=today - datetime.timedelta(days=40),
                taken_on=today - datetime.timedelta(days=38),
                status=CaseStatus.RESOLVED,
                closed_on=today - datetime.timedelta(days=30),
                outcome="PIN direset di BRI Unit Jetis; pengurus sudah bisa menarik saldo.",
                opened_by_id=household.facilitator_id,
            )
            cases += 1
    stdout.write(
        f"assistance: {len(resources)} resources, {len(changed)} aid statuses, {cases} cases\n"
    )
