"""Demo complaints for ``make run``: a few dozen tickets on the demo families of
Kecamatan Jetis in every state (new, in progress, referred, resolved, rejected, overdue
and escalated). Idempotent: each demo ticket has a fixed ``client_token``."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from assistance.models import Resource
from complaints import services
from complaints.models import Channel, Complaint, ComplaintCategory
from households.models import Household

JETIS = "34.02.09"
NAMESPACE = uuid.UUID("6f1d3c2e-18a0-4c55-9d59-2b8f0e6c1a18")
DESCRIPTIONS = {
    "pembayaran": "Bantuan tahap ini belum masuk ke rekening KKS, tetangga sudah menerima.",
    "kks": "KKS tertelan mesin ATM dan belum diganti bank.",
    "data_identitas": "Tanggal lahir ibu di data berbeda dengan KTP.",
    "salah_sasaran": "Keluarga tetangga yang layak belum terdaftar sebagai KPM.",
    "layanan_ditolak": "Puskesmas meminta biaya padahal keluarga memegang KIS.",
    "lainnya": "Keluarga menanyakan jadwal pertemuan P2K2 bulan depan.",
}
COUNT = 30


def seed_complaints(*, stdout) -> None:
    households = list(
        Household.objects.filter(village__code__startswith=f"{JETIS}.", facilitator__isnull=False)
        .select_related("facilitator__supervisor")
        .order_by("pk")[: COUNT * 7 : 7]
    )
    categories = list(ComplaintCategory.objects.filter(is_active=True).order_by("order"))
    office = Resource.objects.filter(name="Dinas Sosial Kabupaten Bantul").first()
    if not households or not categories:
        return
    today = timezone.localdate()
    made = 0
    channels = list(Channel.values)
    for i, household in enumerate(households):
        token = uuid.uuid5(NAMESPACE, str(i))
        if Complaint.objects.filter(client_token=token).exists():
            continue
        category = categories[i % len(categories)]
        by = household.facilitator
        with transaction.atomic():
            complaint, _created = services.complaint_open(
                household=household,
                by=by,
                category=category,
                channel=channels[i % len(channels)],
                description=DESCRIPTIONS.get(category.code, DESCRIPTIONS["lainnya"]),
                client_token=token,
            )
            # Spread the opening dates over the last ten weeks.
            age = (i * 5) % 70
            opened = timezone.now() - datetime.timedelta(days=age)
            Complaint.objects.filter(pk=complaint.pk).update(
                opened_at=opened,
                due_on=opened.date() + datetime.timedelta(days=category.effective_deadline_days),
            )
            complaint.events.update(at=opened)
            complaint.refresh_from_db()
            step = i % 6
            if step >= 1:
                services.complaint_start(complaint=complaint, by=by)
            if step >= 2 and office is not None:
                services.complaint_refer(complaint=complaint, by=by, resource=office)
            if step == 4:
                services.complaint_resolve(
                    complaint=complaint, by=by, resolution="Sudah diselesaikan oleh kantor."
                )
            if step == 5 and by.supervisor is not None:
                services.complaint_reject(
                    complaint=complaint,
                    by=by.supervisor,
                    reason="Bukan keluhan: keluarga hanya menanyakan informasi.",
                )
        made += 1
    escalated = services.complaints_escalate(today=today)
    stdout.write(
        f"complaints: {made} demo complaints, escalated {escalated['supervisor']} to "
        f"supervisors and {escalated['admin']} to admins"
    )
