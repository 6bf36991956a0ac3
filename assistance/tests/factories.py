import datetime

import factory

from assistance.models import AdvocacyCase, CaseKind, CaseStatus, Resource, ResourceKind
from regions.models import Region


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kantor Desa Patalan {n}")
    kind = ResourceKind.VILLAGE_OFFICE
    area = factory.LazyFunction(lambda: Region.objects.get(code="34.02.09.2001"))
    contact_person = "Kasi Kesejahteraan"
    phone = "0274-6990011"

    @factory.post_generation
    def aids(self, create, extracted, **kwargs):
        if create and extracted:
            self.aids.set(extracted)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvocacyCase

    kind = CaseKind.KKS_BLOCKED
    aid_id = "KKS"
    description = "Kartu terblokir setelah tiga kali salah PIN."
    opened_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    next_step = "Tanyakan hasil pembukaan blokir ke bank"
    next_step_due = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=3))
    status = CaseStatus.OPEN
    opened_by = factory.LazyAttribute(lambda o: o.household.facilitator)
