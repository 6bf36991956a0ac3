"""The seam between apps (``pkh.extensions``): the points, their order, and the writes
that announce themselves with ``families_changed`` instead of model signals."""

from __future__ import annotations

import datetime
import functools
import weakref

import pytest
from django.db.models import signals

from households.models import Component, ExitType, HouseholdStatus, Relationship, Sex
from households.services import household_update, households_transfer, member_save
from households.tests.factories import HouseholdFactory, MemberFactory, household_with_members
from pkh import extensions

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "accounts",
    "households",
    "assistance",
    "fds_sessions",
    "graduation",
    "corrections",
    "imports",
)
PROJECT_PACKAGES = (*PROJECT_APPS, "reports", "home", "pkh")
MODEL_SIGNALS = (
    signals.pre_init,
    signals.post_init,
    signals.pre_save,
    signals.post_save,
    signals.pre_delete,
    signals.post_delete,
    signals.m2m_changed,
)
POINTS = (
    extensions.family_panels,
    extensions.todo_sources,
    extensions.menu_items,
    extensions.demo_seeders,
    extensions.readiness_facts,
    extensions.families_changed_reactions,
    extensions.digest_sections,
    extensions.refresh_notices,
)


def project_model_receivers() -> list[str]:
    """Model-signal receivers whose code lives in this project (third-party ones, such as
    django-simple-history's audit rows, are not business logic of ours)."""
    found = []
    for signal in MODEL_SIGNALS:
        for entry in signal.receivers:
            receiver = entry[1]
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            while isinstance(receiver, functools.partial):
                receiver = receiver.func
            module = getattr(receiver, "__module__", "") or ""
            if module.split(".")[0] in PROJECT_PACKAGES:
                found.append(f"{module}.{getattr(receiver, '__qualname__', receiver)}")
    return found


def test_no_model_signal_runs_project_code():
    assert project_model_receivers() == []


def test_the_receiver_check_finds_a_project_receiver():
    def refresh_behind_the_write(sender, **kwargs):
        pass

    signals.post_save.connect(refresh_behind_the_write, dispatch_uid="test-extensions")
    try:
        assert any("refresh_behind_the_write" in r for r in project_model_receivers())
    finally:
        signals.post_save.disconnect(dispatch_uid="test-extensions")


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_every_named_place_is_filled(point):
    """No stale name in an order: each is filled by the app that names it."""
    assert list(point.contributions) != []
    assert set(point.order) == set(point.contributions)


def test_a_contribution_without_a_place_is_refused():
    with pytest.raises(ValueError, match="pkh/extensions.py"):
        extensions.todo_sources.register("unknown", lambda *, user, today: [])


def test_contributions_run_in_the_named_order(monkeypatch):
    point = extensions.Point("example", order=("first", "second", "third"))
    point.register("third", 3)
    point.register("first", 1)
    point.register("first", 1)  # twice: once
    assert list(point) == [1, 3]


def test_families_changed_runs_every_reaction_in_order(monkeypatch):
    point = extensions.families_changed_reactions
    assert point.order == ("assistance", "fds_sessions", "complaints")
    calls = []
    for name in point.order:
        monkeypatch.setitem(
            point.contributions,
            name,
            lambda *, household_ids, fields, name=name: calls.append((name, household_ids, fields)),
        )
    extensions.families_changed([3, 1, 3], fields=["status"])
    extensions.families_changed({2})
    assert calls == [
        ("assistance", {1, 3}, frozenset({"status"})),
        ("fds_sessions", {1, 3}, frozenset({"status"})),
        ("complaints", {1, 3}, frozenset({"status"})),
        ("assistance", {2}, None),
        ("fds_sessions", {2}, None),
        ("complaints", {2}, None),
    ]


def test_menu_keeps_its_order():
    assert [item.url_name for item in extensions.menu_items][:4] == [
        "households:caseload",
        "households:team_overview",
        "assistance:gap",
        "fds_sessions:group_list",
    ]


# --- every write to families or members announces itself ------------------------------


def test_household_update_announces_the_changed_fields(
    facilitator, admin_user, families_changed_calls
):
    family = HouseholdFactory(facilitator=facilitator)
    household_update(household=family, by=facilitator, phone="081234567890")
    household_update(
        household=family,
        by=admin_user,
        status=HouseholdStatus.EXITED,
        status_date=datetime.date.today(),
        status_reason="Pindah ke luar kabupaten",
        exit_type=ExitType.MOVED,
    )
    assert families_changed_calls == [
        ({family.pk}, frozenset({"phone", "updated_at"})),
        (
            {family.pk},
            frozenset({"status", "status_date", "status_reason", "exit_type", "updated_at"}),
        ),
    ]


def test_household_update_without_a_change_announces_nothing(facilitator, families_changed_calls):
    family = HouseholdFactory(facilitator=facilitator, phone="081234567890")
    household_update(household=family, by=facilitator, phone="081234567890")
    assert families_changed_calls == []


