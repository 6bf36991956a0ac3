"""The seam between apps: every point where an upper app adds to, or reacts to, a lower one.

``regions`` is the ground floor of the domain, ``accounts`` sits on it and ``households``
on both; the other apps build on households, ``reports`` reads everything and ``home``
sits on top (README, "The seam between apps"; ``pkh/tests/test_layers.py``). A lower
app's page or write cannot import an upper app, so each app puts its contributions in one
file, ``<app>/extensions.py``, with a ``register()`` that its ``AppConfig.ready()`` calls.
The points, their signatures and the order of their contributions are all here (and
each has a row in the README's table of points):

* ``family_panels`` (``FamilyPanel``): sections on the family page.
* ``todo_sources`` (``TodoSource``): items on the home page's to-do list.
* ``menu_items`` (``NavItem``, named by its URL name): entries in the main menu.
* ``demo_seeders`` (``DemoSeeder``): what ``seed_demo`` runs after the demo households.
* ``readiness_facts`` (``ReadinessFactSource``): figures beside readiness in the
  graduation panel (aid coverage, P2K2 attendance).
* ``digest_sections`` (``DigestSection``): the lines of the weekly email digest to
  supervisors and admins (``notifications``): counts and links only, never a name.
* ``families_changed_reactions`` (``FamiliesChangedReaction``): what keeps the upper
  apps' own data in step after families or members are written. Every write to
  ``Household`` or ``Member`` calls ``families_changed()`` after it, inside its
  transaction; no ORM signal runs business logic.
* ``benefit_adjustments`` (``BenefitAdjustmentSource``): lines an upper app adds to the
  family's yearly benefit estimate (``households.selectors.household_benefit_estimate``),
  e.g. the commitment sanctions' reduction (``commitments``).
* ``refresh_notices`` (``RefreshNoticeSource``): "these figures are still being
  refreshed" for a page of derived data (``"aid"``: coverage and gap, ``"fds"``: P2K2
  groups) while an upper app's follow-up work on it is open (a roster import's second
  stage). Read with ``refresh_notices_for(topic)``.

* ``offline_record_kinds`` (``OfflineRecordKind``, named by its record kind): more kinds
  of record a phone queues offline (``field``, docs/offline.md): the part of the
  caseload copy they need and how the sync applies one record.

Contributions run in the order their point names them (``order``); a contribution whose
name is missing from it is refused at start-up, so a new one is placed here on purpose.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from django.core.management.base import OutputWrapper
    from django.http import HttpRequest

    from accounts.models import User
    from households.models import Household


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TodoItem:
    kind: str  # short machine key, e.g. "visit_followup"
    label: str  # what to do, already translated
    due: datetime.date | None
    url: str
    household_label: str = ""
    overdue: bool = False
    # The heading of the item's group on the home page ("Kasus advokasi"), shared by
    # every item of the kind; ``label`` then says what is particular to this one.
    kind_label: str = ""
    # Whose family it is, for supervisors and admins (the facilitator's name and id).
    facilitator_label: str = ""
    facilitator_id: int | None = None


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    # Shown also to national catalogue keepers (``pkh.permissions``), whatever their role.
    for_catalogue_keepers: bool = False
    # Used less often: under "Lainnya" (a dropdown) when the user's menu is long, so it
    # stays on one line on a 1280-px screen (pkh/context_processors.py).
    more: bool = False


@dataclass(frozen=True)
class ReadinessFact:
    label: str  # already translated, e.g. "Cakupan bansos"
    value: str  # already formatted, e.g. "3 dari 4 bansos diterima"
    url: str = ""  # optional link to the page with details
    warning: bool = False  # highlight (e.g. attendance below the expected level)


@dataclass(frozen=True)
class DigestLine:
    """One line of the weekly digest: a count and the page that lists those items."""

    label: str  # already translated, e.g. "Pengaduan lewat tenggat"; never personal data
    count: int
    url: str  # a path inside the site ("/pengaduan/?status=overdue"); made absolute in the email


@dataclass(frozen=True)
class BenefitAdjustment:
    """A line added to a family's yearly benefit estimate (negative: a reduction)."""

    label: str  # already translated, e.g. "Pengurangan 10% komponen SD, triwulan I 2026"
    amount: int  # rupiah; negative for a reduction
    member_id: int | None = None


