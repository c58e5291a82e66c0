"""The HTML door of success stories, writing side: every state change through the pages and
who may cause it, screening and signposts, refusals that keep every typed word, "this gave me
hope", and the author hearing about a moderator's decision in the app."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings

from community.models import Notification, Story, StoryReaction
from moderation.models import ContentStatus, ModerationAction, QueueItem
from tests.community.test_story_views import (
    checked_values,
    client_for,
    form_errors,
    get_text,
    input_value,
    make_story,
    page_text,
    story_url,
    textarea,
    words,
)
from tests.factories import MemberFactory
from tests.moderation.conftest import CONCERN_TEXT, EVERYDAY_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db

SUBMITTED_MESSAGE = (
    "Thank you for sharing. A moderator will read it soon; we'll let you know here when it's "
    "published."
)
DRAFT_MESSAGE = "Saved as a draft. Only you can see it."
URGENT_SIGNPOST = "It sounds like you are in a lot of pain right now"
CONCERN_SIGNPOST = "It sounds like things feel really heavy at the moment."


def typed(**changes) -> dict:
    data = {
        "title": "A walk instead of ten texts",
        "body": EVERYDAY_TEXT,
        "tags": ["calmer-when-waiting", "kinder-self-talk"],
        "audience": "everyone",
        "content_warning": "",
        "send": "review",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def queue_reasons(story: Story) -> set[str]:
    return set(
        QueueItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Story), object_id=story.pk
        )
        .exclude(state=QueueItem.State.RESOLVED)
        .values_list("reason", flat=True)
    )


@pytest.fixture
def author(db):
    return MemberFactory(pseudonym="Ari Author")


@pytest.fixture
def reader(db):
    return MemberFactory(pseudonym="Rowan Reader")


@pytest.fixture
def writer(author) -> Client:
    return client_for(author)


@pytest.fixture
def mod(moderator) -> Client:
    return client_for(moderator)


def listed(person, title: str) -> bool:
    return title in get_text(person, "/stories/")


# --- the author's path ------------------------------------------------------------------------


def test_the_write_page_explains_review_audience_and_anonymity(writer):
    response = writer.get("/stories/new/")
    text = page_text(response)
    assert "A moderator reads every story before it is published" in text
    assert "members only, or visitors without an account too" in text
    assert "Anonymous member" in text
    assert "Send for review" in text
    assert "Save as draft" in text
    assert "Markdown works" in text
    for slug in ("setting-a-boundary", "kinder-self-talk"):
        assert f'value="{slug}"' in text
    assert checked_values(response, "audience") == {"members"}  # the careful choice first


def test_sending_a_new_story_waits_for_review_and_tells_the_author(writer, author, reader):
    response = writer.post("/stories/new/", typed(is_anonymous="on", content_warning="grief"))
    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == story_url(story)
    assert (story.state, story.status) == (Story.State.SUBMITTED, ContentStatus.HELD)
    assert story.is_anonymous
    assert story.audience == "everyone"
    assert story.content_warning == "grief"
    assert {tag.slug for tag in story.tags.all()} == {"calmer-when-waiting", "kinder-self-talk"}
    assert queue_reasons(story) == {QueueItem.Reason.REVIEW}
    page = words(page_text(writer.get(response["Location"])))
    assert SUBMITTED_MESSAGE in page
    assert "Awaiting review: a moderator reads every story before others can see it." in page
    assert "You (anonymous to others)" in page
    assert client_for(reader).get(story_url(story)).status_code == 404
    assert not listed(reader, "A walk instead of ten texts")


def test_a_draft_stays_private_until_the_author_sends_it(writer, author, reader, moderator):
    response = writer.post("/stories/new/", typed(send="draft"), follow=True)
    story = Story.objects.get()
    assert story.state == Story.State.DRAFT
    assert not queue_reasons(story)
    text = words(page_text(response))
    assert DRAFT_MESSAGE in text
    assert "Draft: only you can see it." in text
    assert client_for(reader).get(story_url(story)).status_code == 404
    assert "A walk instead of ten texts" not in get_text(moderator, "/stories/review/")

    # Editing a draft can keep it a draft, then send it.
    edit = writer.get(f"{story_url(story)}edit/")
    assert "Save as draft" in page_text(edit)
    assert textarea(edit) == EVERYDAY_TEXT
    writer.post(f"{story_url(story)}edit/", typed(title="Still a draft", send="draft"))
    story.refresh_from_db()
    assert (story.state, story.title) == (Story.State.DRAFT, "Still a draft")
    response = writer.post(f"{story_url(story)}edit/", typed(title="Ready now"), follow=True)
    story.refresh_from_db()
    assert story.state == Story.State.SUBMITTED
    assert SUBMITTED_MESSAGE in page_text(response)
    assert queue_reasons(story) == {QueueItem.Reason.REVIEW}
    assert "Ready now" in get_text(moderator, "/stories/review/")


def test_editing_a_story_awaiting_review_keeps_it_waiting(writer, author):
    story = make_story(author, state=Story.State.SUBMITTED)
    edit = writer.get(f"{story_url(story)}edit/")
    assert "Save as draft" not in page_text(edit)
    response = writer.post(f"{story_url(story)}edit/", typed(title="Better title"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.title) == (Story.State.SUBMITTED, "Better title")


def test_editing_a_published_story_sends_it_back_to_review_and_off_the_list(writer, author, reader):
    story = make_story(author, title="Published once", is_featured=True)
    assert listed(reader, "Published once")
    edit = writer.get(f"{story_url(story)}edit/")
    assert "goes back to a moderator" in page_text(edit)
    assert "Save as draft" not in page_text(edit)
    # Even a hand-made "draft" button can't hide a published story from review.
    response = writer.post(
        f"{story_url(story)}edit/", typed(title="Published, then edited", send="draft")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.status) == (Story.State.SUBMITTED, ContentStatus.HELD)
    for person in (None, reader):
        assert not listed(person, "Published")
        assert "Published" not in get_text(person, "/")
        assert client_for(person).get(story_url(story)).status_code == 404
    assert "Published, then edited" not in client_for(None).get("/stories/feed/").content.decode()


def test_a_returned_story_shows_the_note_and_goes_back_to_review_when_edited(writer, author):
    story = make_story(
        author, state=Story.State.RETURNED, return_note="Please leave out the town's name."
    )
    page = words(get_text(author, story_url(story)))
    assert "Returned to you: Please leave out the town's name." in page
    assert f'href="{story_url(story)}edit/"' in get_text(author, story_url(story))
    assert "Edit and send again" in page
    edit = page_text(writer.get(f"{story_url(story)}edit/"))
    assert "Please leave out the town's name." in edit
    writer.post(f"{story_url(story)}edit/", typed(body="Without the town this time."))
    story.refresh_from_db()
    assert story.state == Story.State.SUBMITTED
    assert story.return_note == ""
    assert queue_reasons(story) == {QueueItem.Reason.REVIEW}


@pytest.mark.parametrize(
    "state",
    [Story.State.DRAFT, Story.State.SUBMITTED, Story.State.PUBLISHED, Story.State.RETURNED],
)
def test_the_author_deletes_a_story_after_confirming(writer, author, reader, state):
    story = make_story(author, title="Soon gone", state=state, is_featured=True)
    confirm = writer.get(f"{story_url(story)}delete/")
    assert confirm.status_code == 200
    assert "Delete your story?" in page_text(confirm)
    response = writer.post(f"{story_url(story)}delete/")
    assert response.status_code == 302
    assert response["Location"] == "/stories/mine/"
    story.refresh_from_db()
    assert story.state == Story.State.DELETED
    assert "Your story is deleted." in page_text(writer.get("/stories/mine/"))
    assert "Soon gone" not in get_text(author, "/stories/mine/")
    assert client_for(reader).get(story_url(story)).status_code == 404
    assert not listed(None, "Soon gone")
    assert writer.get(f"{story_url(story)}edit/").status_code == 403


def test_others_cannot_edit_or_delete_a_story(author, reader, moderator):
    story = make_story(author, title="Mine to change")
    for person in (reader, moderator):
        client = client_for(person)
        for url in (f"{story_url(story)}edit/", f"{story_url(story)}delete/"):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Only its author" in page_text(response)
            assert client.post(url, typed(title="Hijacked")).status_code == 403, url
    visitor = client_for(None)
    for url in (f"{story_url(story)}edit/", f"{story_url(story)}delete/", "/stories/new/"):
        response = visitor.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
        response = visitor.post(url, typed(title="Hijacked"))
        assert response["Location"] == f"/accounts/login/?next={url}"
    story.refresh_from_db()
    assert (story.title, story.state) == ("Mine to change", Story.State.PUBLISHED)
    assert not Story.objects.filter(title="Hijacked").exists()


def test_a_removed_story_cannot_be_edited_but_shows_the_reason(writer, author):
    story = make_story(author, state=Story.State.REMOVED, removal_reason="It named someone.")
    page = get_text(author, story_url(story))
    assert "Removed: It named someone." in words(page)
    assert f'href="{story_url(story)}edit/"' not in page
    assert writer.get(f"{story_url(story)}edit/").status_code == 403
    assert writer.post(f"{story_url(story)}edit/", typed()).status_code == 403


# --- the moderators' path ---------------------------------------------------------------------


def test_moderator_publishes_a_story_and_the_author_is_told(
    author, reader, mod, django_capture_on_commit_callbacks
):
    story = make_story(author, title="Waiting to be read", state=Story.State.SUBMITTED)
    page = page_text(mod.get(story_url(story)))
    assert "Publish this story" in page
    assert "Return it with this note" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(f"{story_url(story)}review/", {"action": "approve"})
    assert response.status_code == 302
    assert response["Location"] == story_url(story)
    story.refresh_from_db()
    assert (story.state, story.status) == (Story.State.PUBLISHED, ContentStatus.PUBLISHED)
    assert "The story is published." in page_text(mod.get(story_url(story)))
    assert listed(reader, "Waiting to be read")
    assert listed(None, "Waiting to be read")
    bell = get_text(author, "/notifications/")
    assert "Notifications (1" in bell
    assert "Your story “Waiting to be read” was published" in bell
    assert ModerationAction.objects.filter(verb=ModerationAction.Verb.CONTENT_APPROVED).exists()
    # Opening the story reads the news about it.
    get_text(author, story_url(story))
    assert "Notifications (0" in get_text(author, "/notifications/")


def test_moderator_returns_a_story_with_a_note_and_the_author_is_told(
    author, reader, mod, django_capture_on_commit_callbacks
):
    story = make_story(author, title="Needs a change", state=Story.State.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            f"{story_url(story)}review/",
            {"action": "return", "note": "Could you leave out his full name?"},
        )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == Story.State.RETURNED
    assert story.return_note == "Could you leave out his full name?"
    assert not listed(reader, "Needs a change")
    notifications = get_text(author, "/notifications/")
    assert "Notifications (1" in notifications
    assert "Your story “Needs a change” was returned to you with a note" in notifications
    assert "Returned to you: Could you leave out his full name?" in words(
        get_text(author, story_url(story))
    )


def test_returning_without_a_note_is_refused_and_changes_nothing(author, mod):
    story = make_story(author, state=Story.State.SUBMITTED)
    response = mod.post(f"{story_url(story)}review/", {"action": "return", "note": "   "})
    assert response.status_code == 400
    text = page_text(response)
    assert "Please write a note for the author" in text
    assert 'id="review-error"' in text
    story.refresh_from_db()
    assert story.state == Story.State.SUBMITTED
    assert not Notification.objects.filter(story=story).exists()


def test_a_refused_note_is_given_back_to_the_moderator(author, mod):
    story = make_story(author, state=Story.State.SUBMITTED)
    long_note = "Please change this part. " * 100
    response = mod.post(f"{story_url(story)}review/", {"action": "return", "note": long_note})
    assert response.status_code == 400
    assert "2000 characters or fewer" in page_text(response)
    assert long_note in page_text(response)


def test_moderator_removes_a_story_with_a_reason_the_author_sees(
    author, reader, mod, django_capture_on_commit_callbacks
):
    story = make_story(author, title="Going away", is_featured=True)
    refused = mod.post(f"{story_url(story)}review/", {"action": "remove", "reason": ""})
    assert refused.status_code == 400
    assert "Please give a reason" in page_text(refused)
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            f"{story_url(story)}review/", {"action": "remove", "reason": "It named a person."}
        )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.status) == (Story.State.REMOVED, ContentStatus.REMOVED)
    assert not story.is_featured
    for person in (None, reader):
        assert not listed(person, "Going away")
        assert "Going away" not in get_text(person, "/")
    assert "Removed: It named a person." in words(get_text(author, story_url(story)))
    assert "Removed: It named a person." in words(get_text(author, "/stories/mine/"))


def test_moderator_features_and_unfeatures_a_story_on_the_home_page(author, reader, mod):
    story = make_story(author, title="Hope on the home page")
    assert "Hope on the home page" not in get_text(reader, "/")
    assert "Feature on the home page" in page_text(mod.get(story_url(story)))
    response = mod.post(f"{story_url(story)}review/", {"action": "feature"})
    assert response.status_code == 302
    for person in (None, reader):
        home = get_text(person, "/")
        assert "Stories of hope" in home
        assert "Hope on the home page" in home
        assert f'href="{story_url(story)}"' in home
    assert "Stop featuring on the home page" in page_text(mod.get(story_url(story)))
    mod.post(f"{story_url(story)}review/", {"action": "unfeature"})
    assert "Hope on the home page" not in get_text(reader, "/")
    assert ModerationAction.objects.filter(verb=ModerationAction.Verb.STORY_FEATURED).count() == 2


def test_a_story_waiting_for_review_cannot_be_featured_or_approved_twice(
    author, mod, django_capture_on_commit_callbacks
):
    story = make_story(author, state=Story.State.SUBMITTED)
    response = mod.post(f"{story_url(story)}review/", {"action": "feature"})
    assert response.status_code == 400
    assert "Only a published story can be featured." in page_text(response)
    with django_capture_on_commit_callbacks(execute=True):
        mod.post(f"{story_url(story)}review/", {"action": "approve"})
    again = mod.post(f"{story_url(story)}review/", {"action": "approve"})
    assert again.status_code == 400
    assert "Only a story waiting for review can be published." in page_text(again)


def test_an_unknown_review_action_is_a_kind_400(author, mod, reader):
    story = make_story(author)
    response = mod.post(f"{story_url(story)}review/", {"action": "explode"})
    assert response.status_code == 400
    assert "Please choose to publish" in page_text(response)
    assert client_for(reader).post(f"{story_url(story)}review/", {"action": "x"}).status_code == 403


@pytest.mark.parametrize("action", ["approve", "return", "remove", "feature", "unfeature"])
def test_only_moderators_review_stories(author, reader, action):
    waiting = make_story(author, title="Waiting", state=Story.State.SUBMITTED)
    published = make_story(author, title="Published")
    data = {"action": action, "note": "A note", "reason": "A reason"}
    # A member may read the published story: 403 with the reason. The waiting one: 404.
    member = client_for(reader)
    response = member.post(f"{story_url(published)}review/", data)
    assert response.status_code == 403
    assert "Only moderators review stories." in page_text(response)
    assert member.post(f"{story_url(waiting)}review/", data).status_code == 404
    # The author neither: their own waiting story is theirs to read, not to judge.
    own = client_for(author).post(f"{story_url(waiting)}review/", data)
    assert own.status_code == 403
    # A visitor is asked to log in for a story they may read, 404 otherwise.
    visitor = client_for(None)
    response = visitor.post(f"{story_url(published)}review/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={story_url(published)}"
    assert visitor.post(f"{story_url(waiting)}review/", data).status_code == 404
    for story, state in ((waiting, Story.State.SUBMITTED), (published, Story.State.PUBLISHED)):
        story.refresh_from_db()
        assert story.state == state
        assert not story.is_featured
    assert not ModerationAction.objects.exists()


def test_review_buttons_show_only_to_moderators(author, reader, moderator):
    story = make_story(author, state=Story.State.SUBMITTED)
    public = make_story(author)
    assert "Moderator review" in get_text(moderator, story_url(story))
    for person, url in ((author, story_url(story)), (reader, story_url(public))):
        text = get_text(person, url)
        assert "Moderator review" not in text
        assert "/review/" not in text


# --- screening --------------------------------------------------------------------------------


def test_an_urgent_story_is_held_at_the_top_of_the_queue_and_signposted(
    writer, author, reader, moderator
):
    response = writer.post("/stories/new/", typed(title="Tonight", body=URGENT_TEXT), follow=True)
    assert response.status_code == 200
    story = Story.objects.get()
    assert (story.state, story.status) == (Story.State.SUBMITTED, ContentStatus.HELD)
    assert QueueItem.Reason.CRISIS_URGENT in queue_reasons(story)
    text = page_text(response)
    assert URGENT_SIGNPOST in text
    assert 'id="signpost"' in text
    assert URGENT_SIGNPOST not in get_text(author, story_url(story))  # shown once
    assert client_for(reader).get(story_url(story)).status_code == 404
    assert URGENT_SIGNPOST not in get_text(moderator, story_url(story))


def test_a_story_showing_concern_waits_for_review_and_is_signposted(writer, reader):
    response = writer.post("/stories/new/", typed(title="Heavy", body=CONCERN_TEXT), follow=True)
    story = Story.objects.get()
    assert story.state == Story.State.SUBMITTED
    assert QueueItem.Reason.CRISIS_CONCERN in queue_reasons(story)
    assert CONCERN_SIGNPOST in page_text(response)
    assert SUBMITTED_MESSAGE in page_text(response)
    assert client_for(reader).get(story_url(story)).status_code == 404


def test_a_cry_for_help_in_a_draft_still_reaches_the_moderators(writer):
    response = writer.post(
        "/stories/new/", typed(title="Private", body=URGENT_TEXT, send="draft"), follow=True
    )
    story = Story.objects.get()
    assert story.state == Story.State.DRAFT
    assert QueueItem.Reason.CRISIS_URGENT in queue_reasons(story)
    assert URGENT_SIGNPOST in page_text(response)


# --- refusals keep every typed word -----------------------------------------------------------


def assert_everything_kept(response, data: dict) -> None:
    assert textarea(response) == data["body"]
    assert input_value(response, "title") == data["title"]
    assert input_value(response, "content_warning") == data["content_warning"]
    assert checked_values(response, "tags") == set(data["tags"])
    assert checked_values(response, "audience") == {data["audience"]}
    assert checked_values(response, "is_anonymous") == (
        {"on"} if data.get("is_anonymous") else set()
    )


def test_a_too_long_story_is_refused_with_everything_typed_kept(writer):
    data = typed(
        body=("Every word I typed matters. " * 800)[:20001],
        is_anonymous="on",
        content_warning="long read",
    )
    assert len(data["body"]) == 20001
    response = writer.post("/stories/new/", data)
    assert response.status_code == 400
    assert "the limit here is 20,000" in form_errors(response)
    assert_everything_kept(response, data)
    assert not Story.objects.exists()


def test_a_story_without_a_title_is_refused_with_everything_typed_kept(writer):
    data = typed(title="", audience="members", tags=["started-therapy"], content_warning="x")
    response = writer.post("/stories/new/", data)
    assert response.status_code == 400
    assert form_errors(response).strip()
    assert_everything_kept(response, data)
    assert not Story.objects.exists()


def test_unknown_tags_and_audiences_are_refused_kindly_with_the_text_kept(writer):
    response = writer.post("/stories/new/", typed(tags=["no-such-tag"]))
    assert response.status_code == 400
    assert "Please choose milestone tags from the list." in form_errors(response)
    assert textarea(response) == EVERYDAY_TEXT
    response = writer.post("/stories/new/", typed(audience="the-whole-internet"))
    assert response.status_code == 400
    assert "Please choose who may read your story" in form_errors(response)
    assert textarea(response) == EVERYDAY_TEXT
    assert not Story.objects.exists()


def test_a_refused_edit_keeps_the_new_words_and_the_story_unchanged(writer, author):
    story = make_story(author, title="Before", state=Story.State.SUBMITTED)
    data = typed(title="After", body="x" * 20001)
    response = writer.post(f"{story_url(story)}edit/", data)
    assert response.status_code == 400
    assert textarea(response) == data["body"]
    assert input_value(response, "title") == "After"
    story.refresh_from_db()
    assert story.title == "Before"


@override_settings(MODERATION_RATE_LIMITS={"chat": (20, 30), "posts": (1, 600), "profile": (9, 9)})
def test_sharing_too_fast_is_429_with_retry_after_and_the_text_kept(writer):
    assert writer.post("/stories/new/", typed(title="First")).status_code == 302
    data = typed(title="Second", body="Second story, typed with care.")
    response = writer.post("/stories/new/", data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "posting faster than we allow" in form_errors(response)
    assert_everything_kept(response, data)
    assert Story.objects.count() == 1


def test_story_forms_need_a_csrf_token(author, moderator):
    story = make_story(author)
    waiting = make_story(author, state=Story.State.SUBMITTED)
    for person, url, data in (
        (author, "/stories/new/", typed(title="No token")),
        (author, f"{story_url(story)}edit/", typed(title="No token")),
        (author, f"{story_url(story)}delete/", {}),
        (moderator, f"{story_url(story)}hope/", {"action": "add"}),
        (moderator, f"{story_url(waiting)}review/", {"action": "approve"}),
    ):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        assert client.post(url, data).status_code == 403, url
    story.refresh_from_db()
    waiting.refresh_from_db()
    assert story.state == Story.State.PUBLISHED
    assert waiting.state == Story.State.SUBMITTED
    assert not Story.objects.filter(title="No token").exists()
    assert not StoryReaction.objects.exists()


# --- "this gave me hope" ----------------------------------------------------------------------


def test_a_reader_gives_hope_once_and_can_take_it_back(author, reader):
    story = make_story(author)
    client = client_for(reader)
    page = client.get(story_url(story)).content.decode()
    assert 'aria-pressed="false"' in page
    for _twice in range(2):
        response = client.post(f"{story_url(story)}hope/", {"action": "add"})
        assert response.status_code == 302
        assert response["Location"] == f"{story_url(story)}#hope"
    assert StoryReaction.objects.filter(story=story).count() == 1
    page = client.get(story_url(story))
    assert 'aria-pressed="true"' in page.content.decode()
    assert 'value="remove"' in page.content.decode()
    assert "1 person found hope in this" in page_text(page)
    assert "1 person found hope in this" in get_text(None, "/stories/")
    client.post(f"{story_url(story)}hope/", {"action": "remove"})
    assert not StoryReaction.objects.exists()


def test_the_author_cannot_give_hope_to_their_own_story(author):
    story = make_story(author)
    client = client_for(author)
    assert "This gave me hope</button>" not in page_text(client.get(story_url(story)))
    response = client.post(f"{story_url(story)}hope/", {"action": "add"})
    assert response.status_code == 403
    assert "Reactions are for other people's stories." in page_text(response)
    assert not StoryReaction.objects.exists()


def test_a_visitor_is_asked_to_log_in_to_give_hope(author):
    story = make_story(author)
    client = client_for(None)
    assert "Log in to say this gave you hope" in page_text(client.get(story_url(story)))
    response = client.post(f"{story_url(story)}hope/", {"action": "add"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={story_url(story)}"
    assert not StoryReaction.objects.exists()


def test_hope_is_only_for_published_stories(author, reader, moderator):
    waiting = make_story(author, state=Story.State.SUBMITTED)
    assert (
        client_for(reader).post(f"{story_url(waiting)}hope/", {"action": "add"}).status_code == 404
    )
    response = client_for(moderator).post(f"{story_url(waiting)}hope/", {"action": "add"})
    assert response.status_code == 403
    assert "This gave me hope</button>" not in get_text(moderator, story_url(waiting))
    bad = client_for(reader).post(f"{story_url(make_story(author))}hope/", {"action": "hug"})
    assert bad.status_code == 400
    assert not StoryReaction.objects.exists()


# --- the whole journey ------------------------------------------------------------------------


def test_a_member_shares_a_moderator_publishes_and_a_visitor_reads(
    writer, author, mod, reader, django_capture_on_commit_callbacks
):
    writer.post("/stories/new/", typed(title="From panic to a walk", is_anonymous="on"))
    story = Story.objects.get()
    assert not listed(None, "From panic to a walk")
    with django_capture_on_commit_callbacks(execute=True):
        mod.post(f"{story_url(story)}review/", {"action": "approve"})
    visitor_page = get_text(None, story_url(story))
    assert "From panic to a walk" in visitor_page
    assert "Anonymous member" in visitor_page
    assert "Ari Author" not in visitor_page
    entries = client_for(None).get("/stories/feed/").content.decode()
    assert "From panic to a walk" in entries
    assert "Ari Author" not in entries
    client_for(reader).post(f"{story_url(story)}hope/", {"action": "add"})
    assert "1 person found hope in this" in get_text(author, story_url(story))
    assert "Your story “From panic to a walk” was published" in get_text(author, "/notifications/")
