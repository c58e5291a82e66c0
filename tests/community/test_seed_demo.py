"""`manage.py seed_demo`: demo accounts for local development."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from community.models import Member

pytestmark = pytest.mark.django_db

ROLE_LINE = re.compile(r"^\s*(?P<role>\w+)\s+(?P<pseudonym>.+?)\s+password: (?P<password>\S+)$")


def seed(*args: str) -> dict[str, tuple[str, str]]:
    """Run the command; {role: (pseudonym, password)} as printed."""
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    printed = {}
    for line in out.getvalue().splitlines():
        match = ROLE_LINE.match(line)
        if match:
            printed[match["role"]] = (match["pseudonym"], match["password"])
    return printed


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_seed_demo_creates_a_member_a_facilitator_and_a_moderator(debug_on):
    printed = seed()
    assert set(printed) == {"member", "facilitator", "moderator"}
    assert Member.objects.count() == 3
    moderator = Member.objects.get(pseudonym=printed["moderator"][0])
    assert moderator.is_moderator
    assert moderator.is_staff
    assert not moderator.is_superuser
    for role in ["member", "facilitator"]:
        person = Member.objects.get(pseudonym=printed[role][0])
        assert not person.is_moderator
        assert not person.is_staff


def test_demo_members_have_accepted_the_guidelines_and_confirmed_age(debug_on):
    seed()
    for member in Member.objects.all():
        assert member.guidelines_accepted_at is not None
        assert member.guidelines_version == settings.GUIDELINES_VERSION
        assert member.adult_confirmed_at is not None
        assert member.country


def test_seed_demo_is_idempotent(debug_on):
    first = seed()
    ids = sorted(Member.objects.values_list("pk", flat=True))
    second = seed()
    assert first == second
    assert Member.objects.count() == 3
    assert sorted(Member.objects.values_list("pk", flat=True)) == ids


def test_seed_demo_keeps_members_who_were_already_there(debug_on, member):
    seed()
    seed()
    assert Member.objects.count() == 4
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_printed_demo_passwords_sign_in(debug_on, client, role):
    printed = seed()
    pseudonym, password = printed[role]
    response = client.post("/accounts/login/", {"username": pseudonym, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo", stdout=io.StringIO())
    assert "--force" in str(caught.value)
    assert not Member.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    printed = seed("--force")
    assert len(printed) == 3
    assert Member.objects.count() == 3


def test_seed_demo_creates_four_groups_with_facilitator_sessions_and_a_conversation(debug_on):
    from groups.models import ChatMessage, GroupSession, Membership, PeerGroup

    seed()
    seed()
    assert PeerGroup.objects.count() == 4
    assert PeerGroup.objects.get(slug="partners-and-family").is_private
    sam = Member.objects.get(pseudonym="Sam Facilitator")
    assert Membership.objects.filter(member=sam, role="facilitator", state="active").count() == 4
    assert GroupSession.objects.count() == 12
    conversation = ChatMessage.objects.filter(group__slug="waiting-for-a-reply").order_by("seq")
    assert [m.seq for m in conversation] == [1, 2, 3, 4, 5, 6]
    assert all(m.status == "published" for m in conversation)
    assert conversation[0].author == sam
