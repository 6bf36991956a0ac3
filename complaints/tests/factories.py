import io

from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import Channel, ComplaintCategory


def category(code: str = "kks") -> ComplaintCategory:
    """A seeded category (migration 0002)."""
    return ComplaintCategory.objects.get(code=code)


def open_complaint(household, *, by=None, code: str = "kks", member=None, **kwargs):
    complaint, _created = services.complaint_open(
        household=household,
        by=by or household.facilitator,
        category=category(code),
        channel=kwargs.pop("channel", Channel.HOME_VISIT),
        description=kwargs.pop("description", "KKS terblokir setelah salah PIN tiga kali."),
        member=member,
        **kwargs,
    )
    return complaint


def png_upload(name: str = "dokumen.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
