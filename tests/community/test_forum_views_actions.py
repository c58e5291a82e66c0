"""The HTML door of the forums, actions: reactions, reports, follows and notifications, quoting,
editing and deleting, moderators' lock, pin, removal and history, search and the bell."""

from __future__ import annotations

import re

import pytest

from community.models import Category, Notification, Post, Reaction, Subscription, Thread
from moderation.models import ContentRevision, ContentStatus, ModerationAction, QueueItem, Report
from tests.community.forum_helpers import make_category, make_post, make_thread
from tests.community.test_forum_views import (
    client_for,
    form_errors,
    input_value,
    page_text,
    settled,
    textarea,
    thread_url,
)
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

THANKS = "Thank you for telling us. A moderator will look at it."
ALREADY = "You have already reported this."


@pytest.fixture
def public(db):
    return make_category(Category.Visibility.PUBLIC, name="Quiet corner", slug="quiet-corner")


@pytest.fixture
def writer(db):
    return settled(pseudonym="Wren Writer")


@pytest.fixture
def reader_member(db):
    return settled(pseudonym="Rowan Reader")


@pytest.fixture
def thread(public, writer):
    return make_thread(public, writer, title="Waiting tonight", body="The opening words here.")


@pytest.fixture
def post(thread, writer):
    return make_post(thread, writer, body="The first reply's words.")


def category_order(response) -> list[str]:
    return re.findall(
        r'<h3 class="thread-row__title"><a [^>]*>([^<]*)</a>', response.content.decode()
    )


# --- reactions ----------------------------------------------------------------------------------


def reaction_button(response, kind_label: str, anchor: str = "opening") -> str:
    """ "pressed count" of one reaction button of the post at `anchor`."""
    article = response.content.decode().split(f'id="{anchor}"', 1)[1].split("</article>", 1)[0]
    match = re.search(
        rf'<button type="submit" class="reaction" aria-pressed="(true|false)">{kind_label} '
        r'<span class="reaction__count">(\d+)</span>',
        article,
    )
    assert match, kind_label
    return f"{match.group(1)} {match.group(2)}"


def test_reactions_toggle_with_counts_and_aria_pressed(thread, post, reader_member):
    client = client_for(reader_member)
    url = f"/forums/posts/{post.pk}/react/"
    anchor = f"post-{post.pk}"
    assert reaction_button(client.get(thread_url(thread)), "Hug", anchor) == "false 0"
    response = client.post(url, {"kind": "hug", "action": "add"})
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    page = client.get(thread_url(thread))
    assert reaction_button(page, "Hug", anchor) == "true 1"
    assert reaction_button(page, "Hug") == "false 0"  # the opening post is untouched
    assert 'name="action" value="remove"' in page.content.decode()
    client.post(url, {"kind": "hug", "action": "remove"})
    assert reaction_button(client.get(thread_url(thread)), "Hug", anchor) == "false 0"
    assert not Reaction.objects.exists()


def test_reactions_on_the_opening_post_and_counts_for_visitors(thread, reader_member):
    client_for(reader_member).post(
        f"{thread_url(thread)}react/", {"kind": "proud", "action": "add"}
    )
    assert Reaction.objects.filter(thread=thread, kind="proud").count() == 1
    visitor = client_for(None).get(thread_url(thread)).content.decode()
    assert 'class="reaction reaction--static">Proud of you <span class="reaction__count">1' in (
        visitor
    )
    assert "/react/" not in visitor


def test_author_gets_no_reaction_buttons_and_a_refused_reaction_is_kind(thread, writer):
    client = client_for(writer)
    assert "/react/" not in client.get(thread_url(thread)).content.decode()
    response = client.post(f"{thread_url(thread)}react/", {"kind": "hug", "action": "add"})
    assert response.status_code == 403
    assert "Reactions are for other people's posts." in page_text(response)


def test_unknown_reaction_kind_or_action_is_400(thread, reader_member):
    client = client_for(reader_member)
    response = client.post(f"{thread_url(thread)}react/", {"kind": "angry", "action": "add"})
    assert response.status_code == 400
    assert "Please choose one of the reactions" in page_text(response)
    response = client.post(f"{thread_url(thread)}react/", {"kind": "hug", "action": "explode"})
    assert response.status_code == 400
    assert not Reaction.objects.exists()


