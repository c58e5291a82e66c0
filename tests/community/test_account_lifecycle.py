"""Account lifecycle: sign-out everywhere, password change, suspension and ban end every
session; account deletion erases the member (checked by scanning every table for their unique
strings) and keeps what they chose, under "Former member"."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import (
    account_services,
    export_services,
    forum_services,
    services,
    story_services,
    tokens,
)
from community.account_services import ANONYMISE, DELETE, ErasureChoices, member_erase
from community.forum_permissions import reader_for
from community.models import JournalEntry, Member, Milestone, MoodCheckIn, Post, Thread
from community.models.stories import Story
from community.sessions import member_sessions_end, session_is_current
from groups import services as group_services
from groups.models import ChatMessage, MemberIgnore, Membership, PeerGroup
from moderation import services as moderation_services
from moderation.models import (
    ContentRevision,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Sanction,
    Signpost,
)
from moderation.models.dashboard import SupportMessage
from tests.community.forum_helpers import make_category
from tests.factories import TEST_PASSWORD, GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

MARK = "zq7lavender"  # in everything the busy member writes
PSEUDONYM = "JuniperQuill"
EMAIL = "juniper.quill@example.org"
NEEDLES = (MARK, PSEUDONYM.casefold(), EMAIL.casefold(), "juniperquill")


def settled(**extra) -> Member:
    extra.setdefault("date_joined", timezone.now() - timedelta(days=60))
    return MemberFactory(**extra)


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("me")).status_code == 200


# --- sessions ---------------------------------------------------------------------------------


def test_sign_out_ends_every_session_of_the_member_only(member, other_member):
    phone, laptop, someone_else = signed_in(member), signed_in(member), signed_in(other_member)
    response = phone.post(reverse("logout"))
    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert is_signed_in(someone_else)


def test_sign_out_through_the_api_ends_every_session(member):
    phone, laptop = signed_in(member), signed_in(member)
    assert phone.post(reverse("api-me-logout")).status_code == 204
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_password_change_keeps_this_browser_and_ends_the_others(member):
    this, other = signed_in(member), signed_in(member)
    new = "a quiet harbour at dawn"
    response = this.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert is_signed_in(this)
    assert not is_signed_in(other)
    member.refresh_from_db()
    assert member.check_password(new)


def test_password_change_with_the_wrong_current_password_changes_nothing(member):
    this, other = signed_in(member), signed_in(member)
    response = this.post(
        reverse("password_change"),
        {"old_password": "not it at all", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 400
    assert "isn&#x27;t your current password" in response.content.decode()
    assert is_signed_in(other)
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_password_change_through_the_api(member):
    this, other = signed_in(member), signed_in(member)
    url = reverse("api-me-password")
    bad = this.post(url, {"old_password": TEST_PASSWORD, "new_password": "123"}, "application/json")
    assert bad.status_code == 400 and "new_password" in bad.json()["fields"]
    ok = this.post(
        url,
        {"old_password": TEST_PASSWORD, "new_password": "a quiet harbour at dawn"},
        "application/json",
    )
    assert ok.status_code == 204
    assert is_signed_in(this) and not is_signed_in(other)


def test_password_change_is_session_only(member):
    _token, secret = tokens.api_token_create(owner=member, name="script")
    response = Client().post(
        reverse("api-me-password"),
        {"old_password": TEST_PASSWORD, "new_password": "a quiet harbour at dawn"},
        "application/json",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403


def test_wrong_passwords_pause_like_sign_in(member):
    for _attempt in range(5):
        with pytest.raises((ValidationError, account_services.PasswordCheckRefused)):
            account_services.member_password_change(
                actor=member, old_password="wrong guess", new_password="x" * 12
            )
    with pytest.raises(account_services.PasswordCheckRefused):
        # Even the right password waits now: guessing here is no way round sign-in's limit.
        account_services.member_password_change(
            actor=member, old_password=TEST_PASSWORD, new_password="a quiet harbour at dawn"
        )


@pytest.mark.parametrize(
    ("kind", "ends_sessions"),
    [("suspend", True), ("ban", True), ("mute", False), ("warn", False)],
)
def test_suspension_and_ban_end_every_session(member, moderator, kind, ends_sessions):
    browser = signed_in(member)
    moderation_services.member_sanction(
        actor=moderator,
        member=member,
        kind=kind,
        reason="Please take a break.",
        ends_at=timezone.now() + timedelta(days=1) if kind in ("suspend", "mute") else None,
    )
    assert is_signed_in(browser) is not ends_sessions


def test_a_socket_opened_before_the_sessions_ended_is_no_longer_current(member):
    at_handshake = Member.objects.get(pk=member.pk)
    assert session_is_current(at_handshake)
    member_sessions_end(member=member)
    assert not session_is_current(at_handshake)
    assert session_is_current(Member.objects.get(pk=member.pk))


# --- the busy member: someone who used every feature --------------------------------------------


@pytest.fixture
def community_people(moderator):
    other = settled(pseudonym="Rowan Kestrel")
    busy = settled(pseudonym=PSEUDONYM, email=EMAIL)
    return busy, other, moderator


def _use_everything(busy, other, moderator) -> dict:
    """Every kind of record the platform keeps about a member, each carrying MARK."""
    made: dict = {}
    group = GroupFactory(slug="evenings", visibility=PeerGroup.Visibility.PRIVATE)
    MembershipFactory(group=group, member=other)
    group_services.group_join(actor=busy, group=group, note=f"I'd like to join {MARK}")
    Membership.objects.filter(group=group, member=busy).update(state="active")
    made["chat"] = group_services.chat_message_post(
        actor=busy, group=group, body=f"Good evening everyone {MARK}", local_id="m-1"
    ).message
    made["crisis"] = group_services.chat_message_post(
        actor=busy, group=group, body=f"{URGENT_TEXT} {MARK}", local_id="m-2"
    ).message
    group_services.chat_message_post(actor=other, group=group, body="Welcome, friend.")

    category = make_category()
    thread = forum_services.thread_start(
        reader=reader_for(busy, category),
        title=f"Waiting for replies {MARK}",
        body=f"My opening words {MARK}",
    ).content
    forum_services.thread_edit(
        reader=reader_for(busy, category),
        thread=thread,
        title=f"Waiting for replies, edited {MARK}",
        body=f"My opening words, edited {MARK}",
    )
    made["thread"] = thread
    theirs = forum_services.thread_start(
        reader=reader_for(other, category), title="A thread by someone else", body="Hello."
    ).content
    made["reply"] = forum_services.post_reply(
        reader=reader_for(busy, category), thread=theirs, body=f"My reply {MARK}"
    ).content
    forum_services.post_reply(
        reader=reader_for(other, category), thread=thread, body="Thank you for sharing."
    )
    forum_services.reaction_add(reader=reader_for(busy, category), content=theirs, kind="hug")
    forum_services.content_report(
        reader=reader_for(busy, category), content=theirs, reason="other", note=f"Note {MARK}"
    )
    forum_services.content_report(
        reader=reader_for(other, category),
        content=made["reply"],
        reason="other",
        note=f"They wrote {MARK}",
    )

    made["story"] = story_services.story_save(
        actor=busy,
        title=f"How I learned to wait {MARK}",
        body=f"It took time, and it helped to write it down. {MARK}",
        tags=["calmer-when-waiting"],
        audience=Story.Audience.EVERYONE,
    ).story
    services.member_about_update(actor=busy, text=f"Learning to feel safe {MARK}")
    tokens.api_token_create(owner=busy, name=f"phone {MARK}")
    MemberIgnore.objects.create(member=busy, ignored=other)

    warning = moderation_services.member_sanction(
        actor=moderator, member=busy, kind="warn", reason=f"{PSEUDONYM}, please be kind {MARK}"
    )
    moderation_services.appeal_submit(actor=busy, sanction=warning, text=f"I'm sorry {MARK}")
    SupportMessage.objects.create(
        member=busy, text=f"We're thinking of you {MARK}", sent_by=moderator
    )
    # Their private space.
    JournalEntry.objects.create(member=busy, body=f"Dear diary {MARK}", body_html=f"<p>{MARK}</p>")
    MoodCheckIn.objects.create(member=busy, mood=2, note=f"Low today {MARK}")
    Milestone.objects.create(member=busy, title=f"Waited an hour {MARK}")
    # A copy of their data (built here: in a test's transaction on_commit never runs).
    made["export"] = export_services.data_export_request(actor=busy)
    export_services.data_export_build(export_id=made["export"].pk)
    return made


def _texts_in_every_table() -> list[tuple[str, str]]:
    """(table, value) for every text-like value stored anywhere in the database."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value)
                        if value[:2] == b"\x1f\x8b":  # a gzip archive (data exports)
                            value = gzip.decompress(value)
                        value = value.decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value)
                    if isinstance(value, str):
                        found.append((table, value))
    return found


