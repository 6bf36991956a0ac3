"""Helpers for correction tests: a typical family and a photo of a document."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from households.models import Member
from households.tests.factories import household_with_members


def family(facilitator):
    household = household_with_members(facilitator=facilitator)
    members = list(household.members.order_by("birth_date"))
    # TYPICAL_MEMBERS: father 1984, mother (pengurus) 1987, child 2016, toddler 2022
    return household, members


def child_of(household) -> Member:
    return household.members.filter(relationship="ANAK").order_by("birth_date").first()


def png_upload(name="ktp.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 90)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
