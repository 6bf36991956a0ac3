"""Helpers of the FDS / P2K2 page tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fds_sessions.models import AttendanceStatus

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


def today():
    return timezone.localdate()


def jpeg(size=(1200, 900)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, format="JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")
