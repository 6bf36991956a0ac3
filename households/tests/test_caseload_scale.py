"""The caseload's national-scale changes (households 0003, bench/RESULTS.md):

* ``Household.pengurus_name_cache`` is kept by database triggers whoever writes members;
* ``Household.component_mask`` (households 0004) likewise, from the active members'
  components, and the caseload's component filter reads it;
* the caseload sorts by it, searches by NIK / name / No. KK / ID keluarga with the
  right index, and costs the same number of queries for 10 or 300 families;
* over a large area the village and FDS-group filter lists are narrowed to the chosen
  facilitator's.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import FacilitatorFactory
from fds_sessions.models import FdsGroup
from households import services
from households.models import Component, Household, Member, MemberExit, Sex
from households.tests.factories import (
    HouseholdFactory,
    MemberFactory,
    household_with_members,
    households_bulk,
)

URL = reverse("households:caseload")


def cached(household: Household) -> str | None:
    return Household.objects.values_list("pengurus_name_cache", flat=True).get(pk=household.pk)


def names_on_page(response) -> list[str]:
    return [h.pengurus_name for h in response.context["page"]]


@pytest.mark.django_db
class TestPengurusNameCache:
    def test_follows_create_rename_move_and_delete(self, facilitator):
        household = HouseholdFactory(facilitator=facilitator)
        assert cached(household) is None
        mother = MemberFactory(household=household, name="Siti Rahayu", is_pengurus=True)
        father = MemberFactory(household=household, name="Slamet", sex=Sex.MALE)
        assert cached(household) == "Siti Rahayu"

        services.member_save(household=household, by=facilitator, member=mother, name="Siti R.")
        assert cached(household) == "Siti R."

        # The flag moves to the father through the service (it clears the mother's).
        services.member_save(household=household, by=facilitator, member=father, is_pengurus=True)
        assert cached(household) == "Slamet"

        # Rows of upper apps that point at the member (aid rows, ...) go first.
        for rel in Member._meta.related_objects:
            if rel.one_to_many and rel.field.remote_field.model is Member:
                rel.related_model._base_manager.filter(**{rel.field.name: father}).delete()
        Member.objects.filter(pk=father.pk).delete()
        assert cached(household) is None

    def test_bulk_writes_are_followed_too(self, facilitator):
        first, second = (
            HouseholdFactory(facilitator=facilitator),
            HouseholdFactory(facilitator=facilitator),
        )
        Member.objects.bulk_create(
            [
                Member(
                    household=h,
                    nik=f"34020941038{i:05d}",
                    name=name,
                    name_normalized=name.upper(),
                    sex=Sex.FEMALE,
                    birth_date=datetime.date(1980, 3, 1),
                    is_pengurus=True,
                )
                for i, (h, name) in enumerate([(first, "Painem"), (second, "Tukiyem")])
            ]
        )
        assert (cached(first), cached(second)) == ("Painem", "Tukiyem")
        Member.objects.filter(household=first).update(name="Painem Lestari")
        # Moving the pengurus to another family updates both families.
        Member.objects.filter(household=second).update(household=first, is_pengurus=False)
        assert (cached(first), cached(second)) == ("Painem Lestari", None)


def mask_codes(household: Household) -> set[str]:
    mask = Household.objects.values_list("component_mask", flat=True).get(pk=household.pk)
    return {c.code for c in Component.objects.all() if mask & c.flag}


def true_codes(household: Household) -> set[str]:
    """The components of the family's active members, computed without the mask."""
    return set(
        Member.components.through.objects.filter(
            member__household=household, member__left_on__isnull=True
        ).values_list("component_id", flat=True)
    )


