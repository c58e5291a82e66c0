"""The peer-group REST door under /api/v1/: every endpoint with every role, private messages
that never leak, bad input, duplicates, floods, crisis signposting and room moderation."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groups import services
from groups.models import ChatMessage, GroupSession, MemberIgnore, Membership
from moderation.models import ContentStatus, ModerationAction, Sanction
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "non_member",
    "requested",
    "member",
    "other_facilitator",
    "facilitator",
    "moderator",
]


def settled(**extra):
    """A member who joined a month ago, so new-member rules don't hold their posts."""
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def send(client, method, url, body=None):
    """A JSON request; `body` may be a str to send as it is (for malformed JSON)."""
    call = getattr(client, method)
    if body is None:
        return call(url)
    data = body if isinstance(body, str) else json.dumps(body)
    return call(url, data=data, content_type="application/json")


def seed_messages(group, author, count: int, *, authors=None) -> list[ChatMessage]:
    """`count` published messages with seq 1..count, written straight to the table (the
    pipeline is tested elsewhere; history only reads)."""
    authors = authors or [author]
    rows = ChatMessage.objects.bulk_create(
        [
            ChatMessage(
                group=group,
                author=authors[n % len(authors)],
                body=f"message {n + 1}",
                body_html=f"<p>message {n + 1}</p>",
                status=ContentStatus.PUBLISHED,
                seq=n + 1,
            )
            for n in range(count)
        ]
    )
    group.last_seq = count
    group.save(update_fields=["last_seq"])
    return rows


@pytest.fixture
def group(db):
    return GroupFactory(name="Waiting for a reply", slug="waiting", guidelines="Be kind.")


@pytest.fixture
def private_group(db):
    return GroupFactory(
        name="Partners and family", slug="family", visibility="private", guidelines="Listen."
    )


@pytest.fixture
def speaker(group):
    person = settled(pseudonym="Ash Speaker")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def facilitator(group):
    person = settled(pseudonym="Fi Facilitator")
    MembershipFactory(group=group, member=person, role="facilitator")
    return person


@pytest.fixture
def speaker_client(speaker):
    return client_for(speaker)


@pytest.fixture
def facilitator_client(facilitator):
    return client_for(facilitator)


def make_actor(role: str, group):
    """The person playing `role` towards `group` (None for a visitor)."""
    if role == "visitor":
        return None
    if role == "moderator":
        return settled(pseudonym="Mo Moderator", is_moderator=True, is_staff=True)
    person = settled(pseudonym=f"Role {role.replace('_', ' ')}")
    if role == "requested":
        MembershipFactory(group=group, member=person, state="requested")
    elif role == "member":
        MembershipFactory(group=group, member=person)
    elif role == "facilitator":
        MembershipFactory(group=group, member=person, role="facilitator")
    elif role == "other_facilitator":
        MembershipFactory(member=person, role="facilitator")
    return person


# --- every endpoint x every role ------------------------------------------------------------


class World:
    """A private group with a message, a member to act on and a pending request."""

    def __init__(self, group):
        self.group = group
        self.author = settled(pseudonym="Ash Author")
        MembershipFactory(group=group, member=self.author)
        self.target = settled(pseudonym="Bo Target")
        MembershipFactory(group=group, member=self.target)
        self.pending = MembershipFactory(
            group=group, member=settled(pseudonym="Cy Pending"), state="requested"
        )
        self.message = services.chat_message_post(
            actor=self.author, group=group, body="A quiet hello from the family group."
        ).message


ENDPOINTS = {
    # name: (method, url(world), body(world), expected status per role)
    "list": ("get", lambda w: "/api/v1/groups/", None, dict.fromkeys(ROLES, 200)),
    "detail": ("get", lambda w: "/api/v1/groups/family/", None, dict.fromkeys(ROLES, 200)),
    "join": (
        "post",
        lambda w: "/api/v1/groups/family/join/",
        lambda w: {"note": "Hello"},
        {**dict.fromkeys(ROLES, 200), "visitor": 403},
    ),
    "leave": (
        "delete",
        lambda w: "/api/v1/groups/family/membership/",
        None,
        {**dict.fromkeys(ROLES, 204), "visitor": 403},
    ),
    "requests": (
        "get",
        lambda w: "/api/v1/groups/family/requests/",
        None,
        {"member": 403, "facilitator": 200, "moderator": 200},
    ),
    "approve": (
        "post",
        lambda w: f"/api/v1/groups/family/requests/{w.pending.pk}/approve/",
        lambda w: {},
        {"member": 403, "facilitator": 200, "moderator": 200},
    ),
    "decline": (
        "post",
        lambda w: f"/api/v1/groups/family/requests/{w.pending.pk}/decline/",
        lambda w: {},
        {"member": 403, "facilitator": 200, "moderator": 200},
    ),
    "remove_member": (
        "post",
        lambda w: "/api/v1/groups/family/members/Bo Target/remove/",
        lambda w: {"reason": "Repeated unkind comments."},
        {"member": 403, "facilitator": 200, "moderator": 200},
    ),
    "history": (
        "get",
        lambda w: "/api/v1/groups/family/messages/",
        None,
        {"member": 200, "facilitator": 200, "moderator": 200},
    ),
    "replay": (
        "get",
        lambda w: "/api/v1/groups/family/messages/?after_seq=0",
        None,
        {"member": 200, "facilitator": 200, "moderator": 200},
    ),
    "post_message": (
        "post",
        lambda w: "/api/v1/groups/family/messages/",
        lambda w: {"body": "Thank you all for being here."},
        {"member": 201, "facilitator": 201, "moderator": 201},
    ),
    "remove_message": (
        "post",
        lambda w: f"/api/v1/groups/family/messages/{w.message.pk}/remove/",
        lambda w: {"reason": "Shares someone's private details."},
        {"member": 403, "facilitator": 200, "moderator": 200},
    ),
    "mute": (
        "post",
        lambda w: "/api/v1/groups/family/mutes/",
        lambda w: {"member": "Bo Target", "minutes": 30, "reason": "Let's take a breather."},
        {"member": 403, "facilitator": 201, "moderator": 201},
    ),
    "ignores": ("get", lambda w: "/api/v1/ignores/", None, {}),
    "ignore": ("put", lambda w: "/api/v1/ignores/Ash Author/", None, {}),
    "unignore": ("delete", lambda w: "/api/v1/ignores/Ash Author/", None, {}),
}

