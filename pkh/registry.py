"""Extension points that let upper apps add to pages of lower ones without imports upward.

``households`` is the base app; ``assistance``, ``fds_sessions``, ``graduation`` and
``reports`` build on it. A lower app's page cannot import an upper app, so upper apps
register here from their ``AppConfig.ready()``:

* ``family_panels``: sections on the family page. A provider is called as
  ``provider(request=request, household=household)`` and returns ``None`` (nothing to
  show) or a ``Panel``.
* ``todo_sources``: items on the facilitator's to-do list. A provider is called as
  ``provider(user=user, today=date)`` and returns a list of ``TodoItem``.
* ``nav_items``: entries in the main menu, each with the roles that see it (and whether
  national catalogue keepers see it too). Entries used less often (``more=True``) go
  under "Lainnya" when the menu is long, so it stays on one line on a 1280-px screen.
* ``demo_seeders``: functions ``seeder(*, stdout)`` that ``seed_demo`` runs after the
  households are seeded, in registration order (app order in INSTALLED_APPS).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


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
    order: int = 100
    # Shown also to national catalogue keepers (``pkh.permissions``), whatever their role.
    for_catalogue_keepers: bool = False
    # Used less often: under "Lainnya" (a dropdown) when the user's menu is long.
    more: bool = False


family_panels: list[Callable[..., Panel | None]] = []
todo_sources: list[Callable[..., list[TodoItem]]] = []
nav_items: list[NavItem] = []
demo_seeders: list[Callable[..., None]] = []


def register_family_panel(provider: Callable[..., Panel | None]) -> Callable[..., Panel | None]:
    if provider not in family_panels:
        family_panels.append(provider)
    return provider


def register_todo_source(provider: Callable[..., list[TodoItem]]) -> Callable[..., list[TodoItem]]:
    if provider not in todo_sources:
        todo_sources.append(provider)
    return provider


def register_nav_item(item: NavItem) -> None:
    if item not in nav_items:
        nav_items.append(item)


def register_demo_seeder(seeder: Callable[..., None]) -> Callable[..., None]:
    if seeder not in demo_seeders:
        demo_seeders.append(seeder)
    return seeder
