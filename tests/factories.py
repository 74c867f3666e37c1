"""factory_boy factories for the hierarchy and users."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import MemberUnit, User
from communities.models import Committee, Community, District, Street

PASSWORD = "huanjie-test"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"User {n}")
    role = User.Role.STREET
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        if create and results:
            instance.save(update_fields=["password"])


class MemberUnitFactory(DjangoModelFactory):
    class Meta:
        model = MemberUnit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Unit {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")
    code = factory.Sequence(lambda n: f"district-{n}")


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Street {n}")


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"Community {n}")
    kind = Community.Kind.CITY
    population = 8000
    households = 3000
    registered_voters = 5600

    @factory.post_generation
    def committees(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False:
            return
        Committee.objects.create(
            community=self, kind=Committee.Kind.PARTY, party_type="branch", seats=5
        )
        Committee.objects.create(community=self, kind=Committee.Kind.RESIDENTS, seats=7)
