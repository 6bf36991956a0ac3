"""Uploaded photos of families' papers and meetings: checked, turned upright, stripped of
metadata, resized and re-encoded as JPEG before they are stored as private files
(``pkh/files.py``).

One way for every app that takes a photo (P2K2 session photos, complaint photos, the
document photo of a data correction): each passes its own size limit and stored sizes.
Offline records from the phone (``field``) reach it through the session service.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; larger is refused before decoding
JPEG_QUALITY = 82


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _encode(image: Image.Image, longest_side: int) -> ContentFile:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Saved without EXIF: a phone photo's metadata can hold the family's GPS position.
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue())


def photo_prepare(
    upload, *, max_bytes: int, sides: Sequence[int], field: str = "photo"
) -> tuple[ContentFile, ...]:
    """Return one JPEG per entry of ``sides`` (at most that many px on its longest side),
    or raise ``ValidationError`` on ``field``.

    Refuses files over ``max_bytes``, anything Pillow cannot read as a JPEG, PNG or WebP
    image, and images over 50 megapixels (decompression bombs). Nothing of the upload's
    metadata is kept; the picture is turned upright by its EXIF orientation first.
    """
    if not sides:
        raise ValueError("photo_prepare needs at least one size")
    if upload.size > max_bytes:
        raise _error(
            field,
            _("Foto terlalu besar (%(size).1f MB); maksimal %(max)d MB.")
            % {"size": upload.size / 1024 / 1024, "max": max_bytes // (1024 * 1024)},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise _error(
                    field, _("Format foto tidak didukung; kirim foto JPEG, PNG atau WebP.")
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _error(field, _("Resolusi foto terlalu besar."))
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
            return tuple(_encode(upright, side) for side in sides)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error(field, _("Berkas ini bukan foto yang dapat dibaca.")) from None
