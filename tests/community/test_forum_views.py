"""The HTML door of the forums: every page for every role, the visibility matrix on pages,
the pipeline's answers (held, refused with the text kept, signposted), anonymity, content
warnings, escaping, CSRF, pagination edges and bad ids.

Actions (reactions, reports, follows, moderators' buttons, editing) are in
test_forum_views_actions.py; query-count pins in test_forum_views_queries.py."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from community.models import Category, Notification, Post, Thread
from moderation.models import ContentStatus
from tests.community.forum_helpers import forum_world, make_category, make_post, make_thread
from tests.factories import MemberFactory, WatchedWordFactory
from tests.moderation.conftest import CONCERN_TEXT

pytestmark = pytest.mark.django_db

KINDS = ("public", "members", "group")
ROLES = ("visitor", "member", "group_member", "moderator")
# Who may read each kind of category, among the roles above.
READERS = {
    "public": set(ROLES),
    "members": {"member", "group_member", "moderator"},
    "group": {"group_member", "moderator"},
}
AWAITING = "Awaiting review: only you and the moderators can see this for now."
HELD_NOTICE = "A moderator will read this before other members can see it."
SIGNPOST_TEXT = "It sounds like things feel really heavy at the moment."


def settled(**extra):
    """A member who joined a month ago: new-member rules don't apply."""
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def client_for(person) -> Client:
    client = Client()
    if person is not None and getattr(person, "is_authenticated", False):
        client.force_login(person)
    return client


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def textarea(response, name: str = "body") -> str:
    """What a textarea holds, as the browser would show it."""
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