# Account endpoints: any member may use them; visitors get 403.
ACCOUNT_STATUS = {"ignores": 200, "ignore": 200, "unignore": 204}


def expected_status(endpoint: str, role: str) -> int:
    explicit = ENDPOINTS[endpoint][3]
    if role in explicit:
        return explicit[role]
    if role == "visitor":
        return 403  # an account is needed, whatever the group
    if endpoint in ACCOUNT_STATUS:
        return ACCOUNT_STATUS[endpoint]
    return 404  # may not read this group's messages: as if it did not exist


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_endpoint_answers_every_role_as_it_should(endpoint, role, private_group):
    world = World(private_group)
    actor = make_actor(role, private_group)
    method, url, body, _expected = ENDPOINTS[endpoint]
    response = send(client_for(actor), method, url(world), body(world) if body else None)
    assert response.status_code == expected_status(endpoint, role), response.content
    if response.status_code in (403, 404):
        assert "A quiet hello" not in response.content.decode()


@pytest.mark.parametrize("role", ["left", "removed", "declined", "requested", "non_member"])
@pytest.mark.parametrize("visibility", ["open", "private"])
def test_messages_are_404_for_anyone_who_is_not_an_active_member(role, visibility):
    group = GroupFactory(slug="room", visibility=visibility)
    author = settled(pseudonym="Ash Author")
    MembershipFactory(group=group, member=author)
    services.chat_message_post(actor=author, group=group, body="Only for members here.")
    outsider = settled(pseudonym="Out Sider")
    if role != "non_member":
        MembershipFactory(group=group, member=outsider, state=role)
    client = client_for(outsider)
    for url in ("/api/v1/groups/room/messages/", "/api/v1/groups/room/messages/?after_seq=0"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Only for members" not in response.content.decode()
    response = send(client, "post", "/api/v1/groups/room/messages/", {"body": "Let me in"})
    assert response.status_code == 404
    assert ChatMessage.objects.filter(author=outsider).count() == 0


def test_a_missing_group_and_a_group_you_cannot_read_give_the_same_answer(private_group):
    client = client_for(settled(pseudonym="Out Sider"))
    hidden = client.get("/api/v1/groups/family/messages/")
    missing = client.get("/api/v1/groups/no-such-group/messages/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_visitors_get_the_same_403_for_real_and_missing_groups(client, private_group):
    real = client.get("/api/v1/groups/family/messages/")
    missing = client.get("/api/v1/groups/nothing-here/messages/")
    assert real.status_code == missing.status_code == 403
    assert real.json() == missing.json()
    assert "credentials were not provided" in real.json()["detail"]


def test_posting_needs_the_csrf_token_with_session_auth(speaker, group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(speaker)
    response = send(client, "post", "/api/v1/groups/waiting/messages/", {"body": "Hi"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not ChatMessage.objects.exists()


# --- group list and detail ---------------------------------------------------------------------


def test_group_list_shows_every_group_with_your_membership(speaker_client, group, private_group):
    response = speaker_client.get("/api/v1/groups/")
    assert response.status_code == 200
    data = response.json()["results"]
    assert [g["slug"] for g in data] == ["family", "waiting"]
    family, waiting = data
    assert set(waiting) == {
        "slug",
        "name",
        "purpose",
        "visibility",
        "is_premoderated",
        "membership",
    }
    assert waiting["membership"] == {"state": "active", "role": "member"}
    assert family["membership"] is None
    assert family["visibility"] == "private"


def test_group_list_for_a_visitor_has_no_memberships(client, group, speaker):
    [listed] = client.get("/api/v1/groups/").json()["results"]
    assert listed["membership"] is None
    assert listed["name"] == "Waiting for a reply"


@pytest.mark.parametrize("groups", [2, 12])
def test_group_list_query_count_does_not_grow_with_groups(
    groups, speaker, speaker_client, group, django_assert_num_queries
):
    for _n in range(groups - 1):
        MembershipFactory(group=GroupFactory(), member=speaker)
    # session, member, groups, the member's memberships
    with django_assert_num_queries(4):
        response = speaker_client.get("/api/v1/groups/")
    assert len(response.json()["results"]) == groups


def test_group_list_for_a_visitor_takes_one_query(client, group, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/api/v1/groups/").status_code == 200


def test_group_detail_shows_guidelines_and_the_next_sessions(client, group, facilitator):
    now = timezone.now()
    GroupSession.objects.create(
        group=group, starts_at=now - timedelta(days=3), topic="Long past", facilitator=facilitator
    )
    GroupSession.objects.create(
        group=group,
        starts_at=now + timedelta(days=1),
        duration_minutes=45,
        topic="Sitting with the silence",
        facilitator=facilitator,
    )
    GroupSession.objects.create(group=group, starts_at=now + timedelta(days=8), topic="Open floor")
    data = client.get("/api/v1/groups/waiting/").json()
    assert data["guidelines"] == "Be kind."
    assert data["membership"] is None
    assert [s["topic"] for s in data["sessions"]] == ["Sitting with the silence", "Open floor"]
    first = data["sessions"][0]
    assert set(first) == {"starts_at", "ends_at", "duration_minutes", "topic", "facilitator"}
    assert first["facilitator"] == "Fi Facilitator"
    assert first["duration_minutes"] == 45
    assert data["sessions"][1]["facilitator"] is None


def test_group_detail_shows_your_own_membership(facilitator_client, group):
    data = facilitator_client.get("/api/v1/groups/waiting/").json()
    assert data["membership"] == {"state": "active", "role": "facilitator"}


def test_group_detail_of_a_missing_group_is_404(client):
    assert client.get("/api/v1/groups/nowhere/").status_code == 404


@pytest.mark.parametrize("sessions", [1, 6])
def test_group_detail_query_count_does_not_grow_with_sessions(
    sessions, speaker_client, group, django_assert_num_queries
):
    for n in range(sessions):
        GroupSession.objects.create(
            group=group,
            starts_at=timezone.now() + timedelta(days=n + 1),
            topic=f"Session {n}",
            facilitator=settled(),
        )
    # session, member, group, the member's membership, sessions with their facilitators
    with django_assert_num_queries(5):
        response = speaker_client.get("/api/v1/groups/waiting/")
    assert len(response.json()["sessions"]) == min(sessions, 3)


# --- joining and leaving -----------------------------------------------------------------------


def test_joining_an_open_group_makes_you_a_member_at_once(member_client, member, group):
    response = send(member_client, "post", "/api/v1/groups/waiting/join/", {})
    assert response.status_code == 200
    assert response.json() == {"state": "active", "role": "member"}
    assert member_client.get("/api/v1/groups/waiting/messages/").status_code == 200


def test_joining_a_private_group_sends_a_request_with_a_note(member_client, member, private_group):
    response = send(
        member_client, "post", "/api/v1/groups/family/join/", {"note": "My partner is anxious."}
    )
    assert response.json() == {"state": "requested", "role": "member"}
    assert Membership.objects.get(member=member).request_note == "My partner is anxious."
    assert member_client.get("/api/v1/groups/family/messages/").status_code == 404


def test_joining_twice_keeps_one_membership(member_client, member, group):
    for _attempt in range(2):
        assert send(member_client, "post", "/api/v1/groups/waiting/join/").status_code == 200
    assert Membership.objects.filter(member=member).count() == 1


@pytest.mark.parametrize(
    "body, field",
    [({"note": 42}, "note"), ({"note": ["a"]}, "note"), ({"note": None}, "note")],
)
def test_join_refuses_a_note_that_is_not_text(member_client, group, body, field):
    response = send(member_client, "post", "/api/v1/groups/waiting/join/", body)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_join_refuses_an_overlong_note_kindly(member_client, private_group):
    response = send(member_client, "post", "/api/v1/groups/family/join/", {"note": "x" * 1001})
    assert response.status_code == 400
    assert "under 1000 characters" in response.json()["detail"]
    assert not Membership.objects.exists()


def test_join_a_missing_group_is_404(member_client):
    assert send(member_client, "post", "/api/v1/groups/nowhere/join/", {}).status_code == 404


def test_join_with_malformed_json_is_400(member_client, group):
    response = send(member_client, "post", "/api/v1/groups/waiting/join/", "{note: ")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_leaving_closes_the_room_to_you(speaker_client, speaker, group):
    response = speaker_client.delete("/api/v1/groups/waiting/membership/")
    assert response.status_code == 204
    assert Membership.objects.get(member=speaker).state == "left"
    assert speaker_client.get("/api/v1/groups/waiting/messages/").status_code == 404
    assert speaker_client.delete("/api/v1/groups/waiting/membership/").status_code == 204


def test_a_removed_member_cannot_rejoin(member_client, member, group):
    MembershipFactory(group=group, member=member, state="removed")
    response = send(member_client, "post", "/api/v1/groups/waiting/join/", {})
    assert response.status_code == 400
    assert "can't rejoin" in response.json()["detail"]


# --- join requests -----------------------------------------------------------------------------


@pytest.fixture
def family_facilitator(private_group):
    person = settled(pseudonym="Fi Family")
    MembershipFactory(group=private_group, member=person, role="facilitator")
    return person


@pytest.fixture
def pending(private_group):
    return MembershipFactory(
        group=private_group,
        member=settled(pseudonym="Cy Pending"),
        state="requested",
        request_note="I'd like to learn.",
    )


def test_facilitator_sees_pending_requests(family_facilitator, pending, private_group):
    MembershipFactory(group=private_group, state="declined")
    response = client_for(family_facilitator).get("/api/v1/groups/family/requests/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": pending.pk,
            "member": "Cy Pending",
            "note": "I'd like to learn.",
            "created_at": response.json()["results"][0]["created_at"],
        }
    ]


@pytest.mark.parametrize("requests", [1, 8])
def test_request_list_query_count_does_not_grow(
    requests, family_facilitator, private_group, django_assert_num_queries
):
    for _n in range(requests):
        MembershipFactory(group=private_group, state="requested")
    client = client_for(family_facilitator)
    # session, member, group, can read (membership), can facilitate, count, requests with members
    with django_assert_num_queries(7):
        response = client.get("/api/v1/groups/family/requests/")
    assert len(response.json()["results"]) == requests


def test_approving_a_request_lets_the_member_in(family_facilitator, pending):
    client = client_for(family_facilitator)
    response = send(client, "post", f"/api/v1/groups/family/requests/{pending.pk}/approve/")
    assert response.status_code == 200
    assert response.json() == {"member": "Cy Pending", "state": "active", "role": "member"}
    assert client_for(pending.member).get("/api/v1/groups/family/messages/").status_code == 200
    assert ModerationAction.objects.filter(verb="membership_approved").count() == 1
    again = send(client, "post", f"/api/v1/groups/family/requests/{pending.pk}/decline/")
    assert again.status_code == 400
    assert "already been answered" in again.json()["detail"]


def test_declining_a_request_keeps_the_room_closed(family_facilitator, pending):
    client = client_for(family_facilitator)
    response = send(client, "post", f"/api/v1/groups/family/requests/{pending.pk}/decline/")
    assert response.json()["state"] == "declined"
    assert client_for(pending.member).get("/api/v1/groups/family/messages/").status_code == 404


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_approving_an_unknown_request_is_404(family_facilitator, pk):
    client = client_for(family_facilitator)
    assert send(client, "post", f"/api/v1/groups/family/requests/{pk}/approve/").status_code == 404


def test_a_request_in_another_group_is_404(family_facilitator):
    elsewhere = MembershipFactory(state="requested", group__visibility="private")
    url = f"/api/v1/groups/family/requests/{elsewhere.pk}/approve/"
    assert send(client_for(family_facilitator), "post", url).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == "requested"


# --- removing members --------------------------------------------------------------------------


def test_facilitator_removes_a_member_who_then_loses_the_room(facilitator_client, speaker):
    response = send(
        facilitator_client,
        "post",
        "/api/v1/groups/waiting/members/Ash Speaker/remove/",
        {"reason": "Repeated unkind comments."},
    )
    assert response.status_code == 200
    assert response.json() == {"member": "Ash Speaker", "state": "removed", "role": "member"}
    speaker_client = client_for(speaker)
    assert speaker_client.get("/api/v1/groups/waiting/messages/").status_code == 404
    assert send(speaker_client, "post", "/api/v1/groups/waiting/join/").status_code == 400


def test_removing_a_member_needs_a_reason(facilitator_client, speaker):
    response = send(
        facilitator_client, "post", "/api/v1/groups/waiting/members/Ash Speaker/remove/", {}
    )
    assert response.status_code == 400
    assert "reason" in response.json()["detail"]
    assert Membership.objects.get(member=speaker).state == "active"


def test_pseudonyms_match_in_any_case(facilitator_client, speaker):
    response = send(
        facilitator_client,
        "post",
        "/api/v1/groups/waiting/members/ash speaker/remove/",
        {"reason": "Spam."},
    )
    assert response.status_code == 200


def test_removing_an_unknown_member_is_404(facilitator_client, group):
    url = "/api/v1/groups/waiting/members/Nobody Here/remove/"
    assert send(facilitator_client, "post", url, {"reason": "x"}).status_code == 404


def test_only_moderators_remove_a_facilitator(facilitator_client, group, moderator):
    other = settled(pseudonym="Fay Cofacilitator")
    MembershipFactory(group=group, member=other, role="facilitator")
    url = "/api/v1/groups/waiting/members/Fay Cofacilitator/remove/"
    response = send(facilitator_client, "post", url, {"reason": "Disagreement."})
    assert response.status_code == 403
    assert send(client_for(moderator), "post", url, {"reason": "Stepping down."}).status_code == 200


def test_facilitator_cannot_remove_themselves(facilitator_client):
    url = "/api/v1/groups/waiting/members/Fi Facilitator/remove/"
    response = send(facilitator_client, "post", url, {"reason": "Bye."})
    assert response.status_code == 400
    assert "Leave" in response.json()["detail"]


# --- history and replay ------------------------------------------------------------------------


def seqs(response) -> list[int]:
    return [row["seq"] for row in response.json()["results"]]


def test_history_pages_back_by_seq_oldest_first(speaker_client, speaker, group):
    seed_messages(group, speaker, 120)
    first = speaker_client.get("/api/v1/groups/waiting/messages/")
    assert first.status_code == 200
    assert seqs(first) == list(range(71, 121))
    assert first.json()["next_before_seq"] == 71
    row = first.json()["results"][-1]
    assert row["author"] == "Ash Speaker"
    assert row["body_html"] == "<p>message 120</p>"
    second = speaker_client.get("/api/v1/groups/waiting/messages/?before_seq=71")
    assert seqs(second) == list(range(21, 71))
    third = speaker_client.get(
        f"/api/v1/groups/waiting/messages/?before_seq={second.json()['next_before_seq']}"
    )
    assert seqs(third) == list(range(1, 21))
    assert third.json()["next_before_seq"] is None


def test_history_limit_and_an_exact_last_page(speaker_client, speaker, group):
    seed_messages(group, speaker, 100)
    page = speaker_client.get("/api/v1/groups/waiting/messages/?limit=100")
    assert seqs(page) == list(range(1, 101))
    assert page.json()["next_before_seq"] is None
    small = speaker_client.get("/api/v1/groups/waiting/messages/?before_seq=4&limit=3")
    assert seqs(small) == [1, 2, 3]
    assert small.json()["next_before_seq"] is None


def test_history_of_an_empty_room(speaker_client, group):
    response = speaker_client.get("/api/v1/groups/waiting/messages/")
    assert response.json() == {"results": [], "next_before_seq": None}


def test_replay_after_seq_returns_everything_missed_in_order(speaker_client, speaker, group):
    seed_messages(group, speaker, 30)
    response = speaker_client.get("/api/v1/groups/waiting/messages/?after_seq=12")
    assert seqs(response) == list(range(13, 31))
    assert response.json()["next_after_seq"] is None
    limited = speaker_client.get("/api/v1/groups/waiting/messages/?after_seq=0&limit=10")
    assert seqs(limited) == list(range(1, 11))
    assert limited.json()["next_after_seq"] == 10
    caught_up = speaker_client.get("/api/v1/groups/waiting/messages/?after_seq=30")
    assert caught_up.json() == {"results": [], "next_after_seq": None}


def test_replay_gives_at_most_500_and_says_where_to_continue(speaker_client, speaker, group):
    seed_messages(group, speaker, 501)
    response = speaker_client.get("/api/v1/groups/waiting/messages/?after_seq=0")
    assert seqs(response) == list(range(1, 501))
    assert response.json()["next_after_seq"] == 500
    rest = speaker_client.get("/api/v1/groups/waiting/messages/?after_seq=500")
    assert seqs(rest) == [501]
    assert rest.json()["next_after_seq"] is None


@pytest.mark.parametrize(
    "query, field",
    [
        ("before_seq=abc", "before_seq"),
        ("before_seq=-1", "before_seq"),
        ("before_seq=0", "before_seq"),
        ("before_seq=1e5", "before_seq"),
        ("before_seq=99999999999999999999999999", "before_seq"),
        ("after_seq=-5", "after_seq"),
        ("after_seq=", "after_seq"),
        ("after_seq=99999999999999999999999999", "after_seq"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("after_seq=0&limit=501", "limit"),
        ("limit=99999999999999999999999999", "limit"),
        ("before_seq=5&after_seq=1", "non_field_errors"),
    ],
)
def test_history_refuses_bad_query_parameters_clearly(speaker_client, group, query, field):
    response = speaker_client.get(f"/api/v1/groups/waiting/messages/?{query}")
    assert response.status_code == 400
    [message] = response.json()["fields"][field]
    assert message


@pytest.mark.parametrize("messages", [5, 60])
def test_history_query_count_does_not_grow_with_messages(
    messages, speaker_client, speaker, group, django_assert_num_queries
):
    authors = [speaker] + [settled() for _n in range(4)]
    seed_messages(group, speaker, messages, authors=authors)
    # session, member, group, membership, ignores, messages with their authors
    with django_assert_num_queries(6):
        response = speaker_client.get("/api/v1/groups/waiting/messages/")
    assert len(response.json()["results"]) == min(messages, 50)
    with django_assert_num_queries(6):
        speaker_client.get("/api/v1/groups/waiting/messages/?after_seq=0")


def test_moderator_history_takes_one_query_less(
    moderator, speaker, group, django_assert_num_queries
):
    seed_messages(group, speaker, 10)
    client = client_for(moderator)
    # session, member, group, ignores, messages (a moderator needs no membership)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/groups/waiting/messages/").status_code == 200


# --- posting -----------------------------------------------------------------------------------


def post_message(client, body: dict | str, slug: str = "waiting"):
    return send(client, "post", f"/api/v1/groups/{slug}/messages/", body)


def test_member_posts_a_message_that_joins_the_history(speaker_client, group):
    response = post_message(speaker_client, {"body": "Breathing through it.", "local_id": "m-1"})
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published"
    assert data["local_id"] == "m-1"
    assert data["notice"] == ""
    assert data["signpost"] is None
    message = data["message"]
    assert message["id"] == data["id"]
    assert message["seq"] == 1
    assert message["author"] == "Ash Speaker"
    assert message["body_html"].strip() == "<p>Breathing through it.</p>"
    assert message["local_id"] == "m-1"
    history = speaker_client.get("/api/v1/groups/waiting/messages/").json()["results"]
    assert history == [message]


def test_content_warning_is_kept(speaker_client, group):
    response = post_message(speaker_client, {"body": "About my ex.", "content_warning": "breakup"})
    assert response.json()["message"]["content_warning"] == "breakup"


def test_repeated_local_id_returns_the_first_message_and_stores_one(speaker_client, group):
    first = post_message(speaker_client, {"body": "Only once, please.", "local_id": "abc-1"})
    again = post_message(speaker_client, {"body": "Only once, please.", "local_id": "abc-1"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert ChatMessage.objects.count() == 1


def test_without_local_id_each_post_is_a_new_message(speaker_client, group):
    post_message(speaker_client, {"body": "One"})
    post_message(speaker_client, {"body": "One"})
    assert list(ChatMessage.objects.values_list("seq", flat=True)) == [1, 2]


@pytest.mark.parametrize("local_id", ["has space", "x" * 65, "emoji-🙂", "semi;colon"])
def test_a_bad_local_id_is_refused(speaker_client, group, local_id):
    response = post_message(speaker_client, {"body": "Hi", "local_id": local_id})
    assert response.status_code == 400
    assert "local_id must be" in response.json()["detail"]
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "body"),
        ({"body": 123}, "body"),
        ({"body": None}, "body"),
        ({"body": ["hi"]}, "body"),
        ({"body": {"text": "hi"}}, "body"),
        ({"body": True}, "body"),
        ({"body": "Hi", "local_id": 7}, "local_id"),
        ({"body": "Hi", "content_warning": 7}, "content_warning"),
        ({"body": "Hi", "content_warning": "w" * 121}, "content_warning"),
        ([{"body": "Hi"}], "non_field_errors"),
    ],
)
def test_posting_refuses_wrong_types_and_missing_fields(speaker_client, group, body, field):
    response = post_message(speaker_client, body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not ChatMessage.objects.exists()


def test_posting_malformed_json_is_400(speaker_client, group):
    response = post_message(speaker_client, '{"body": "unterminated')
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    "body, code", [("", "empty"), ("   \n ", "empty"), ("x" * 50_000, "too_long")]
)
def test_the_pipeline_refuses_empty_and_oversized_bodies(speaker_client, group, body, code):
    response = post_message(speaker_client, {"body": body})
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code
    assert data["detail"]
    assert data["until"] is None
    assert not ChatMessage.objects.exists()


def test_a_flood_is_refused_with_retry_after_and_passes_later(speaker_client, group, clock):
    for n in range(20):
        assert post_message(speaker_client, {"body": f"Message {n}"}).status_code == 201
    response = post_message(speaker_client, {"body": "One too many"})
    assert response.status_code == 429
    data = response.json()
    assert data["code"] == "rate_limited"
    assert int(response["Retry-After"]) == data["retry_after"] > 0
    assert ChatMessage.objects.count() == 20
    clock.advance(data["retry_after"] + 1)
    assert post_message(speaker_client, {"body": "Calmer now"}).status_code == 201


def test_urgent_message_is_held_with_a_signpost_and_nothing_published(
    speaker_client, speaker, group
):
    listener = settled(pseudonym="Bo Listener")
    MembershipFactory(group=group, member=listener)
    response = post_message(speaker_client, {"body": URGENT_TEXT, "local_id": "u-1"})
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "held"
    assert data["message"] is None
    assert data["notice"].startswith("Thank you. A moderator will read this")
    assert data["signpost"]["tier"] == "urgent"
    assert data["signpost"]["resources"]
    held = ChatMessage.objects.get(pk=data["id"])
    assert held.status == ContentStatus.HELD
    assert held.seq is None
    for client in (speaker_client, client_for(listener)):
        history = client.get("/api/v1/groups/waiting/messages/?after_seq=0").json()
        assert history == {"results": [], "next_after_seq": None}
        assert "pills" not in client.get("/api/v1/groups/waiting/messages/").content.decode()
    again = post_message(speaker_client, {"body": URGENT_TEXT, "local_id": "u-1"})
    assert again.status_code == 200
    assert again.json()["status"] == "held"
    assert again.json()["message"] is None


def test_concern_is_published_and_signposted_to_the_author_only(speaker_client, group):
    response = post_message(speaker_client, {"body": CONCERN_TEXT})
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published"
    assert data["signpost"]["tier"] == "concern"
    assert "signpost" not in data["message"]
    listener = settled(pseudonym="Bo Listener")
    MembershipFactory(group=group, member=listener)
    page = client_for(listener).get("/api/v1/groups/waiting/messages/").content.decode()
    assert "signpost" not in page
    assert "tier" not in page


# --- removing messages -------------------------------------------------------------------------


def test_facilitator_removes_a_message_and_history_shows_a_tombstone(
    facilitator_client, speaker_client, speaker, group
):
    posted = post_message(speaker_client, {"body": "Something unkind."}).json()
    post_message(speaker_client, {"body": "Something kind."})
    url = f"/api/v1/groups/waiting/messages/{posted['id']}/remove/"
    response = send(facilitator_client, "post", url, {"reason": "Unkind to another member."})
    assert response.status_code == 200
    assert response.json() == {"id": posted["id"], "seq": 1, "removed": True}
    history = speaker_client.get("/api/v1/groups/waiting/messages/").json()["results"]
    assert history[0] == {"id": posted["id"], "seq": 1, "removed": True}
    assert history[1]["seq"] == 2
    assert "unkind" not in json.dumps(history).lower()
    assert ModerationAction.objects.filter(verb="content_removed").count() == 1
    again = send(facilitator_client, "post", url, {"reason": "Twice."})
    assert again.status_code == 409
    assert "already been taken down" in again.json()["detail"]


def test_removing_a_message_needs_a_reason(facilitator_client, speaker_client, group):
    posted = post_message(speaker_client, {"body": "Hello"}).json()
    url = f"/api/v1/groups/waiting/messages/{posted['id']}/remove/"
    for body in ({}, {"reason": "  "}):
        response = send(facilitator_client, "post", url, body)
        assert response.status_code == 400
        assert "reason" in response.json()["detail"]
    response = send(facilitator_client, "post", url, {"reason": 5})
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert ChatMessage.objects.get().status == ContentStatus.PUBLISHED


def test_a_message_from_another_group_is_404(facilitator_client, group):
    elsewhere = GroupFactory()
    author = settled()
    MembershipFactory(group=elsewhere, member=author)
    other = services.chat_message_post(actor=author, group=elsewhere, body="Elsewhere").message
    url = f"/api/v1/groups/waiting/messages/{other.pk}/remove/"
    assert send(facilitator_client, "post", url, {"reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.status == ContentStatus.PUBLISHED


@pytest.mark.parametrize("pk", ["424242", "99999999999999999999999"])
def test_removing_an_unknown_message_is_404(facilitator_client, group, pk):
    url = f"/api/v1/groups/waiting/messages/{pk}/remove/"
    assert send(facilitator_client, "post", url, {"reason": "x"}).status_code == 404


def test_a_facilitator_of_another_group_cannot_remove_messages_here(speaker_client, group):
    posted = post_message(speaker_client, {"body": "Hello"}).json()
    other = settled()
    MembershipFactory(member=other, role="facilitator")
    MembershipFactory(group=group, member=other)  # a plain member here
    url = f"/api/v1/groups/waiting/messages/{posted['id']}/remove/"
    assert send(client_for(other), "post", url, {"reason": "x"}).status_code == 403


# --- muting ------------------------------------------------------------------------------------


def test_mute_via_api_then_posting_is_refused_until_it_ends(
    facilitator_client, speaker_client, group
):
    response = send(
        facilitator_client,
        "post",
        "/api/v1/groups/waiting/mutes/",
        {"member": "Ash Speaker", "minutes": 30, "reason": "Let's take a breather."},
    )
    assert response.status_code == 201
    data = response.json()
    assert data["member"] == "Ash Speaker"
    sanction = Sanction.objects.get()
    assert sanction.kind == "mute"
    assert sanction.group == group
    refused = post_message(speaker_client, {"body": "Can I still talk?"})
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "muted"
    assert "Let's take a breather." in body["detail"]
    assert body["until"] == data["until"] == sanction.ends_at.isoformat().replace("+00:00", "Z")
    assert not ChatMessage.objects.exists()
    # The room can still be read.
    assert speaker_client.get("/api/v1/groups/waiting/messages/").status_code == 200


@pytest.mark.parametrize(
    "body, status, key",
    [
        ({"member": "Ash Speaker", "minutes": 0, "reason": "x"}, 400, "detail"),
        ({"member": "Ash Speaker", "minutes": 10081, "reason": "x"}, 400, "detail"),
        ({"member": "Ash Speaker", "minutes": 10**30, "reason": "x"}, 400, "detail"),
        ({"member": "Ash Speaker", "minutes": "soon", "reason": "x"}, 400, "minutes"),
        ({"member": "Ash Speaker", "minutes": 1.5, "reason": "x"}, 400, "minutes"),
        ({"member": "Ash Speaker", "reason": "x"}, 400, "minutes"),
        ({"member": "Ash Speaker", "minutes": 10}, 400, "detail"),
        ({"minutes": 10, "reason": "x"}, 400, "member"),
        ({"member": 5, "minutes": 10, "reason": "x"}, 400, "member"),
        ({"member": "Nobody Here", "minutes": 10, "reason": "x"}, 404, "detail"),
        ({"member": "Fi Facilitator", "minutes": 10, "reason": "x"}, 403, "detail"),
    ],
)
def test_mute_refuses_bad_input(facilitator_client, speaker, group, body, status, key):
    response = send(facilitator_client, "post", "/api/v1/groups/waiting/mutes/", body)
    assert response.status_code == status
    body = response.json()
    assert body["detail"]
    assert key == "detail" or key in body["fields"]
    assert not Sanction.objects.exists()


def test_a_facilitator_cannot_mute_a_moderator(facilitator_client, moderator, group):
    MembershipFactory(group=group, member=moderator)
    body = {"member": "Mo Moderator", "minutes": 10, "reason": "x"}
    response = send(facilitator_client, "post", "/api/v1/groups/waiting/mutes/", body)
    assert response.status_code == 403
    assert not Sanction.objects.exists()


def test_a_member_outside_the_group_cannot_be_muted_here(facilitator_client, other_member):
    body = {"member": "Kit Other", "minutes": 10, "reason": "x"}
    response = send(facilitator_client, "post", "/api/v1/groups/waiting/mutes/", body)
    assert response.status_code == 404


# --- ignoring ----------------------------------------------------------------------------------


def test_ignore_hides_messages_from_you_only_and_unignore_restores(speaker, speaker_client, group):
    reader = settled(pseudonym="Re Reader")
    MembershipFactory(group=group, member=reader)
    reader_client = client_for(reader)
    posted = post_message(speaker_client, {"body": "Hello from Ash."}).json()
    response = reader_client.put("/api/v1/ignores/Ash Speaker/")
    assert response.status_code == 200
    assert response.json()["member"] == "Ash Speaker"
    assert reader_client.put("/api/v1/ignores/Ash Speaker/").status_code == 200
    assert MemberIgnore.objects.count() == 1
    for url in ("/api/v1/groups/waiting/messages/", "/api/v1/groups/waiting/messages/?after_seq=0"):
        [row] = reader_client.get(url).json()["results"]
        assert row == {"id": posted["id"], "seq": 1, "hidden": True}
    # Everyone else, the ignored member included, still sees it and is not told.
    [own] = speaker_client.get("/api/v1/groups/waiting/messages/").json()["results"]
    assert own["body_html"].strip() == "<p>Hello from Ash.</p>"
    assert speaker_client.get("/api/v1/ignores/").json()["results"] == []
    listed = reader_client.get("/api/v1/ignores/").json()["results"]
    assert [row["member"] for row in listed] == ["Ash Speaker"]
    assert reader_client.delete("/api/v1/ignores/Ash Speaker/").status_code == 204
    [row] = reader_client.get("/api/v1/groups/waiting/messages/").json()["results"]
    assert row == posted["message"]
    assert reader_client.get("/api/v1/ignores/").json()["results"] == []


def test_you_cannot_ignore_yourself(speaker_client):
    response = speaker_client.put("/api/v1/ignores/Ash Speaker/")
    assert response.status_code == 400
    assert "yourself" in response.json()["detail"]


def test_ignoring_an_unknown_member_is_404(speaker_client):
    assert speaker_client.put("/api/v1/ignores/Nobody Here/").status_code == 404
    assert speaker_client.delete("/api/v1/ignores/Nobody Here/").status_code == 404


def test_ignore_list_query_count_does_not_grow(speaker, speaker_client, django_assert_num_queries):
    for _n in range(5):
        MemberIgnore.objects.create(member=speaker, ignored=settled())
    # session, member, count, ignores with their members
    with django_assert_num_queries(4):
        assert len(speaker_client.get("/api/v1/ignores/").json()["results"]) == 5


# --- schema ------------------------------------------------------------------------------------


def test_the_schema_documents_every_group_endpoint(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/groups/": {"get"},
        "/api/v1/groups/{slug}/": {"get"},
        "/api/v1/groups/{slug}/join/": {"post"},
        "/api/v1/groups/{slug}/membership/": {"delete"},
        "/api/v1/groups/{slug}/requests/": {"get"},
        "/api/v1/groups/{slug}/requests/{id}/approve/": {"post"},
        "/api/v1/groups/{slug}/requests/{id}/decline/": {"post"},
        "/api/v1/groups/{slug}/members/{pseudonym}/remove/": {"post"},
        "/api/v1/groups/{slug}/messages/": {"get", "post"},
        "/api/v1/groups/{slug}/messages/{id}/remove/": {"post"},
        "/api/v1/groups/{slug}/mutes/": {"post"},
        "/api/v1/ignores/": {"get"},
        "/api/v1/ignores/{pseudonym}/": {"put", "delete"},
    }.items():
        assert set(paths[path]) >= methods, path
    history = paths["/api/v1/groups/{slug}/messages/"]["get"]
    names = {p["name"] for p in history["parameters"]}
    assert {"before_seq", "after_seq", "limit"} <= names
