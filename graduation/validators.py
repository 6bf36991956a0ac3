"""Checks of uploaded signed statements (surat pernyataan): a PDF or an image, not too
large. The content is checked, not only the file name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
}


def validate_statement_file(upload) -> str:
    """Return the file's content type, or raise ValidationError (field ``statement``)."""
    limit = settings.PKH_GRADUATION_STATEMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "statement": _("Berkas terlalu besar (maks. %(limit)s).")
                % {"limit": filesizeformat(limit)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"statement": _("Berkas kosong.")})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        from PIL import Image

        with Image.open(upload) as image:
            image.verify()
            kind = IMAGE_TYPES.get(image.format or "")
    except Exception:  # noqa: BLE001 - any failure to parse means "not an image"
        kind = None
    finally:
        upload.seek(0)
    if kind is None:
        raise ValidationError(
            {"statement": _("Surat pernyataan harus berupa PDF atau foto (JPG, PNG, WEBP).")}
        )
    return kind
