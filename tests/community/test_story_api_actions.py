"""The success-story REST door: every state transition and who may cause it (visitor, another
member, the author, a moderator) — sending a draft, editing a published or returned story back
to review, deleting; approving, returning, removing and featuring with 409 on the wrong states;
"this gave me hope" once per member; and the author told in the app."""

from __future__ import annotations

import pytest

from community.models import Notification, Story, StoryReaction
from moderation.models import ModerationAction, QueueItem
from tests.community.test_forum_api import client_for, send, settled
from tests.community.test_story_api import (
    STORIES,
    listed_ids,
    make_story,
    open_reasons,
    people_fixture,  # noqa: F401 (the `people` fixture)
    story_url,
    write,
)

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"


def state_of(story) -> str:
    return Story.objects.values_list("state", flat=True).get(pk=story.pk)


@pytest.fixture
def author(people):
    return client_for(people["author"])


@pytest.fixture
def moderator(people):
    return client_for(people["moderator"])


@pytest.fixture
def approve(moderator, django_capture_on_commit_callbacks):
    """Approve a story through the API, running what happens after the commit."""

    def approve_(story, note: str = ""):
        with django_capture_on_commit_callbacks(execute=True):
            return send(moderator, "post", story_url(story, "approve/"), {"note": note})

    return approve_


# --- the author's own transitions -------------------------------------------------------------


def test_a_draft_is_sent_for_review_by_editing_it(people, author, moderator):
    created = write(
        author,
        title="First go",
        tags=["started-therapy"],
        audience="everyone",
        is_anonymous=True,
        content_warning="therapy",
        send_for_review=False,
    ).json()
    story = Story.objects.get(pk=created["id"])
    # Still a draft after a change that keeps it one; the fields left out keep their values.
    kept = send(author, "patch", story_url(story), {"title": "Second go", "send_for_review": False})
    assert kept.status_code == 200
    data = kept.json()
    assert data["state"] == "draft" and data["submitted"] is False
    assert data["title"] == "Second go"
    assert [tag["slug"] for tag in data["tags"]] == ["started-therapy"]
    assert data["audience"] == "everyone"
    assert data["is_anonymous"] is True
    assert data["content_warning"] == "therapy"
    assert moderator.get(f"{STORIES}review/").json() == []
    # Sending it: send_for_review is true unless said otherwise.
    sent = send(author, "patch", story_url(story), {})
    assert sent.status_code == 200
    data = sent.json()
    assert data["state"] == "submitted"
    assert data["submitted"] is True
    assert data["held_notice"]
    assert data["title"] == "Second go"
    assert data["is_anonymous"] is True
    assert open_reasons(story) == {"review"}
    assert [row["id"] for row in moderator.get(f"{STORIES}review/").json()] == [story.pk]
    assert client_for(people["member"]).get(story_url(story)).status_code == 404