def _traces(needles=NEEDLES) -> list[tuple[str, str]]:
    return [
        (table, value[:120])
        for table, value in _texts_in_every_table()
        if any(needle in value.casefold() for needle in needles)
    ]


def test_the_scan_finds_the_busy_members_words_before_deletion(community_people):
    # The scan is only proof of erasure if it sees the strings while they are there.
    _use_everything(*community_people)
    tables = {table for table, _value in _traces()}
    for expected in (
        "community_member",
        "groups_chatmessage",
        "community_thread",
        "community_post",
        "community_story",
        "community_profiletext",
        "moderation_report",
        "moderation_appeal",
        "moderation_sanction",
        "moderation_contentrevision",
        "moderation_queueitem",
        "groups_membership",
        "community_apitoken",
        "moderation_supportmessage",
        "community_dataexport",
        "community_journalentry",
        "community_moodcheckin",
        "community_milestone",
    ):
        assert expected in tables


def test_deleting_everything_leaves_no_trace_of_the_member_in_any_table(community_people):
    busy, other, moderator = community_people
    made = _use_everything(busy, other, moderator)
    report = member_erase(
        actor=busy,
        password=TEST_PASSWORD,
        choices=ErasureChoices(group_messages=DELETE, forum_posts=DELETE, stories=DELETE),
    )
    assert _traces() == []
    assert report.counts["chat_messages_deleted"] == 2
    # Chat keeps its sequence: the rows stay as tombstones without text.
    chat = ChatMessage.objects.get(pk=made["chat"].pk)
    assert (chat.status, chat.body, chat.seq) == (ContentStatus.DELETED, "", made["chat"].seq)
    # The other member's words are untouched.
    assert Thread.objects.get(title="A thread by someone else").body == "Hello."
    assert Post.objects.filter(body="Thank you for sharing.").exists()


