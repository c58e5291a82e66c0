"""The HTML door of success stories, reading side: the list with its milestone filter and
pagination, a story's page, the Atom feed, the home page's featured stories and the
notifications list; who sees what (audience), how authors are named (anonymity), and that
nothing unpublished leaks to anyone but its author and the moderators on any page.

Writing, reviewing and reacting through the pages are in test_story_views_actions.py;
query-count pins in test_story_views_queries.py."""

from __future__ import annotations

import html
import itertools
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from community.models import Notification, Story, StoryReaction, StoryTag, state_status
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
_clock = itertools.count(1)


def make_story(
    author,
    *,
    title: str = "Calmer when the phone is quiet",
    body: str = "I noticed the panic, breathed, and went for a walk.",
    state: str = Story.State.PUBLISHED,
    audience: str = Story.Audience.EVERYONE,
    tags=(),
    **extra,
) -> Story:
    """A story as the services would leave it in `state` (test data, not a door). Later
    stories are published later, so lists show them first."""
    now = timezone.now() - timedelta(days=1) + timedelta(seconds=next(_clock))
    extra.setdefault("status", state_status(state))
    story = Story.objects.create(
        author=author,
        title=title,
        body=body,
        body_html=f"<p>{html.escape(body)}</p>",
        state=state,
        audience=audience,
        submitted_at=None if state == Story.State.DRAFT else now,
        published_at=now if state == Story.State.PUBLISHED else None,
        **extra,
    )
    if tags:
        story.tags.set(StoryTag.objects.filter(slug__in=tags))
    return story


def client_for(person) -> Client:
    client = Client()
    if person is not None and getattr(person, "is_authenticated", False):
        client.force_login(person)
    return client


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def get_text(person, url: str) -> str:
    response = client_for(person).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return page_text(response)


def words(text: str) -> str:
    """Page text without tags and with single spaces, as a reader would read it."""
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def textarea(response, name: str = "body") -> str:
    match = re.search(
        rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S
    )
    assert match, f"no {name} textarea"
    return html.unescape(match.group(1))


def input_value(response, name: str) -> str:
    match = re.search(
        rf'<input type="text" name="{name}"[^>]*?value="([^"]*)"', response.content.decode()
    )
    return html.unescape(match.group(1)) if match else ""