def test_editing_a_published_story_sends_it_back_to_review(people, author):
    story = make_story(people["author"], tags=["kinder-self-talk"])
    member = client_for(people["member"])
    assert listed_ids(member) == [story.pk]
    # Asking to keep it as a draft doesn't hide it from review: only a draft stays a draft.
    response = send(
        author,
        "patch",
        story_url(story),
        {"body": "I speak to myself more kindly now.", "send_for_review": False},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "submitted"
    assert data["status"] == "held"
    assert data["held_notice"]
    assert data["body_html"].strip() == "<p>I speak to myself more kindly now.</p>"
    assert data["title"] == story.title
    assert [tag["slug"] for tag in data["tags"]] == ["kinder-self-talk"]
    assert listed_ids(member) == []
    assert listed_ids(client_for(None)) == []
    assert member.get(story_url(story)).status_code == 404
    assert client_for(None).get(story_url(story)).status_code == 404
    assert open_reasons(story) == {"review"}


def test_a_returned_story_is_revised_and_sent_again(people, author, moderator):
    story = make_story(people["author"], state=Story.State.SUBMITTED)
    returned = send(
        moderator, "post", story_url(story, "return/"), {"note": "Could you leave out his name?"}
    )
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"
    mine = author.get(f"{STORIES}mine/").json()["results"]
    assert mine[0]["state"] == "returned"
    assert mine[0]["return_note"] == "Could you leave out his name?"
    detail = author.get(story_url(story)).json()
    assert detail["return_note"] == "Could you leave out his name?"
    assert detail["may_edit"] is True
    assert client_for(people["member"]).get(story_url(story)).status_code == 404
    revised = send(author, "patch", story_url(story), {"body": "I left out his name now."})
    assert revised.status_code == 200
    data = revised.json()
    assert data["state"] == "submitted"
    assert data["return_note"] == ""
    assert [row["id"] for row in moderator.get(f"{STORIES}review/").json()] == [story.pk]


@pytest.mark.parametrize("state", [s for s in Story.State.values if s != "deleted"])
def test_the_author_deletes_a_story_in_any_state_and_twice_is_fine(people, author, state):
    story = make_story(people["author"], state=state, is_featured=state == "published")
    assert author.delete(story_url(story)).status_code == 204
    assert author.delete(story_url(story)).status_code == 204
    assert state_of(story) == "deleted"
    assert not Story.objects.get(pk=story.pk).is_featured
    assert author.get(f"{STORIES}mine/").json()["results"] == []
    assert listed_ids(author) == []
    for person in ("member", "visitor"):
        assert client_for(people[person]).get(story_url(story)).status_code == 404
    # A deleted story can't be changed again.
    response = send(author, "patch", story_url(story), {"title": "Back?"})
    assert response.status_code == 403
    assert state_of(story) == "deleted"


def test_deleting_withdraws_the_review_but_keeps_a_crisis_item(people, author):
    from tests.moderation.conftest import URGENT_TEXT

    calm = Story.objects.get(pk=write(author, title="Calm").json()["id"])
    urgent = Story.objects.get(pk=write(author, title="Hard", body=URGENT_TEXT).json()["id"])
    for story in (calm, urgent):
        assert author.delete(story_url(story)).status_code == 204
    assert open_reasons(calm) == set()
    assert open_reasons(urgent) == {"crisis_urgent"}


# --- who may cause which transition -----------------------------------------------------------

OTHERS = ["visitor", "member", "moderator"]


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "published"])
@pytest.mark.parametrize("role", OTHERS)
def test_only_the_author_may_edit_or_delete(people, role, state):
    story = make_story(people["author"], state=state)
    client = client_for(people[role])
    sees = role == "moderator" or state == "published"
    for method, body in [("patch", {"title": "Changed"}), ("delete", None)]:
        response = send(client, method, story_url(story), body)
        if people[role] is None:
            assert response.status_code == 403
            assert response.json()["code"] == "not_authenticated"
        else:
            assert response.status_code == (403 if sees else 404), (method, response.content)
    story.refresh_from_db()
    assert story.state == state
    assert story.title == "Calmer when waiting"


REVIEW_ACTIONS = [
    ("approve/", {}),
    ("return/", {"note": "Please change a little."}),
    ("remove/", {"reason": "Shares someone's private details."}),
    ("feature/", {"featured": True}),
]


@pytest.mark.parametrize("state", ["submitted", "published"])
@pytest.mark.parametrize("role", ["visitor", "member", "author"])
def test_only_moderators_approve_return_remove_or_feature(people, role, state):
    story = make_story(people["author"], state=state)
    client = client_for(people[role])
    sees = role == "author" or state == "published"
    for suffix, body in REVIEW_ACTIONS:
        response = send(client, "post", story_url(story, suffix), body)
        if people[role] is None:
            assert response.status_code == 403
            assert response.json()["code"] == "not_authenticated"
        elif sees:
            assert response.status_code == 403, suffix
            assert response.json()["code"] == "permission_denied"
            assert response.json()["detail"] == "Only moderators review stories."
        else:
            assert response.status_code == 404, suffix
            assert response.json()["code"] == "not_found"
    story.refresh_from_db()
    assert story.state == state
    assert not story.is_featured
    assert not ModerationAction.objects.filter(actor__isnull=False).exists()


