"""The REST door for the moderation log: moderators read and filter it; nobody changes it;
everyone else is told it isn't there."""

import pytest
from django.test import Client

from moderation import services
from moderation.models import ModerationAction
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

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


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
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


def test_members_facilitators_and_visitors_are_told_the_log_is_not_there(logged, established):
    member = Client()
    member.force_login(MemberFactory())
    facilitator = Client()
    facilitator.force_login(MembershipFactory(group=GroupFactory(), role="facilitator").member)
    for client in (member, facilitator, Client()):
        for method, url in [
            ("get", LOG),
            ("get", f"{LOG}{logged.pk}/"),
            ("post", LOG),
            ("delete", f"{LOG}{logged.pk}/"),
        ]:
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url)
            assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "bad", ["999999", "not-a-number", "0", "-1", str(2**63), str(2**64), "9" * 40]
)
def test_unknown_and_junk_entries_are_404(mod_api, logged, bad):
    response = mod_api.get(f"{LOG}{bad}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.fixture
def busy_log(moderator, established):
    """Two moderators acting on two members."""
    other_moderator = MemberFactory(pseudonym="Sam Second", is_moderator=True)
    other_member = MemberFactory(pseudonym="Kit Other")
    services.member_sanction(actor=moderator, member=established, kind="warn", reason="One.")
    services.member_sanction(actor=other_moderator, member=established, kind="warn", reason="Two.")
    services.member_sanction(actor=moderator, member=other_member, kind="ban", reason="Three.")
    services.sanction_lift(
        actor=other_moderator, sanction=other_member.sanctions.get(), reason="Four."
    )


def _reasons(client, query: str) -> list[str]:
    response = client.get(f"{LOG}?{query}")
    assert response.status_code == 200, response.json()
    return [row["reason"] for row in response.json()["results"]]


def test_log_filters_by_moderator_member_and_action(mod_api, busy_log, established):
    assert _reasons(mod_api, "moderator=Mo%20Moderator") == ["Three.", "One."]
    assert _reasons(mod_api, "moderator=sam%20second") == ["Four.", "Two."]
    assert _reasons(mod_api, "member=Sky%20Settled") == ["Two.", "One."]
    assert _reasons(mod_api, "member=Kit%20Other&verb=sanction_lifted") == ["Four."]
    assert _reasons(mod_api, "moderator=Sam%20Second&member=Kit%20Other") == ["Four."]
    assert _reasons(mod_api, "moderator=Nobody%20Here") == []


def test_log_filters_carry_over_to_the_next_page(mod_api, moderator, established):
    for number in range(55):
        ModerationAction.objects.create(
            actor=moderator, member=established, verb="note_added", reason=str(number)
        )
    ModerationAction.objects.create(actor=moderator, verb="note_added", reason="not about them")
    first = mod_api.get(f"{LOG}?member=Sky%20Settled").json()
    rest = mod_api.get(first["next"]).json()
    assert len(first["results"]) + len(rest["results"]) == 55
    assert "not about them" not in str(rest)


def test_an_unknown_action_filter_is_400(mod_api, logged):
    response = mod_api.get(f"{LOG}?verb=content_vanished")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["fields"])) == ("invalid", ["verb"])
    assert body["detail"]