@pytest.mark.django_db
class TestComponentMask:
    def test_components_have_distinct_single_bits(self):
        flags = list(Component.objects.values_list("flag", flat=True))
        assert len(flags) == len(set(flags)) >= 5
        assert all(f > 0 and f & (f - 1) == 0 for f in flags)
        # A component added later takes the next free bit.
        new = Component.objects.create(code="UJI", name="Uji", category="kesehatan", order=99)
        assert new.flag not in flags and new.flag & (new.flag - 1) == 0

    def test_follows_components_exits_moves_and_deletes(self, facilitator):
        household = HouseholdFactory(facilitator=facilitator)
        other = HouseholdFactory(facilitator=facilitator)
        mother = MemberFactory(household=household, is_pengurus=True)
        child = MemberFactory(household=household, sex=Sex.MALE)
        assert mask_codes(household) == set()

        child.components.set(["SD"])
        mother.components.add("IBU_HAMIL")
        assert mask_codes(household) == true_codes(household) == {"SD", "IBU_HAMIL"}

        child.components.set(["SMP"])  # SD removed, SMP added
        assert mask_codes(household) == {"SMP", "IBU_HAMIL"}

        # A member who left no longer counts, through the service ...
        services.member_save(
            household=household,
            by=facilitator,
            member=child,
            left_on=datetime.date(2026, 1, 5),
            left_reason=MemberExit.MOVED,
        )
        assert mask_codes(household) == true_codes(household) == {"IBU_HAMIL"}

        # ... and a bulk move between families updates both.
        Member.objects.filter(pk=child.pk).update(household=other, left_on=None)
        assert mask_codes(household) == {"IBU_HAMIL"}
        assert mask_codes(other) == true_codes(other) == {"SMP"}

        mother.components.clear()
        assert mask_codes(household) == set()
        Member.components.through.objects.filter(member=child).update(component_id="SD")
        assert mask_codes(other) == {"SD"}
        # Rows of upper apps that point at the member (aid rows, ...) go first.
        for rel in Member._meta.related_objects:
            if rel.one_to_many and rel.field.remote_field.model is Member:
                rel.related_model._base_manager.filter(**{rel.field.name: child}).delete()
        Member.objects.filter(pk=child.pk).delete()
        assert mask_codes(other) == set()

    def test_one_insert_of_many_components_sets_every_familys_mask(self, facilitator):
        """The roster import's path: one INSERT of the components of many members and
        families (PostgreSQL ORs them into the masks: households 0007)."""
        first, second = (
            HouseholdFactory(facilitator=facilitator),
            HouseholdFactory(facilitator=facilitator),
        )
        a = MemberFactory(household=first, is_pengurus=True)
        b = MemberFactory(household=first, sex=Sex.MALE)
        c = MemberFactory(household=second, is_pengurus=True)
        gone = MemberFactory(household=second, sex=Sex.MALE, left_on=datetime.date(2025, 1, 1))
        a.components.set(["IBU_HAMIL"])
        through = Member.components.through
        through.objects.bulk_create(
            [
                through(member=b, component_id="SD"),
                through(member=b, component_id="DISABILITAS"),
                through(member=c, component_id="LANSIA"),
                through(member=gone, component_id="SMP"),  # left: not counted
            ]
        )
        assert mask_codes(first) == true_codes(first) == {"IBU_HAMIL", "SD", "DISABILITAS"}
        assert mask_codes(second) == true_codes(second) == {"LANSIA"}

    def test_a_stale_household_save_does_not_undo_the_triggers(self, facilitator):
        household = HouseholdFactory(facilitator=facilitator)
        stale = Household.objects.get(pk=household.pk)
        MemberFactory(household=household, is_pengurus=True, name="Sumirah").components.set(
            ["LANSIA"]
        )
        stale.address = "Jl. Parangtritis 5"
        stale.save()
        assert mask_codes(household) == {"LANSIA"}
        assert cached(household) == "Sumirah"

    def test_caseload_component_filter_reads_the_mask(self, client, facilitator):
        with_sd = household_with_members(facilitator=facilitator)
        without = household_with_members(facilitator=facilitator)
        for member in Member.objects.filter(household__in=[with_sd, without]):
            member.components.clear()
        MemberFactory(household=with_sd, sex=Sex.MALE).components.set(["SD"])
        gone = MemberFactory(household=without, sex=Sex.MALE, left_on=datetime.date(2025, 1, 1))
        gone.components.set(["SD"])  # a member who left does not make the family an SD one
        client.force_login(facilitator)
        page = client.get(URL, {"komponen": "SD"}).context["page"]
        assert [h.pk for h in page] == [with_sd.pk]


@pytest.mark.django_db
class TestCaseloadSortAndSearch:
    def test_default_order_is_by_pengurus_name(self, client, facilitator):
        for name in ["Wagiyem", "Ani", "Marsinah"]:
            MemberFactory(
                household=HouseholdFactory(facilitator=facilitator), name=name, is_pengurus=True
            )
        HouseholdFactory(facilitator=facilitator)  # no pengurus yet
        client.force_login(facilitator)
        names = names_on_page(client.get(URL))
        # Where a family without pengurus goes is the database's NULL order.
        assert [n for n in names if n] == ["Ani", "Marsinah", "Wagiyem"]
        assert None in names

    @pytest.mark.parametrize("field", ["nik", "name", "no_kk", "id_keluarga"])
    def test_search_finds_the_family_by_each_key(self, client, facilitator, field):
        wanted = household_with_members(facilitator=facilitator)
        other = household_with_members(facilitator=facilitator)
        pengurus = wanted.members.get(is_pengurus=True)
        # Factory names are drawn at random: the other family must not share the name.
        other.members.update(name="Tumini Haryanto", name_normalized="TUMINI HARYANTO")
        term = {
            "nik": pengurus.nik,
            "name": pengurus.name.lower(),  # case does not matter
            "no_kk": wanted.no_kk,
            "id_keluarga": wanted.id_keluarga,
        }[field]
        client.force_login(facilitator)
        client.post(URL, {"q": term})
        page = client.get(URL).context["page"]
        assert [h.pk for h in page] == [wanted.pk]

    def test_search_never_reaches_another_facilitators_family(
        self, client, facilitator, other_facilitator
    ):
        theirs = household_with_members(facilitator=other_facilitator)
        nik = theirs.members.get(is_pengurus=True).nik
        client.force_login(facilitator)
        client.post(URL, {"q": nik})
        assert list(client.get(URL).context["page"]) == []


