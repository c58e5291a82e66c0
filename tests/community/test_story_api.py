"""The success-story REST door under /api/v1/stories/: who may read what (visitor, member,
author, moderator) in every state, with nothing unpublished leaking through the list, the
detail, "my stories" or the review list; anonymity on every endpoint; the pipeline's held,
refused and signposted answers; and bad input that must give 400/404/413, never 500.

Shared helpers and fixtures for tests/community/test_story_api_*.py live here."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from community.models import Story, StoryReaction, StoryTag, state_status
from moderation.models import QueueItem
from tests.community.test_forum_api import client_for, keys_and_values, send, settled
from tests.moderation.conftest import CONCERN_TEXT, EVERYDAY_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db

API = "/api/v1"
STORIES = f"{API}/stories/"
ROLES = ["visitor", "member", "author", "moderator"]
STATES = [state.value for state in Story.State]
TAG_SLUGS = [
    "setting-a-boundary",
    "calmer-when-waiting",
    "asked-for-what-i-need",
    "first-secure-relationship",
    "started-therapy",
    "kinder-self-talk",
]


# --- helpers shared by the story API tests ----------------------------------------------------


def make_story(
    author,
    *,
    state: str = Story.State.PUBLISHED,
    audience: str = Story.Audience.EVERYONE,
    title: str = "Calmer when waiting",
    body: str = "I noticed the panic, breathed, and went for a walk.",
    tags=(),
    **fields,
) -> Story:
    """A story written straight to the table in any state (the pipeline is tested through the
    API)."""
    from django.utils import timezone

    now = timezone.now()
    if state == Story.State.PUBLISHED:
        fields.setdefault("published_at", now)
    if state != Story.State.DRAFT:
        fields.setdefault("submitted_at", now)
    story = Story.objects.create(
        author=author,
        title=title,
        body=body,
        body_html=f"<p>{body}</p>",
        state=state,
        status=state_status(state),
        audience=audience,
        **fields,
    )
    if tags:
        story.tags.set(StoryTag.objects.filter(slug__in=tags))
    return story


def story_url(story, suffix: str = "") -> str:
    pk = story if isinstance(story, int | str) else story.pk
    return f"{API}/stories/{pk}/{suffix}"


def write(client, **fields):
    """POST a story; the fields not given are filled with ordinary ones."""
    body = {"title": "A small win", "body": EVERYDAY_TEXT, **fields}
    return send(client, "post", STORIES, body)


def listed_ids(client, url: str = STORIES) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def open_reasons(story) -> set[str]:
    from django.contrib.contenttypes.models import ContentType

    return set(
        QueueItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Story), object_id=story.pk
        )
        .exclude(state=QueueItem.State.RESOLVED)
        .values_list("reason", flat=True)
    )


def may_read(role: str, story: Story) -> bool:
    """Who may read a story, as the issue says it (not as the code decides it)."""
    if role in ("author", "moderator"):
        return True
    if story.state != Story.State.PUBLISHED:
        return False
    return story.audience == Story.Audience.EVERYONE or role == "member"


@pytest.fixture(name="people")
def people_fixture(db):
    return {
        "visitor": None,
        "member": settled(pseudonym="Mel Member"),
        "author": settled(pseudonym="Ari Author"),
        "moderator": settled(pseudonym="Mo Moderator", is_moderator=True, is_staff=True),
    }


@pytest.fixture(name="shelf")
def shelf_fixture(people):
    """One story by the author in every state and for each audience, each with a title word
    found nowhere else (`words[story.pk]`)."""
    stories, words = [], {}
    for state in STATES:
        for audience in Story.Audience.values:
            word = f"zq{state}{audience}"
            story = make_story(
                people["author"],
                state=state,
                audience=audience,
                title=f"Story {word}",
                body=f"Body of {word}",
                return_note=f"note{word}" if state == Story.State.RETURNED else "",
                tags=["setting-a-boundary"],
            )
            stories.append(story)
            words[story.pk] = word
    return SimpleNamespace(stories=stories, words=words)


# --- who may read what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_published_stories_the_reader_may_read(people, shelf, role):
    client = client_for(people[role])
    response = client.get(STORIES)
    assert response.status_code == 200
    text = response.content.decode()
    ids = {row["id"] for row in response.json()["results"]}
    for story in shelf.stories:
        # The list is for reading: even its author and moderators find only published ones.
        expected = story.state == Story.State.PUBLISHED and may_read(role, story)
        assert (story.pk in ids) == expected, (role, story.state, story.audience)
        assert (shelf.words[story.pk] in text) == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_story_is_404_to_anyone_who_may_not_read_it(people, shelf, role):
    client = client_for(people[role])
    for story in shelf.stories:
        response = client.get(story_url(story))
        if may_read(role, story):
            assert response.status_code == 200, (role, story.state, story.audience)
            assert response.json()["state"] == story.state
        else:
            assert response.status_code == 404, (role, story.state, story.audience)
            assert response.json()["code"] == "not_found"
            assert "zq" not in response.content.decode()


def test_a_hidden_story_and_a_missing_one_get_the_same_answer(people, shelf):
    draft = next(s for s in shelf.stories if s.state == Story.State.DRAFT)
    client = client_for(people["member"])
    missing = {
        "detail": "We couldn't find that. It may have been removed, or it may be private.",
        "code": "not_found",
    }
    assert client.get(story_url(draft)).json() == missing
    assert client.get(story_url(999_999)).json() == missing


def test_the_return_note_and_removal_reason_are_for_the_author_and_moderators(people):
    published = make_story(people["author"], removal_reason="")
    returned = make_story(people["author"], state=Story.State.RETURNED, return_note="Kindly...")
    for role in ("author", "moderator"):
        client = client_for(people[role])
        assert client.get(story_url(returned)).json()["return_note"] == "Kindly..."
        assert client.get(story_url(published)).json()["return_note"] == ""
    for role in ("member", "visitor"):
        data = client_for(people[role]).get(story_url(published)).json()
        assert data["return_note"] is None
        assert data["removal_reason"] is None
        assert data["body"] is None  # the raw text is for its author to edit


def test_a_story_says_what_the_reader_may_do(people):
    story = make_story(people["author"], tags=["kinder-self-talk", "setting-a-boundary"])
    StoryReaction.objects.create(member=people["member"], story=story)
    author = client_for(people["author"]).get(story_url(story)).json()
    assert author["author_label"] == author["author"] == "Ari Author"
    assert author["may_edit"] and author["may_delete"]
    assert not author["may_react"] and not author["may_review"]
    assert author["body"] == story.body
    assert author["hope_count"] == 1 and author["hoped_by_me"] is False
    assert [tag["slug"] for tag in author["tags"]] == ["setting-a-boundary", "kinder-self-talk"]
    member = client_for(people["member"]).get(story_url(story)).json()
    assert member["may_react"] and member["hoped_by_me"]
    assert not (member["may_edit"] or member["may_delete"] or member["may_review"])
    moderator = client_for(people["moderator"]).get(story_url(story)).json()
    assert moderator["may_review"] and not moderator["may_edit"]
    visitor = client_for(None).get(story_url(story)).json()
    assert not (visitor["may_react"] or visitor["may_edit"] or visitor["hoped_by_me"])
    assert visitor["is_public"] is True
    assert visitor["url"] == story_url(story)
    assert visitor["body_html"] == f"<p>{story.body}</p>"


def test_the_list_filters_by_milestone_tag(people):
    boundary = make_story(people["author"], tags=["setting-a-boundary"], title="Boundary")
    both = make_story(
        people["author"], tags=["setting-a-boundary", "started-therapy"], title="Both"
    )
    make_story(people["author"], tags=["started-therapy"], title="Therapy")
    client = client_for(None)
    assert listed_ids(client, f"{STORIES}?tag=setting-a-boundary") == [both.pk, boundary.pk]
    assert len(listed_ids(client, f"{STORIES}?tag=started-therapy")) == 2
    assert len(listed_ids(client, f"{STORIES}?tag=")) == 3
    row = client.get(f"{STORIES}?tag=setting-a-boundary").json()["results"][1]
    assert row["tags"] == [
        {
            "slug": "setting-a-boundary",
            "name": "Setting a boundary",
            "stories_url": f"{STORIES}?tag=setting-a-boundary",
        }
    ]
    response = client.get(f"{STORIES}?tag=no-such-milestone")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_list_is_paged_newest_first(people):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(days=30)
    stories = [
        make_story(people["author"], title=f"Story {n}", published_at=start + timedelta(days=n))
        for n in range(13)
    ]
    client = client_for(people["member"])
    first = client.get(STORIES).json()
    assert first["count"] == 13
    assert first["previous"] is None
    assert first["next"] == f"http://testserver{STORIES}?page=2"
    assert [row["id"] for row in first["results"]] == [s.pk for s in reversed(stories)][:12]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [stories[0].pk]
    assert second["next"] is None
    assert second["previous"] == f"http://testserver{STORIES}"
    for junk in ("3", "0", "-1", "abc", "9" * 30):
        response = client.get(f"{STORIES}?page={junk}")
        assert response.status_code == 404, junk
        assert response.json()["code"] == "not_found"


def test_the_milestone_tags_are_listed_in_order(db):
    response = client_for(None).get(f"{STORIES}tags/")
    assert response.status_code == 200
    assert [tag["slug"] for tag in response.json()] == TAG_SLUGS


def test_my_stories_lists_every_state_but_deleted_with_its_note(people, shelf):
    client = client_for(people["author"])
    response = client.get(f"{STORIES}mine/")
    assert response.status_code == 200
    rows = response.json()["results"]
    expected = {s.pk for s in shelf.stories if s.state != Story.State.DELETED}
    assert {row["id"] for row in rows} == expected
    returned = next(row for row in rows if row["state"] == "returned")
    assert returned["return_note"].startswith("notezqreturned")
    assert returned["state_label"] == "Returned to you to revise"
    assert returned["url"] == story_url(returned["id"])
    # Nobody else's stories, and no account, no list.
    assert client_for(people["member"]).get(f"{STORIES}mine/").json()["results"] == []
    response = client_for(None).get(f"{STORIES}mine/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["visitor", "member", "author"])
def test_the_review_list_is_for_moderators(people, shelf, role):
    response = client_for(people[role]).get(f"{STORIES}review/")
    assert response.status_code == 403
    expected = "not_authenticated" if role == "visitor" else "permission_denied"
    assert response.json()["code"] == expected
    assert "zq" not in response.content.decode()


def test_moderators_see_the_stories_waiting_for_review(people, shelf):
    response = client_for(people["moderator"]).get(f"{STORIES}review/")
    assert response.status_code == 200
    waiting = [s.pk for s in shelf.stories if s.state == Story.State.SUBMITTED]
    assert [row["id"] for row in response.json()] == waiting
    assert response.json()[0]["body_html"].startswith("<p>Body of zqsubmitted")


# --- anonymity --------------------------------------------------------------------------------


@pytest.fixture
def anonymous(people, django_capture_on_commit_callbacks):
    """Zephyr shares a story anonymously with visitors too; a moderator approves it and a
    member says it gave them hope."""
    zephyr = settled(pseudonym="Zephyr Quill")
    response = write(
        client_for(zephyr),
        title="zqanon Calmer now",
        body="zqanon I waited and breathed.",
        is_anonymous=True,
        audience="everyone",
        tags=["calmer-when-waiting"],
    )
    assert response.status_code == 201
    story = Story.objects.get(pk=response.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        approved = send(client_for(people["moderator"]), "post", story_url(story, "approve/"), {})
    assert approved.status_code == 200
    assert send(client_for(people["member"]), "put", story_url(story, "hope/")).status_code == 200
    return SimpleNamespace(author=zephyr, story=story)


def _assert_no_author(response, author) -> None:
    text = response.content.decode()
    assert "Zephyr" not in text
    assert "Quill" not in text
    for key, value in keys_and_values(response.json()):
        assert "author_id" not in key
        assert key not in ("member", "member_id", "recipient", "pseudonym")
        if key == "author":
            assert value is None
        if key == "author_label":
            assert value == "Anonymous member"


@pytest.mark.parametrize("role", ["visitor", "member", "author"])
def test_other_people_never_receive_an_anonymous_authors_name(people, anonymous, role):
    # "author" here is another author, not Zephyr: someone with stories of their own.
    person = people[role]
    if role == "author":
        make_story(person, title="Mine", state=Story.State.DRAFT)
    client = client_for(person)
    story = anonymous.story
    urls = [
        STORIES,
        f"{STORIES}?tag=calmer-when-waiting",
        story_url(story),
    ]
    if person is not None:
        urls += [f"{STORIES}mine/", f"{API}/notifications/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_author(response, anonymous.author)
    assert client.get(story_url(story)).json()["author_label"] == "Anonymous member"
    if person is not None:
        hoped = send(client, "put", story_url(story, "hope/"))
        _assert_no_author(hoped, anonymous.author)


def test_the_anonymous_author_and_moderators_see_who_wrote_it(people, anonymous):
    mine = client_for(anonymous.author)
    detail = mine.get(story_url(anonymous.story)).json()
    assert detail["author_label"] == "You (anonymous to others)"
    assert detail["author"] == "Zephyr Quill"
    assert mine.get(STORIES).json()["results"][0]["author_label"] == "You (anonymous to others)"
    notes = mine.get(f"{API}/notifications/").json()["results"]
    assert [note["story"]["id"] for note in notes] == [anonymous.story.pk]
    moderator = client_for(people["moderator"])
    detail = moderator.get(story_url(anonymous.story)).json()
    assert detail["author_label"] == "Zephyr Quill (shared anonymously)"
    assert detail["author"] == "Zephyr Quill"
    listed = moderator.get(STORIES).json()["results"][0]
    assert listed["author"] == "Zephyr Quill"


def test_an_anonymous_story_waiting_for_review_names_its_author_to_moderators_only(people):
    zephyr = settled(pseudonym="Zephyr Quill")
    response = write(client_for(zephyr), title="zqanon", is_anonymous=True)
    waiting = client_for(people["moderator"]).get(f"{STORIES}review/").json()
    assert waiting[0]["author_label"] == "Zephyr Quill (shared anonymously)"
    assert client_for(people["member"]).get(story_url(response.json()["id"])).status_code == 404


# --- the pipeline through this door -----------------------------------------------------------


def test_sharing_a_story_sends_it_for_review_and_says_so(people):
    client = client_for(people["author"])
    response = write(
        client,
        title="  Asked   for what I need ",
        body="I said **what I needed** and the sky didn't fall.",
        tags=["asked-for-what-i-need", "asked-for-what-i-need"],
        audience="everyone",
        content_warning="  mentions   a breakup ",
    )
    assert response.status_code == 201
    data = response.json()
    story = Story.objects.get(pk=data["id"])
    assert data["title"] == story.title == "Asked for what I need"
    assert data["state"] == "submitted" and data["status"] == "held"
    assert data["state_label"] == "Awaiting review"
    assert data["submitted"] is True
    assert data["held_notice"].startswith("Thank you. A moderator will read this")
    assert data["signpost"] is None
    assert data["is_public"] is False
    assert (
        data["body_html"].strip()
        == "<p>I said <strong>what I needed</strong> and the sky didn't fall.</p>"
    )
    assert data["content_warning"] == "mentions a breakup"
    assert [tag["slug"] for tag in data["tags"]] == ["asked-for-what-i-need"]
    assert data["audience"] == "everyone"
    assert data["author"] == data["author_label"] == "Ari Author"
    assert data["may_edit"] and data["may_delete"] and not data["may_react"]
    assert open_reasons(story) == {"review"}
    # Nobody else sees it until a moderator has read it.
    assert client_for(people["member"]).get(story_url(story)).status_code == 404
    assert client_for(None).get(story_url(story)).status_code == 404
    assert listed_ids(client_for(people["member"])) == []
    assert client_for(people["moderator"]).get(story_url(story)).status_code == 200


def test_a_story_kept_as_a_draft_goes_to_nobody(people):
    response = write(client_for(people["author"]), send_for_review=False)
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "draft"
    assert data["submitted"] is False
    assert data["held_notice"] == ""
    story = Story.objects.get(pk=data["id"])
    assert open_reasons(story) == set()
    assert client_for(people["moderator"]).get(f"{STORIES}review/").json() == []
    assert client_for(people["member"]).get(story_url(story)).status_code == 404


@pytest.mark.parametrize("send_for_review", [True, False])
def test_an_urgent_story_is_held_signposted_and_queued_first_never_refused(people, send_for_review):
    response = write(
        client_for(people["author"]), body=URGENT_TEXT, send_for_review=send_for_review
    )
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "held"
    assert data["state"] == ("submitted" if send_for_review else "draft")
    assert data["signpost"]["tier"] == "urgent"
    assert data["signpost"]["text"]
    assert data["signpost"]["resources"]
    story = Story.objects.get(pk=data["id"])
    # Even a private draft that shows urgent risk reaches a moderator.
    assert "crisis_urgent" in open_reasons(story)
    assert client_for(people["member"]).get(story_url(story)).status_code == 404


def test_a_concern_story_is_held_like_every_story_with_a_signpost(people):
    response = write(client_for(people["author"]), body=CONCERN_TEXT)
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "submitted" and data["status"] == "held"
    assert data["held_notice"]
    assert data["signpost"]["tier"] == "concern"
    story = Story.objects.get(pk=data["id"])
    assert open_reasons(story) == {"crisis_concern"}
    assert client_for(None).get(story_url(story)).status_code == 404


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"body": ""}, "empty"),
        ({"body": "  \n "}, "empty"),
        ({"title": ""}, "empty"),
        ({"title": "x" * 151}, "too_long"),
        ({"body": "x" * 20_001}, "too_long"),
    ],
)
def test_refused_stories_say_why_and_store_nothing(people, fields, code):
    response = write(client_for(people["author"]), **fields)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code
    assert data["detail"]
    assert "retry_after" in data and "signpost" in data
    assert not Story.objects.exists()


def test_a_refused_cry_for_help_still_gets_its_signpost(people):
    response = write(client_for(people["author"]), title="x" * 151, body=URGENT_TEXT)
    assert response.status_code == 400
    assert response.json()["signpost"]["tier"] == "urgent"
    assert not Story.objects.exists()


def test_a_story_of_exactly_the_limits_is_accepted(people):
    response = write(client_for(people["author"]), title="t" * 150, body="x" * 20_000)
    assert response.status_code == 201


def test_sharing_too_fast_is_429_with_retry_after(people, clock):
    client = client_for(people["author"])
    for n in range(5):
        assert write(client, title=f"Story {n}").status_code == 201
    response = write(client, title="One more")
    assert response.status_code == 429
    data = response.json()
    assert data["code"] == "rate_limited"
    assert int(response["Retry-After"]) == data["retry_after"] > 0
    assert Story.objects.count() == 5
    clock.advance(data["retry_after"] + 1)
    assert write(client, title="Later").status_code == 201


@pytest.mark.parametrize(
    "fields",
    [
        {"tags": ["no-such-milestone"]},
        {"tags": ["setting-a-boundary", "not-a-tag"]},
        {"tags": [*TAG_SLUGS, "one-more"]},
        {"content_warning": "w" * 121},
    ],
)
def test_what_the_service_refuses_is_400_refused_with_its_reason(people, fields):
    response = write(client_for(people["author"]), **fields)
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert response.json()["detail"]
    assert not Story.objects.exists()


def test_all_six_tags_may_be_chosen(people):
    response = write(client_for(people["author"]), tags=TAG_SLUGS)
    assert response.status_code == 201
    assert [tag["slug"] for tag in response.json()["tags"]] == TAG_SLUGS


def test_visitors_cannot_share_a_story(db):
    response = write(client_for(None))
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    assert not Story.objects.exists()


def test_writing_needs_the_csrf_token_with_session_auth(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["author"])
    response = write(client)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Story.objects.exists()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": "Hi", "body": "Words", "tags": "setting-a-boundary"}, "tags"),
        ({"title": "Hi", "body": "Words", "tags": [1]}, "tags"),
        ({"title": "Hi", "body": "Words", "tags": [["setting-a-boundary"]]}, "tags"),
        ({"title": "Hi", "body": "Words", "tags": None}, "tags"),
        ({"title": "Hi", "body": "Words", "audience": "public"}, "audience"),
        ({"title": "Hi", "body": "Words", "audience": ["everyone"]}, "audience"),
        ({"title": "Hi", "body": "Words", "is_anonymous": "maybe"}, "is_anonymous"),
        ({"title": "Hi", "body": "Words", "send_for_review": "perhaps"}, "send_for_review"),
        ({"title": "Hi", "body": "Words", "content_warning": {"a": 1}}, "content_warning"),
        ({"title": "Hi", "body": 5}, "body"),
        ({"title": "Hi", "body": None}, "body"),
        ({"title": 7, "body": "Words"}, "title"),
        ({"title": "Hi"}, "body"),
        ({"body": "Words"}, "title"),
        ([{"title": "Hi", "body": "Words"}], "non_field_errors"),
    ],
)
def test_sharing_refuses_wrong_types_and_missing_fields(people, payload, field):
    response = send(client_for(people["author"]), "post", STORIES, payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"tags": "setting-a-boundary"}, "tags"),
        ({"audience": "public"}, "audience"),
        ({"is_anonymous": "maybe"}, "is_anonymous"),
        ({"title": 7}, "title"),
        ({"body": None}, "body"),
    ],
)
def test_editing_refuses_wrong_types_and_changes_nothing(people, payload, field):
    story = make_story(people["author"], state=Story.State.DRAFT)
    response = send(client_for(people["author"]), "patch", story_url(story), payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    story.refresh_from_db()
    assert story.state == Story.State.DRAFT
    assert story.title == "Calmer when waiting"


def test_malformed_json_is_400(people):
    response = send(client_for(people["author"]), "post", STORIES, '{"title": "unterminated')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_larger_than_the_server_accepts_is_413(people, settings):
    story = make_story(people["author"], state=Story.State.SUBMITTED)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    attempts = [
        (people["author"], "post", STORIES, {"title": "Hi", "body": huge}),
        (people["author"], "patch", story_url(story), {"body": huge}),
        (people["moderator"], "post", story_url(story, "approve/"), {"note": huge}),
        (people["moderator"], "post", story_url(story, "return/"), {"note": huge}),
        (people["moderator"], "post", story_url(story, "remove/"), {"reason": huge}),
        (people["moderator"], "post", story_url(story, "feature/"), {"pad": huge}),
    ]
    for person, method, url, body in attempts:
        response = send(client_for(person), method, url, body)
        assert response.status_code == 413, url
        assert response.json()["code"] == "too_large"
    assert Story.objects.count() == 1
    story.refresh_from_db()
    assert story.state == Story.State.SUBMITTED
    assert story.body == "I noticed the panic, breathed, and went for a walk."


BAD_IDS = ["0", "-1", "abc", "1.5", "1e3", str(2**63), str(2**63 - 1), str(2**64), "9" * 40]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_unknown_and_junk_ids_are_404_never_500(people, bad):
    for person in (people["moderator"], people["author"]):
        client = client_for(person)
        for method, url, body in [
            ("get", story_url(bad), None),
            ("patch", story_url(bad), {"title": "Hi"}),
            ("delete", story_url(bad), None),
            ("put", story_url(bad, "hope/"), None),
            ("delete", story_url(bad, "hope/"), None),
            ("post", story_url(bad, "approve/"), {}),
            ("post", story_url(bad, "return/"), {"note": "Please"}),
            ("post", story_url(bad, "remove/"), {"reason": "Spam"}),
            ("post", story_url(bad, "feature/"), {"featured": True}),
        ]:
            response = send(client, method, url, body)
            assert response.status_code == 404, (method, url, response.content)
            assert response.json()["code"] == "not_found"
