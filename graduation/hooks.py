"""Figures from other apps shown beside readiness on the family page.

The graduation panel shows, next to the latest readiness, the family's aid coverage
(``assistance``) and FDS attendance (``fds_sessions``). ``GraduationConfig.ready()``
registers one provider per figure (``graduation/facts.py``). A provider is called as
``provider(household=household, user=user)`` and returns ``None`` (nothing to show) or a
``ReadinessFact``; the panel never shows an invented number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadinessFact:
    label: str  # already translated, e.g. "Cakupan bansos"
    value: str  # already formatted, e.g. "3 dari 4 bansos diterima"
    url: str = ""  # optional link to the page with details
    order: int = 100
    warning: bool = False  # highlight (e.g. attendance below the expected level)


readiness_facts: list[Callable[..., ReadinessFact | None]] = []


def register_readiness_fact(
    provider: Callable[..., ReadinessFact | None],
) -> Callable[..., ReadinessFact | None]:
    if provider not in readiness_facts:
        readiness_facts.append(provider)
    return provider


def facts_for(*, household, user) -> list[ReadinessFact]:
    facts = [
        f
        for provider in readiness_facts
        if (f := provider(household=household, user=user)) is not None
    ]
    return sorted(facts, key=lambda f: f.order)
