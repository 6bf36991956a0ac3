"""Writes of the region list."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from regions.models import Region

REGION_LEVEL_BY_LENGTH = {2: 1, 5: 2, 8: 3, 13: 4}


@transaction.atomic
def regions_load(*, rows: Iterable[dict], batch_size: int = 5000) -> dict[str, int]:
    """Insert or update Kemendagri regions from rows with ``kode`` and ``nama``.

    Idempotent: unchanged rows are not written. Parents are derived from the code.
    Raises ValueError on a malformed code or a missing parent.
    """
    existing = dict(Region.objects.values_list("code", "name"))
    incoming: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        code, name = (row["kode"] or "").strip(), " ".join((row["nama"] or "").split())
        if (
            len(code) not in REGION_LEVEL_BY_LENGTH
            or not code.replace(".", "").isdigit()
            or not name
        ):
            raise ValueError(f"line {line}: invalid region {code!r}")
        incoming[code] = name
    for code in incoming:
        parent = code.rsplit(".", 1)[0] if "." in code else None
        if parent and parent not in incoming and parent not in existing:
            raise ValueError(f"region {code}: parent {parent} is missing")
    to_create = [c for c in incoming if c not in existing]
    to_update = [c for c in incoming if c in existing and existing[c] != incoming[c]]
    # Parents first: shorter codes are higher levels.
    Region.objects.bulk_create(
        [
            Region(
                code=c,
                name=incoming[c],
                level=REGION_LEVEL_BY_LENGTH[len(c)],
                parent_id=c.rsplit(".", 1)[0] if "." in c else None,
            )
            for c in sorted(to_create, key=lambda c: (len(c), c))
        ],
        batch_size=batch_size,
    )
    Region.objects.bulk_update(
        [Region(code=c, name=incoming[c]) for c in to_update], ["name"], batch_size=batch_size
    )
    return {
        "total": len(incoming),
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(incoming) - len(to_create) - len(to_update),
    }