def test_member_save_announces_the_members(facilitator, families_changed_calls):
    family = HouseholdFactory(facilitator=facilitator)
    member = member_save(
        household=family,
        by=facilitator,
        nik="3402094503160001",
        name="Ayu Lestari",
        sex=Sex.FEMALE,
        birth_date=datetime.date(2016, 3, 5),
        relationship=Relationship.CHILD,
        components=Component.objects.filter(code="SD"),
    )
    member_save(household=family, member=member, by=facilitator, name="Ayu Lestari Putri")
    assert families_changed_calls == [({family.pk}, frozenset({"members"}))] * 2


def test_transfer_announces_facilitator_and_group(
    facilitator, other_facilitator, admin_user, families_changed_calls
):
    family = HouseholdFactory(facilitator=facilitator)
    households_transfer(households=[family.pk], to_facilitator=other_facilitator, by=admin_user)
    assert families_changed_calls == [({family.pk}, frozenset({"facilitator", "fds_group"}))]


def test_fds_group_moves_announce_the_group(facilitator, families_changed_calls):
    from fds_sessions.services import group_families_add, group_families_remove
    from fds_sessions.tests.factories import GroupFactory

    group = GroupFactory(facilitator=facilitator)
    family = household_with_members(facilitator=facilitator)
    families_changed_calls.clear()  # the members' own announcements
    today = datetime.date.today()
    group_families_add(group=group, household_ids=[family.pk], on_date=today, by=facilitator)
    group_families_remove(group=group, household_ids=[family.pk], on_date=today, by=facilitator)
    assert families_changed_calls == [({family.pk}, frozenset({"fds_group"}))] * 2


def test_graduation_announces_the_status(facilitator, families_changed_calls):
    from graduation.services.graduations import natural_graduation_confirm

    family = HouseholdFactory(facilitator=facilitator)
    MemberFactory(household=family, is_pengurus=True)
    families_changed_calls.clear()
    natural_graduation_confirm(household=family, by=facilitator, date=datetime.date.today())
    assert families_changed_calls == [
        (
            {family.pk},
            frozenset({"status", "status_date", "status_reason", "exit_type", "updated_at"}),
        )
    ]


# --- what each reaction does with the announcement -------------------------------------


def test_aid_reaction_refreshes_copies_or_skips(facilitator, monkeypatch):
    from assistance import extensions as aid

    done = []
    monkeypatch.setattr(aid, "aid_eligibility_refresh", lambda **kw: done.append("refresh"))
    monkeypatch.setattr(aid, "aid_household_copy_sync", lambda **kw: done.append("copy"))
    for fields in ({"phone", "updated_at"}, {"facilitator", "fds_group"}, {"status"}, None):
        extensions.families_changed({1}, fields=fields)
    assert done == ["copy", "refresh", "refresh"]


def test_fds_reaction_syncs_memberships_only_when_the_group_may_have_changed(monkeypatch):
    from fds_sessions import extensions as fds

    done = []
    monkeypatch.setattr(fds, "memberships_sync", lambda **kw: done.append(kw["household_ids"]))
    for fields in ({"phone"}, {"members"}, {"fds_group"}, None):
        extensions.families_changed({7}, fields=fields)
    assert done == [{7}, {7}]


def test_member_save_refreshes_aid_eligibility(facilitator):
    """End to end through the point: a child given the SD component becomes eligible for KIP."""
    from assistance.models import AidEnrolment, AidStatus

    family = household_with_members(facilitator=facilitator)
    toddler = family.members.get(components__code="ANAK_USIA_DINI")
    eight = datetime.date.today().replace(year=datetime.date.today().year - 8, month=1, day=1)
    member_save(
        household=family,
        member=toddler,
        by=facilitator,
        birth_date=eight,
        components=Component.objects.filter(code__in=["ANAK_USIA_DINI", "SD"]),
    )
    assert AidEnrolment.objects.get(aid="KIP", member=toddler).status == AidStatus.ELIGIBLE


def test_readme_lists_every_point():
    """The README's table of points has a row for each ``Point`` of pkh/extensions.py."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    points = [v.name for v in vars(extensions).values() if isinstance(v, extensions.Point)]
    assert len(points) >= 8
    missing = [name for name in points if f"\n| `{name}` |" not in readme]
    assert missing == []


def test_readme_points_table_names_every_exception():
    """An exception of pkh/extensions.py (e.g. ``OfflineConflict``) is part of a point's
    contract, so the README's table of points names it on a row."""
    import inspect
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    seam = readme.split("### The seam between apps", 1)[1].split("\n#", 1)[0]
    rows = "\n".join(line for line in seam.splitlines() if line.startswith("| `"))
    exceptions = [
        name
        for name, value in vars(extensions).items()
        if inspect.isclass(value)
        and issubclass(value, Exception)
        and value.__module__ == extensions.__name__
    ]
    assert "OfflineConflict" in exceptions
    missing = [name for name in exceptions if f"`{name}" not in rows]
    assert missing == []
