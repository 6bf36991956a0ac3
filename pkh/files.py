"""Private files: stored outside MEDIA_ROOT, never given a URL, served only by scoped views.

P2K2 session photos, signed graduation statements and uploaded rosters show families.
They live under ``settings.PKH_PRIVATE_MEDIA_ROOT`` (read at each use, so tests can point
it at a temporary folder) and nothing serves that folder, nor ``MEDIA_URL``. A view that
hands one out first finds the owning object through a scoped selector (404 when not
in scope), then answers with :func:`private_file_response`.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404

# Types that browsers only ever display as a picture, and that the uploads were checked
# to be (Pillow decoded them): these alone may be shown inline.
INLINE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
# Every other type a private file may be sent as; anything else goes as an opaque download.
ATTACHMENT_TYPES = frozenset({"application/pdf"})


class PrivateStorage(FileSystemStorage):
    """Files with no URL at all: asking for one is a programming error."""

    @property
    def base_location(self):
        return str(settings.PKH_PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a scoped view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """Callable for ``FileField(storage=...)`` (keeps migrations free of paths)."""
    return _storage


def private_file_response(
    field_file, *, content_type: str, filename: str, cache: str = "private, no-store"
) -> FileResponse:
    """Send a private file so that it can never run as a page.

    Validated images are shown inline; anything else is a download
    (``Content-Disposition: attachment``), and a type outside the known ones is sent as
    ``application/octet-stream``. Always ``nosniff`` and a sandboxing CSP, so even a file
    a browser did render would get no scripts and no access to the site.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = content_type in INLINE_IMAGE_TYPES
    if not inline and content_type not in ATTACHMENT_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache
    return response
