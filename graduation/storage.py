"""Private file storage for signed statements: outside MEDIA_ROOT, no public URL.

Files are served only by ``graduation.views.proposal_statement``, which checks scope.
The location is read from ``settings.PKH_PRIVATE_MEDIA_ROOT`` at each use, so tests can
point it at a temporary folder.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
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