def checked_values(response, name: str) -> set[str]:
    """The values of the checked checkboxes or radio buttons called `name`."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode())
    chosen = set()
    for tag in inputs:
        if re.search(r"\schecked\b", tag):
            value = re.search(r'value="([^"]*)"', tag)
            chosen.add(html.unescape(value.group(1)) if value else "on")
    return chosen


def form_errors(response) -> str:
    match = re.search(
        r'<div[^>]*id="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return html.unescape(match.group(1)) if match else ""


def story_url(story: Story) -> str:
    return f"/stories/{story.pk}/"


def feed_entries(person=None) -> list[dict]:
    response = client_for(person).get("/stories/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def author(db):
    return MemberFactory(pseudonym="Ari Author")


@pytest.fixture
def reader(db):
    return MemberFactory(pseudonym="Rowan Reader")


# --- the pages render -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["visitor", "member", "author", "moderator"])
def test_story_pages_render_for_every_role(author, reader, moderator, role):
    person = {"visitor": None, "member": reader, "author": author, "moderator": moderator}[role]
    story = make_story(author, tags=["started-therapy"])
    for url in ("/stories/", "/stories/?tag=started-therapy", "/stories/?page=1", story_url(story)):
        text = get_text(person, url)
        assert "Get help now" in text
        assert "Calmer when the phone is quiet" in text


def test_stories_link_is_in_the_navigation_and_marked_current_on_story_pages(author):
    story = make_story(author)
    home = client_for(None).get("/").content.decode()
    assert '<a href="/stories/">Stories</a>' in home
    for url in ("/stories/", story_url(story)):
        assert '<a href="/stories/" aria-current="page">Stories</a>' in (
            client_for(None).get(url).content.decode()
        )
    forums = client_for(None).get("/forums/").content.decode()
    assert '<a href="/stories/">Stories</a>' in forums


def test_list_cards_show_title_author_tags_hope_count_and_date(author, reader, moderator):
    story = make_story(
        author,
        title="I asked for what I needed",
        body="I said it plainly and the sky did not fall.",
        tags=["asked-for-what-i-need", "kinder-self-talk"],
    )
    StoryReaction.objects.create(member=reader, story=story)
    StoryReaction.objects.create(member=moderator, story=story)
    response = client_for(None).get("/stories/")
    text = page_text(response)
    assert f'href="{story_url(story)}"' in text
    assert "by Ari Author" in text
    assert "Asked for what I need" in text
    assert "Kinder self-talk" in text
    assert "2 people found hope in this" in text
    assert "I said it plainly and the sky did not fall." in text
    assert story.published_at.strftime("%Y-%m-%d") in text
    one = make_story(author, title="Another one")
    StoryReaction.objects.create(member=reader, story=one)
    assert "1 person found hope in this" in get_text(None, "/stories/")


def test_a_content_warning_shows_as_a_label_instead_of_the_excerpt(author):
    make_story(author, body="The words behind the warning", content_warning="mentions of grief")
    text = get_text(None, "/stories/")
    assert "Content warning: mentions of grief" in text
    assert "The words behind the warning" not in text


def test_story_page_hides_a_warned_story_inside_a_closed_details(author):
    story = make_story(author, body="The words behind the warning", content_warning="grief")
    content = client_for(None).get(story_url(story)).content.decode()
    match = re.search(r"<details class=\"content-warning\">(.*?)</details>", content, re.S)
    assert match, "no details element"
    assert "Content warning: grief" in match.group(1)
    assert "The words behind the warning" in match.group(1)
    assert '<details class="content-warning" open' not in content


def test_the_list_links_to_the_atom_feed_in_the_head_and_the_page(author):
    content = client_for(None).get("/stories/").content.decode()
    head = content.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml" href="/stories/feed/"' in head
    assert 'href="/stories/feed/"' in content.split("</head>")[1]


def test_members_see_share_your_story_and_visitors_a_log_in_link(author):
    member_page = get_text(author, "/stories/")
    assert 'href="/stories/new/"' in member_page
    assert "Share your story" in member_page
    visitor_page = get_text(None, "/stories/")
    assert "Log in to share your story" in visitor_page
    assert "/accounts/login/?next=/stories/new/" in visitor_page
    assert 'href="/stories/new/"' not in visitor_page


# --- audience ---------------------------------------------------------------------------------


def test_visitors_never_see_a_members_only_story_on_any_page(author, reader, moderator):
    members_only = make_story(
        author,
        title="Only for members: juniper",
        body="juniper words",
        audience=Story.Audience.MEMBERS,
        tags=["setting-a-boundary"],
        is_featured=True,
    )
    public = make_story(author, title="For everyone: marigold", is_featured=True)
    visitor = client_for(None)
    for url in ("/stories/", "/stories/?tag=setting-a-boundary", "/", "/stories/feed/"):
        content = visitor.get(url).content.decode()
        assert "juniper" not in content, url
    assert visitor.get(story_url(members_only)).status_code == 404
    assert "For everyone: marigold" in page_text(visitor.get("/stories/"))
    assert "For everyone: marigold" in page_text(visitor.get("/"))
    assert visitor.get(story_url(public)).status_code == 200

    for person in (reader, moderator):
        for url in ("/stories/", "/stories/?tag=setting-a-boundary", "/", story_url(members_only)):
            assert "Only for members: juniper" in get_text(person, url), url
    # The feed is public: it carries only stories meant for visitors, whoever reads it.
    titles = [entry["title"] for entry in feed_entries(reader)]
    assert titles == ["For everyone: marigold"]


def test_visitor_who_opens_a_members_only_story_gets_the_same_404_as_a_missing_one(author):
    members_only = make_story(author, audience=Story.Audience.MEMBERS)
    visitor = client_for(None)
    hidden = visitor.get(story_url(members_only))
    missing = visitor.get("/stories/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert page_text(hidden) == page_text(missing)


# --- anonymity --------------------------------------------------------------------------------


def test_anonymous_story_shows_anonymous_member_everywhere_to_others(author, reader, moderator):
    story = make_story(author, title="Said without my name", is_anonymous=True, is_featured=True)
    for person in (None, reader):
        for url in ("/stories/", story_url(story), "/"):
            content = client_for(person).get(url).content.decode()
            assert "Said without my name" in content, url
            assert "Anonymous member" in content, url
            assert "Ari Author" not in content, url
    feed = client_for(None).get("/stories/feed/").content.decode()
    assert "Ari Author" not in feed
    assert [entry["author"] for entry in feed_entries()] == ["Anonymous member"]


def test_moderators_see_who_wrote_an_anonymous_story_and_the_author_sees_it_is_them(
    author, moderator
):
    story = make_story(author, is_anonymous=True, is_featured=True)
    for url in ("/stories/", story_url(story), "/"):
        assert "Ari Author (shared anonymously)" in get_text(moderator, url), url
        assert "You (anonymous to others)" in get_text(author, url), url


def test_named_story_shows_the_pseudonym_in_the_feed(author):
    make_story(author, title="With my name")
    assert feed_entries() == [
        {
            "title": "With my name",
            "author": "Ari Author",
            "summary": "<p>I noticed the panic, breathed, and went for a walk.</p>",
            "link": f"http://testserver{story_url(Story.objects.get())}",
        }
    ]


def test_feed_gives_only_title_and_warning_for_a_warned_story(author):
    make_story(author, title="Hard <b>bits</b>", body="secret heavy words", content_warning="abuse")
    [entry] = feed_entries()
    assert entry["title"] == "Hard <b>bits</b>"  # plain text in the feed, escaped as XML
    assert "secret heavy words" not in entry["summary"]
    assert entry["summary"] == "<p>Hard &lt;b&gt;bits&lt;/b&gt;</p><p>Content warning: abuse</p>"


def test_feed_passes_the_security_headers_and_is_well_formed(author):
    make_story(author)
    response = client_for(None).get("/stories/feed/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    ElementTree.fromstring(response.content)


def test_feed_is_empty_but_valid_without_public_stories(author):
    make_story(author, audience=Story.Audience.MEMBERS)
    assert feed_entries() == []


# --- nothing unpublished leaks ----------------------------------------------------------------

UNPUBLISHED = {
    Story.State.DRAFT: "draftword",
    Story.State.SUBMITTED: "waitingword",
    Story.State.RETURNED: "returnedword",
    Story.State.REMOVED: "removedword",
    Story.State.DELETED: "deletedword",
}


@pytest.fixture
def unpublished(author):
    """A story by `author` in every state but published, each with a word of its own in its
    title and text, all tagged, featured and meant for visitors (as if a bug had set them)."""
    stories = {
        state: make_story(
            author,
            title=f"Title {word}",
            body=f"Body {word}",
            state=state,
            tags=["kinder-self-talk"],
            is_featured=True,
            return_note="Please change one thing" if state == Story.State.RETURNED else "",
        )
        for state, word in UNPUBLISHED.items()
    }
    # Taken down by a moderator a moment ago: the status changed, the state follows on commit.
    stories["status_removed"] = make_story(
        author,
        title="Title halfremovedword",
        body="Body halfremovedword",
        status="removed",
        tags=["kinder-self-talk"],
        is_featured=True,
    )
    return stories


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_nothing_unpublished_shows_to_others_on_any_page(unpublished, reader, role):
    person = reader if role == "member" else None
    client = client_for(person)
    words = [*UNPUBLISHED.values(), "halfremovedword"]
    for url in ("/stories/", "/stories/?tag=kinder-self-talk", "/", "/stories/feed/"):
        content = client.get(url).content.decode()
        for word in words:
            assert word not in content, (url, word)
    for story in unpublished.values():
        for url in (
            story_url(story),
            f"{story_url(story)}edit/",
            f"{story_url(story)}delete/",
        ):
            assert client.get(url).status_code == 404, url
        for url in (f"{story_url(story)}hope/", f"{story_url(story)}review/"):
            assert client.post(url, {"action": "approve"}).status_code == 404, url
    if person is not None:
        mine = get_text(person, "/stories/mine/")
        for word in words:
            assert word not in mine
    assert client.get("/stories/review/").status_code == 404


def test_the_author_sees_each_unpublished_story_with_its_state(unpublished, author):
    banners = {
        Story.State.DRAFT: "Draft: only you can see it.",
        Story.State.SUBMITTED: (
            "Awaiting review: a moderator reads every story before others can see it."
        ),
        Story.State.RETURNED: "Returned to you: Please change one thing",
        Story.State.REMOVED: "Removed:",
        Story.State.DELETED: "You deleted this story. Nobody else can see it.",
    }
    for state, banner in banners.items():
        assert banner in words(get_text(author, story_url(unpublished[state]))), state
    assert "Removed:" in get_text(author, story_url(unpublished["status_removed"]))
    public = get_text(author, "/stories/")
    for word in UNPUBLISHED.values():
        assert word not in public  # the list is what others read; "My stories" has the rest
    mine = words(get_text(author, "/stories/mine/"))
    for state, word in UNPUBLISHED.items():
        assert (word in mine) is (state != Story.State.DELETED), state
    assert "Returned to you: Please change one thing" in mine
    for state in (Story.State.DRAFT, Story.State.SUBMITTED, Story.State.RETURNED):
        assert str(Story.State(state).label) in mine, state
    assert "Only you can see it." in mine


def test_moderators_see_every_story_but_the_list_shows_only_published_ones(unpublished, moderator):
    for story in unpublished.values():
        assert client_for(moderator).get(story_url(story)).status_code == 200
    listing = get_text(moderator, "/stories/")
    for word in UNPUBLISHED.values():
        assert word not in listing
    queue = get_text(moderator, "/stories/review/")
    assert "waitingword" in queue
    for word in ("draftword", "returnedword", "removedword", "deletedword"):
        assert word not in queue


def test_review_queue_lists_waiting_stories_oldest_first_for_moderators_only(
    author, reader, moderator
):
    first = make_story(author, title="First sent", state=Story.State.SUBMITTED)
    second = make_story(author, title="Second sent", state=Story.State.SUBMITTED, is_anonymous=True)
    Story.objects.filter(pk=first.pk).update(submitted_at=second.submitted_at - timedelta(hours=1))
    text = get_text(moderator, "/stories/review/")
    assert text.index("First sent") < text.index("Second sent")
    assert f'href="{story_url(first)}#review"' in text
    assert "Ari Author (shared anonymously)" in text
    for person in (None, reader, author):
        assert client_for(person).get("/stories/review/").status_code == 404


def test_my_stories_asks_a_visitor_to_log_in():
    response = client_for(None).get("/stories/mine/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/stories/mine/"


# --- the tag filter and pagination ------------------------------------------------------------


def test_tag_filter_shows_only_that_milestone_and_marks_it_current(author):
    make_story(author, title="Boundary story", tags=["setting-a-boundary"])
    make_story(author, title="Therapy story", tags=["started-therapy"])
    content = client_for(None).get("/stories/?tag=started-therapy").content.decode()
    text = html.unescape(content)
    assert "Therapy story" in text
    assert "Boundary story" not in text
    assert '<a class="tag" href="/stories/?tag=started-therapy" aria-current="page">' in content
    assert '<a class="tag" href="/stories/" aria-current="page">' not in content
    everything = client_for(None).get("/stories/").content.decode()
    assert '<a class="tag" href="/stories/" aria-current="page">All stories</a>' in everything
    for tag in StoryTag.objects.all():
        assert f'href="/stories/?tag={tag.slug}"' in everything


def test_unknown_tag_is_404():
    assert client_for(None).get("/stories/?tag=no-such-milestone").status_code == 404
    assert client_for(None).get("/stories/?tag=<script>").status_code == 404


@pytest.mark.parametrize(("count", "pages"), [(12, 1), (13, 2)])
def test_the_list_holds_twelve_stories_a_page(author, count, pages):
    for number in range(count):
        make_story(author, title=f"Story number {number:02d}", tags=["kinder-self-talk"])
    client = client_for(None)
    first = page_text(client.get("/stories/"))
    assert first.count('class="story-card"') == 12
    assert f"Story number {count - 1:02d}" in first  # newest first
    assert client.get(f"/stories/?page={pages + 1}").status_code == 404
    if pages == 2:
        second = page_text(client.get("/stories/?page=2"))
        assert "Story number 00" in second
        assert "Story number 00" not in first
        assert "Page 2 of 2" in second
        tagged = client.get("/stories/?tag=kinder-self-talk").content.decode()
        assert 'href="?tag=kinder-self-talk&amp;page=2"' in tagged
        assert client.get("/stories/?tag=kinder-self-talk&page=2").status_code == 200
    for page in ("0", "-1", "abc", "1.5", "99999999999999999999"):
        assert client.get(f"/stories/?page={page}").status_code == 404, page
    assert client.get("/stories/?page=").status_code == 200


def test_empty_list_has_a_kind_message():
    assert "Yours could be the first to give someone hope." in get_text(None, "/stories/")
    assert "No stories with this milestone yet." in get_text(None, "/stories/?tag=started-therapy")


def test_unknown_and_out_of_range_ids_are_404_never_500(author):
    make_story(author)
    client = client_for(author)
    for bad in ("999999", str(2**63 - 1), str(2**63), "99999999999999999999999999"):
        for url in (f"/stories/{bad}/", f"/stories/{bad}/edit/", f"/stories/{bad}/delete/"):
            assert client.get(url).status_code == 404, url
        for url in (
            f"/stories/{bad}/hope/",
            f"/stories/{bad}/review/",
            f"/stories/{bad}/edit/",
            f"/stories/{bad}/delete/",
        ):
            assert client.post(url, {"action": "add", "title": "t", "body": "b"}).status_code == 404
    for url in ("/stories/abc/", "/stories/-1/", "/stories/0/", "/stories/1.5/"):
        assert client.get(url).status_code == 404, url


# --- escaping ---------------------------------------------------------------------------------


def test_titles_notes_warnings_and_labels_are_plain_text(author, moderator):
    story = make_story(
        author,
        title="<script>alert(1)</script> title",
        content_warning="<img src=x onerror=alert(2)>",
        is_featured=True,
    )
    returned = make_story(
        author,
        title="Returned <b>one</b>",
        state=Story.State.RETURNED,
        return_note="<script>alert(3)</script> please",
    )
    Notification.objects.create(
        recipient=author, kind=Notification.Kind.STORY_RETURNED, story=returned
    )
    for person, urls in (
        (None, ["/stories/", story_url(story), "/"]),
        (author, [story_url(returned), "/stories/mine/", "/notifications/", "/stories/"]),
        (moderator, [story_url(returned), story_url(story)]),
    ):
        for url in urls:
            content = client_for(person).get(url).content.decode()
            assert "<script" not in content, url
            assert "<img" not in content, url
            assert "<b>one</b>" not in content, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in (
        client_for(None).get("/stories/").content.decode()
    )


# --- notifications ----------------------------------------------------------------------------


def test_story_notifications_link_to_the_story_and_leave_reply_rows_alone(author, reader):
    published = make_story(author, title="Now published")
    returned = make_story(author, title="Back to me", state=Story.State.RETURNED)
    Notification.objects.create(
        recipient=author, kind=Notification.Kind.STORY_PUBLISHED, story=published
    )
    Notification.objects.create(
        recipient=author, kind=Notification.Kind.STORY_RETURNED, story=returned
    )
    response = client_for(author).get("/notifications/")
    content = response.content.decode()
    text = page_text(response)
    assert f'<a href="{story_url(published)}">' in content
    assert "Your story “Now published” was published" in text
    assert f'<a href="{story_url(returned)}">' in content
    assert "Your story “Back to me” was returned to you with a note" in text
    assert "Notifications (2" in text
    other = get_text(reader, "/notifications/")
    assert "Now published" not in other
    assert "Back to me" not in other
    assert "Notifications (0" in other
