"""The photo of a document seen: checked, stripped of metadata, resized, re-encoded as
JPEG (as P2K2 session photos are), then stored as a private file."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
MAX_PIXELS = 50_000_000  # larger is refused before decoding (decompression bombs)


def _error(message: str) -> ValidationError:
    return ValidationError({"photo": message})


def document_photo_prepare(upload) -> ContentFile:
    """A JPEG of at most ``PKH_CORRECTION_PHOTO_SIZE`` px on its longest side, without
    EXIF (a phone photo's metadata can hold the family's GPS position); or a
    ``ValidationError`` on ``photo``."""
    max_bytes = settings.PKH_CORRECTION_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise _error(
            _("Foto terlalu besar (%(size).1f MB); maksimal %(max)d MB.")
            % {"size": upload.size / 1024 / 1024, "max": max_bytes // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise _error(_("Format foto tidak didukung; kirim foto JPEG, PNG atau WebP."))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _error(_("Resolusi foto terlalu besar."))
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
            side = settings.PKH_CORRECTION_PHOTO_SIZE
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=82, optimize=True)
            return ContentFile(out.getvalue())
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error(_("Berkas ini bukan foto yang dapat dibaca.")) from None