# --- moderators' decisions --------------------------------------------------------------------


def test_a_moderator_approves_and_the_story_is_published_and_the_author_told(
    people, author, approve
):
    story = Story.objects.get(
        pk=write(author, title="zqtitle Calmer", audience="everyone").json()["id"]
    )
    response = approve(story, "Lovely.")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "published" and data["status"] == "published"
    assert data["is_public"] is True
    assert data["published_at"]
    assert open_reasons(story) == set()
    assert listed_ids(client_for(None)) == [story.pk]
    assert client_for(people["member"]).get(story_url(story)).json()["state"] == "published"
    notes = author.get(NOTIFICATIONS).json()["results"]
    assert len(notes) == 1
    assert notes[0]["kind"] == "story_published"
    assert notes[0]["story"] == {"id": story.pk, "title": "zqtitle Calmer", "url": story_url(story)}
    assert notes[0]["thread"] is None and notes[0]["post"] is None
    assert notes[0]["unread"] is True
    assert author.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 1}
    # Nobody else is told.
    for person in ("member", "moderator"):
        assert client_for(people[person]).get(NOTIFICATIONS).json()["count"] == 0


def test_a_moderator_returns_a_story_with_a_note_and_the_author_is_told(
    people, author, moderator, django_capture_on_commit_callbacks
):
    story = Story.objects.get(pk=write(author, title="zqtitle Boundary").json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            moderator, "post", story_url(story, "return/"), {"note": "  Please soften one line. "}
        )
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "returned"
    assert data["return_note"] == "Please soften one line."
    assert open_reasons(story) == set()
    assert ModerationAction.objects.filter(verb="story_returned", object_id=story.pk).exists()
    notes = author.get(NOTIFICATIONS).json()["results"]
    assert [(n["kind"], n["story"]["id"]) for n in notes] == [("story_returned", story.pk)]
    assert notes[0]["story"]["title"] == "zqtitle Boundary"
    other = client_for(people["member"]).get(NOTIFICATIONS)
    assert other.json()["count"] == 0
    assert "zqtitle" not in other.content.decode()


@pytest.mark.parametrize("note", ["", "   ", "n" * 2001])
def test_returning_needs_a_kind_note_of_sensible_length(people, moderator, note):
    story = make_story(people["author"], state=Story.State.SUBMITTED)
    response = send(moderator, "post", story_url(story, "return/"), {"note": note})
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert response.json()["detail"]
    assert state_of(story) == "submitted"


@pytest.mark.parametrize(
    "suffix, body",
    [
        ("return/", {}),
        ("return/", {"note": 5}),
        ("remove/", {}),
        ("remove/", {"reason": ""}),
        ("feature/", {}),
        ("feature/", {"featured": "sometimes"}),
        ("approve/", {"note": ["x"]}),
    ],
)
def test_review_actions_refuse_bad_input(people, moderator, suffix, body):
    story = make_story(people["author"], state=Story.State.SUBMITTED)
    response = send(moderator, "post", story_url(story, suffix), body)
    assert response.status_code == 400
    assert set(response.json()["fields"]) & {"note", "reason", "featured"}
    assert state_of(story) == "submitted"


@pytest.mark.parametrize("state", ["draft", "published", "returned", "removed", "deleted"])
def test_approving_or_returning_a_story_not_waiting_for_review_is_409(people, moderator, state):
    story = make_story(people["author"], state=state)
    for suffix, body in [("approve/", {}), ("return/", {"note": "Please change this."})]:
        response = send(moderator, "post", story_url(story, suffix), body)
        assert response.status_code == 409, (suffix, response.content)
        assert response.json()["code"] == "conflict"
        assert response.json()["detail"]
    assert state_of(story) == state


