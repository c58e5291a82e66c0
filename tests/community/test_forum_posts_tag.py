"""`{% forum_post %}` (community/templatetags/forum_posts.py), the thread page's posts written in
Python for speed: everything a member wrote is escaped wherever it appears, the forms carry a
working CSRF token, visitors get no CSRF cookie, and every link and form leads to its action."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community import forum_selectors
from community.models import Category, Reaction
from community.templatetags.forum_posts import render_post
from tests.community.forum_helpers import make_category, make_post, make_thread, reader
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ATTACK = "<script>alert('x')</script>\"'&"


def settled(**extra):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


@pytest.fixture
def public(db):
    return make_category(Category.Visibility.PUBLIC, name="Quiet corner", slug="quiet-corner")


@pytest.fixture
def author(db):
    return settled(pseudonym="Wren Writer")


@pytest.fixture
def thread(public, author):
    return make_thread(public, author, title="Waiting", body="It is hard to wait.")


def client_for(person, **options) -> Client:
    client = Client(**options)
    if person is not None:
        client.force_login(person)
    return client


def test_member_text_is_escaped_in_every_place_a_post_shows_it(public, author, thread):
    moderator = settled(pseudonym="Max Moderator", is_moderator=True)
    post = make_post(thread, author, content_warning=ATTACK, edited_at=timezone.now())
    view = forum_selectors.thread_view(reader(moderator, public), thread, 1)
    entry = dataclasses.replace(view.page.object_list[0], author_label=ATTACK, notice=ATTACK)
    assert entry.item.pk == post.pk and entry.may_remove and entry.may_see_history

    html = render_post(entry, view=view, page_number=2, csrf="token")

    assert "<script" not in html
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;&#x27;&amp;"
    # The author's name (heading, and the screen-reader texts of Quote, Report, history and
    # Remove), the content warning and the notice.
    assert html.count(escaped) == 7
    assert '<div class="post__body"><p>Me too, you&#x27;re not alone in this.</p></div>' not in html
    assert "<p>Me too, you're not alone in this.</p>" in html  # sanitised HTML, as stored


def test_a_visitor_reading_a_thread_gets_no_csrf_cookie(thread, author):
    make_post(thread, author)
    response = client_for(None).get(f"/forums/threads/{thread.pk}/")

    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_reaction_and_remove_forms_work_with_csrf_checks_on(public, author, thread):
    post = make_post(thread, author)
    moderator = settled(pseudonym="Max Moderator", is_moderator=True)
    client = client_for(moderator, enforce_csrf_checks=True)
    page = client.get(f"/forums/threads/{thread.pk}/").content.decode()

    react = re.search(
        rf'<form method="post" action="(/forums/posts/{post.pk}/react/)" class="inline-form">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    )
    assert react, "no reaction form with a token on the reply"
    answer = client.post(
        react.group(1), {"csrfmiddlewaretoken": react.group(2), "kind": "hug", "action": "add"}
    )
    assert answer.status_code in (200, 302)
    assert Reaction.objects.filter(post=post, member=moderator, kind="hug").exists()

    remove = re.search(
        rf'action="(/forums/posts/{post.pk}/remove/)" class="stack">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    )
    assert remove, "no remove form with a token on the reply"
    client.post(
        remove.group(1), {"csrfmiddlewaretoken": remove.group(2), "reason": "Off topic, sorry."}
    )
    post.refresh_from_db()
    assert post.status == "removed"


def test_an_authors_links_lead_to_their_pages(public, author, thread):
    post = make_post(thread, author, edited_at=timezone.now())
    client = client_for(author)
    page = client.get(f"/forums/threads/{thread.pk}/").content.decode()

    for action in ("edit", "delete"):
        for url in (f"/forums/threads/{thread.pk}/{action}/", f"/forums/posts/{post.pk}/{action}/"):
            assert f'<a href="{url}">' in page, url
            assert client.get(url).status_code == 200, url
    # The date as the reader sees it, in UTC, and as a machine-readable datetime.
    stamp = post.created_at.astimezone(UTC)
    assert f'<time datetime="{stamp.isoformat()}">' in page
    assert f"{stamp.day} {stamp:%B %Y, %H:%M} UTC</time>" in page
    assert ' · <span class="post__edited">edited</span>' in page