def test_default_choices_keep_forum_posts_under_former_member_and_nothing_else(
    community_people,
):
    busy, other, moderator = community_people
    made = _use_everything(busy, other, moderator)
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    thread = Thread.objects.get(pk=made["thread"].pk)
    reply = Post.objects.get(pk=made["reply"].pk)
    assert thread.author.pseudonym == reply.author.pseudonym == "Former member"
    assert thread.author_id != busy.pk
    assert MARK in thread.body and MARK in reply.body and thread.is_published
    # Only the forum words they chose to keep remain; no name, email, edit history, chat,
    # story, profile, notes or appeal.
    assert {table for table, _value in _traces()} == {"community_thread", "community_post"}
    assert _traces(needles=(PSEUDONYM.casefold(), EMAIL.casefold())) == []
    assert ChatMessage.objects.get(pk=made["chat"].pk).body == ""
    assert Story.objects.get(pk=made["story"].pk).state == Story.State.DELETED


def test_kept_forum_posts_are_not_searchable(community_people):
    busy, other, moderator = community_people
    _use_everything(busy, other, moderator)
    from community.forum_selectors import forum_search

    assert forum_search(other, MARK)
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    assert forum_search(other, MARK) == []
    assert forum_search(moderator, MARK) == []


def test_anonymised_chat_messages_stay_in_the_room_under_former_member(community_people):
    busy, other, moderator = community_people
    made = _use_everything(busy, other, moderator)
    member_erase(
        actor=busy,
        password=TEST_PASSWORD,
        choices=ErasureChoices(group_messages=ANONYMISE),
    )
    chat = ChatMessage.objects.get(pk=made["chat"].pk)
    assert chat.is_published and MARK in chat.body
    assert chat.author.pseudonym == "Former member"