@pytest.mark.parametrize("state", ["submitted", "published"])
def test_a_moderator_removes_a_story_with_a_reason_its_author_sees(
    people, author, moderator, django_capture_on_commit_callbacks, state
):
    story = make_story(people["author"], state=state, is_featured=state == "published")
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            moderator, "post", story_url(story, "remove/"), {"reason": "It names someone."}
        )
    assert response.status_code == 200
    assert response.json()["status"] == "removed"
    story.refresh_from_db()
    assert story.state == "removed"
    assert not story.is_featured
    for person in ("member", "visitor"):
        client = client_for(people[person])
        assert client.get(story_url(story)).status_code == 404
        assert listed_ids(client) == []
    mine = author.get(f"{STORIES}mine/").json()["results"]
    assert mine[0]["state"] == "removed"
    assert mine[0]["removal_reason"] == "It names someone."
    assert author.get(story_url(story)).json()["removal_reason"] == "It names someone."
    # Taking it down twice, or publishing it instead, doesn't fit any more.
    again = send(moderator, "post", story_url(story, "remove/"), {"reason": "Again."})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert send(moderator, "post", story_url(story, "approve/"), {}).status_code == 409


def test_a_deleted_story_cannot_be_removed(people, moderator):
    story = make_story(people["author"], state=Story.State.DELETED)
    response = send(moderator, "post", story_url(story, "remove/"), {"reason": "Spam."})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_moderator_features_a_published_story_and_stops(people, moderator):
    story = make_story(people["author"])
    url = story_url(story, "feature/")
    assert send(moderator, "post", url, {"featured": True}).json()["is_featured"] is True
    assert send(moderator, "post", url, {"featured": True}).json()["is_featured"] is True
    listed = client_for(None).get(STORIES).json()["results"]
    assert listed[0]["is_featured"] is True
    assert ModerationAction.objects.filter(verb="story_featured").count() == 1
    assert send(moderator, "post", url, {"featured": False}).json()["is_featured"] is False
    assert ModerationAction.objects.filter(verb="story_featured").count() == 2


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "removed", "deleted"])
def test_only_a_published_story_can_be_featured(people, moderator, state):
    story = make_story(people["author"], state=state)
    response = send(moderator, "post", story_url(story, "feature/"), {"featured": True})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert not Story.objects.get(pk=story.pk).is_featured


def test_the_whole_journey_through_the_api(people, author, moderator, approve):
    """Draft, sent, returned, revised, approved, edited (back to review), approved, deleted."""
    story_id = write(author, send_for_review=False, audience="everyone").json()["id"]
    visitor = client_for(None)
    steps = [
        (lambda: send(author, "patch", story_url(story_id), {}), "submitted"),
        (
            lambda: send(moderator, "post", story_url(story_id, "return/"), {"note": "Shorter?"}),
            "returned",
        ),
        (lambda: send(author, "patch", story_url(story_id), {"body": "Shorter."}), "submitted"),
        (lambda: approve(story_id), "published"),
        (lambda: send(author, "patch", story_url(story_id), {"title": "New"}), "submitted"),
        (lambda: approve(story_id), "published"),
    ]
    for step, state in steps:
        response = step()
        assert response.status_code == 200, response.content
        assert response.json()["state"] == state
        assert (visitor.get(story_url(story_id)).status_code == 200) == (state == "published")
    assert author.delete(story_url(story_id)).status_code == 204
    assert visitor.get(story_url(story_id)).status_code == 404
    assert QueueItem.objects.exclude(state=QueueItem.State.RESOLVED).count() == 0


# --- "this gave me hope" ----------------------------------------------------------------------


