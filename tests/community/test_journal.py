"""The private journal: writing, prompts, editing, deleting, search in one's own entries, rate
limits, safe Markdown, and help shown at once for words that show risk, with nothing kept or
sent to anyone else."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import journal, journal_selectors, journal_services
from community.forum_selectors import SearchQueryInvalid
from community.journal_services import JOURNAL_PER_HOUR, PrivateSpaceRateLimited
from community.models import JournalEntry
from community.models.selfhelp import JOURNAL_MAX_LENGTH
from moderation.models import ModerationAction, QueueItem, Signpost
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db


def write(member, body="Waited an hour before replying.", prompt_key=""):
    entry, _offer = journal_services.journal_entry_create(
        actor=member, body=body, prompt_key=prompt_key
    )
    return entry


# --- prompts ----------------------------------------------------------------------------------


def test_there_are_eight_to_twelve_prompts_with_unique_keys():
    keys = [prompt.key for prompt in journal.PROMPTS]
    assert 8 <= len(keys) <= 12
    assert len(set(keys)) == len(keys)
    assert (
        journal.get_prompt("earning-love").text == "When did you first feel you had to earn love?"
    )


def test_give_me_a_prompt_offers_a_different_one():
    for _ in range(20):
        assert journal.suggest_prompt(not_key="waiting").key != "waiting"


def test_entry_answering_a_prompt_keeps_the_question(member):
    entry = write(member, "Dad only smiled at good grades.", "earning-love")
    assert entry.prompt == "When did you first feel you had to earn love?"


def test_an_unknown_prompt_is_refused_and_nothing_is_stored(member):
    with pytest.raises(ValidationError) as error:
        write(member, "Words.", "no-such-prompt")
    assert "prompt_key" in error.value.message_dict
    assert not JournalEntry.objects.exists()


# --- writing, editing, deleting ---------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n "])
def test_an_empty_entry_is_refused_by_field(member, body):
    with pytest.raises(ValidationError) as error:
        write(member, body)
    assert "body" in error.value.message_dict
    assert not JournalEntry.objects.exists()


def test_a_too_long_entry_is_refused_by_field(member):
    with pytest.raises(ValidationError) as error:
        write(member, "a" * (JOURNAL_MAX_LENGTH + 1))
    assert "body" in error.value.message_dict
    write(member, "a" * JOURNAL_MAX_LENGTH)


def test_markdown_is_rendered_and_a_script_never_is(member):
    entry = write(member, "I'm **proud**. <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>proud</strong>" in entry.body_html
    assert "<script" not in entry.body_html
    assert 'href="javascript' not in entry.body_html


def test_editing_changes_the_words_and_keeps_the_prompt(member):
    entry = write(member, "First try.", "waiting")
    edited, offer = journal_services.journal_entry_edit(actor=member, entry=entry, body="*Better*")
    edited.refresh_from_db()
    assert edited.body == "*Better*" and "<em>Better</em>" in edited.body_html
    assert edited.prompt and edited.edited_at is not None and offer is None


def test_deleting_removes_the_entry(member):
    entry = write(member)
    journal_services.journal_entry_delete(actor=member, entry=entry)
    assert not JournalEntry.objects.exists()


def test_only_the_author_can_edit_or_delete_even_through_the_service(member, other_member):
    from django.http import Http404

    entry = write(member)
    with pytest.raises(Http404):
        journal_services.journal_entry_edit(actor=other_member, entry=entry, body="Mine now.")
    with pytest.raises(Http404):
        journal_services.journal_entry_delete(actor=other_member, entry=entry)
    entry.refresh_from_db()
    assert entry.body == "Waited an hour before replying."


def test_a_visitor_cannot_write():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        journal_services.journal_entry_create(actor=AnonymousUser(), body="Hello.")


def test_entries_past_the_hourly_limit_wait_with_a_retry_time(member, clock):
    for _ in range(JOURNAL_PER_HOUR):
        write(member)
    with pytest.raises(PrivateSpaceRateLimited) as error:
        write(member)
    assert 0 < error.value.retry_after <= 3600
    assert JournalEntry.objects.count() == JOURNAL_PER_HOUR
    clock.advance(3601)
    write(member)


# --- help at once, for the member alone -------------------------------------------------------


@pytest.mark.parametrize(("text", "tier"), [(URGENT_TEXT, "urgent"), (CONCERN_TEXT, "concern")])
def test_risk_in_an_entry_shows_help_and_nobody_else_is_told(member, text, tier):
    entry, offer = journal_services.journal_entry_create(actor=member, body=text)
    assert offer is not None and offer.tier == tier and offer.resources
    assert "moderator" not in offer.text
    assert entry.body == text  # kept, as written, for the member
    assert not QueueItem.objects.exists()
    assert not Signpost.objects.exists()
    assert not ModerationAction.objects.exists()


def test_risk_added_in_an_edit_shows_help_too(member):
    entry = write(member)
    _entry, offer = journal_services.journal_entry_edit(actor=member, entry=entry, body=URGENT_TEXT)
    assert offer is not None and offer.tier == "urgent"
    assert not QueueItem.objects.exists() and not Signpost.objects.exists()


def test_everyday_words_show_no_help(member):
    _entry, offer = journal_services.journal_entry_create(actor=member, body="Dying to know.")
    assert offer is None


# --- reading and search -----------------------------------------------------------------------


def test_list_is_own_entries_newest_first(member, other_member):
    first = write(member, "one")
    second = write(member, "two")
    write(other_member, "theirs")
    assert list(journal_selectors.journal_entries(member)) == [second, first]


def test_search_finds_every_word_in_own_entries_only(member, other_member, moderator):
    mine = write(member, "The Heliotrope tea helped me wait.")
    write(member, "Heliotrope only.")
    theirs = write(other_member, "heliotrope tea for me too")
    assert list(journal_selectors.journal_search(member, "tea heliotrope")) == [mine]
    assert list(journal_selectors.journal_search(other_member, "heliotrope tea")) == [theirs]
    assert list(journal_selectors.journal_search(moderator, "heliotrope")) == []


def test_search_finds_the_prompt_words_too(member):
    entry = write(member, "Grades.", "earning-love")
    assert list(journal_selectors.journal_search(member, "earn love")) == [entry]


@pytest.mark.parametrize("words", ["a", "  ", "!!", "x" * 201])
def test_unusable_search_words_are_refused(member, words):
    with pytest.raises(SearchQueryInvalid):
        journal_selectors.journal_search(member, words)


# --- pages ------------------------------------------------------------------------------------

NOTICE = "Only you can see this. Moderators and facilitators can't."


def test_the_pages_say_plainly_who_can_see(member_client, member):
    entry = write(member)
    for url in (
        reverse("journal:list"),
        reverse("journal:new"),
        reverse("journal:search"),
        reverse("journal:detail", args=[entry.pk]),
        reverse("journal:edit", args=[entry.pk]),
        reverse("journal:delete", args=[entry.pk]),
    ):
        response = member_client.get(url)
        assert response.status_code == 200, url
        assert NOTICE in response.content.decode(), url
        assert "nobody else is told" in response.content.decode(), url


def test_writing_an_entry_on_the_page_with_a_prompt(member_client, member):
    response = member_client.post(
        reverse("journal:new"), {"body": "I **waited**.", "prompt_key": "waiting"}
    )
    entry = JournalEntry.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "journal:detail", args=[entry.pk]
    )
    page = member_client.get(response.url).content.decode()
    assert "<strong>waited</strong>" in page and "you waited for a reply" in page


def test_give_me_a_prompt_keeps_what_was_typed_and_saves_nothing(member_client):
    response = member_client.post(
        reverse("journal:new"), {"body": "Half a thought", "prompt_key": "", "action": "suggest"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Half a thought" in page and "selected" in page
    assert not JournalEntry.objects.exists()


def test_an_empty_entry_on_the_page_is_refused_kindly(member_client):
    response = member_client.post(reverse("journal:new"), {"body": "  "})
    assert response.status_code == 400
    assert "Please write your entry first." in response.content.decode()


def test_help_is_shown_on_the_page_after_a_risky_entry(member_client):
    response = member_client.post(reverse("journal:new"), {"body": URGENT_TEXT}, follow=True)
    page = response.content.decode()
    assert 'id="signpost"' in page and "nobody else will" in page
    assert not QueueItem.objects.exists() and not Signpost.objects.exists()


def test_a_script_in_an_entry_never_renders_on_its_page(member_client, member):
    entry = write(member, '<script>alert("x")</script> <img src=x onerror=alert(1)>')
    page = member_client.get(reverse("journal:detail", args=[entry.pk])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page


def test_edit_and_delete_on_the_page(member_client, member):
    entry = write(member)
    url = reverse("journal:edit", args=[entry.pk])
    assert member_client.post(url, {"body": "Changed."}).status_code == 302
    entry.refresh_from_db()
    assert entry.body == "Changed."
    assert member_client.post(reverse("journal:delete", args=[entry.pk])).status_code == 302
    assert not JournalEntry.objects.exists()


def test_search_page_takes_words_by_post_and_pages_by_post(member_client, member):
    for number in range(25):
        write(member, f"Marigold day {number}")
    response = member_client.post(reverse("journal:search"), {"q": "marigold"})
    page = response.content.decode()
    assert response.status_code == 200 and "25 entries found" in page
    assert "marigold" not in response.request["PATH_INFO"]
    assert 'name="page" value="2"' in page and "?q=" not in page
    second = member_client.post(reverse("journal:search"), {"q": "marigold", "page": "2"})
    assert "Page 2 of 2" in second.content.decode()


def test_a_get_to_search_never_searches(member_client, member):
    write(member, "Marigold.")
    page = member_client.get(reverse("journal:search") + "?q=marigold").content.decode()
    assert "found" not in page


def test_the_list_is_paged(member_client, member):
    for number in range(21):
        write(member, f"entry {number}")
    page = member_client.get(reverse("journal:list")).content.decode()
    assert "Page 1 of 2" in page
    assert member_client.get(reverse("journal:list") + "?page=3").status_code == 404