def test_visitor_reacting_is_sent_to_log_in(thread, post):
    response = client_for(None).post(f"/forums/posts/{post.pk}/react/", {"kind": "hug"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/forums/posts/{post.pk}/"


# --- reports ------------------------------------------------------------------------------------


def test_report_form_is_a_labelled_fieldset_of_every_reason(thread, post, reader_member):
    response = client_for(reader_member).get(f"/forums/posts/{post.pk}/report/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<legend>What's wrong?</legend>" in html_unescaped(content)
    for index, (value, label) in enumerate(Report.Reason.choices):
        assert f'id="id_reason_{index}" value="{value}"' in content
        assert f'<label for="id_reason_{index}">{str(label)[0].upper()}' in html_unescaped(content)
    assert '<label for="id_note">' in content


def html_unescaped(content: str) -> str:
    import html

    return html.unescape(content)


def test_report_once_then_a_kind_already_reported_message(thread, post, reader_member):
    client = client_for(reader_member)
    url = f"/forums/posts/{post.pk}/report/"
    response = client.post(url, {"reason": "spam", "note": "Selling things"}, follow=True)
    assert response.redirect_chain[0] == (f"{thread_url(thread)}#post-{post.pk}", 302)
    assert THANKS in page_text(response)
    report = Report.objects.get()
    assert (report.reason, report.note, report.reporter) == (
        "spam",
        "Selling things",
        reader_member,
    )
    assert QueueItem.objects.filter(reason=QueueItem.Reason.REPORT).exists()

    again = client.post(url, {"reason": "harassment"}, follow=True)
    assert again.status_code == 200
    assert ALREADY in page_text(again)
    assert Report.objects.count() == 1
    form_again = page_text(client.get(url))
    assert ALREADY in form_again
    assert 'name="reason"' not in form_again


def test_reporting_a_thread_works_the_same(thread, reader_member):
    response = client_for(reader_member).post(
        f"{thread_url(thread)}report/", {"reason": "misinformation"}
    )
    assert response["Location"] == f"{thread_url(thread)}#opening"
    assert Report.objects.get().reason == "misinformation"


def test_self_harm_report_says_moderators_look_quickly_with_a_help_link(
    thread, post, reader_member
):
    response = client_for(reader_member).post(
        f"/forums/posts/{post.pk}/report/", {"reason": "self_harm"}, follow=True
    )
    text = page_text(response)
    assert "a moderator will look at this quickly" in text
    assert re.search(r'quickly\..*?<a href="/help/">Get help now</a></p>', text, re.S)
    assert QueueItem.objects.filter(reason=QueueItem.Reason.CRISIS_CONCERN).exists()


def test_report_without_a_reason_is_400_with_the_note_kept(thread, post, reader_member):
    response = client_for(reader_member).post(
        f"/forums/posts/{post.pk}/report/", {"note": "Something felt off"}
    )
    assert response.status_code == 400
    assert "Please choose what's wrong" in page_text(response)
    assert 'aria-describedby="id_reason_errors"' in response.content.decode()
    assert textarea(response, "note") == "Something felt off"
    assert not Report.objects.exists()


def test_authors_and_visitors_cannot_report(thread, post, writer):
    response = client_for(writer).get(f"/forums/posts/{post.pk}/report/")
    assert response.status_code == 403
    assert "You can't report your own post" in page_text(response)
    visitor = client_for(None).post(f"/forums/posts/{post.pk}/report/", {"reason": "spam"})
    assert visitor["Location"].startswith("/accounts/login/")
    assert not Report.objects.exists()


# --- following, notifications and the bell -----------------------------------------------------


def test_follow_then_a_reply_lights_the_bell_until_the_thread_is_read(
    thread, reader_member, django_capture_on_commit_callbacks
):
    follower = settled(pseudonym="Fern Follower")
    client = client_for(follower)
    response = client.post(f"{thread_url(thread)}follow/", {"action": "follow"}, follow=True)
    assert "You're following this thread." in page_text(response)
    assert "Stop following" in page_text(response)
    assert Subscription.objects.filter(member=follower, thread=thread).exists()
    assert "Notifications (0" in page_text(client.get("/forums/"))

    with django_capture_on_commit_callbacks(execute=True):
        client_for(reader_member).post(f"{thread_url(thread)}reply/", {"body": "Thinking of you"})
    reply = Post.objects.get(body="Thinking of you")
    assert "Notifications (1" in page_text(client.get("/forums/"))

    listing = client.get("/notifications/")
    text = page_text(listing)
    assert "Rowan Reader replied in “Waiting tonight”" in text
    assert f'href="/forums/posts/{reply.pk}/"' in text
    assert "notification--unread" in text
    assert "Notifications (1" in text

    after = page_text(client.get(thread_url(thread)))
    assert "Notifications (0" in after
    assert not Notification.objects.filter(recipient=follower, read_at__isnull=True).exists()


def test_unfollow_stops_notifications(thread, reader_member, django_capture_on_commit_callbacks):
    follower = settled()
    client = client_for(follower)
    client.post(f"{thread_url(thread)}follow/", {"action": "follow"})
    response = client.post(f"{thread_url(thread)}follow/", {"action": "unfollow"}, follow=True)
    assert "You've stopped following this thread." in page_text(response)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(reader_member).post(f"{thread_url(thread)}reply/", {"body": "Hello there"})
    assert not Notification.objects.filter(recipient=follower).exists()


def test_mark_all_notifications_read(thread, post, reader_member):
    for number in range(2):
        Notification.objects.create(
            recipient=reader_member,
            kind=Notification.Kind.REPLY,
            thread=thread,
            post=make_post(thread, thread.author, body=f"news {number}"),
        )
    client = client_for(reader_member)
    assert "Notifications (2" in page_text(client.get("/notifications/"))
    response = client.post("/notifications/read/", follow=True)
    assert response.redirect_chain == [("/notifications/", 302)]
    text = page_text(response)
    assert "All your notifications are marked as read." in text
    assert "Notifications (0" in text
    assert "notification--unread" not in text


def test_bell_costs_visitors_nothing_and_is_absent_for_them(thread, django_assert_num_queries):
    client = client_for(None)
    client.get("/guidelines/")  # warm up
    with django_assert_num_queries(0):
        response = client.get("/guidelines/")
    assert "Notifications" not in page_text(response)


# --- quoting ------------------------------------------------------------------------------------


def test_quote_prefills_the_reply_with_the_posts_words(thread, post, reader_member):
    client = client_for(reader_member)
    response = client.get(f"{thread_url(thread)}?quote={post.pk}")
    assert textarea(response) == "Wren Writer wrote:\n\n> The first reply's words.\n\n"
    opening = client.get(f"{thread_url(thread)}?quote=opening")
    assert textarea(opening) == "Wren Writer wrote:\n\n> The opening words here.\n\n"
    assert f'href="?quote={post.pk}#reply"' in response.content.decode()


def test_quote_of_an_anonymous_post_never_names_its_author(thread, reader_member, moderator):
    secret = settled(pseudonym="Secretive Sparrow")
    hidden = make_post(thread, secret, body="Line one\nLine two", is_anonymous=True)
    for person in (reader_member, moderator):
        response = client_for(person).get(f"{thread_url(thread)}?quote={hidden.pk}")
        assert textarea(response) == "Anonymous member wrote:\n\n> Line one\n> Line two\n\n"


def test_quote_of_something_the_reader_may_not_read_quotes_nothing(
    public, thread, writer, reader_member
):
    deleted = make_post(thread, writer, body="Taken back", status=ContentStatus.DELETED)
    held = make_post(thread, writer, body="Still waiting", status=ContentStatus.HELD)
    elsewhere = make_post(make_thread(public, writer), writer, body="Another thread")
    members_only = make_category(Category.Visibility.MEMBERS)
    private = make_post(make_thread(members_only, writer), writer, body="Members only words")
    client = client_for(reader_member)
    for raw in (deleted.pk, held.pk, elsewhere.pk, private.pk, "abc", 2**64, "-1"):
        response = client.get(f"{thread_url(thread)}?quote={raw}")
        assert response.status_code == 200, raw
        assert textarea(response) == "", raw


# --- editing and deleting -----------------------------------------------------------------------


def test_author_edits_a_reply_and_readers_see_it_marked_edited(thread, post, writer, moderator):
    client = client_for(writer)
    form = client.get(f"/forums/posts/{post.pk}/edit/")
    assert form.status_code == 200
    assert textarea(form) == "The first reply's words."
    response = client.post(f"/forums/posts/{post.pk}/edit/", {"body": "Better words now."})
    assert response["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    page = page_text(client_for(None).get(thread_url(thread)))
    assert "Better words now." in page
    assert "The first reply's words." not in page
    assert '<span class="post__edited">edited</span>' in page

    assert ContentRevision.objects.get().body == "The first reply's words."
    history = client_for(moderator).get(f"/forums/posts/{post.pk}/history/")
    assert history.status_code == 200
    assert "The first reply's words." in page_text(history)
    assert "Replaced by Wren Writer" in page_text(history)
    assert (
        f'href="/forums/posts/{post.pk}/history/"'
        in client_for(moderator).get(thread_url(thread)).content.decode()
    )


def test_history_is_404_for_everyone_but_moderators(thread, post, writer, reader_member):
    for person in (None, reader_member, writer):
        client = client_for(person)
        assert client.get(f"/forums/posts/{post.pk}/history/").status_code == 404
        assert client.get(f"{thread_url(thread)}history/").status_code == 404


def test_author_edits_a_thread_title_and_opening(thread, writer):
    client = client_for(writer)
    form = client.get(f"{thread_url(thread)}edit/")
    assert input_value(form, "title") == "Waiting tonight"
    assert textarea(form) == "The opening words here."
    response = client.post(
        f"{thread_url(thread)}edit/",
        {"title": "Waiting, still", "body": "New opening.", "content_warning": "loneliness"},
    )
    assert response["Location"] == f"{thread_url(thread)}#opening"
    thread.refresh_from_db()
    assert (thread.title, thread.body, thread.content_warning) == (
        "Waiting, still",
        "New opening.",
        "loneliness",
    )


def test_refused_edit_keeps_the_new_text(thread, post, writer):
    response = client_for(writer).post(
        f"/forums/posts/{post.pk}/edit/", {"body": "y" * 20001, "content_warning": "cw"}
    )
    assert response.status_code == 400
    assert textarea(response) == "y" * 20001
    assert input_value(response, "content_warning") == "cw"
    assert "the limit here is 20,000" in form_errors(response)
    post.refresh_from_db()
    assert post.body == "The first reply's words."


def test_others_cannot_edit_or_delete(thread, post, reader_member):
    client = client_for(reader_member)
    for url in (
        f"/forums/posts/{post.pk}/edit/",
        f"/forums/posts/{post.pk}/delete/",
        f"{thread_url(thread)}edit/",
        f"{thread_url(thread)}delete/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Only the author can" in page_text(response)
    response = client.post(f"/forums/posts/{post.pk}/edit/", {"body": "Hijacked"})
    assert response.status_code == 403
    assert textarea(response) == "Hijacked"  # even then, typed words are not thrown away
    assert client.post(f"/forums/posts/{post.pk}/delete/").status_code == 403
    post.refresh_from_db()
    assert (post.body, post.status) == ("The first reply's words.", ContentStatus.PUBLISHED)
    page = client.get(thread_url(thread)).content.decode()
    assert "/edit/" not in page
    assert "/delete/" not in page


def test_author_deletes_a_reply_and_others_see_a_placeholder(thread, post, writer, reader_member):
    client = client_for(writer)
    confirm = client.get(f"/forums/posts/{post.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete your reply?" in page_text(confirm)
    response = client.post(f"/forums/posts/{post.pk}/delete/", follow=True)
    assert "Your reply is deleted." in page_text(response)
    other = page_text(client_for(reader_member).get(thread_url(thread)))
    assert "Deleted by its author." in other
    assert "The first reply's words." not in other


def test_author_deletes_a_thread_and_returns_to_its_category(public, thread, writer):
    response = client_for(writer).post(f"{thread_url(thread)}delete/")
    assert response["Location"] == f"/forums/{public.slug}/"
    thread.refresh_from_db()
    assert thread.status == ContentStatus.DELETED
    assert "Waiting tonight" not in page_text(client_for(None).get(f"/forums/{public.slug}/"))


# --- moderators ---------------------------------------------------------------------------------


def test_lock_stops_replies_for_members_but_not_moderators(thread, reader_member, moderator):
    mod = client_for(moderator)
    response = mod.post(f"{thread_url(thread)}moderate/", {"action": "lock"}, follow=True)
    assert "The thread is locked." in page_text(response)
    assert "Unlock thread" in page_text(response)
    thread.refresh_from_db()
    assert thread.is_locked
    assert ModerationAction.objects.filter(verb=ModerationAction.Verb.THREAD_LOCKED).exists()

    member = client_for(reader_member)
    page = page_text(member.get(thread_url(thread)))
    assert "This thread is locked, so it can't take new replies." in page
    assert 'name="body"' not in page
    refused = member.post(f"{thread_url(thread)}reply/", {"body": "Can I still say this?"})
    assert refused.status_code == 403
    assert textarea(refused) == "Can I still say this?"
    assert "This thread is locked" in form_errors(refused)
    assert not Post.objects.filter(body="Can I still say this?").exists()

    assert 'name="body"' in mod.get(thread_url(thread)).content.decode()
    assert mod.post(f"{thread_url(thread)}reply/", {"body": "A note from us"}).status_code == 302
    assert Post.objects.filter(body="A note from us").exists()

    mod.post(f"{thread_url(thread)}moderate/", {"action": "unlock"})
    assert member.post(f"{thread_url(thread)}reply/", {"body": "Thanks"}).status_code == 302


def test_pin_puts_a_thread_first(public, writer, moderator):
    older = make_thread(public, writer, title="Older thread")
    make_thread(public, writer, title="Newer thread")
    client = client_for(moderator)
    assert category_order(client.get(f"/forums/{public.slug}/")) == [
        "Newer thread",
        "Older thread",
    ]
    client.post(f"{thread_url(older)}moderate/", {"action": "pin"})
    response = client_for(None).get(f"/forums/{public.slug}/")
    assert category_order(response) == ["Older thread", "Newer thread"]
    assert "thread-row--pinned" in response.content.decode()
    client.post(f"{thread_url(older)}moderate/", {"action": "unpin"})
    assert category_order(client.get(f"/forums/{public.slug}/"))[0] == "Newer thread"


def test_members_cannot_lock_or_pin(thread, reader_member):
    client = client_for(reader_member)
    assert "/moderate/" not in client.get(thread_url(thread)).content.decode()
    for action in ("lock", "pin"):
        response = client.post(f"{thread_url(thread)}moderate/", {"action": action})
        assert response.status_code == 403
        assert "Only moderators can lock or pin threads." in page_text(response)
    thread.refresh_from_db()
    assert not (thread.is_locked or thread.is_pinned)
    visitor = client_for(None).post(f"{thread_url(thread)}moderate/", {"action": "lock"})
    assert visitor["Location"].startswith("/accounts/login/")


def test_unknown_moderator_action_is_400(thread, moderator):
    response = client_for(moderator).post(f"{thread_url(thread)}moderate/", {"action": "burn"})
    assert response.status_code == 400


def test_moderator_removes_a_reply_with_a_reason_the_author_sees(
    thread, post, writer, reader_member, moderator
):
    client = client_for(moderator)
    page = client.get(thread_url(thread)).content.decode()
    assert f'action="/forums/posts/{post.pk}/remove/"' in page
    assert f'<label for="remove-post-{post.pk}">' in page
    empty = client.post(f"/forums/posts/{post.pk}/remove/", {"reason": "  "})
    assert empty.status_code == 400
    assert "Please give a reason" in form_errors(empty)
    response = client.post(f"/forums/posts/{post.pk}/remove/", {"reason": "Shared contact details"})
    assert response["Location"] == f"{thread_url(thread)}#post-{post.pk}"
    post.refresh_from_db()
    assert post.status == ContentStatus.REMOVED

    others = page_text(client_for(reader_member).get(thread_url(thread)))
    assert "The first reply's words." not in others
    assert "Shared contact details" not in others
    own = page_text(client_for(writer).get(thread_url(thread)))
    assert "Removed by a moderator: Shared contact details" in own


def test_members_cannot_remove(thread, post, reader_member):
    client = client_for(reader_member)
    assert client.get(f"/forums/posts/{post.pk}/remove/").status_code == 403
    assert client.post(f"/forums/posts/{post.pk}/remove/", {"reason": "x"}).status_code == 403
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED


def test_facilitator_moderates_their_group_forum(db):
    from community.forum_services import category_for_group

    group = GroupFactory()
    facilitator, author = settled(), settled()
    MembershipFactory(group=group, member=facilitator, role="facilitator")
    MembershipFactory(group=group, member=author)
    thread = make_thread(category_for_group(group), author)
    client = client_for(facilitator)
    assert client.post(f"{thread_url(thread)}moderate/", {"action": "pin"}).status_code == 302
    thread.refresh_from_db()
    assert thread.is_pinned
    assert client.get(f"{thread_url(thread)}history/").status_code == 200


# --- search -------------------------------------------------------------------------------------


def test_search_shows_titles_snippets_and_authors(thread, post):
    response = client_for(None).post("/forums/search/", {"q": "opening words"})
    text = page_text(response)
    assert '<a href="/forums/threads/' in text
    assert "The opening words here." in text
    assert "by Wren Writer" in text
    replies = page_text(client_for(None).post("/forums/search/", {"q": "first reply"}))
    assert f'href="/forums/posts/{post.pk}/"' in replies
    assert "Reply in “Waiting tonight”" in replies


def test_unusable_search_words_get_a_kind_note_not_an_error(db):
    client = client_for(None)
    for query in ("x", " ", "w" * 201):
        response = client.post("/forums/search/", {"q": query})
        assert response.status_code == 200, query
        assert 'id="search-problem"' in response.content.decode()
        assert 'aria-describedby="search-problem"' in response.content.decode()
    plain = client.get("/forums/search/")
    assert plain.status_code == 200
    assert "search-problem" not in plain.content.decode()


def test_search_results_are_paginated_by_post_forms_carrying_the_query(public, writer):
    for number in range(21):
        make_thread(public, writer, title=f"Evening walk {number}", body="A calm evening walk.")
    first = client_for(None).post("/forums/search/", {"q": "evening"}).content.decode()
    assert '<input type="hidden" name="q" value="evening">' in first
    assert '<input type="hidden" name="page" value="2">' in first
    assert "q=evening" not in first
    second = client_for(None).post("/forums/search/", {"q": "evening", "page": "2"})
    assert second.status_code == 200
    assert "Evening walk 0" in page_text(second)
    third = client_for(None).post("/forums/search/", {"q": "evening", "page": "3"})
    assert third.status_code == 404


def test_search_form_sends_the_words_by_post_so_they_stay_out_of_addresses(public, writer):
    make_thread(public, writer, title="Panic at night", body="Panic attacks at night.")
    for path in ("/forums/", "/forums/search/"):
        content = client_for(None).get(path).content.decode()
        assert '<form method="post" action="/forums/search/"' in content, path
        assert 'name="csrfmiddlewaretoken"' in content, path
    results = client_for(None).post("/forums/search/", {"q": "panic attacks"})
    assert "panic attacks" not in results.content.decode().split("</title>")[0]
    assert "no-store" in results["Cache-Control"]


def test_old_search_links_by_get_still_work(public, writer):
    make_thread(public, writer, title="Morning pages", body="Writing morning pages helps.")
    response = client_for(None).get("/forums/search/", {"q": "morning pages"})
    assert response.status_code == 200
    assert "Morning pages" in page_text(response)


def test_new_thread_lands_on_its_page_and_in_the_list(public, reader_member):
    client = client_for(reader_member)
    form = client.get(f"/forums/{public.slug}/new/")
    content = form.content.decode()
    for field in ("title", "body", "content_warning", "is_anonymous"):
        assert f'<label for="id_{field}">' in content
    assert 'aria-describedby="id_body_helptext"' in content
    response = client.post(
        f"/forums/{public.slug}/new/",
        {"title": "First steps", "body": "Hello everyone"},
        follow=True,
    )
    thread = Thread.objects.get(title="First steps")
    assert response.redirect_chain == [(thread_url(thread), 302)]
    assert "Your thread is posted." in page_text(response)
    assert "First steps" in page_text(client_for(None).get(f"/forums/{public.slug}/"))
    # The author follows their own thread.
    assert Subscription.objects.filter(member=reader_member, thread=thread).exists()


def test_reply_lands_on_the_right_page_at_its_anchor(thread, writer, reader_member):
    for number in range(20):
        make_post(thread, writer, body=f"earlier {number}")
    response = client_for(reader_member).post(
        f"{thread_url(thread)}reply/", {"body": "The twenty-first reply", "page": "1"}
    )
    reply = Post.objects.get(body="The twenty-first reply")
    assert response["Location"] == f"{thread_url(thread)}?page=2#post-{reply.pk}"


def test_too_many_reports_is_429_with_retry_after_and_the_note_kept(
    thread, writer, reader_member, monkeypatch, django_capture_on_commit_callbacks
):
    from moderation import services as moderation_services

    monkeypatch.setattr(moderation_services, "REPORTS_PER_HOUR", 1)
    first, second = make_post(thread, writer), make_post(thread, writer)
    client = client_for(reader_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/forums/posts/{first.pk}/report/", {"reason": "spam"})
    response = client.post(
        f"/forums/posts/{second.pk}/report/", {"reason": "self_harm", "note": "Worried"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "emergency number" in form_errors(response)
    assert textarea(response, "note") == "Worried"
    assert Report.objects.count() == 1
