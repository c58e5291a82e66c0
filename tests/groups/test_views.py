"""The HTML door of peer groups: the list, a group's page, joining and leaving, the facilitator's
requests page and the chat room, for every role."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groups import services
from groups.models import ChatMessage, GroupSession, Membership
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "non_member",
    "requested",
    "member",
    "facilitator_elsewhere",
    "facilitator",
    "moderator",
]
SECRET = "Only the circle should ever read this sentence"


def settled(**extra):
    """A member who joined a while ago (new-member rules don't apply)."""
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def without_csrf_tokens(response) -> str:
    """The page with its per-response CSRF tokens blanked, to compare two pages."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def make_actor(role: str, group):
    """A person standing in `role` towards `group` (None for a visitor)."""
    if role == "visitor":
        return None
    if role == "moderator":
        return settled(pseudonym="Mo Moderator", is_moderator=True, is_staff=True)
    person = settled(pseudonym=f"Person {role}")
    if role == "requested":
        MembershipFactory(group=group, member=person, state="requested")
    elif role == "member":
        MembershipFactory(group=group, member=person)
    elif role == "facilitator":
        MembershipFactory(group=group, member=person, role="facilitator")
    elif role == "facilitator_elsewhere":
        MembershipFactory(group=GroupFactory(), member=person, role="facilitator")
    return person


@pytest.fixture
def group(db):
    return GroupFactory(
        name="Waiting for a reply",
        slug="waiting",
        purpose="For the long minutes after you press send.",
        guidelines="Share from your own experience.",
    )


@pytest.fixture
def private_group(db):
    return GroupFactory(
        name="Partners and family",
        slug="family",
        visibility="private",
        purpose="For people who love someone anxiously attached.",
    )


@pytest.fixture
def facilitator(private_group):
    person = settled(pseudonym="Fi Facilitator")
    MembershipFactory(group=private_group, member=person, role="facilitator")
    return person


@pytest.fixture
def facilitator_client(facilitator):
    return client_for(facilitator)


@pytest.fixture
def speaker(private_group):
    person = settled(pseudonym="Ash Speaker")
    MembershipFactory(group=private_group, member=person)
    return person


def post_message(actor, group, body: str) -> ChatMessage:
    return services.chat_message_post(actor=actor, group=group, body=body).message


# --- who gets which page -------------------------------------------------------------------------


ROOM_EXPECTED = {
    "visitor": "login",
    "non_member": 404,
    "requested": 404,
    "member": 200,
    "facilitator_elsewhere": 404,
    "facilitator": 200,
    "moderator": 200,
}
REQUESTS_EXPECTED = {
    "visitor": "login",
    "non_member": 404,
    "requested": 404,
    "member": 404,
    "facilitator_elsewhere": 404,
    "facilitator": 200,
    "moderator": 200,
}


def assert_answer(response, expected, path: str) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("visibility", ["open", "private"])
@pytest.mark.parametrize("role", ROLES)
def test_group_list_and_group_page_are_public_for_every_role(role, visibility):
    group = GroupFactory(name="Boundaries practice", slug="boundaries", visibility=visibility)
    client = client_for(make_actor(role, group))

    listing = client.get("/groups/")
    detail = client.get("/groups/boundaries/")

    assert listing.status_code == 200
    assert "Boundaries practice" in page_text(listing)
    assert detail.status_code == 200
    assert "<h1>Boundaries practice</h1>" in page_text(detail)


@pytest.mark.parametrize("visibility", ["open", "private"])
@pytest.mark.parametrize("role", ROLES)
def test_room_is_for_active_members_and_moderators_only(role, visibility):
    group = GroupFactory(slug="room-check", visibility=visibility)
    client = client_for(make_actor(role, group))

    response = client.get("/groups/room-check/room/")

    assert_answer(response, ROOM_EXPECTED[role], "/groups/room-check/room/")


@pytest.mark.parametrize("role", ROLES)
def test_requests_page_is_for_the_groups_facilitators_and_moderators_only(role):
    group = GroupFactory(slug="requests-check", visibility="private")
    client = client_for(make_actor(role, group))

    response = client.get("/groups/requests-check/requests/")

    assert_answer(response, REQUESTS_EXPECTED[role], "/groups/requests-check/requests/")


@pytest.mark.parametrize("path", ["/groups/nowhere/", "/groups/nowhere/room/"])
def test_a_missing_group_is_404(member_client, path):
    assert member_client.get(path).status_code == 404


def test_a_room_you_may_not_read_looks_exactly_like_a_missing_one(private_group, member_client):
    hidden = member_client.get(f"/groups/{private_group.slug}/room/")
    missing = member_client.get("/groups/no-such-group/room/")
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf_tokens(hidden) == without_csrf_tokens(missing)


@pytest.mark.parametrize("role", ["visitor", "non_member", "requested", "facilitator_elsewhere"])
def test_a_private_groups_messages_are_in_no_page_for_outsiders(role, private_group, speaker):
    post_message(speaker, private_group, SECRET)
    client = client_for(make_actor(role, private_group))
    slug = private_group.slug

    for path in [
        "/groups/",
        f"/groups/{slug}/",
        f"/groups/{slug}/room/",
        f"/groups/{slug}/requests/",
    ]:
        response = client.get(path, follow=True)
        assert SECRET not in page_text(response), path


def test_members_see_the_latest_messages_with_their_seq_in_the_room(private_group, speaker):
    first = post_message(speaker, private_group, "First thought")
    second = post_message(speaker, private_group, SECRET)

    response = client_for(speaker).get(f"/groups/{private_group.slug}/room/")

    text = page_text(response)
    assert SECRET in text
    assert f'data-seq="{first.seq}"' in text and f'data-seq="{second.seq}"' in text
    assert text.index("First thought") < text.index(SECRET)
    assert f'data-last-seq="{second.seq}"' in text
    assert f'data-ws-path="/ws/groups/{private_group.slug}/"' in text


def test_room_shows_get_help_now_and_loads_its_script_from_static(private_group, speaker):
    response = client_for(speaker).get(f"/groups/{private_group.slug}/room/")
    text = page_text(response)
    assert text.count("Get help now") >= 2  # the site header and the room's own header
    assert re.search(r'<script type="module" src="/static/groups/room\.js"></script>', text)
    assert "onclick" not in text and "<script>" not in text  # nothing inline: strict CSP


def test_room_shows_a_removed_message_as_removed_without_its_text(
    private_group, speaker, facilitator
):
    message = post_message(speaker, private_group, "Something unkind was said here")
    services.chat_message_remove(actor=facilitator, message=message, reason="Not kind.")

    text = page_text(client_for(speaker).get(f"/groups/{private_group.slug}/room/"))

    assert "Something unkind was said here" not in text
    assert "This message was removed by a moderator" in text


def test_room_hides_messages_from_someone_you_ignore(private_group, speaker, facilitator):
    post_message(speaker, private_group, "A message from Ash")
    services.member_ignore(actor=facilitator, other=speaker)

    text = page_text(client_for(facilitator).get(f"/groups/{private_group.slug}/room/"))

    assert "A message from Ash" not in text


def test_room_shows_content_warnings_folded(private_group, speaker):
    services.chat_message_post(
        actor=speaker, group=private_group, body="It was a hard week.", content_warning="grief"
    )
    text = page_text(client_for(speaker).get(f"/groups/{private_group.slug}/room/"))
    assert re.search(r'<details class="msg__cw"><summary>Content warning: grief</summary>', text)


def test_room_tells_facilitators_they_can_moderate_and_members_not(
    private_group, speaker, facilitator
):
    slug = private_group.slug
    as_member = page_text(client_for(speaker).get(f"/groups/{slug}/room/"))
    as_facilitator = page_text(client_for(facilitator).get(f"/groups/{slug}/room/"))
    assert 'data-can-moderate="false"' in as_member
    assert 'data-can-moderate="true"' in as_facilitator


# --- the group page ------------------------------------------------------------------------------


def test_group_page_shows_purpose_guidelines_and_next_three_sessions_in_utc(client, group):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    for day in range(4):
        GroupSession.objects.create(
            group=group, starts_at=start + timedelta(days=day), topic=f"Session {day}"
        )
    GroupSession.objects.create(
        group=group, starts_at=start - timedelta(days=3), topic="Long finished"
    )

    text = page_text(client.get("/groups/waiting/"))

    assert "For the long minutes after you press send." in text
    assert "Share from your own experience." in text
    assert re.findall(r"Session \d", text) == ["Session 0", "Session 1", "Session 2"]
    assert "Long finished" not in text
    assert f'<time datetime="{start.isoformat()}" data-local-time="long">' in text
    assert f"{start:%H:%M} UTC</time>" in text


def test_visitor_is_invited_to_log_in_to_join(client, group):
    text = page_text(client.get("/groups/waiting/"))
    assert '<a href="/accounts/login/?next=/groups/waiting/">Log in</a>' in text
    assert "Join this group" not in text


def test_member_sees_a_link_to_the_room_and_a_leave_button(client, group):
    person = settled()
    MembershipFactory(group=group, member=person)
    client.force_login(person)
    text = page_text(client.get("/groups/waiting/"))
    assert 'href="/groups/waiting/room/"' in text
    assert "Leave this group" in text
    assert 'href="/groups/waiting/requests/"' not in text


def test_facilitator_sees_a_link_to_the_requests_page(facilitator_client, private_group):
    text = page_text(facilitator_client.get(f"/groups/{private_group.slug}/"))
    assert f'href="/groups/{private_group.slug}/requests/"' in text
    # Facilitators have no Moderation link in the site menu; their group page leads them there.
    assert f'href="/moderation/?group={private_group.slug}"' in text
    assert facilitator_client.get(f"/moderation/?group={private_group.slug}").status_code == 200


def test_moderator_who_is_not_a_member_can_open_the_room_and_requests(client, moderator, group):
    client.force_login(moderator)
    text = page_text(client.get("/groups/waiting/"))
    assert 'href="/groups/waiting/room/"' in text
    assert 'href="/groups/waiting/requests/"' in text


# --- joining, requesting, leaving ----------------------------------------------------------------


def test_member_joins_an_open_group_at_once(member_client, member, group):
    response = member_client.post("/groups/waiting/join/")

    assert response.status_code == 302 and response["Location"] == "/groups/waiting/"
    assert Membership.objects.get(group=group, member=member).state == "active"
    page = page_text(member_client.get("/groups/waiting/"))
    assert "Welcome to Waiting for a reply." in page
    assert "You're a member of this group." in page


def test_list_shows_your_standing_in_each_group(member_client, member, group, private_group):
    MembershipFactory(group=group, member=member)
    MembershipFactory(group=private_group, member=member, state="requested")
    third = GroupFactory(name="Boundaries practice", slug="boundaries")

    text = page_text(member_client.get("/groups/"))

    assert "You're a member" in text
    assert "You asked to join" in text
    assert f'action="/groups/{third.slug}/join/"' in text
    assert 'action="/groups/waiting/join/"' not in text


def test_member_asks_to_join_a_private_group_with_a_note(member_client, member, private_group):
    response = member_client.post(
        "/groups/family/join/", {"note": "My partner is anxiously attached."}
    )

    assert response.status_code == 302
    membership = Membership.objects.get(group=private_group, member=member)
    assert (membership.state, membership.request_note) == (
        "requested",
        "My partner is anxiously attached.",
    )
    page = page_text(member_client.get("/groups/family/"))
    assert "A facilitator will look at your request" in page
    assert "Withdraw my request" in page
    assert 'href="/groups/family/room/"' not in page


def test_an_overlong_note_is_refused_with_what_to_do(member_client, member, private_group):
    response = member_client.post("/groups/family/join/", {"note": "x" * 1001})

    assert response.status_code == 400
    assert "Please keep your note under 1000 characters." in page_text(response)
    assert 'aria-invalid="true"' in page_text(response)
    assert not Membership.objects.filter(member=member).exists()


def test_member_withdraws_a_request(member_client, member, private_group):
    MembershipFactory(group=private_group, member=member, state="requested")

    response = member_client.post("/groups/family/leave/", follow=True)

    assert Membership.objects.get(member=member).state == "left"
    assert "Your request is withdrawn." in page_text(response)


def test_member_leaves_a_group(member_client, member, group):
    MembershipFactory(group=group, member=member)

    response = member_client.post("/groups/waiting/leave/", follow=True)

    assert Membership.objects.get(member=member).state == "left"
    assert "You've left Waiting for a reply." in page_text(response)
    assert member_client.get("/groups/waiting/room/").status_code == 404


def test_a_removed_member_cannot_rejoin_and_is_told_why(member_client, member, group):
    MembershipFactory(group=group, member=member, state="removed")

    response = member_client.post("/groups/waiting/join/")

    assert response.status_code == 400
    assert "A facilitator removed you from this group, so you can't rejoin it." in page_text(
        response
    )
    assert Membership.objects.get(member=member).state == "removed"


def test_a_visitor_who_tries_to_join_is_sent_to_log_in(client, group):
    response = client.post("/groups/waiting/join/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/groups/waiting/join/"
    assert not Membership.objects.exists()


# --- facilitators --------------------------------------------------------------------------------


def test_facilitator_sees_pending_requests_with_their_notes(facilitator_client, private_group):
    asker = settled(pseudonym="Quinn Asks")
    MembershipFactory(
        group=private_group, member=asker, state="requested", request_note="I'd like to listen."
    )

    text = page_text(facilitator_client.get("/groups/family/requests/"))

    assert "Quinn Asks" in text
    assert "I'd like to listen." in text
    assert "Approve" in text and "Decline" in text


def test_facilitator_approves_a_request(facilitator_client, private_group):
    asker = settled(pseudonym="Quinn Asks")
    membership = MembershipFactory(group=private_group, member=asker, state="requested")

    response = facilitator_client.post(
        f"/groups/family/requests/{membership.pk}/approve/", follow=True
    )

    membership.refresh_from_db()
    assert membership.state == "active"
    assert "Quinn Asks is now a member." in page_text(response)
    assert client_for(asker).get("/groups/family/room/").status_code == 200


@pytest.mark.parametrize(
    "action", ["requests/{}/approve/", "requests/{}/decline/", "members/{}/remove/"]
)
@pytest.mark.parametrize("pk", [999_999, 2**63, 10**30])
def test_unknown_or_out_of_range_ids_are_404_not_an_error(facilitator_client, action, pk):
    response = facilitator_client.post(
        f"/groups/family/{action.format(pk)}", {"remove-reason": "x"}
    )
    assert response.status_code == 404


def test_facilitator_declines_a_request(facilitator_client, private_group):
    asker = settled(pseudonym="Quinn Asks")
    membership = MembershipFactory(group=private_group, member=asker, state="requested")

    response = facilitator_client.post(
        f"/groups/family/requests/{membership.pk}/decline/", follow=True
    )

    membership.refresh_from_db()
    assert membership.state == "declined"
    assert "You declined Quinn Asks's request." in page_text(response)
    asker_page = page_text(client_for(asker).get("/groups/family/"))
    assert "Your last request to join wasn't accepted this time." in asker_page
    assert "Ask to join" in asker_page


def test_answering_a_request_twice_says_it_was_already_answered(facilitator_client, private_group):
    membership = MembershipFactory(group=private_group, state="requested")
    facilitator_client.post(f"/groups/family/requests/{membership.pk}/approve/")

    response = facilitator_client.post(
        f"/groups/family/requests/{membership.pk}/decline/", follow=True
    )

    membership.refresh_from_db()
    assert membership.state == "active"
    assert "This request has already been answered or withdrawn." in page_text(response)


def test_facilitator_of_another_group_cannot_approve(private_group):
    membership = MembershipFactory(group=private_group, state="requested")
    outsider = make_actor("facilitator_elsewhere", private_group)

    response = client_for(outsider).post(f"/groups/family/requests/{membership.pk}/approve/")

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.state == "requested"


def test_moderator_approves_in_any_group(client, moderator, private_group):
    membership = MembershipFactory(group=private_group, state="requested")
    client.force_login(moderator)

    client.post(f"/groups/family/requests/{membership.pk}/approve/")

    membership.refresh_from_db()
    assert membership.state == "active"


def test_facilitator_removes_a_member_with_a_reason(facilitator_client, private_group, speaker):
    membership = Membership.objects.get(member=speaker)

    response = facilitator_client.post(
        f"/groups/family/members/{membership.pk}/remove/",
        {f"remove-{membership.pk}-reason": "Repeated unkind messages."},
        follow=True,
    )

    membership.refresh_from_db()
    assert membership.state == "removed"
    assert "Ash Speaker is no longer in this group." in page_text(response)
    assert client_for(speaker).get("/groups/family/room/").status_code == 404


def test_removing_without_a_reason_is_refused_with_what_to_do(
    facilitator_client, private_group, speaker
):
    membership = Membership.objects.get(member=speaker)

    response = facilitator_client.post(
        f"/groups/family/members/{membership.pk}/remove/",
        {f"remove-{membership.pk}-reason": "   "},
    )

    assert response.status_code == 400
    text = page_text(response)
    assert "Please give a reason; the member will see it." in text
    assert f'id="id_remove-{membership.pk}-reason_errors"' in text
    membership.refresh_from_db()
    assert membership.state == "active"


def test_a_facilitator_cannot_remove_another_facilitator(facilitator_client, private_group):
    other = settled(pseudonym="Second Facilitator")
    membership = MembershipFactory(group=private_group, member=other, role="facilitator")

    response = facilitator_client.post(
        f"/groups/family/members/{membership.pk}/remove/",
        {f"remove-{membership.pk}-reason": "Testing."},
    )

    assert response.status_code == 403
    assert "Only moderators remove facilitators." in page_text(response)
    membership.refresh_from_db()
    assert membership.state == "active"


def test_a_member_cannot_remove_anyone(private_group, speaker, facilitator):
    membership = Membership.objects.get(member=facilitator)
    response = client_for(speaker).post(
        f"/groups/family/members/{membership.pk}/remove/",
        {f"remove-{membership.pk}-reason": "No."},
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.state == "active"


# --- safety of the HTML door ---------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_group_names_purposes_and_notes_are_rendered_inert(client, facilitator, private_group):
    private_group.name = f"Circle {XSS}"
    private_group.purpose = f"Purpose {XSS}"
    private_group.guidelines = f"Rules {XSS}"
    private_group.save()
    MembershipFactory(
        group=private_group, member=settled(), state="requested", request_note=f"Note {XSS}"
    )
    client.force_login(facilitator)

    for path in ["/groups/", "/groups/family/", "/groups/family/requests/", "/groups/family/room/"]:
        raw = client.get(path).content.decode()
        assert '<script>alert("x")</script>' not in raw, path
        assert "<img src=x onerror" not in raw, path
        assert "&lt;script&gt;" in raw, path


def test_chat_messages_are_rendered_inert_in_the_room(private_group, speaker):
    post_message(speaker, private_group, f"Hello {XSS}")

    raw = client_for(speaker).get("/groups/family/room/").content.decode()

    assert '<script>alert("x")</script>' not in raw
    assert "<img src=x onerror" not in raw
    assert "&lt;script&gt;" in raw and "&lt;img src=x onerror" in raw


POST_ONLY = [
    "/groups/waiting/join/",
    "/groups/waiting/leave/",
    "/groups/waiting/requests/1/approve/",
    "/groups/waiting/requests/1/decline/",
    "/groups/waiting/members/1/remove/",
]


@pytest.mark.parametrize("path", POST_ONLY)
def test_actions_refuse_get(member_client, group, path):
    assert member_client.get(path).status_code == 405


@pytest.mark.parametrize("path", ["/groups/", "/groups/waiting/", "/groups/waiting/room/"])
def test_pages_refuse_post(member_client, member, group, path):
    MembershipFactory(group=group, member=member)
    assert member_client.post(path).status_code == 405


def test_joining_needs_the_csrf_token(member, group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/groups/waiting/join/")

    assert response.status_code == 403
    assert not Membership.objects.exists()


def test_joining_works_with_the_csrf_token_from_the_page(member, group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/groups/waiting/")
    token = client.cookies["csrftoken"].value

    response = client.post("/groups/waiting/join/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Membership.objects.get(member=member).state == "active"


def test_approving_needs_the_csrf_token(facilitator, private_group):
    membership = MembershipFactory(group=private_group, state="requested")
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)

    response = client.post(f"/groups/family/requests/{membership.pk}/approve/")

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.state == "requested"
