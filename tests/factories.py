"""Factories for test data. Every member has accepted the guidelines and confirmed 18+."""

import factory
from django.conf import settings
from django.utils import timezone

from community.models import CrisisResource, Member

TEST_PASSWORD = "a-calm-test-password-42"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    pseudonym = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda m: f"{m.pseudonym.replace(' ', '.')}@example.org")
    country = "GB"
    guidelines_accepted_at = factory.LazyFunction(timezone.now)
    guidelines_version = settings.GUIDELINES_VERSION
    adult_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CrisisResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisResource

    country_code = "GB"
    service_name = factory.Sequence(lambda n: f"Helpline {n}")
    kind = CrisisResource.Kind.CALL
    contact = "Call 0800 000 000"
    phone = "0800000000"
    status = CrisisResource.Status.VERIFIED


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.PeerGroup"

    name = factory.Sequence(lambda n: f"Peer group {n}")
    slug = factory.Sequence(lambda n: f"peer-group-{n}")
    purpose = "A calm place to practise new habits together."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Membership"

    group = factory.SubFactory(GroupFactory)
    member = factory.SubFactory(MemberFactory)
    role = "member"
    state = "active"


class WatchedWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "moderation.WatchedWord"

    phrase = factory.Sequence(lambda n: f"watched{n}")
    action = "hold"
    reason = ""
