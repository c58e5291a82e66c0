"""The review dashboard's REST door (/api/v1/moderation/): who sees what (members and visitors
get 404 from everything; facilitators only their groups), every action through the services,
conflicts between moderators, bad input (400/404/413, never 500) and pinned query counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import ProfileText
from groups.models import ChatMessage, Membership
from moderation import services
from moderation.dashboard_api import MAX_BODY_BYTES
from moderation.dashboard_serializers import ItemDetailSerializer, QueueRowSerializer
from moderation.models import (
    ContentStatus,
    CrisisStep,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Sanction,
    SupportMessage,
)
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/moderation"
R = QueueItem.Reason


# --- people, places and things to review ------------------------------------------------------


def _settled(**extra):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def send(client: APIClient, method: str, url: str, body=None):
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def group(db):
    return GroupFactory(name="Waiting for a reply", slug="waiting")


@pytest.fixture
def other_group(db):
    return GroupFactory(name="Partners and family", slug="family", visibility="private")


@pytest.fixture
def speaker(group):
    person = _settled(pseudonym="Ash Speaker")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def facilitator(group):
    person = _settled(pseudonym="Fi Facilitator")
    MembershipFactory(group=group, member=person, role="facilitator")
    return person


@pytest.fixture
def other_facilitator(other_group):
    person = _settled(pseudonym="Oz Elsewhere")
    MembershipFactory(group=other_group, member=person, role="facilitator")
    return person


@pytest.fixture
def second_moderator(db):
    return MemberFactory(pseudonym="Sam Second", is_moderator=True)


def queue_message(group, author, body="I keep checking my phone.", *, reason=R.REVIEW, **extra):
    """A chat message held (or, for reports, published) with its open queue item."""
    status = ContentStatus.PUBLISHED if reason == R.REPORT else ContentStatus.HELD
    message = ChatMessage.objects.create(
        group=group,
        author=author,
        body=body,
        body_html=f"<p>{body}</p>",
        status=status,
        seq=group.messages.count() + 1 if status == ContentStatus.PUBLISHED else None,
    )
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(ChatMessage),
        object_id=message.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=group,
        member=author,
        snapshot=body,
        **extra,
    )


def queue_profile(author, body="About me, and what I am working on.", *, reason=R.REVIEW):
    """Held profile text: content outside every group, so only moderators may see it."""
    text = ProfileText.objects.create(
        author=author, body=body, body_html=f"<p>{body}</p>", status=ContentStatus.HELD
    )
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(ProfileText),
        object_id=text.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        member=author,
        snapshot=body,
    )


@pytest.fixture
def held(group, speaker):
    return queue_message(group, speaker, "Thinking about texting him again, tell me not to.")


@pytest.fixture
def urgent(group, speaker):
    return queue_message(group, speaker, "Held words from someone at risk.", reason=R.CRISIS_URGENT)


@pytest.fixture
def elsewhere(other_group):
    return queue_message(other_group, _settled(pseudonym="Pat Private"), "Private group words.")


@pytest.fixture
def outside_groups(db):
    return queue_profile(_settled(pseudonym="Lee Profile"))


def item_url(item, action: str = "") -> str:
    pk = item.pk if isinstance(item, QueueItem) else item
    return f"{API}/queue/{pk}/{action}"


def removal_template() -> ReplyTemplate:
    return ReplyTemplate.objects.filter(kind="removal", is_active=True).first()


def support_template() -> ReplyTemplate:
    return ReplyTemplate.objects.filter(kind="support", is_active=True).first()


# Bodies a moderator could send to each action, so any 404 below is about who asks.
ITEM_ACTIONS = [
    ("get", "", None),
    ("post", "claim/", {}),
    ("post", "release/", {}),
    ("post", "resolve/", {"resolution": "no_action", "note": "Checked."}),
    ("post", "approve/", {"note": ""}),
    ("post", "remove/", {"reason": "Please keep replies kind."}),
    ("post", "restore/", {"note": ""}),
    ("post", "sanction/", {"kind": "warn", "reason": "Please keep replies kind."}),
    ("post", "notes/", {"text": "Looks fine to me."}),
    ("post", "support/", {"text": "We're thinking of you."}),
    ("post", "crisis/signpost/", {}),
    ("post", "crisis/follow-up/", {"note": "Check in tomorrow."}),
    ("post", "crisis/escalate/", {"note": "Called emergency services."}),
    ("post", "appeal/", {"grant": True, "note": ""}),
]


def _nothing_changed(item: QueueItem) -> None:
    item.refresh_from_db()
    assert item.state == QueueItem.State.OPEN
    assert item.content.status == ContentStatus.HELD
    assert not QueueNote.objects.exists()
    assert not SupportMessage.objects.exists()
    assert not CrisisStep.objects.exists()
    assert not Sanction.objects.exists()


# --- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member", "group member"])
def test_visitors_and_members_get_json_404_from_every_endpoint(who, urgent, speaker, moderator):
    user = {"visitor": None, "member": MemberFactory(), "group member": speaker}[who]
    template = removal_template()
    services.queue_item_claim(actor=moderator, item=urgent)
    log_row = ModerationAction.objects.latest("pk")
    calls = [(method, item_url(urgent, action), body) for method, action, body in ITEM_ACTIONS]
    calls += [
        ("get", f"{API}/queue/", None),
        ("post", f"{API}/queue/", {}),
        ("post", f"{API}/queue/bulk/", {"action": "resolve", "items": [urgent.pk]}),
        ("get", f"{API}/templates/", None),
        ("post", f"{API}/templates/", {"kind": "removal", "title": "T", "body": "B"}),
        ("get", f"{API}/templates/{template.pk}/", None),
        ("patch", f"{API}/templates/{template.pk}/", {"title": "Changed"}),
        ("delete", f"{API}/templates/{template.pk}/", None),
        ("get", f"{API}/health/", None),
        ("get", f"{API}/log/", None),
        ("get", f"{API}/log/{log_row.pk}/", None),
        ("post", f"{API}/log/", {"verb": "queue_claimed"}),
        ("delete", f"{API}/log/{log_row.pk}/", None),
        ("get", item_url(999_999), None),
    ]
    client = api(user)
    for method, url, body in calls:
        response = send(client, method, url, body)
        assert response.status_code == 404, (method, url)
        assert response.json()["code"] == "not_found", (method, url)
        assert urgent.snapshot not in response.content.decode()
    assert ReplyTemplate.objects.get(pk=template.pk).title == template.title
    assert not QueueNote.objects.exists()


@pytest.mark.parametrize(("method", "action", "body"), ITEM_ACTIONS)
def test_facilitator_gets_404_for_items_outside_their_groups(
    method, action, body, facilitator, elsewhere, outside_groups
):
    client = api(facilitator)
    for item in (elsewhere, outside_groups):
        response = send(client, method, item_url(item, action), body)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert item.snapshot not in response.content.decode()
        _nothing_changed(item)


def test_facilitator_who_stopped_facilitating_gets_404(facilitator, held):
    Membership.objects.filter(member=facilitator).update(state=Membership.State.REMOVED)
    assert api(facilitator).get(item_url(held)).status_code == 404
    assert api(facilitator).get(f"{API}/queue/").status_code == 404


def test_facilitator_works_every_action_on_items_in_their_group(
    facilitator, moderator, group, speaker, held, urgent
):
    client = api(facilitator)

    def ok(item, action, body=None, status=200):
        response = client.post(item_url(item, action), body or {}, format="json")
        assert response.status_code == status, (action, response.json())
        return response.json()

    assert ok(urgent, "claim/")["claimed_by"] == "Fi Facilitator"
    ok(urgent, "notes/", {"text": "With them in the room."}, 201)
    ok(urgent, "crisis/signpost/", None, 201)
    ok(urgent, "support/", {"text": "We're glad you told us."}, 201)
    ok(urgent, "crisis/follow-up/", {"note": "Check in after the session."}, 201)
    assert ok(urgent, "release/")["state"] == "open"
    ok(held, "remove/", {"reason": "Let's keep this kind."})
    ok(held, "restore/", {"note": "It was fine."})
    reported = queue_message(group, speaker, "Published words", reason=R.REPORT)
    assert ok(reported, "resolve/", {"resolution": "no_action"})["state"] == "resolved"
    ok(reported, "sanction/", {"kind": "warn", "reason": "Gently, please."}, 201)
    removed = queue_message(group, speaker, "Words to appeal")
    services.content_remove(actor=moderator, content=removed.content, reason="Not kind.")
    appeal = services.appeal_submit(actor=speaker, content=removed.content, text="Please look.")
    decided = ok(appeal.queue_item, "appeal/", {"grant": False, "note": "It stands, kindly."})
    assert decided["resolution"] == "appeal_upheld"


def test_queue_shows_a_facilitator_only_their_groups_and_a_moderator_everything(
    facilitator, moderator, held, urgent, elsewhere, outside_groups
):
    mine = api(facilitator).get(f"{API}/queue/").json()
    assert [row["id"] for row in mine["results"]] == [urgent.pk, held.pk]
    assert mine["count"] == 2
    assert mine["counts"]["tabs"]["open"] == 2
    assert mine["counts"]["urgent"] == 1
    assert elsewhere.snapshot not in json.dumps(mine)
    everything = api(moderator).get(f"{API}/queue/").json()
    assert {row["id"] for row in everything["results"]} == {
        urgent.pk,
        held.pk,
        elsewhere.pk,
        outside_groups.pk,
    }
    assert everything["results"][0]["id"] == urgent.pk
    assert everything["counts"]["tabs"]["open"] == 4


def test_queue_row_is_the_payload_the_serializer_documents(moderator, held):
    [row] = api(moderator).get(f"{API}/queue/").json()["results"]
    assert set(row) == set(QueueRowSerializer().fields)
    assert row["group"] == "waiting"
    assert row["member"] == "Ash Speaker"
    assert row["kind"] == "groups.chatmessage"
    assert row["state"] == "open"
    assert row["excerpt"] == held.snapshot


def test_queue_filters_and_tabs(moderator, held, urgent, elsewhere, outside_groups):
    client = api(moderator)

    def ids(query: str) -> list[int]:
        response = client.get(f"{API}/queue/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("tab=crisis") == [urgent.pk]
    assert ids("tab=held") == [held.pk, elsewhere.pk, outside_groups.pk]
    assert ids("group=family") == [elsewhere.pk]
    assert ids("kind=community.profiletext") == [outside_groups.pk]
    assert ids("reason=crisis_urgent") == [urgent.pk]
    services.queue_item_claim(actor=moderator, item=held)
    assert ids("tab=mine") == [held.pk]
    assert ids("state=claimed") == [held.pk]
    assert ids("tab=resolved") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tab=everything", "tab"),
        ("reason=boredom", "reason"),
        ("state=done", "state"),
        ("kind=groups.nothing", "kind"),
        ("group=" + "x" * 101, "group"),
    ],
)
def test_an_unknown_filter_is_400_naming_the_field(moderator, query, field):
    response = api(moderator).get(f"{API}/queue/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["fields"])) == ("invalid", [field])
    assert body["detail"]


def test_queue_pages_link_to_each_other(moderator, group, speaker):
    for number in range(27):
        queue_message(group, speaker, f"Held message {number}")
    first = api(moderator).get(f"{API}/queue/").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (27, 25, None)
    second = api(moderator).get(first["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert "page" not in second["previous"]


def _queue_with(group, count: int) -> None:
    """`count` open items from different authors, a third of them claimed by someone."""
    claimer = MemberFactory(is_moderator=True)
    for number in range(count):
        author = _settled()
        extra = {}
        if number % 3 == 0:
            extra = {
                "state": QueueItem.State.CLAIMED,
                "claimed_by": claimer,
                "claimed_at": timezone.now(),
            }
        queue_message(group, author, f"Held message {number}", **extra)


@pytest.mark.parametrize("role", ["moderator", "facilitator"])
def test_queue_costs_the_same_queries_for_3_and_30_items(
    role, moderator, facilitator, group, django_assert_num_queries
):
    client = api(moderator if role == "moderator" else facilitator)
    counts = []
    for total in (3, 30):
        QueueItem.objects.all().delete()
        _queue_with(group, total)
        with django_assert_num_queries(QUERIES_FOR_QUEUE[role]) as captured:
            response = client.get(f"{API}/queue/")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(total, 25)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# Measured: counts (1 aggregate), the page count, the page; facilitators add their groups
# (once for the door, once for the scope).
QUERIES_FOR_QUEUE = {"moderator": 3, "facilitator": 5}


# --- one item ---------------------------------------------------------------------------------


def test_item_detail_has_content_in_context_history_reports_and_notes(
    moderator, second_moderator, group, speaker, held
):
    before = ChatMessage.objects.create(
        group=group,
        author=speaker,
        body="Earlier",
        body_html="<p>Earlier</p>",
        seq=1,
        created_at=held.content.created_at - timedelta(minutes=1),
    )
    services.member_sanction(actor=moderator, member=speaker, kind="warn", reason="Gently.")
    client = api(moderator)
    client.post(item_url(held, "notes/"), {"text": "Watching this one."}, format="json")
    response = client.get(item_url(held))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == set(ItemDetailSerializer().fields)
    assert data["id"] == held.pk
    assert data["content"]["status"] == "held"
    assert data["content"]["body_html"] == held.content.body_html
    context = data["content"]["context"]
    assert context["place"] == "Chat room of Waiting for a reply"
    assert [(n["body_html"], n["is_subject"]) for n in context["neighbours"]] == [
        (before.body_html, False),
        (held.content.body_html, True),
    ]
    author = data["author"]
    assert author["member"] == "Ash Speaker"
    assert [s["kind"] for s in author["sanctions"]] == ["warn"]
    assert [(n["author"], n["text"]) for n in data["notes"]] == [
        ("Mo Moderator", "Watching this one.")
    ]
    assert data["checklist"] == []
    assert data["appeal"] is None
    assert data["may_sanction"] == {"warn": True, "mute": True, "suspend": True, "ban": True}
    assert data["claimed_by_other"] is False


def test_author_history_shows_a_facilitator_only_their_groups(
    moderator, facilitator, other_group, speaker, held
):
    MembershipFactory(group=other_group, member=speaker)
    private = queue_message(other_group, speaker, "Words in a private group", reason=R.REPORT)
    services.member_sanction(
        actor=moderator,
        member=speaker,
        kind="mute",
        reason="A private-group mute",
        group=other_group,
        ends_at=timezone.now() + timedelta(hours=1),
    )
    services.member_sanction(actor=moderator, member=speaker, kind="warn", reason="Everywhere.")
    seen = api(facilitator).get(item_url(held)).json()["author"]
    assert seen["earlier_items"] == []
    assert seen["reports_against"] == 0
    assert [row["reason"] for row in seen["sanctions"]] == ["Everywhere."]
    assert "family" not in json.dumps(seen)
    everything = api(moderator).get(item_url(held)).json()["author"]
    assert [row["id"] for row in everything["earlier_items"]] == [private.pk]
    assert everything["reports_against"] == 1
    assert len(everything["sanctions"]) == 2


def test_a_crisis_item_has_its_checklist(moderator, urgent):
    data = api(moderator).get(item_url(urgent)).json()
    assert [(row["step"], row["done_by"]) for row in data["checklist"]] == [
        (step, None) for step in CrisisStep.Step.values
    ]
    assert data["is_crisis"] is True


def test_facilitator_sees_an_item_in_their_group_and_what_they_may_give(facilitator, held):
    data = api(facilitator).get(item_url(held)).json()
    assert data["id"] == held.pk
    assert data["may_sanction"] == {"warn": True, "mute": True, "suspend": False, "ban": False}


def test_reports_on_an_item_name_the_reporter_for_moderators(moderator, group, speaker):
    item = queue_message(group, speaker, "Published words", reason=R.REPORT)
    reporter = _settled(pseudonym="Rae Reporter")
    services.content_report(actor=reporter, content=item.content, reason="harassment", note="Hm")
    [report] = api(moderator).get(item_url(item)).json()["reports"]
    assert (report["reporter"], report["reason"], report["note"], report["outcome"]) == (
        "Rae Reporter",
        "harassment",
        "Hm",
        "",
    )


BAD_IDS = ["0", "-1", "abc", "1.5", "1e3", str(2**63), str(2**64), "9" * 40]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_junk_and_unknown_ids_are_404_never_500(moderator, bad):
    client = api(moderator)
    for method, action, body in ITEM_ACTIONS:
        response = send(client, method, item_url(bad, action), body)
        assert response.status_code == 404, (method, action)
        assert response.json()["code"] == "not_found"
    for method in ("get", "patch", "delete"):
        response = send(client, method, f"{API}/templates/{bad}/", {"title": "x"})
        assert response.status_code == 404
    assert client.get(f"{API}/log/{bad}/").status_code == 404


# --- claiming and resolving: two moderators ---------------------------------------------------


def test_second_moderator_to_claim_is_told_who_has_it(moderator, second_moderator, held):
    first = api(moderator).post(item_url(held, "claim/"))
    assert first.status_code == 200
    assert (first.json()["state"], first.json()["claimed_by"]) == ("claimed", "Mo Moderator")
    second = api(second_moderator).post(item_url(held, "claim/"))
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert "Mo Moderator" in second.json()["detail"]
    held.refresh_from_db()
    assert held.claimed_by == moderator


def test_claiming_again_is_a_harmless_no_op(moderator, held):
    client = api(moderator)
    assert client.post(item_url(held, "claim/")).status_code == 200
    again = client.post(item_url(held, "claim/"))
    assert again.status_code == 200
    assert again.json()["claimed_by"] == "Mo Moderator"
    assert ModerationAction.objects.filter(verb="queue_claimed").count() == 1


def test_release_gives_the_item_back(moderator, held):
    client = api(moderator)
    client.post(item_url(held, "claim/"))
    response = client.post(item_url(held, "release/"))
    assert (response.status_code, response.json()["state"]) == (200, "open")
    assert client.post(item_url(held, "release/")).status_code == 409


def test_resolving_twice_is_a_conflict(moderator, second_moderator, group, speaker):
    item = queue_message(group, speaker, "Published words", reason=R.REPORT)
    body = {"resolution": "no_action", "note": "Within the guidelines."}
    first = api(moderator).post(item_url(item, "resolve/"), body, format="json")
    assert (first.status_code, first.json()["state"]) == (200, "resolved")
    for client in (api(moderator), api(second_moderator)):
        again = client.post(item_url(item, "resolve/"), body, format="json")
        assert again.status_code == 409
        assert again.json() == {
            "detail": "This item has already been resolved.",
            "code": "conflict",
        }
    assert ModerationAction.objects.filter(verb="queue_resolved").count() == 1


def test_resolving_held_content_says_to_approve_or_remove_it(moderator, held):
    response = api(moderator).post(
        item_url(held, "resolve/"), {"resolution": "no_action"}, format="json"
    )
    assert response.status_code == 409
    assert "Approve it or remove it" in response.json()["detail"]


def test_unknown_resolution_is_400(moderator, held):
    response = api(moderator).post(
        item_url(held, "resolve/"), {"resolution": "vanished"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "resolution" in response.json()["fields"]


# --- content decisions ------------------------------------------------------------------------


def test_approve_publishes_held_content_and_closes_the_item(facilitator, held):
    response = api(facilitator).post(item_url(held, "approve/"), {}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["resolution"]) == ("resolved", "approved")
    assert held.content.status == ContentStatus.PUBLISHED


def test_remove_with_a_reason_or_a_template(moderator, group, speaker, held):
    client = api(moderator)
    response = client.post(item_url(held, "remove/"), {"reason": "Not kind."}, format="json")
    assert (response.status_code, response.json()["resolution"]) == (200, "removed")
    assert held.content.removal_reason == "Not kind."
    other = queue_message(group, speaker, "Another held message")
    template = removal_template()
    response = client.post(item_url(other, "remove/"), {"template": template.pk}, format="json")
    assert response.status_code == 200
    assert other.content.removal_reason == template.body


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": "Not kind.", "template": 1},
        {"template": "support"},
    ],
)
def test_remove_needs_one_reason_or_one_template(moderator, held, body):
    response = api(moderator).post(item_url(held, "remove/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    _nothing_changed(held)


def test_a_template_of_the_wrong_kind_is_refused(moderator, held):
    response = api(moderator).post(
        item_url(held, "remove/"), {"template": support_template().pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["template"]
    _nothing_changed(held)


def test_restore_publishes_removed_content_again(moderator, held):
    client = api(moderator)
    client.post(item_url(held, "remove/"), {"reason": "Not kind."}, format="json")
    response = client.post(
        item_url(held, "restore/"), {"note": "On reflection, fine."}, format="json"
    )
    assert response.status_code == 200
    assert held.content.status == ContentStatus.PUBLISHED
    assert client.post(item_url(held, "restore/"), {}, format="json").status_code == 409


# --- sanctions --------------------------------------------------------------------------------


def test_facilitator_mutes_in_their_group_for_some_hours(facilitator, speaker, held, group):
    response = api(facilitator).post(
        item_url(held, "sanction/"),
        {"kind": "mute", "reason": "Take a breather.", "duration_hours": 2},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["group"]) == ("mute", "waiting")
    sanction = Sanction.objects.get()
    assert (sanction.member, sanction.group) == (speaker, group)
    assert timedelta(minutes=119) < sanction.ends_at - timezone.now() <= timedelta(hours=2)


@pytest.mark.parametrize("kind", ["suspend", "ban"])
def test_facilitator_may_not_suspend_or_ban_403(facilitator, held, kind):
    body = {"kind": kind, "reason": "Too much.", "duration_hours": 24}
    if kind == "ban":
        del body["duration_hours"]
    response = api(facilitator).post(item_url(held, "sanction/"), body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Sanction.objects.exists()


def test_facilitator_may_not_mute_everywhere_403(facilitator, held):
    response = api(facilitator).post(
        item_url(held, "sanction/"),
        {"kind": "mute", "reason": "Quiet.", "duration_hours": 1, "in_group": False},
        format="json",
    )
    assert response.status_code == 403
    assert not Sanction.objects.exists()


def test_moderator_suspends_everywhere_until_a_time(moderator, speaker, held):
    ends_at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    response = api(moderator).post(
        item_url(held, "sanction/"),
        {"kind": "suspend", "reason": "A pause.", "ends_at": ends_at.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.group, sanction.ends_at) == ("suspend", None, ends_at)
    assert response.json()["given_by"] == "Mo Moderator"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "mute", "reason": "Quiet."}, 400),  # a mute needs an end
        ({"kind": "warn", "reason": "Gently.", "duration_hours": 3}, 400),  # a warning has none
        ({"kind": "mute", "reason": "", "duration_hours": 1}, 400),  # the member sees a reason
        ({"kind": "banish", "reason": "No."}, 400),
        ({"kind": "mute", "reason": "Q", "duration_hours": 1, "ends_at": "2030-01-01"}, 400),
        ({"kind": "mute", "reason": "Q", "ends_at": "next tuesday"}, 400),
        ({"kind": "mute", "reason": "Q", "duration_hours": 0}, 400),
        ({"kind": "mute", "reason": "Q", "duration_hours": "5"}, 400),
        ({"kind": "mute", "reason": "Q", "duration_hours": 1.5}, 400),
        ({"kind": "mute", "reason": "Q", "duration_hours": 1, "in_group": "yes"}, 400),
        ({"kind": "warn", "reason": 5}, 400),
    ],
)
def test_sanction_input_is_checked(moderator, held, body, status):
    response = api(moderator).post(item_url(held, "sanction/"), body, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["detail"]
    assert not Sanction.objects.exists()


def test_in_group_on_an_item_outside_groups_is_400(moderator, outside_groups):
    response = api(moderator).post(
        item_url(outside_groups, "sanction/"),
        {"kind": "warn", "reason": "Gently.", "in_group": True},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["in_group"]


# --- notes, support and the crisis checklist --------------------------------------------------


def test_posting_the_same_note_twice_makes_two_notes(moderator, held):
    client = api(moderator)
    for _attempt in range(2):
        response = client.post(item_url(held, "notes/"), {"text": "Same words."}, format="json")
        assert response.status_code == 201
        assert response.json()["author"] == "Mo Moderator"
    assert QueueNote.objects.filter(queue_item=held).count() == 2
    assert ModerationAction.objects.filter(verb="note_added").count() == 2


def test_an_overlong_note_is_400_saying_the_limit(moderator, held):
    response = api(moderator).post(
        item_url(held, "notes/"), {"text": "x" * (QueueNote.MAX_TEXT_LENGTH + 1)}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "2000 characters or fewer" in body["detail"]
    assert body["fields"]["text"] == [body["detail"]]
    assert not QueueNote.objects.exists()


def test_an_empty_note_is_400(moderator, held):
    response = api(moderator).post(item_url(held, "notes/"), {"text": "   "}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Please write the note first."


def test_a_body_over_the_limit_is_413(moderator, held):
    huge = "x" * (MAX_BODY_BYTES + 1)
    client = api(moderator)
    for url, body in [
        (item_url(held, "notes/"), {"text": huge}),
        (item_url(held, "remove/"), {"reason": huge}),
        (f"{API}/queue/bulk/", {"action": "resolve", "items": [held.pk], "note": huge}),
        (f"{API}/templates/", {"kind": "removal", "title": "T", "body": huge}),
    ]:
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 413, url
        assert response.json()["code"] == "too_large"
    _nothing_changed(held)


def test_malformed_json_is_400(moderator, held):
    response = api(moderator).post(
        item_url(held, "notes/"), '{"text": "unterminated', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("notes/", {"text": 5}),
        ("notes/", {"text": ["a"]}),
        ("notes/", {}),
        ("notes/", {"text": None}),
        ("support/", {"text": {"a": 1}}),
        ("support/", {"template": "1"}),
        ("support/", {"template": True}),
        ("crisis/follow-up/", {"note": 7}),
        ("approve/", {"note": False}),
        ("resolve/", {"resolution": 3}),
        ("appeal/", {"grant": "yes", "note": "x"}),
        ("appeal/", {"grant": 1}),
        ("appeal/", {"note": "no grant"}),
    ],
)
def test_wrong_json_types_are_400(moderator, urgent, action, body):
    response = api(moderator).post(item_url(urgent, action), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]


def test_supportive_message_from_a_template_ticks_the_checklist(moderator, urgent, speaker):
    template = support_template()
    response = api(moderator).post(
        item_url(urgent, "support/"), {"template": template.pk}, format="json"
    )
    assert response.status_code == 201
    message = SupportMessage.objects.get()
    assert (message.member, message.text) == (speaker, template.body)
    steps = api(moderator).get(item_url(urgent)).json()["checklist"]
    assert {row["step"]: row["done_by"] for row in steps}["support_sent"] == "Mo Moderator"


def test_crisis_checklist_steps_are_recorded_once(moderator, second_moderator, urgent):
    client = api(moderator)
    signpost = client.post(item_url(urgent, "crisis/signpost/"))
    assert signpost.status_code == 201
    assert signpost.json()["step"] == "signpost_confirmed"
    again = api(second_moderator).post(item_url(urgent, "crisis/signpost/"))
    assert again.status_code == 409
    follow_up = client.post(
        item_url(urgent, "crisis/follow-up/"), {"note": "Check in tomorrow."}, format="json"
    )
    assert (follow_up.status_code, follow_up.json()["note"]) == (201, "Check in tomorrow.")
    escalate = client.post(item_url(urgent, "crisis/escalate/"), {"note": ""}, format="json")
    assert escalate.status_code == 400
    assert list(escalate.json()["fields"]) == ["note"]
    done = [
        row["step"] for row in client.get(item_url(urgent)).json()["checklist"] if row["done_by"]
    ]
    assert done == ["signpost_confirmed", "follow_up"]


def test_crisis_checklist_is_only_for_crisis_items(moderator, held):
    response = api(moderator).post(item_url(held, "crisis/signpost/"))
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_facilitator_may_not_escalate_403(facilitator, urgent):
    response = api(facilitator).post(
        item_url(urgent, "crisis/escalate/"), {"note": "Worried."}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "moderator" in response.json()["detail"]
    assert not CrisisStep.objects.exists()


# --- appeals ----------------------------------------------------------------------------------


@pytest.fixture
def appeal_item(moderator, held, speaker):
    services.content_remove(actor=moderator, content=held.content, reason="Not kind.")
    appeal = services.appeal_submit(
        actor=speaker, content=held.content, text="I was upset; I meant no harm."
    )
    return appeal.queue_item


def test_another_moderator_grants_an_appeal_from_the_queue(
    moderator, second_moderator, appeal_item, held
):
    detail = api(second_moderator).get(item_url(appeal_item)).json()
    assert detail["appeal"]["text"] == "I was upset; I meant no harm."
    assert detail["content"]["body_html"] == "<p>I was upset; I meant no harm.</p>"
    response = api(second_moderator).post(
        item_url(appeal_item, "appeal/"), {"grant": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["resolution"] == "appeal_granted"
    assert ChatMessage.objects.get(pk=held.object_id).status == ContentStatus.PUBLISHED


def test_the_moderator_who_acted_may_not_decide_the_appeal_403(moderator, appeal_item):
    response = api(moderator).post(
        item_url(appeal_item, "appeal/"), {"grant": False, "note": "It stands."}, format="json"
    )
    assert response.status_code == 403
    assert "different moderator" in response.json()["detail"]


def test_appeal_actions_fit_only_appeal_items(second_moderator, appeal_item, urgent):
    client = api(second_moderator)
    assert (
        client.post(item_url(urgent, "appeal/"), {"grant": True}, format="json").status_code == 409
    )
    response = client.post(item_url(appeal_item, "approve/"), {}, format="json")
    assert response.status_code == 409
    assert "appeal" in response.json()["detail"]


def test_appeal_text_is_escaped_in_the_detail(moderator, second_moderator, held, speaker):
    services.content_remove(actor=moderator, content=held.content, reason="Not kind.")
    appeal = services.appeal_submit(
        actor=speaker, content=held.content, text="<script>alert(1)</script> please"
    )
    body_html = api(second_moderator).get(item_url(appeal.queue_item)).json()["content"]
    assert "<script>" not in body_html["body_html"]
    assert "&lt;script&gt;" in body_html["body_html"]


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_approve_skips_crisis_items_which_stay_open(moderator, group, speaker, held, urgent):
    other = queue_message(group, speaker, "Another held message")
    response = api(moderator).post(
        f"{API}/queue/bulk/",
        {"action": "approve", "items": [held.pk, urgent.pk, other.pk, 999_999]},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["done"] == [held.pk, other.pk]
    assert set(body["skipped"]) == {str(urgent.pk), "999999"}
    assert "never decided in bulk" in body["skipped"][str(urgent.pk)]
    urgent.refresh_from_db()
    assert urgent.state == QueueItem.State.OPEN
    assert urgent.content.status == ContentStatus.HELD


def test_bulk_resolve_with_a_note_and_out_of_scope_items_skipped(
    facilitator, group, speaker, elsewhere
):
    reported = queue_message(group, speaker, "Published words", reason=R.REPORT)
    response = api(facilitator).post(
        f"{API}/queue/bulk/",
        {"action": "resolve", "items": [reported.pk, elsewhere.pk], "note": "Fine."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["done"] == [reported.pk]
    assert response.json()["skipped"] == {str(elsewhere.pk): "We couldn't find this item."}
    reported.refresh_from_db()
    assert (reported.state, reported.resolution_note) == ("resolved", "Fine.")
    _nothing_changed(elsewhere)


@pytest.mark.parametrize(
    "body",
    [
        {"action": "approve", "items": "1,2"},
        {"action": "approve", "items": [True]},
        {"action": "approve", "items": [1.5]},
        {"action": "approve", "items": ["1"]},
        {"action": "approve", "items": [None]},
        {"action": "approve", "items": {"1": 1}},
        {"action": "approve"},
        {"action": "remove", "items": [1]},
        {"action": "approve", "items": []},
        {"action": "approve", "items": list(range(1, 102))},
        {"action": "resolve", "items": [1], "note": 3},
    ],
)
def test_bulk_input_is_checked(moderator, held, body):
    response = api(moderator).post(f"{API}/queue/bulk/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]
    _nothing_changed(held)


# --- templates --------------------------------------------------------------------------------


def test_moderator_manages_templates(moderator):
    client = api(moderator)
    created = client.post(
        f"{API}/templates/",
        {"kind": "support", "title": "Thinking of you", "body": "We're here.", "order": 5},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["updated_by"] == "Mo Moderator"
    duplicate = client.post(
        f"{API}/templates/",
        {"kind": "support", "title": "thinking of YOU", "body": "x"},
        format="json",
    )
    assert duplicate.status_code == 400
    assert list(duplicate.json()["fields"]) == ["title"]
    changed = client.patch(f"{API}/templates/{pk}/", {"is_active": False}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["is_active"], changed.json()["title"]) == (False, "Thinking of you")
    listed = client.get(f"{API}/templates/?kind=support").json()
    assert pk in [row["id"] for row in listed]
    assert {row["kind"] for row in listed} == {"support"}
    assert client.delete(f"{API}/templates/{pk}/").status_code == 204
    assert not ReplyTemplate.objects.filter(pk=pk).exists()
    changes = ModerationAction.objects.filter(verb="template_changed").order_by("pk")
    assert [row.details["change"] for row in changes] == ["created", "changed", "deleted"]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "poem", "title": "T", "body": "B"},
        {"kind": "removal", "title": "", "body": "B"},
        {"kind": "removal", "title": "T", "body": "B", "is_active": "no"},
        {"kind": "removal", "title": "T", "body": "B", "order": "1"},
        {"kind": "removal", "title": "T", "body": "B", "order": 40000},
        {"kind": "removal", "title": "T"},
    ],
)
def test_template_input_is_checked(moderator, body):
    before = ReplyTemplate.objects.count()
    response = api(moderator).post(f"{API}/templates/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert ReplyTemplate.objects.count() == before


def test_unknown_template_kind_filter_is_400(moderator):
    response = api(moderator).get(f"{API}/templates/?kind=poem")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["kind"])


def test_facilitator_reads_active_templates_but_changes_none(facilitator, moderator):
    hidden = ReplyTemplate.objects.create(
        kind="removal", title="Retired", body="Old", is_active=False
    )
    active = removal_template()
    client = api(facilitator)
    listed = [row["id"] for row in client.get(f"{API}/templates/").json()]
    assert active.pk in listed
    assert hidden.pk not in listed
    assert client.get(f"{API}/templates/{active.pk}/").status_code == 200
    assert client.get(f"{API}/templates/{hidden.pk}/").status_code == 404
    assert hidden.pk in [row["id"] for row in api(moderator).get(f"{API}/templates/").json()]
    for response in (
        client.post(
            f"{API}/templates/", {"kind": "removal", "title": "T", "body": "B"}, format="json"
        ),
        client.patch(f"{API}/templates/{active.pk}/", {"title": "Mine now"}, format="json"),
        client.delete(f"{API}/templates/{active.pk}/"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert ReplyTemplate.objects.get(pk=active.pk).title == active.title


# --- queue health -----------------------------------------------------------------------------


def test_health_is_scoped_to_the_facilitators_groups(
    moderator, facilitator, held, urgent, elsewhere, outside_groups
):
    mine = api(facilitator).get(f"{API}/health/").json()
    assert mine["open_counts"]["total"] == 2
    assert mine["open_counts"]["open"]["urgent"] == 1
    assert mine["timing_stats"]["days"] == 7
    assert mine["timing_stats"]["items"] == 2
    assert len(mine["daily_series"]) == 14
    assert mine["daily_series"][-1]["opened"] == 2
    everything = api(moderator).get(f"{API}/health/").json()
    assert everything["open_counts"]["total"] == 4
    assert everything["daily_series"][-1]["opened"] == 4


# --- schema -----------------------------------------------------------------------------------


def test_the_schema_documents_every_dashboard_endpoint(client):
    import yaml

    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    item = "/api/v1/moderation/queue/{item_id}/"
    expected = {
        "/api/v1/moderation/queue/": {"get"},
        "/api/v1/moderation/queue/bulk/": {"post"},
        item: {"get"},
        **{f"{item}{action}": {"post"} for _method, action, _body in ITEM_ACTIONS[1:]},
        "/api/v1/moderation/templates/": {"get", "post"},
        "/api/v1/moderation/templates/{template_id}/": {"get", "patch", "delete"},
        "/api/v1/moderation/health/": {"get"},
        "/api/v1/moderation/log/": {"get"},
        "/api/v1/moderation/log/{id}/": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) - {"parameters"} == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"], (path, method)
            assert "404" in operation["responses"], (path, method)
    claim = paths[f"{item}claim/"]["post"]
    [item_id] = [p for p in claim["parameters"] if p["name"] == "item_id"]
    assert item_id["schema"]["type"] == "integer"
    log_filters = {p["name"] for p in paths["/api/v1/moderation/log/"]["get"]["parameters"]}
    assert {"moderator", "member", "verb"} <= log_filters
