"""Session photo handling: check the upload, strip metadata, resize, make a thumbnail."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; larger is refused before decoding


def _error(message: str) -> ValidationError:
    return ValidationError({"photo": message})


def _encode(image: Image.Image, longest_side: int) -> ContentFile:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Saved without EXIF: a phone photo's metadata can hold the family's GPS position.
    copy.save(out, format="JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue())


def photo_prepare(upload) -> tuple[ContentFile, ContentFile]:
    """Return ``(photo, thumbnail)`` as JPEG files, or raise ``ValidationError`` on ``photo``.

    Refuses files over ``PKH_FDS_PHOTO_MAX_BYTES``, anything Pillow cannot read as a JPEG,
    PNG or WebP image, and images over 50 megapixels (decompression bombs).
    """
    max_bytes = settings.PKH_FDS_PHOTO_MAX_BYTES
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
            return (
                _encode(image, settings.PKH_FDS_PHOTO_SIZE),
                _encode(image, settings.PKH_FDS_THUMBNAIL_SIZE),
            )
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error(_("Berkas ini bukan foto yang dapat dibaca."))
