"""Helpers of the data correction page tests."""

import datetime

from django.urls import reverse
from django.utils import timezone

from households.tests.factories import make_nik

TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"corrections:{name}", args=args)


def baby(household, **extra):
    birth = TODAY() - datetime.timedelta(days=20)
    data = {
        "event": "kelahiran",
        "nik": make_nik(region6="340209", birth_date=birth, sex="P", serial=8123),
        "name": "Aisyah Rahmawati",
        "sex": "P",
        "birth_date": birth.isoformat(),
        "relationship": "ANAK",
        "components": ["ANAK_USIA_DINI"],
        "document": "akta_lahir",
        "note": "Lahir di Puskesmas Jetis.",
    }
    data.update(extra)
    return data


def propose_baby(client, household, **extra):
    return client.post(url("propose_member_add", household.pk), baby(household, **extra))