def test_a_cry_for_help_stays_in_front_of_the_moderators_without_the_words(community_people):
    busy, other, moderator = community_people
    made = _use_everything(busy, other, moderator)
    crisis_type = ContentType.objects.get_for_model(ChatMessage)
    item = QueueItem.objects.get(content_type=crisis_type, object_id=made["crisis"].pk)
    assert item.state == QueueItem.State.OPEN and item.priority == QueueItem.URGENT_PRIORITY
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    item.refresh_from_db()
    assert item.state == QueueItem.State.OPEN  # never silently resolved
    assert item.snapshot == ""
    assert "deleted their account" in item.detail


def test_the_audit_log_keeps_the_facts_without_the_words(community_people):
    busy, other, moderator = community_people
    _use_everything(busy, other, moderator)
    sanctioned = ModerationAction.objects.get(
        verb=ModerationAction.Verb.MEMBER_SANCTIONED, member=busy
    )
    assert MARK in sanctioned.reason
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    sanctioned = ModerationAction.objects.get(pk=sanctioned.pk)
    assert (sanctioned.verb, sanctioned.actor_id, sanctioned.reason) == (
        ModerationAction.Verb.MEMBER_SANCTIONED,
        moderator.pk,
        "",
    )
    erased = ModerationAction.objects.get(verb=ModerationAction.Verb.ACCOUNT_ERASED)
    assert erased.member_id == busy.pk
    assert erased.details["forum_posts"] == ANONYMISE
    assert Sanction.objects.get(member=busy).kind == "warn"  # the fact stays


def test_deletion_ends_sessions_tokens_and_sign_in(community_people):
    busy, _other, _moderator = community_people
    browser = signed_in(busy)
    _token, secret = tokens.api_token_create(owner=busy, name="script")
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    assert not is_signed_in(browser)
    api = Client().get(reverse("api-me"), headers={"authorization": f"Bearer {secret}"})
    assert api.status_code == 401
    assert not Client().login(username=PSEUDONYM, password=TEST_PASSWORD)
    assert not Client().login(username=EMAIL, password=TEST_PASSWORD)
    busy.refresh_from_db()
    assert busy.erased_at is not None and not busy.is_active
    assert not busy.has_usable_password()


def test_the_old_pseudonym_and_email_are_free_but_former_member_is_not(community_people):
    busy, _other, _moderator = community_people
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    errors = services.member_signup_errors(
        services.SignupData(
            pseudonym=PSEUDONYM,
            email=EMAIL,
            password="a quiet harbour at dawn",
            accepted_guidelines=True,
            confirmed_adult=True,
        )
    )
    assert errors == {}
    taken = services.member_signup_errors(
        services.SignupData(
            pseudonym="Former member 2",
            email="new@example.org",
            password="a quiet harbour at dawn",
            accepted_guidelines=True,
            confirmed_adult=True,
        )
    )
    assert "pseudonym" in taken


def test_a_wrong_password_deletes_nothing(community_people):
    busy, other, moderator = community_people
    made = _use_everything(busy, other, moderator)
    with pytest.raises(ValidationError) as refused:
        member_erase(actor=busy, password="not my password", choices=ErasureChoices())
    assert "password" in refused.value.message_dict
    busy.refresh_from_db()
    assert busy.erased_at is None and busy.pseudonym == PSEUDONYM
    assert ChatMessage.objects.get(pk=made["chat"].pk).author_id == busy.pk