def test_hope_is_given_once_per_member_and_can_be_taken_back(people):
    story = make_story(people["author"], audience="members")
    member = client_for(people["member"])
    url = story_url(story, "hope/")
    assert send(member, "put", url).json() == {"hope_count": 1, "hoped_by_me": True}
    assert send(member, "put", url).json() == {"hope_count": 1, "hoped_by_me": True}
    assert StoryReaction.objects.filter(story=story).count() == 1
    moderator = client_for(people["moderator"])
    assert send(moderator, "put", url).json() == {"hope_count": 2, "hoped_by_me": True}
    assert member.get(story_url(story)).json()["hoped_by_me"] is True
    assert client_for(None).get(STORIES).json()["count"] == 0  # members only
    assert member.get(STORIES).json()["results"][0]["hope_count"] == 2
    assert send(member, "delete", url).json() == {"hope_count": 1, "hoped_by_me": False}
    assert send(member, "delete", url).json() == {"hope_count": 1, "hoped_by_me": False}


def test_authors_cannot_give_hope_to_their_own_story(people, author):
    story = make_story(people["author"])
    response = send(author, "put", story_url(story, "hope/"))
    assert response.status_code == 403
    assert response.json()["detail"] == "Reactions are for other people's stories."
    assert not StoryReaction.objects.exists()


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "removed", "deleted"])
def test_hope_is_only_for_published_stories(people, state):
    story = make_story(people["author"], state=state)
    response = send(client_for(people["member"]), "put", story_url(story, "hope/"))
    assert response.status_code == 404
    response = send(client_for(people["moderator"]), "put", story_url(story, "hope/"))
    assert response.status_code == 403  # moderators see it, but it isn't published
    assert not StoryReaction.objects.exists()


def test_visitors_cannot_give_hope(people):
    story = make_story(people["author"])
    for method in ("put", "delete"):
        response = send(client_for(None), method, story_url(story, "hope/"))
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"
    assert not StoryReaction.objects.exists()


def test_a_hope_given_before_a_story_went_back_to_review_is_kept_but_not_shown(people, author):
    story = make_story(people["author"])
    member = client_for(people["member"])
    send(member, "put", story_url(story, "hope/"))
    send(author, "patch", story_url(story), {"title": "Edited"})
    assert member.get(story_url(story)).status_code == 404
    assert send(member, "put", story_url(story, "hope/")).status_code == 404
    assert author.get(story_url(story)).json()["hope_count"] == 1


# --- notifications stay private ---------------------------------------------------------------


def test_a_story_notification_disappears_when_its_author_deletes_the_story(people, author, approve):
    story = Story.objects.get(pk=write(author).json()["id"])
    approve(story)
    assert author.get(NOTIFICATIONS).json()["count"] == 1
    author.delete(story_url(story))
    assert author.get(NOTIFICATIONS).json()["count"] == 0
    assert author.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 0}


def test_story_and_reply_notifications_share_one_list(people, author, approve):
    from community.models import Category, Post, Thread
    from moderation.models import ContentStatus

    thread = Thread.objects.create(
        category=Category.objects.get(slug="small-wins"),
        author=settled(),
        title="A thread",
        body="Words",
        body_html="<p>Words</p>",
        status=ContentStatus.PUBLISHED,
    )
    post = Post.objects.create(
        thread=thread, author=thread.author, body="Hi", body_html="<p>Hi</p>", status="published"
    )
    Notification.objects.create(
        recipient=people["author"], kind=Notification.Kind.REPLY, thread=thread, post=post
    )
    story = Story.objects.get(pk=write(author).json()["id"])
    approve(story)
    story_note, reply_note = author.get(NOTIFICATIONS).json()["results"]
    assert story_note["story"]["id"] == story.pk and story_note["thread"] is None
    assert reply_note["story"] is None
    assert reply_note["thread"] == {"id": thread.pk, "title": "A thread"}


def test_changing_a_story_while_it_waits_keeps_one_place_in_the_queue(people, author, moderator):
    story_id = write(author, title="First words").json()["id"]
    response = send(author, "patch", story_url(story_id), {"title": "Better words"})
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    review = moderator.get(f"{STORIES}review/").json()
    assert [(row["id"], row["title"]) for row in review] == [(story_id, "Better words")]
    story = Story.objects.get(pk=story_id)
    open_items = QueueItem.objects.filter(object_id=story.pk, reason="review").exclude(
        state=QueueItem.State.RESOLVED
    )
    assert open_items.count() == 1
