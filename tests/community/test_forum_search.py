"""community.forum_selectors.forum_search / search_page: finds what the reader may read and
nothing else, on PostgreSQL (full-text) and SQLite (every word)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.utils import timezone

from community import forum_selectors as selectors
from community.forum_selectors import SearchQueryInvalid
from moderation.models import ContentStatus
from tests.community.forum_helpers import (
    ACTORS,
    READERS,
    forum_world,
    make_category,
    make_post,
    make_thread,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return make_category()


def _search(actor, query):
    return selectors.forum_search(actor, query)


def _found(actor, query):
    return {(hit.thread.pk, hit.post.pk if hit.post else None) for hit in _search(actor, query)}


def test_finds_a_thread_by_a_word_of_its_title(category, member, other_member):
    thread = make_thread(category, member, title="Anxious about the weekend", body="Plain text.")
    (hit,) = _search(other_member, "weekend")
    assert (hit.thread, hit.post, hit.title) == (thread, None, "Anxious about the weekend")
    assert (hit.author_label, hit.snippet, hit.content_warning) == ("Robin Test", "Plain text.", "")
    assert hit.created_at == thread.created_at


def test_finds_a_reply_by_a_word_of_its_text(category, member, other_member):
    thread = make_thread(category, member, title="Small wins", body="Share yours here.")
    post = make_post(thread, other_member, body="I sent the message without rereading it.")
    (hit,) = _search(AnonymousUser(), "rereading")
    assert (hit.thread, hit.post, hit.title) == (thread, post, "Small wins")
    assert hit.snippet == "I sent the message without rereading it."
    assert hit.author_label == "Kit Other"


def test_search_ignores_case_and_needs_every_word(category, member):
    thread = make_thread(category, member, title="Journaling prompts", body="Morning pages help.")
    assert _found(member, "JOURNALING") == {(thread.pk, None)}
    assert _found(member, "journaling morning") == {(thread.pk, None)}


def _none_or_refused(actor, raw) -> list:
    try:
        return _search(actor, raw)
    except SearchQueryInvalid:  # refusing such a query is as good as finding nothing
        return []


def test_words_found_nowhere_find_nothing(category, member):
    make_thread(category, member, title="Journaling prompts", body="Morning pages help.")
    make_thread(category, member, title="Completely unrelated", body="Nothing in common.")
    assert _found(member, "sailboat") == set()
    assert _found(member, "journaling sailboat") == set()
    assert _found(member, "sailboat anchor") == set()


def test_a_query_without_letters_or_digits_finds_nothing(category, member):
    make_thread(category, member, title="Completely unrelated", body="Nothing in common.")
    assert _none_or_refused(member, "!!") == []
    assert _none_or_refused(member, "?? --") == []


def test_wait_finds_waiting_on_every_database(category, member):
    thread = make_thread(category, member, title="Still waiting", body="Nothing yet.")
    assert _found(member, "wait") == {(thread.pk, None)}


def test_stemming_is_used_on_postgresql_only(category, member):
    thread = make_thread(category, member, title="I waited all evening", body="Nothing yet.")
    found = _found(member, "waiting")
    if connection.vendor == "postgresql":
        # The english configuration reduces "waited" and "waiting" to "wait".
        assert found == {(thread.pk, None)}
    else:
        # SQLite matches the letters typed: "waiting" is not in "waited".
        assert found == set()


# --- what search never shows --------------------------------------------------------------------


@pytest.fixture
def hidden_world(category, member, other_member):
    """Published content with the word "visible", and in every kind of content nobody may
    find a word of its own, all containing "hidden" too."""
    thread = make_thread(category, member, title="visible thread", body="hidden is fine here")
    hidden = {}
    for word, status in (
        ("alder", ContentStatus.HELD),
        ("birch", ContentStatus.REMOVED),
        ("cedar", ContentStatus.DELETED),
    ):
        hidden[word] = make_thread(
            category, member, title=f"{word} thread", body=f"{word} hidden", status=status
        )
        make_post(hidden[word], other_member, body=f"{word}reply hidden")
    for word, status in (
        ("elm", ContentStatus.HELD),
        ("fir", ContentStatus.REMOVED),
        ("gum", ContentStatus.DELETED),
    ):
        make_post(thread, member, body=f"{word} hidden", status=status)
    return thread


HIDDEN_WORDS = (
    "alder",
    "birch",
    "cedar",
    "alderreply",
    "birchreply",
    "cedarreply",
    "elm",
    "fir",
    "gum",
)


@pytest.mark.parametrize("word", HIDDEN_WORDS)
@pytest.mark.parametrize("who", ["author", "other", "moderator", "visitor"])
def test_held_removed_and_deleted_words_are_never_found(
    hidden_world, member, other_member, moderator, who, word
):
    actor = {
        "author": member,
        "other": other_member,
        "moderator": moderator,
        "visitor": AnonymousUser(),
    }[who]
    assert _search(actor, word) == []


def test_only_published_items_are_found_by_a_shared_word(hidden_world, member):
    assert _found(member, "hidden") == {(hidden_world.pk, None)}


@pytest.mark.parametrize("kind", ["public", "members", "group"])
@pytest.mark.parametrize("actor_name", ACTORS)
def test_search_finds_only_what_the_reader_may_read(actor_name, kind):
    world = forum_world()
    actor = world.actors[actor_name]
    thread, post = world.threads[kind], world.posts[kind]
    expected = actor_name in READERS[kind]
    assert (_found(actor, world.words[kind]) == {(thread.pk, None)}) is expected
    assert (_found(actor, world.reply_words[kind]) == {(thread.pk, post.pk)}) is expected
    if not expected:
        assert _search(actor, world.words[kind]) == []
        assert _search(actor, world.reply_words[kind]) == []


def test_group_forum_leaves_search_results_when_the_member_leaves():
    world = forum_world()
    member = world.actors["group_member"]
    assert _found(member, world.words["group"])
    member.group_memberships.update(state="left")
    assert _search(member, world.words["group"]) == []
    assert _search(member, world.reply_words["group"]) == []


# --- what a hit shows ---------------------------------------------------------------------------


def test_snippet_is_empty_behind_a_content_warning_but_the_title_shows(category, member):
    thread = make_thread(
        category,
        member,
        title="A hard anniversary",
        body="Details about the breakup.",
        content_warning="breakup",
    )
    make_post(thread, member, body="More about the breakup.", content_warning="breakup")
    hits = _search(member, "breakup")
    assert len(hits) == 2
    for hit in hits:
        assert (hit.title, hit.snippet, hit.content_warning) == (
            "A hard anniversary",
            "",
            "breakup",
        )


def test_snippet_is_plain_text_and_short(category, member):
    long_text = "word " * 100
    thread = make_thread(category, member, title="Formatting", body="x")
    thread.body_html = f"<p><strong>Bold</strong> and <em>soft</em> {long_text}</p>"
    thread.body = f"**Bold** and *soft* {long_text}"
    thread.save()
    (hit,) = _search(member, "formatting")
    assert hit.snippet.startswith("Bold and soft word word")
    assert "<" not in hit.snippet
    assert len(hit.snippet) <= 240


def test_anonymous_author_is_named_only_to_themselves_and_moderators(
    category, member, other_member, moderator
):
    make_thread(category, member, title="Anonymous question", body="x", is_anonymous=True)
    labels = {
        name: _search(actor, "anonymous question")[0].author_label
        for name, actor in (
            ("author", member),
            ("other", other_member),
            ("moderator", moderator),
            ("visitor", AnonymousUser()),
        )
    }
    assert labels == {
        "author": "You (anonymous to others)",
        "other": "Anonymous member",
        "moderator": "Robin Test (posted anonymously)",
        "visitor": "Anonymous member",
    }


# --- the query ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "a", "  a  ", None, "x" * 201, "ab " * 67 + "ab"])
def test_too_short_or_too_long_queries_are_refused_with_a_message(member, raw):
    with pytest.raises(SearchQueryInvalid) as error:
        _search(member, raw)
    assert "Please" in str(error.value)


@pytest.mark.parametrize("raw", ["ab", "x" * 200, "  two   words  "])
def test_queries_of_usable_length_are_accepted(member, raw):
    assert _search(member, raw) == []


def test_query_text_is_not_interpreted_as_syntax(category, member):
    make_thread(category, member, title="Percent 100% sure", body="x")
    for raw in ("100%", "sure'", 'sure"', "sure OR", "-sure", "sure & | ! :*", "%_%"):
        hits = _search(member, raw)
        assert all(hit.title == "Percent 100% sure" for hit in hits)


# --- pages and cost -----------------------------------------------------------------------------


def test_search_results_come_in_pages_of_twenty(category, member):
    start = timezone.now()
    for i in range(21):
        make_thread(
            category,
            member,
            title=f"Gratitude list {i}",
            body="x",
            created_at=start + timedelta(seconds=i),
        )
    first = selectors.search_page(member, "gratitude", 1)
    assert (len(first.object_list), first.paginator.num_pages) == (20, 2)
    assert len(selectors.search_page(member, "gratitude", 2).object_list) == 1
    with pytest.raises(Http404):
        selectors.search_page(member, "gratitude", 3)


@pytest.mark.parametrize("count", [5, 50])
def test_search_costs_two_queries_however_many_hits(category, django_assert_num_queries, count):
    reader_ = MemberFactory()
    for i in range(count):
        thread = make_thread(
            category, MemberFactory(), title=f"Breathing exercise {i}", is_anonymous=i % 2 == 0
        )
        make_post(thread, MemberFactory(), body="The breathing exercise helped me.")
    with django_assert_num_queries(2):
        hits = _search(reader_, "breathing exercise")
        labels = [(hit.author_label, hit.title, hit.snippet) for hit in hits]
    assert len(labels) == 2 * count