def test_deleting_twice_is_refused_the_second_time(community_people):
    busy, _other, _moderator = community_people
    stale = Member.objects.get(pk=busy.pk)  # a second request, loaded before the first ended
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    with pytest.raises(ValidationError, match="already been deleted"):
        member_erase(actor=stale, password=TEST_PASSWORD, choices=ErasureChoices())
    assert ModerationAction.objects.filter(verb=ModerationAction.Verb.ACCOUNT_ERASED).count() == 1


def test_an_unknown_choice_is_refused_before_anything_changes(community_people):
    busy, _other, _moderator = community_people
    with pytest.raises(ValidationError) as refused:
        member_erase(
            actor=busy, password=TEST_PASSWORD, choices=ErasureChoices(group_messages="shred")
        )
    assert "group_messages" in refused.value.message_dict
    assert Member.objects.get(pk=busy.pk).erased_at is None


def test_two_deleted_accounts_share_one_former_member_and_are_not_linked(community_people):
    busy, other, _moderator = community_people
    category = make_category()
    for author in (busy, other):
        forum_services.thread_start(
            reader=reader_for(author, category), title="Hello there", body="Some words."
        )
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    member_erase(actor=other, password=TEST_PASSWORD, choices=ErasureChoices())
    authors = set(Thread.objects.filter(category=category).values_list("author", flat=True))
    assert len(authors) == 1
    assert Member.objects.get(pk=authors.pop()).pseudonym == "Former member"


# --- doors ------------------------------------------------------------------------------------


def test_the_delete_page_needs_sign_in(client):
    response = client.get(reverse("me-delete"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_delete_page_shows_the_choices_with_kind_defaults(member):
    page = signed_in(member).get(reverse("me-delete"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="delete" id="id_group_messages_0" required checked' in html
    assert 'value="anonymise" id="id_forum_posts_1" required checked' in html
    assert 'value="delete" id="id_stories_0" required checked' in html
    assert "Former member" in html


def test_deleting_through_the_page(member):
    browser = signed_in(member)
    wrong = browser.post(
        reverse("me-delete"),
        {
            "password": "nope",
            "group_messages": "delete",
            "forum_posts": "anonymise",
            "stories": "delete",
        },
    )
    assert wrong.status_code == 400
    assert Member.objects.get(pk=member.pk).erased_at is None
    done = browser.post(
        reverse("me-delete"),
        {
            "password": TEST_PASSWORD,
            "group_messages": "delete",
            "forum_posts": "anonymise",
            "stories": "delete",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("home")
    assert "Your account is deleted" in done.content.decode()
    assert Member.objects.get(pk=member.pk).erased_at is not None
    assert not is_signed_in(browser)


def test_deleting_through_the_api(member):
    browser = signed_in(member)
    url = reverse("api-me-delete")
    bad = browser.post(url, {"password": TEST_PASSWORD, "stories": "shred"}, "application/json")
    assert bad.status_code == 400 and "stories" in bad.json()["fields"]
    wrong = browser.post(url, {"password": "nope"}, "application/json")
    assert wrong.status_code == 400 and "password" in wrong.json()["fields"]
    missing = browser.post(url, {}, "application/json")
    assert missing.status_code == 400
    done = browser.post(url, {"password": TEST_PASSWORD}, "application/json")
    assert done.status_code == 200 and done.json()["deleted"] is True
    assert Member.objects.get(pk=member.pk).erased_at is not None
    assert browser.get(reverse("api-me")).status_code in (401, 403)


def test_an_api_token_cannot_delete_the_account(member):
    _token, secret = tokens.api_token_create(owner=member, name="script")
    response = Client().post(
        reverse("api-me-delete"),
        {"password": TEST_PASSWORD},
        "application/json",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
    assert Member.objects.get(pk=member.pk).erased_at is None


def test_signposts_shown_are_erased_with_the_account(community_people):
    busy, other, moderator = community_people
    _use_everything(busy, other, moderator)
    assert Signpost.objects.filter(member=busy).exists()
    member_erase(actor=busy, password=TEST_PASSWORD, choices=ErasureChoices())
    assert not Signpost.objects.filter(member=busy).exists()
    assert not ContentRevision.objects.filter(editor=busy).exists()
