"""Helpers of the households page tests."""

from django.urls import reverse
from django.utils import timezone

TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"households:{name}", args=args)
