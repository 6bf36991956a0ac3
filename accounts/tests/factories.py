import factory

from accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")
    role = Role.FACILITATOR

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)
        if create:
            self.save()


class AdminFactory(UserFactory):
    role = Role.ADMIN
    username = factory.Sequence(lambda n: f"admin{n}")


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR
    username = factory.Sequence(lambda n: f"supervisor{n}")


class FacilitatorFactory(UserFactory):
    role = Role.FACILITATOR
    username = factory.Sequence(lambda n: f"pendamping{n}")
    supervisor = factory.SubFactory(SupervisorFactory)
