"""Reads of the objections bank (shared, not personal data)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from graduation.models import Objection


def objection_list(*, search: str = "", archived: bool = False) -> QuerySet[Objection]:
    """The shared bank (not personal data: every signed-in role may read it)."""
    qs = Objection.objects.filter(is_archived=archived)
    for word in search.split()[:8]:
        qs = qs.filter(
            Q(argument__icontains=word) | Q(answer__icontains=word) | Q(tags__icontains=word)
        )
    return qs.order_by("argument", "pk")


def objection_get(*, pk: int) -> Objection:
    return get_object_or_404(Objection, pk=pk)