def form_errors(response) -> str:
    match = re.search(
        r'<div[^>]*id="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return html.unescape(match.group(1)) if match else ""


def thread_url(thread) -> str:
    return f"/forums/threads/{thread.pk}/"


def category_url(category) -> str:
    return f"/forums/{category.slug}/"


@pytest.fixture
def world(db):
    return forum_world()


@pytest.fixture
def public(db):
    return make_category(Category.Visibility.PUBLIC, name="Quiet corner", slug="quiet-corner")


@pytest.fixture
def writer(db):
    return settled(pseudonym="Wren Writer")


@pytest.fixture
def reader_member(db):
    return settled(pseudonym="Rowan Reader")


def actor(world, role: str):
    return world.actors[role]


# --- every page renders for those who may see it ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_forum_index_category_thread_and_search_pages_render_for_every_role(world, role):
    client = client_for(actor(world, role))
    thread = world.threads["public"]
    for url in (
        "/forums/",
        category_url(world.categories["public"]),
        thread_url(thread),
        f"{thread_url(thread)}?page=1",
        "/forums/search/",
        "/forums/search/?q=marigold",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Get help now" in page_text(response)
    searched = client.post("/forums/search/", {"q": "marigold"})
    assert searched.status_code == 200
    assert "Get help now" in page_text(searched)


def test_forums_link_is_in_the_navigation_and_marked_current_on_forum_pages(world):
    client = client_for(None)
    home = client.get("/").content.decode()
    assert '<a href="/forums/">Forums</a>' in home
    forums = client.get("/forums/").content.decode()
    assert '<a href="/forums/" aria-current="page">Forums</a>' in forums


def test_visitor_sees_log_in_links_instead_of_forms(world):
    client = client_for(None)
    category = client.get(category_url(world.categories["public"]))
    assert "Log in to start a thread" in page_text(category)
    assert "Start a thread</a>" not in page_text(category)
    thread = client.get(thread_url(world.threads["public"]))
    text = page_text(thread)
    assert "Log in to reply" in text
    assert f"/accounts/login/?next={thread_url(world.threads['public'])}" in text
    assert 'name="body"' not in text
    assert "Notifications (" not in text


def test_member_sees_the_start_link_the_reply_form_and_the_bell(world):
    client = client_for(world.actors["member"])
    category = page_text(client.get(category_url(world.categories["public"])))
    assert f'href="/forums/{world.categories["public"].slug}/new/"' in category
    thread = client.get(thread_url(world.threads["public"]))
    assert '<label for="id_body">Your reply</label>' in thread.content.decode()
    assert "Notifications (0" in page_text(thread)


def test_visitor_writing_is_sent_to_log_in_and_back(world):
    client = client_for(None)
    thread = world.threads["public"]
    new = client.get(f"/forums/{world.categories['public'].slug}/new/")
    assert new.status_code == 302
    assert new["Location"].startswith("/accounts/login/?next=/forums/")
    reply = client.post(f"{thread_url(thread)}reply/", {"body": "Hello"})
    assert reply.status_code == 302
    assert reply["Location"] == f"/accounts/login/?next={thread_url(thread)}"
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/")
    assert not Post.objects.filter(body="Hello").exists()


# --- the visibility matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_pages_show_a_category_only_to_those_who_may_read_it(world, role, kind):
    client = client_for(actor(world, role))
    may_read = role in READERS[kind]
    category = world.categories[kind]
    thread, post = world.threads[kind], world.posts[kind]
    word, reply_word = world.words[kind], world.reply_words[kind]

    index = page_text(client.get("/forums/"))
    assert (f'href="/forums/{category.slug}/"' in index) is may_read

    responses = [
        client.get(category_url(category)),
        client.get(thread_url(thread)),
        client.get(f"/forums/posts/{post.pk}/"),
    ]
    if may_read:
        assert [r.status_code for r in responses] == [200, 200, 302]
        assert word in page_text(responses[0])
        assert reply_word in page_text(responses[1])
        assert responses[2]["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    else:
        assert [r.status_code for r in responses] == [404, 404, 404]
        for response in responses:
            assert word not in page_text(response)
            assert reply_word not in page_text(response)

    for query in (word, reply_word):
        results = page_text(client.post("/forums/search/", {"q": query}))
        assert (f"Thread about {word}" in results) is may_read, query


@pytest.mark.parametrize("role", ROLES)
def test_write_pages_of_unreadable_categories_are_404(world, role):
    client = client_for(actor(world, role))
    for kind in KINDS:
        if role in READERS[kind]:
            continue
        thread, post = world.threads[kind], world.posts[kind]
        for url in (
            f"/forums/{world.categories[kind].slug}/new/",
            f"{thread_url(thread)}edit/",
            f"{thread_url(thread)}report/",
            f"{thread_url(thread)}history/",
            f"/forums/posts/{post.pk}/edit/",
            f"/forums/posts/{post.pk}/report/",
        ):
            assert client.get(url).status_code == 404, url
        for url in (f"{thread_url(thread)}reply/", f"/forums/posts/{post.pk}/react/"):
            response = client.post(url, {"body": "sneaking in", "kind": "hug"})
            assert response.status_code == 404, url
    assert not Post.objects.filter(body="sneaking in").exists()


@pytest.mark.parametrize("role", ("member", "group_member", "moderator"))
def test_notifications_list_and_bell_show_only_readable_categories(world, role):
    person = actor(world, role)
    for kind in KINDS:
        Notification.objects.create(
            recipient=person,
            kind=Notification.Kind.REPLY,
            thread=world.threads[kind],
            post=world.posts[kind],
        )
    client = client_for(person)
    response = client.get("/notifications/")
    assert response.status_code == 200
    text = page_text(response)
    readable = [kind for kind in KINDS if role in READERS[kind]]
    for kind in KINDS:
        assert (f"Thread about {world.words[kind]}" in text) is (kind in readable), kind
        assert (f'href="/forums/posts/{world.posts[kind].pk}/"' in text) is (kind in readable)
    assert f"Notifications ({len(readable)}" in text


def test_group_forum_shortcut_is_for_group_members_and_moderators_only(world):
    url = f"/groups/{world.group.slug}/forum/"
    expected = f"/forums/{world.categories['group'].slug}/"
    for role in ("group_member", "moderator", "facilitator"):
        response = client_for(actor(world, role)).get(url)
        assert response.status_code == 302, role
        assert response["Location"] == expected
    for role in ("visitor", "member", "left_member", "requested_member"):
        assert client_for(actor(world, role)).get(url).status_code == 404, role
    assert client_for(None).get("/groups/no-such-group/forum/").status_code == 404


def test_group_page_links_to_its_forum_for_those_who_may_read_it(world):
    url = f"/groups/{world.group.slug}/"
    link = f'href="/groups/{world.group.slug}/forum/"'
    for role in ("group_member", "moderator"):
        assert link in client_for(actor(world, role)).get(url).content.decode(), role
    for role in ("visitor", "member", "requested_member"):
        assert link not in client_for(actor(world, role)).get(url).content.decode(), role


def test_group_forum_is_created_on_a_members_first_visit(db):
    from tests.factories import GroupFactory, MembershipFactory

    group = GroupFactory(slug="new-circle")
    person = settled()
    MembershipFactory(group=group, member=person)
    assert not Category.objects.filter(group=group).exists()
    assert client_for(None).get("/groups/new-circle/forum/").status_code == 404
    assert not Category.objects.filter(group=group).exists()
    response = client_for(person).get("/groups/new-circle/forum/")
    assert response.status_code == 302
    assert client_for(person).get(response["Location"]).status_code == 200


# --- held content -------------------------------------------------------------------------------


def test_held_thread_is_shown_to_its_author_awaiting_review_and_hidden_from_others(
    public, writer, reader_member, moderator
):
    held = make_thread(public, writer, title="Held thread title", status=ContentStatus.HELD)
    mine = page_text(client_for(writer).get(category_url(public)))
    assert "Held thread title" in mine
    assert AWAITING in mine
    own_thread = page_text(client_for(writer).get(thread_url(held)))
    assert AWAITING in own_thread
    assert "Replies open once a moderator has read this thread." in own_thread

    for person in (reader_member, None):
        client = client_for(person)
        assert "Held thread title" not in page_text(client.get(category_url(public)))
        response = client.get(thread_url(held))
        assert response.status_code == 404
        assert "Held thread title" not in page_text(response)
        assert "Held thread title" not in page_text(
            client.post("/forums/search/", {"q": "Held thread"})
        )
    assert "Held thread title" in page_text(client_for(moderator).get(category_url(public)))


def test_held_reply_is_shown_to_its_author_awaiting_review_and_hidden_from_others(
    public, writer, reader_member
):
    thread = make_thread(public, writer)
    held = make_post(thread, reader_member, body="A reply still waiting", status="held")
    own = page_text(client_for(reader_member).get(thread_url(thread)))
    assert "A reply still waiting" in own
    assert AWAITING in own
    for person in (writer, None):
        text = page_text(client_for(person).get(thread_url(thread)))
        assert "A reply still waiting" not in text
        assert AWAITING not in text
        assert client_for(person).get(f"/forums/posts/{held.pk}/").status_code == 404


def test_reply_held_by_a_watched_word_tells_the_author_and_waits(public, writer, reader_member):
    WatchedWordFactory(phrase="crystalhealing", action="hold")
    thread = make_thread(public, writer)
    client = client_for(reader_member)
    response = client.post(
        f"{thread_url(thread)}reply/", {"body": "Have you tried crystalhealing?"}
    )
    post = Post.objects.get(thread=thread)
    assert post.status == ContentStatus.HELD
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    page = page_text(client.get(response["Location"]))
    assert HELD_NOTICE in page
    assert AWAITING in page
    assert "crystalhealing" not in page_text(client_for(writer).get(thread_url(thread)))


def test_new_thread_held_tells_the_author_and_shows_it_awaiting_review(public, reader_member):
    WatchedWordFactory(phrase="crystalhealing", action="hold")
    client = client_for(reader_member)
    response = client.post(
        f"/forums/{public.slug}/new/",
        {"title": "A question", "body": "What about crystalhealing?"},
        follow=True,
    )
    thread = Thread.objects.get(title="A question")
    assert thread.status == ContentStatus.HELD
    assert response.redirect_chain[-1][0] == thread_url(thread)
    text = page_text(response)
    assert HELD_NOTICE in text
    assert AWAITING in text


# --- refused text is given back -------------------------------------------------------------


def test_too_long_reply_is_refused_with_the_typed_text_kept(public, writer, reader_member):
    thread = make_thread(public, writer)
    typed = ("Every word I typed matters. " * 800)[:20001]
    assert len(typed) == 20001
    response = client_for(reader_member).post(
        f"{thread_url(thread)}reply/",
        {"body": typed, "content_warning": "long read", "page": "1"},
    )
    assert response.status_code == 400
    assert textarea(response) == typed
    assert input_value(response, "content_warning") == "long read"
    assert "the limit here is 20,000" in form_errors(response)
    assert not Post.objects.filter(thread=thread).exists()


def test_reply_with_a_blocked_word_is_refused_with_the_typed_text_kept(
    public, writer, reader_member
):
    WatchedWordFactory(phrase="bananaphone", action="block", reason="")
    thread = make_thread(public, writer)
    typed = "Call me on the bananaphone\nsecond line of my words"
    response = client_for(reader_member).post(f"{thread_url(thread)}reply/", {"body": typed})
    assert response.status_code == 400
    assert textarea(response) == typed
    assert "This can't be posted as it is" in form_errors(response)
    assert 'id="form-errors"' in response.content.decode()
    assert not Post.objects.filter(thread=thread).exists()


def test_refused_reply_is_shown_again_on_the_page_it_came_from(public, writer, reader_member):
    thread = make_thread(public, writer)
    for number in range(25):
        make_post(thread, writer, body=f"reply number {number}")
    WatchedWordFactory(phrase="bananaphone", action="block")
    client = client_for(reader_member)
    on_page_one = client.post(f"{thread_url(thread)}reply/", {"body": "bananaphone", "page": "1"})
    assert on_page_one.status_code == 400
    assert "reply number 0" in page_text(on_page_one)
    for junk in ("abc", "99"):
        last = client.post(f"{thread_url(thread)}reply/", {"body": "bananaphone", "page": junk})
        assert last.status_code == 400
        assert "reply number 24" in page_text(last)
        assert textarea(last) == "bananaphone"


def test_new_thread_refused_keeps_title_body_and_warning(public, reader_member):
    client = client_for(reader_member)
    typed = {"title": "", "body": "Words without a title", "content_warning": "grief"}
    response = client.post(f"/forums/{public.slug}/new/", typed)
    assert response.status_code == 400
    assert "Please give your thread a title." in form_errors(response)
    assert textarea(response) == typed["body"]
    assert input_value(response, "content_warning") == "grief"

    typed = {"title": "Long body", "body": "x" * 20001, "content_warning": "grief"}
    response = client.post(f"/forums/{public.slug}/new/", typed)
    assert response.status_code == 400
    assert input_value(response, "title") == "Long body"
    assert textarea(response) == typed["body"]
    assert not Thread.objects.filter(category=public).exists()


def test_too_long_content_warning_is_refused_with_everything_kept(public, reader_member):
    typed = {"title": "A title", "body": "Some words", "content_warning": "w" * 121}
    response = client_for(reader_member).post(f"/forums/{public.slug}/new/", typed)
    assert response.status_code == 400
    assert "content warning to 120 characters" in form_errors(response)
    assert input_value(response, "content_warning") == "w" * 121
    assert textarea(response) == "Some words"


@override_settings(MODERATION_RATE_LIMITS={"chat": (20, 30), "posts": (1, 600), "profile": (9, 9)})
def test_posting_too_fast_is_429_with_retry_after_and_the_text_kept(public, writer, reader_member):
    thread = make_thread(public, writer)
    client = client_for(reader_member)
    assert client.post(f"{thread_url(thread)}reply/", {"body": "first"}).status_code == 302
    response = client.post(f"{thread_url(thread)}reply/", {"body": "second, typed with care"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert textarea(response) == "second, typed with care"
    assert "posting faster than we allow" in form_errors(response)

    response = client.post(
        f"/forums/{public.slug}/new/", {"title": "Too soon", "body": "new thread words"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert textarea(response) == "new thread words"


# --- signposts ----------------------------------------------------------------------------------


def test_signpost_is_shown_once_to_the_author_after_posting_concern(public, writer, reader_member):
    thread = make_thread(public, writer)
    client = client_for(reader_member)
    response = client.post(f"{thread_url(thread)}reply/", {"body": CONCERN_TEXT}, follow=True)
    assert response.status_code == 200
    text = page_text(response)
    assert SIGNPOST_TEXT in text
    assert 'id="signpost"' in text
    assert CONCERN_TEXT in text  # concern is published: peer support helps
    assert SIGNPOST_TEXT not in page_text(client.get(thread_url(thread)))
    assert SIGNPOST_TEXT not in page_text(client_for(writer).get(thread_url(thread)))


def test_signpost_is_shown_after_starting_a_thread_with_concern(public, reader_member):
    response = client_for(reader_member).post(
        f"/forums/{public.slug}/new/", {"title": "Heavy days", "body": CONCERN_TEXT}, follow=True
    )
    assert SIGNPOST_TEXT in page_text(response)


# --- anonymity ----------------------------------------------------------------------------------


def test_anonymous_reply_hides_the_pseudonym_from_members_but_not_moderators(
    public, writer, reader_member, moderator, django_capture_on_commit_callbacks
):
    thread = make_thread(public, writer, title="Who wrote this")
    client_for(writer).post(f"{thread_url(thread)}follow/", {"action": "follow"})
    secret = settled(pseudonym="Secretive Sparrow")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secret).post(
            f"{thread_url(thread)}reply/", {"body": "I feel the same way", "is_anonymous": "on"}
        )
    assert response.status_code == 302
    post = Post.objects.get(thread=thread)
    assert post.is_anonymous

    for person in (reader_member, writer, None):
        client = client_for(person)
        for content in (
            client.get(thread_url(thread)).content.decode(),
            client.post("/forums/search/", {"q": "same way"}).content.decode(),
        ):
            assert "Secretive Sparrow" not in content
            assert "Anonymous member" in html.unescape(content)
    notifications = client_for(writer).get("/notifications/").content.decode()
    assert "Anonymous member" in html.unescape(notifications)
    assert "Secretive Sparrow" not in notifications

    moderator_view = page_text(client_for(moderator).get(thread_url(thread)))
    assert "Secretive Sparrow (posted anonymously)" in moderator_view
    own_view = page_text(client_for(secret).get(thread_url(thread)))
    assert "You (anonymous to others)" in own_view


def test_anonymous_thread_hides_the_pseudonym_in_the_list(public, reader_member, moderator):
    secret = settled(pseudonym="Secretive Sparrow")
    client_for(secret).post(
        f"/forums/{public.slug}/new/",
        {"title": "Asking quietly", "body": "Is this normal?", "is_anonymous": "on"},
    )
    listing = client_for(reader_member).get(category_url(public)).content.decode()
    assert "Asking quietly" in listing
    assert "Secretive Sparrow" not in listing
    assert "Anonymous member" in html.unescape(listing)
    assert "Secretive Sparrow (posted anonymously)" in page_text(
        client_for(moderator).get(category_url(public))
    )


# --- content warnings ---------------------------------------------------------------------------


CLOSED_WARNING = re.compile(
    r'<details class="content-warning">\s*<summary>Content warning: (?P<warning>[^<]*)'
    r"<span[^>]*>[^<]*</span></summary>\s*"
    r'<div class="post__body">(?P<body>.*?)</div>\s*</details>',
    re.S,
)


def test_content_warning_hides_the_text_in_a_closed_details(public, writer, reader_member):
    response = client_for(writer).post(
        f"/forums/{public.slug}/new/",
        {
            "title": "After the breakup",
            "body": "The hardest night I had.",
            "content_warning": "grief",
        },
        follow=True,
    )
    thread = Thread.objects.get(title="After the breakup")
    client_for(reader_member).post(
        f"{thread_url(thread)}reply/", {"body": "Sending you care.", "content_warning": "loss"}
    )
    content = client_for(None).get(thread_url(thread)).content.decode()
    found = {m["warning"]: m["body"] for m in CLOSED_WARNING.finditer(content)}
    assert "The hardest night I had." in found["grief"]
    assert "Sending you care." in found["loss"]
    assert "<details open" not in content
    assert '<details class="content-warning" open' not in content
    assert response.status_code == 200

    listing = page_text(client_for(None).get(category_url(public)))
    assert "Content warning: grief" in listing
    results = page_text(client_for(None).post("/forums/search/", {"q": "hardest night"}))
    assert "Content warning: grief" in results
    assert "The hardest night I had." not in results


# --- escaping and CSRF --------------------------------------------------------------------------


def test_script_in_a_title_or_body_is_never_sent_unescaped(public, writer, reader_member):
    attack = "<script>alert('x')</script>"
    client = client_for(writer)
    client.post(
        f"/forums/{public.slug}/new/",
        {"title": f"Hello {attack}", "body": f"Body {attack} <img src=x onerror=alert(1)>"},
    )
    thread = Thread.objects.get(category=public)
    client_for(reader_member).post(f"{thread_url(thread)}reply/", {"body": f"Reply {attack}"})
    client_for(reader_member).post(f"{thread_url(thread)}follow/", {"action": "follow"})
    for person in (reader_member, None):
        client = client_for(person)
        for url in (
            category_url(public),
            thread_url(thread),
            f"{thread_url(thread)}?quote=opening",
        ):
            content = client.get(url).content.decode()
            assert "<script" not in content, url
            assert "<img" not in content, url
        for words in ("hello", "reply"):
            content = client.post("/forums/search/", {"q": words}).content.decode()
            assert "<script" not in content, words
            assert "<img" not in content, words
    assert "&lt;script&gt;" in client_for(None).get(thread_url(thread)).content.decode()


def test_posts_without_a_csrf_token_are_refused(public, writer, reader_member):
    thread = make_thread(public, writer)
    post = make_post(thread, writer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader_member)
    for url, data in (
        (f"{thread_url(thread)}reply/", {"body": "no token"}),
        (f"/forums/{public.slug}/new/", {"title": "t", "body": "no token"}),
        (f"/forums/posts/{post.pk}/react/", {"kind": "hug", "action": "add"}),
        (f"{thread_url(thread)}follow/", {"action": "follow"}),
        (f"/forums/posts/{post.pk}/report/", {"reason": "spam"}),
        ("/notifications/read/", {}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert not Post.objects.filter(body="no token").exists()


# --- pagination edges and bad ids ---------------------------------------------------------------


def test_category_pages_404_for_unusable_page_numbers(public, writer):
    for number in range(26):
        make_thread(public, writer, title=f"Thread number {number}")
    client = client_for(None)
    assert client.get(category_url(public)).status_code == 200
    assert client.get(f"{category_url(public)}?page=2").status_code == 200
    for page in ("0", "-1", "abc", "3", "1.5", "99999999999999999999"):
        assert client.get(f"{category_url(public)}?page={page}").status_code == 404, page


@pytest.mark.parametrize(("replies", "pages"), [(20, 1), (21, 2)])
def test_thread_pages_hold_twenty_replies(public, writer, replies, pages):
    thread = make_thread(public, writer, title="Counting replies", body="The opening words")
    for number in range(replies):
        make_post(thread, writer, body=f"reply number {number:02d}")
    client = client_for(None)
    first = page_text(client.get(thread_url(thread)))
    assert "The opening words" in first
    assert "reply number 19" in first
    assert client.get(f"{thread_url(thread)}?page={pages + 1}").status_code == 404
    if pages == 2:
        second = client.get(f"{thread_url(thread)}?page=2")
        assert second.status_code == 200
        text = page_text(second)
        assert "Counting replies" in text
        assert "The opening words" not in text
        assert "reply number 20" in text
        assert "reply number 19" not in text
        assert "Page 2 of 2" in text
        last = Post.objects.get(body="reply number 20")
        assert client.get(f"/forums/posts/{last.pk}/")["Location"] == (
            f"{thread_url(thread)}?page=2#post-{last.pk}"
        )
    for page in ("0", "abc", ""):
        expected = 200 if page == "" else 404
        assert client.get(f"{thread_url(thread)}?page={page}").status_code == expected


def test_unknown_and_out_of_range_ids_are_404_never_500(public, writer, reader_member):
    make_thread(public, writer)
    client = client_for(reader_member)
    for bad in ("999999", str(2**63 - 1), str(2**63), "99999999999999999999999999"):
        for url in (
            f"/forums/threads/{bad}/",
            f"/forums/threads/{bad}/edit/",
            f"/forums/threads/{bad}/report/",
            f"/forums/threads/{bad}/history/",
            f"/forums/threads/{bad}/delete/",
            f"/forums/posts/{bad}/",
            f"/forums/posts/{bad}/edit/",
            f"/forums/posts/{bad}/report/",
        ):
            assert client.get(url).status_code == 404, url
        for url in (
            f"/forums/threads/{bad}/reply/",
            f"/forums/threads/{bad}/react/",
            f"/forums/threads/{bad}/follow/",
            f"/forums/threads/{bad}/moderate/",
            f"/forums/posts/{bad}/react/",
            f"/forums/posts/{bad}/remove/",
        ):
            assert client.post(url, {"body": "x", "kind": "hug"}).status_code == 404, url
    for url in ("/forums/threads/abc/", "/forums/posts/-1/", "/forums/no-such-category/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/notifications/?page=abc").status_code == 404
    assert client.get("/forums/search/?q=words&page=0").status_code == 404
    assert client.post("/forums/search/", {"q": "words", "page": "0"}).status_code == 404
