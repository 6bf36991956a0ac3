"""Helpers of the FDS / P2K2 service tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fds_sessions.models import AttendanceStatus

P, S, E, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.SICK,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


def today():
    return timezone.localdate()


def jpeg_upload(size=(3000, 2000), name="pertemuan.jpg", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (120, 160, 90))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
