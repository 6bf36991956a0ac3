"""What commitment verification adds to other apps (``pkh.extensions``)."""

from __future__ import annotations


def register() -> None:
    pass
