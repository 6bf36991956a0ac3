"""What notifications adds to the shared pages: nothing through the points yet; the bell
and its count are in ``templates/base.html`` (loaded by htmx, ``notifications:badge``).
Other apps fill the weekly digest through ``pkh.extensions.digest_sections``."""

from __future__ import annotations


def register() -> None:
    return None