class BenefitAdjustmentSource(Protocol):
    """Adjustments of the year's estimate of ``household``; ``lines`` are the estimate's
    ``households.selectors.BenefitLine`` rows (which members' components count)."""

    def __call__(
        self, *, household: Household, lines: list, year: int, today: datetime.date
    ) -> list[BenefitAdjustment]: ...


class FamilyPanel(Protocol):
    """A section of the family page, or ``None`` when there is nothing to show."""

    def __call__(self, *, request: HttpRequest, household: Household) -> Panel | None: ...


class TodoSource(Protocol):
    """The user's to-do items of one kind (an empty list for roles it does not concern)."""

    def __call__(self, *, user: User, today: datetime.date) -> list[TodoItem]: ...


class DemoSeeder(Protocol):
    """Adds an app's demo data to the demo households; idempotent."""

    def __call__(self, *, stdout: OutputWrapper) -> None: ...


class ReadinessFactSource(Protocol):
    """One figure beside readiness, or ``None``; never an invented number."""

    def __call__(self, *, household: Household, user: User) -> ReadinessFact | None: ...


class DigestSection(Protocol):
    """What waits for ``user`` (a supervisor or an admin), as digest lines; an empty list
    for roles or users it does not concern. Counts only: no NIK, no family name."""

    def __call__(self, *, user: User) -> list[DigestLine]: ...


class FamiliesChangedReaction(Protocol):
    """Bring an app's own data in step with families just written.

    ``household_ids`` can hold tens of thousands of ids: work set-based. ``fields`` names
    the ``Household`` fields that may have changed, plus ``"members"`` when members or
    their components did; ``None`` means anything may have.
    """

    def __call__(self, *, household_ids: set[int], fields: frozenset[str] | None) -> None: ...


@dataclass(frozen=True)
class RefreshNotice:
    message: str  # already translated
    url: str = ""  # where the work can be followed, for those who may see it
    link_label: str = ""


class RefreshNoticeSource(Protocol):
    """Whether the figures of ``topic`` (``"aid"``, ``"fds"``) are still being refreshed:
    a notice, or ``None``. One cheap query at most: it runs on every such page."""

    def __call__(self, *, topic: str, user: User) -> RefreshNotice | None: ...


class OfflineSnapshotPart(Protocol):
    """The kind's part of a facilitator's caseload copy: plain JSON-ready data, in the
    user's own scope, with no NIK or No. KK."""

    def __call__(self, *, user: User) -> dict: ...


class OfflineApply(Protocol):
    """Apply one queued record (``data`` as the phone sent it) in the sync's
    transaction, with the same form and service as the online page. Returns
    ``(object_id, created)``; ``created`` is False when ``token`` had been applied
    already. Raises ``ValidationError`` to refuse (field errors in its ``error_dict``),
    with a message that leaks nothing of other facilitators' data, and
    ``OfflineConflict`` when the server's copy changed since the phone's."""

    def __call__(self, *, user: User, token: uuid.UUID, data: dict) -> tuple[int, bool]: ...


class OfflineConflict(Exception):
    """An ``OfflineApply``'s answer when the server's copy changed since the phone took
    its copy, on fields the phone sends differently (the field-level rule,
    docs/offline.md): nothing is written, and both versions go back to the phone, one
    ``{"field", "label", "server", "phone"}`` per field, for the facilitator to choose."""

    def __init__(self, fields: list[dict]) -> None:
        super().__init__(fields)
        self.fields = fields


