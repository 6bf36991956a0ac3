"""The aid catalogue and the resource directory (``assistance.services.catalogue``,
``assistance.services.resources``)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import FacilitatorFactory
from assistance.models import (
    Aid,
    AidEnrolment,
    AidStatus,
    Resource,
)
from assistance.services.catalogue import AID_FIELDS, aid_save
from assistance.services.eligibility import aid_eligibility_refresh
from assistance.services.resources import resource_save
from assistance.tests.conftest import member_by_component
from households.models import Member
from households.tests.factories import HouseholdFactory, MemberFactory
from regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_resource_save_stays_inside_the_users_area(
    supervisor, admin_user, other_region_village, facilitator
):
    jetis = Region.objects.get(code="34.02.09")
    resource = resource_save(
        by=supervisor,
        name="Puskesmas Jetis I",
        kind="puskesmas",
        area=jetis,
        aids=Aid.objects.filter(code="KIS"),
    )
    assert list(resource.aids.values_list("code", flat=True)) == ["KIS"]
    with pytest.raises(ValidationError):
        resource_save(
            by=supervisor, name="Dinsos Semarang", kind="dinsos", area=other_region_village
        )
    with pytest.raises(ValidationError):  # the regency is above a supervisor of one kecamatan
        resource_save(by=supervisor, name="Dinsos Bantul", kind="dinsos", area=jetis.parent)
    with pytest.raises(ValidationError):
        resource_save(by=facilitator, name="Balai Desa", kind="desa", area=jetis)
    assert resource_save(by=admin_user, name="Dinsos Bantul", kind="dinsos", area=jetis.parent)
    assert Resource.objects.count() == 2


def test_aid_save_is_for_the_national_keeper_and_checks_the_rule(
    catalogue_keeper, admin_user, other_region_admin, facilitator
):
    data = {
        "name": "BLT Dana Desa",
        "ministry": "Kementerian Desa",
        "unit": "keluarga",
        "eligibility": "penilaian",
        "min_age": None,
        "max_age": None,
        "card_label": "",
        "card_pattern": "",
        "card_hint": "",
        "summary": "Bantuan langsung tunai dari dana desa.",
        "regulation": "Permendesa",
        "is_active": True,
        "order": 8,
    }
    for user in (facilitator, admin_user, other_region_admin):  # the catalogue is national
        with pytest.raises(ValidationError):
            aid_save(code="BLT", by=user, **data)
    with pytest.raises(ValidationError):
        aid_save(
            code="BLT", by=catalogue_keeper, **{**data, "card_label": "No", "card_pattern": "(["}
        )
    with pytest.raises(ValidationError):
        aid_save(code="BLT", by=catalogue_keeper, **{**data, "min_age": 30, "max_age": 20})
    with pytest.raises(ValidationError):
        aid_save(code="BLT", by=catalogue_keeper, **{**data, "eligibility": "komponen"})
    with pytest.raises(ValidationError):
        aid_save(code="KIP", by=catalogue_keeper, **data)
    assert not Aid.objects.filter(code="BLT").exists()
    aid = aid_save(code="blt", by=catalogue_keeper, **data)
    assert aid.code == "BLT"


def test_catalogue_rule_change_refreshes_eligibility(family, catalogue_keeper):
    kip = Aid.objects.get(code="KIP")
    data = {name: getattr(kip, name) for name in AID_FIELDS}
    data["eligibility"] = "semua"
    aid_save(aid=kip, components=[], by=catalogue_keeper, **data)
    # The refresh runs after commit (eagerly in tests: run it as the task would).
    aid_eligibility_refresh()
    child = member_by_component(family, "SD")
    toddler = member_by_component(family, "ANAK_USIA_DINI")
    assert AidEnrolment.objects.get(aid="KIP", member=child).status == AidStatus.ELIGIBLE
    assert not AidEnrolment.objects.filter(aid="KIP", member=toddler).exists()  # age 6+


def test_other_facilitators_family_is_untouched_by_refresh(family):
    other = HouseholdFactory(facilitator=FacilitatorFactory())
    MemberFactory(household=other, is_pengurus=True)
    aid_eligibility_refresh(household_ids=[family.pk])
    assert Member.objects.filter(household=other).count() == 1
    assert AidEnrolment.objects.filter(household=other).count() == 3  # KIS, Sembako, KKS


def test_catalogue_change_is_kept_when_the_broker_is_down(
    catalogue_keeper, django_capture_on_commit_callbacks
):
    """Redis unreachable after the commit: no error for the keeper, the change stays saved
    (the nightly refresh recomputes eligibility)."""
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    from assistance.tasks import aid_eligibility_refresh_all

    kip = Aid.objects.get(code="KIP")
    data = {name: getattr(kip, name) for name in AID_FIELDS}
    data["summary"] = "Diubah saat Redis mati."
    down = BrokerDown("Connection refused.")
    with (
        mock.patch.object(aid_eligibility_refresh_all, "apply_async", side_effect=down) as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        aid_save(aid=kip, components=list(kip.components.all()), by=catalogue_keeper, **data)
    assert sent.called
    kip.refresh_from_db()
    assert kip.summary == "Diubah saat Redis mati."