@pytest.mark.django_db
def test_caseload_query_count_does_not_grow(
    client, facilitator, admin_user, django_assert_max_num_queries
):
    """Same number of queries with 10 and 300 families, for a facilitator and an admin."""
    pages = [URL, f"{URL}?urut=kunjungan", f"{URL}?status=active&komponen=SD&page=2"]
    households_bulk(10, facilitator=facilitator)
    counts = {}
    for user in (facilitator, admin_user):
        client.force_login(user)
        for page in pages:
            with django_assert_max_num_queries(16) as ctx:
                client.get(page)
            counts[user.pk, page] = len(ctx.captured_queries)
    households_bulk(290, facilitator=facilitator)
    for user in (facilitator, admin_user):
        client.force_login(user)
        for page in pages:
            with django_assert_max_num_queries(counts[user.pk, page]):
                assert client.get(page).status_code == 200


@pytest.mark.django_db
class TestFilterChoicesOverALargeArea:
    @pytest.fixture
    def two_facilitators(self, regions, supervisor, settings):
        settings.PKH_FILTER_MAX_CHOICES = 1  # a few test villages stand for thousands
        one = FacilitatorFactory(supervisor=supervisor)
        two = FacilitatorFactory(supervisor=supervisor)
        for fac, code in [(one, "34.02.09.2001"), (two, "34.02.09.2003")]:
            group = FdsGroup.objects.create(facilitator=fac, name=f"Kelompok {code}")
            for _ in range(2):
                household_with_members(facilitator=fac, village_id=code, fds_group=group)
        return one, two

    def test_admin_gets_the_chosen_facilitators_villages_and_groups(
        self, client, admin_user, two_facilitators
    ):
        one, _two = two_facilitators
        client.force_login(admin_user)
        form = client.get(URL).context["form"]
        assert [c for c, _ in form.fields["desa"].choices] == [""]
        assert form.fields["desa"].help_text

        form = client.get(f"{URL}?pendamping={one.pk}").context["form"]
        assert [c for c, _ in form.fields["desa"].choices] == ["", "34.02.09.2001"]
        assert [n for _, n in form.fields["kelompok"].choices][1:] == ["Kelompok 34.02.09.2001"]

    def test_a_chosen_village_still_filters_without_a_facilitator(
        self, client, admin_user, two_facilitators
    ):
        client.force_login(admin_user)
        response = client.get(f"{URL}?desa=34.02.09.2003")
        assert response.context["form"].is_valid()
        assert {h.village_id for h in response.context["page"]} == {"34.02.09.2003"}
        assert response.context["page"].paginator.count == 2

    def test_small_areas_list_everything(self, client, supervisor, two_facilitators, settings):
        settings.PKH_FILTER_MAX_CHOICES = 500
        client.force_login(supervisor)
        form = client.get(URL).context["form"]
        assert [c for c, _ in form.fields["desa"].choices] == [
            "",
            "34.02.09.2001",
            "34.02.09.2003",
        ]
        assert not form.fields["desa"].help_text


def test_fast_select_writes_what_djangos_select_writes():
    from django import forms

    from pkh.forms import FastSelect

    choices = [("", "Semua"), ("1", "Sri & <Siti>"), (2, "Dua"), ("3", "Tiga")]
    for value in ["", "1", 2, None]:
        attrs = {"class": "form-select", "id": "id_x", "required": True, "disabled": False}
        fast = FastSelect(choices=choices).render("x", value, attrs=attrs)
        slow = forms.Select(choices=choices).render("x", value, attrs=attrs)
        assert fast == "".join(line.strip() for line in slow.splitlines())


@pytest.mark.django_db
class TestCappedCount:
    """An admin's province-wide caseload counts at most ``cap + 1`` families."""

    def test_beyond_the_cap_the_page_says_more_than_and_asks_for_a_filter(
        self, client, admin_user, monkeypatch, settings
    ):
        from pkh.pagination import CappedPaginator

        monkeypatch.setattr(CappedPaginator, "cap", 3)
        settings.PKH_CASELOAD_PAGE_SIZE = 2
        for _ in range(5):
            HouseholdFactory()  # in the admin's regency (34.02)
        client.force_login(admin_user)
        response = client.get(URL)
        assert response.context["page"].paginator.capped
        content = response.content.decode()
        assert "3+" in content and "Lebih dari 3 keluarga" in content
        # Pages up to the cap stay reachable.
        assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 2

    def test_under_the_cap_the_exact_count(self, client, facilitator, monkeypatch):
        from pkh.pagination import CappedPaginator

        monkeypatch.setattr(CappedPaginator, "cap", 3)
        for _ in range(3):
            HouseholdFactory(facilitator=facilitator)
        client.force_login(facilitator)
        response = client.get(URL)
        assert not response.context["page"].paginator.capped
        assert response.context["page"].paginator.count == 3
        assert "Lebih dari" not in response.content.decode()
