"""The REST door for the moderation log: moderators read it; nobody changes it."""

import pytest
from django.test import Client

from moderation import services
from moderation.models import ModerationAction
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
LOG = "/api/v1/moderation/log/"


@pytest.fixture
def logged(moderator, established):
    services.member_sanction(actor=moderator, member=established, kind="warn", reason="Be kind.")
    return ModerationAction.objects.get()


@pytest.fixture
def mod_api(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def test_moderator_reads_the_log(mod_api, logged, moderator, established):
    data = mod_api.get(LOG).json()
    [row] = data["results"]
    assert row["id"] == logged.pk
    assert (row["verb"], row["actor"], row["member"]) == (
        "member_sanctioned",
        moderator.pseudonym,
        established.pseudonym,
    )
    assert row["reason"] == "Be kind."
    assert mod_api.get(f"{LOG}{logged.pk}/").json()["id"] == logged.pk


def test_log_filters_by_verb(mod_api, logged):
    assert mod_api.get(f"{LOG}?verb=content_removed").json()["results"] == []
    assert len(mod_api.get(f"{LOG}?verb=member_sanctioned").json()["results"]) == 1


def test_log_pages_newest_first(mod_api, moderator, established):
    for number in range(55):
        ModerationAction.objects.create(actor=moderator, verb="queue_claimed", reason=str(number))
    first = mod_api.get(LOG).json()
    assert [row["reason"] for row in first["results"][:2]] == ["54", "53"]
    assert len(first["results"]) == 50
    rest = mod_api.get(first["next"]).json()
    assert [row["reason"] for row in rest["results"]] == [str(n) for n in range(4, -1, -1)]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_log_entries_cannot_be_changed_or_deleted_through_the_api(mod_api, logged, method):
    response = getattr(mod_api, method)(
        f"{LOG}{logged.pk}/", data={"reason": "rewritten"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert ModerationAction.objects.get(pk=logged.pk).reason == "Be kind."


def test_log_entries_cannot_be_created_through_the_api(mod_api, logged):
    response = mod_api.post(LOG, data={"verb": "content_removed"}, content_type="application/json")
    assert response.status_code == 405
    assert ModerationAction.objects.count() == 1


def test_members_and_visitors_cannot_read_the_log(logged, established):
    member = Client()
    member.force_login(MemberFactory())
    assert member.get(LOG).status_code == 403
    assert member.get(f"{LOG}{logged.pk}/").status_code == 403
    assert Client().get(LOG).status_code == 403


def test_unknown_entry_is_404(mod_api, logged):
    assert mod_api.get(f"{LOG}999999/").status_code == 404
    assert mod_api.get(f"{LOG}not-a-number/").status_code == 404
