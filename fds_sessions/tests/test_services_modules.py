"""The module catalogue: the seeded curriculum and stunting module, and its national keeper."""

import pytest
from django.core.exceptions import ValidationError

from fds_sessions import services
from fds_sessions.models import FdsModule, FdsModuleSession
from fds_sessions.tests.factories import add_families, held_session
from fds_sessions.tests.helpers import P, today

pytestmark = pytest.mark.django_db


def test_curriculum_is_seeded():
    titles = list(FdsModule.objects.values_list("number", "title"))
    assert titles[0] == (1, "Pengasuhan dan Pendidikan Anak")
    assert len(titles) == 6
    assert FdsModuleSession.objects.filter(module__number=1).count() == 4
    assert FdsModuleSession.objects.get(module__number=5, order=2).title == "Kesejahteraan Lansia"


def test_stunting_module_is_seeded_with_its_sessions_in_order():
    """Data migration 0005: the stunting module is no longer empty (issue 16)."""
    titles = list(FdsModuleSession.objects.filter(module__number=6).values_list("order", "title"))
    assert [order for order, _title in titles] == [1, 2, 3, 4, 5, 6]
    assert titles[0][1] == "Mengenal Stunting: Pengertian, Penyebab dan Dampaknya"
    assert titles[-1][1] == "Jamban Sehat dan Lingkungan Bersih"
    assert FdsModuleSession.objects.filter(module__number=6, is_active=True).count() == 6


def test_stunting_seed_leaves_a_module_with_sessions_as_it_is(catalogue_keeper):
    """A district that added its own stunting sessions before the migration keeps them."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("fds_sessions.migrations.0005_seed_stunting_sessions")
    stunting = FdsModule.objects.get(number=6)
    FdsModuleSession.objects.filter(module=stunting).delete()
    services.module_session_create(module=stunting, title="Sesi kabupaten", by=catalogue_keeper)
    seed.seed_stunting(apps, None)
    assert list(stunting.sessions.values_list("title", flat=True)) == ["Sesi kabupaten"]
    FdsModuleSession.objects.filter(module=stunting).delete()
    seed.seed_stunting(apps, None)
    assert stunting.sessions.count() == len(seed.STUNTING_SESSIONS)


def test_keeper_adds_stunting_sessions_and_retires_one(catalogue_keeper, group, facilitator):
    stunting = FdsModule.objects.get(number=6)
    seeded = stunting.sessions.count()  # the sessions the data migration seeded
    first = services.module_session_create(
        module=stunting, title="Gizi Remaja Putri", by=catalogue_keeper
    )
    second = services.module_session_create(
        module=stunting, title="Pemberian Makan Bayi dan Anak", by=catalogue_keeper
    )
    assert (first.order, second.order) == (seeded + 1, seeded + 2)
    with pytest.raises(ValidationError):
        services.module_session_create(
            module=stunting, title="Dobel", order=seeded + 2, by=catalogue_keeper
        )
    # A session already held keeps its history when retired.
    family = add_families(group, 1)[0]
    session = held_session(group, today(), {family.pk: P}, module_session=first)
    services.module_session_update(
        module_session=first,
        title=first.title,
        order=first.order,
        is_active=False,
        by=catalogue_keeper,
    )
    session.refresh_from_db()
    assert session.module_session == first
    assert not FdsModuleSession.objects.get(pk=first.pk).is_active


def test_only_the_national_keeper_edits_the_catalogue(
    facilitator, supervisor, admin_user, other_region_admin
):
    module = FdsModule.objects.get(number=1)
    for user in (facilitator, supervisor, admin_user, other_region_admin):
        with pytest.raises(ValidationError):
            services.module_create(number=7, title="Baru", by=user)
        with pytest.raises(ValidationError):
            services.module_session_create(module=module, title="Baru", by=user)
    assert FdsModule.objects.count() == 6


def test_module_number_unique(catalogue_keeper):
    with pytest.raises(ValidationError) as exc:
        services.module_create(number=1, title="Dobel", by=catalogue_keeper)
    assert "number" in exc.value.error_dict
