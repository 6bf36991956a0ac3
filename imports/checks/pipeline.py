"""The entry points of the checks, as ``imports.services`` calls them
(``from imports.checks import pipeline as checks``): the two check runs, the counts, the
registry signature, the session settings, and the SQL helpers it uses."""

from __future__ import annotations

from imports.checks.counts import Counts, count, registry_signature
from imports.checks.file import FILE_CHECKS, check_file
from imports.checks.registry import REGISTRY_CHECKS, check_registry
from imports.checks.session import tuned_session
from pkh.sql import fetch, run, timed

__all__ = [
    "FILE_CHECKS",
    "REGISTRY_CHECKS",
    "Counts",
    "check_file",
    "check_registry",
    "count",
    "fetch",
    "registry_signature",
    "run",
    "timed",
    "tuned_session",
]