@dataclass(frozen=True)
class OfflineRecordKind:
    snapshot: OfflineSnapshotPart
    apply: OfflineApply


T = TypeVar("T")


class Point(Generic[T]):
    """One extension point: named contributions, iterated in the order ``order`` gives."""

    def __init__(self, name: str, *, order: tuple[str, ...]) -> None:
        self.name = name
        self.order = order
        self.contributions: dict[str, T] = {}

    def register(self, name: str, contribution: T) -> T:
        if name not in self.order:
            raise ValueError(
                f"{self.name}: {name!r} has no place in the order; add it in pkh/extensions.py"
            )
        self.contributions[name] = contribution  # registering twice changes nothing
        return contribution

    def __iter__(self) -> Iterator[T]:
        return (self.contributions[n] for n in self.order if n in self.contributions)

    def __contains__(self, contribution: object) -> bool:
        return any(c == contribution for c in self.contributions.values())


family_panels: Point[FamilyPanel] = Point(
    "family_panels",
    order=("assistance", "fds_sessions", "commitments", "graduation", "complaints", "corrections"),
)
todo_sources: Point[TodoSource] = Point(
    "todo_sources",
    order=(
        "households",
        "assistance",
        "fds_sessions",
        "commitments_month",
        "commitments_visit",
        "commitments_sanction",
        "graduation",
        "complaints",
        "corrections",
    ),
)
menu_items: Point[NavItem] = Point(
    "menu_items",
    order=(
        "households:caseload",
        "households:team_overview",
        "assistance:gap",
        "fds_sessions:group_list",
        "commitments:month",
        "field:app",
        "assistance:catalogue",
        "graduation:pipeline",
        "graduation:review",
        "graduation:proposal_list",
        "graduation:form_list",
        "complaints:list",
        "complaints:board",
        "reports:list",
        "reports:team",
        "commitments:team",
        "reports:district",
        "reports:runs",
        "fds_sessions:module_list",
        "households:transfer",
        "corrections:list",
        "corrections:export",
        "field:devices",
        "accounts:user_list",
        "imports:list",
    ),
)
demo_seeders: Point[DemoSeeder] = Point(
    "demo_seeders",
    order=(
        "assistance",
        "fds_sessions",
        "commitments",
        "graduation",
        "complaints",
        "corrections",
        "reports",
    ),
)
readiness_facts: Point[ReadinessFactSource] = Point(
    "readiness_facts", order=("aid_coverage", "fds_attendance")
)
# Each app that has something waiting for supervisors and admins names itself here
# (complaints, corrections, ...) and registers a ``DigestSection``.
digest_sections: Point[DigestSection] = Point(
    "digest_sections", order=("complaints", "corrections", "graduation", "commitments")
)
families_changed_reactions: Point[FamiliesChangedReaction] = Point(
    "families_changed_reactions", order=("assistance", "fds_sessions", "complaints")
)


refresh_notices: Point[RefreshNoticeSource] = Point("refresh_notices", order=("imports",))
benefit_adjustments: Point[BenefitAdjustmentSource] = Point(
    "benefit_adjustments", order=("commitments",)
)
offline_record_kinds: Point[OfflineRecordKind] = Point(
    "offline_record_kinds", order=("commitment",)
)


def refresh_notices_for(topic: str, *, user: User) -> list[RefreshNotice]:
    """The notices a page of ``topic`` shows above its figures."""
    notices = (source(topic=topic, user=user) for source in refresh_notices)
    return [n for n in notices if n is not None]


def families_changed(household_ids: Iterable[int], *, fields: Iterable[str] | None = None) -> None:
    """Announce a write to these families (or their members): every reaction runs now,
    in the caller's transaction. ``fields`` as in ``FamiliesChangedReaction``."""
    ids = set(household_ids)
    changed = None if fields is None else frozenset(fields)
    for reaction in families_changed_reactions:
        reaction(household_ids=ids, fields=changed)
