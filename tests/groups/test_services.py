"""groups.services: joining, facilitators' decisions, chat messages with seq, room moderation."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups import selectors, services
from groups.models import ChatMessage, MemberIgnore, Membership, PeerGroup
from groups.services import GroupActionRefused
from moderation import permissions as moderation_permissions
from moderation import services as moderation_services
from moderation.models import ContentStatus, ModerationAction, QueueItem, Sanction, Signpost
from moderation.pipeline import ContentRefused, Refusal
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db


def _settled(**extra):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


@pytest.fixture
def group(db):
    return GroupFactory(name="Waiting for a reply", slug="waiting")


@pytest.fixture
def private_group(db):
    return GroupFactory(name="Partners and family", slug="family", visibility="private")


@pytest.fixture
def speaker(group):
    person = _settled(pseudonym="Ash Speaker")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def listener(group):
    person = _settled(pseudonym="Bo Listener")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def facilitator(group):
    person = _settled(pseudonym="Fi Facilitator")
    MembershipFactory(group=group, member=person, role="facilitator")
    return person


def post(actor, group, body="Hello, everyone.", local_id=""):
    return services.chat_message_post(actor=actor, group=group, body=body, local_id=local_id)


# --- joining -------------------------------------------------------------------------------------


def test_joining_an_open_group_is_immediate(group):
    person = _settled()
    membership = services.group_join(actor=person, group=group)
    assert (membership.state, membership.role) == ("active", "member")
    assert services.group_join(actor=person, group=group).pk == membership.pk


def test_joining_a_private_group_is_a_request_a_facilitator_approves(private_group):
    person = _settled()
    facilitator = _settled()
    MembershipFactory(group=private_group, member=facilitator, role="facilitator")
    membership = services.group_join(actor=person, group=private_group, note="I'm a partner.")
    assert (membership.state, membership.request_note) == ("requested", "I'm a partner.")
    assert [m.pk for m in selectors.pending_requests(private_group)] == [membership.pk]
    services.membership_request_approve(actor=facilitator, membership=membership)
    membership.refresh_from_db()
    assert membership.state == "active"
    log = ModerationAction.objects.get()
    assert (log.verb, log.actor, log.member) == ("membership_approved", facilitator, person)
    with pytest.raises(GroupActionRefused, match="already been answered"):
        services.membership_request_decline(actor=facilitator, membership=membership)


def test_only_this_groups_facilitators_and_moderators_decide_requests(private_group, moderator):
    membership = services.group_join(actor=_settled(), group=private_group)
    elsewhere = GroupFactory()
    other_facilitator = _settled()
    MembershipFactory(group=elsewhere, member=other_facilitator, role="facilitator")
    plain_member = _settled()
    MembershipFactory(group=private_group, member=plain_member)
    for actor in (other_facilitator, plain_member, membership.member):
        with pytest.raises(PermissionDenied):
            services.membership_request_approve(actor=actor, membership=membership)
    services.membership_request_decline(actor=moderator, membership=membership)
    membership.refresh_from_db()
    assert membership.state == "declined"


def test_declined_member_may_ask_again(private_group, moderator):
    person = _settled()
    membership = services.group_join(actor=person, group=private_group)
    services.membership_request_decline(actor=moderator, membership=membership)
    assert services.group_join(actor=person, group=private_group).state == "requested"


def test_leaving_and_coming_back(group, speaker):
    services.group_leave(actor=speaker, group=group)
    assert Membership.objects.get(member=speaker).state == "left"
    assert services.group_join(actor=speaker, group=group).state == "active"


def test_removed_member_cannot_rejoin_and_is_told_why(group, speaker, facilitator):
    membership = Membership.objects.get(member=speaker)
    with pytest.raises(GroupActionRefused, match="reason"):
        services.membership_remove(actor=facilitator, membership=membership, reason=" ")
    services.membership_remove(
        actor=facilitator, membership=membership, reason="Repeated pressure."
    )
    with pytest.raises(GroupActionRefused, match="can't rejoin"):
        services.group_join(actor=speaker, group=group)
    assert ModerationAction.objects.get().verb == "membership_removed"


def test_a_removal_reason_is_bounded_because_the_audit_log_keeps_it(group, speaker, facilitator):
    membership = Membership.objects.get(member=speaker)
    with pytest.raises(GroupActionRefused, match="under 1000 characters"):
        services.membership_remove(actor=facilitator, membership=membership, reason="x" * 1001)
    membership.refresh_from_db()
    assert membership.state == "active"
    assert not ModerationAction.objects.exists()


def test_facilitators_cannot_remove_facilitators_but_moderators_can(group, facilitator, moderator):
    other = _settled()
    membership = MembershipFactory(group=group, member=other, role="facilitator")
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=facilitator, membership=membership, reason="x")
    services.membership_remove(actor=moderator, membership=membership, reason="Stepping down.")


def test_banned_or_suspended_members_cannot_join(group, moderator):
    person = _settled()
    moderation_services.member_sanction(
        actor=moderator,
        member=person,
        kind="suspend",
        reason="A week away.",
        ends_at=timezone.now() + timedelta(days=7),
    )
    with pytest.raises(GroupActionRefused, match="A week away"):
        services.group_join(actor=person, group=group)


def test_visitors_cannot_join(group):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.group_join(actor=AnonymousUser(), group=group)


def test_request_note_has_a_limit(private_group):
    with pytest.raises(GroupActionRefused, match="under 1000"):
        services.group_join(actor=_settled(), group=private_group, note="x" * 1001)


# --- posting -------------------------------------------------------------------------------------


def test_published_messages_get_consecutive_seq_per_group(group, speaker, listener):
    other_group = GroupFactory()
    MembershipFactory(group=other_group, member=speaker)
    seqs = [post(speaker, group).message.seq, post(listener, group).message.seq]
    assert post(speaker, other_group).message.seq == 1
    seqs.append(post(speaker, group).message.seq)
    assert seqs == [1, 2, 3]
    group.refresh_from_db()
    assert group.last_seq == 3


def test_posting_a_chat_message_takes_a_fixed_number_of_statements(group, speaker):
    """Every chat message pays these, so the number is pinned: membership, the local_id
    replay check, sanctions, watched words, then the seq (one UPDATE ... RETURNING) and the
    INSERT. Transaction control (BEGIN, COMMIT, savepoints) differs by database and is not
    counted."""
    post(speaker, group, body="Warming up.")
    with CaptureQueriesContext(connection) as captured:
        result = post(speaker, group, body="I keep checking my phone tonight.", local_id="q1")
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]

    assert result.message.seq == 2
    assert len(statements) == 6, "\n".join(statements)
    assert sum("RETURNING" in sql and "last_seq" in sql for sql in statements) == 1


def test_non_members_cannot_post_or_read(group, private_group):
    outsider = _settled()
    with pytest.raises(PermissionDenied):
        post(outsider, group)
    requested = services.group_join(actor=outsider, group=private_group)
    assert requested.state == "requested"
    with pytest.raises(PermissionDenied):
        post(outsider, private_group)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_room_for(outsider, private_group.slug)


def test_same_local_id_never_creates_a_second_message(group, speaker, listener):
    first = post(speaker, group, local_id="tab1-0001")
    again = post(speaker, group, body="different text", local_id="tab1-0001")
    assert again.duplicate
    assert again.message.pk == first.message.pk
    assert ChatMessage.objects.count() == 1
    # local ids are per author: another member may use the same one
    assert not post(listener, group, local_id="tab1-0001").duplicate


@pytest.mark.parametrize("local_id", ["x" * 65, "has space", "<script>", 12, ["a"]])
def test_bad_local_id_is_refused(group, speaker, local_id):
    with pytest.raises(GroupActionRefused, match="local_id"):
        post(speaker, group, local_id=local_id)


def test_held_message_has_no_seq_until_approved_then_takes_the_next(group, speaker, moderator):
    held = post(speaker, group, body=URGENT_TEXT)
    assert held.held
    assert held.message.seq is None
    assert held.decision.signpost.tier == "urgent"
    assert QueueItem.objects.get().group == group
    post(speaker, group)
    moderation_services.content_approve(actor=moderator, content=held.message)
    held.message.refresh_from_db()
    assert held.message.seq == 2
    assert held.message.status == ContentStatus.PUBLISHED


def test_held_messages_are_not_in_the_room(group, speaker, listener):
    post(speaker, group, body=URGENT_TEXT)
    post(speaker, group, body="Sorry, I'm ok.")
    history = selectors.messages_before(listener, group)
    assert [m.get("seq") for m in history] == [1]
    assert URGENT_TEXT not in str(history)
    assert [m.body for m in selectors.own_held_messages(speaker, group)] == [URGENT_TEXT]


def test_concern_is_published_and_signposted_to_its_author(group, speaker):
    result = post(speaker, group, body=CONCERN_TEXT)
    assert result.message.status == ContentStatus.PUBLISHED
    assert result.decision.signpost.tier == "concern"
    assert Signpost.objects.get().member == speaker


def test_premoderated_group_holds_a_new_members_first_messages(speaker):
    calm = GroupFactory(is_premoderated=True)
    MembershipFactory(group=calm, member=speaker)
    assert post(speaker, calm).held


def test_muted_member_is_refused_with_until(group, speaker, facilitator):
    sanction = services.member_mute_in_group(
        actor=facilitator, group=group, member=speaker, minutes=30, reason="Cooling off."
    )
    with pytest.raises(ContentRefused) as refused:
        post(speaker, group)
    assert refused.value.decision.refusal == Refusal.MUTED
    assert refused.value.decision.until == sanction.ends_at
    other_group = GroupFactory()
    MembershipFactory(group=other_group, member=speaker)
    assert post(speaker, other_group).message.seq == 1, "a mute in one room stays in that room"


@pytest.mark.parametrize("minutes", [0, -5, 7 * 24 * 60 + 1, "10", 1.5, True, None])
def test_mute_length_is_checked(group, speaker, facilitator, minutes):
    with pytest.raises(GroupActionRefused):
        services.member_mute_in_group(
            actor=facilitator, group=group, member=speaker, minutes=minutes, reason="x"
        )


def test_facilitators_mute_only_in_their_own_group(group, speaker, facilitator):
    elsewhere = GroupFactory()
    with pytest.raises(PermissionDenied):
        services.member_mute_in_group(
            actor=facilitator, group=elsewhere, member=speaker, minutes=5, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.member_mute_in_group(
            actor=speaker, group=group, member=facilitator, minutes=5, reason="x"
        )


def test_facilitator_removes_a_message_in_their_group_only(group, speaker, facilitator):
    message = post(speaker, group).message
    services.chat_message_remove(actor=facilitator, message=message, reason="Names, please.")
    message.refresh_from_db()
    assert message.status == ContentStatus.REMOVED
    assert selectors.messages_after(speaker, group, after_seq=0) == [
        {"id": message.pk, "seq": 1, "removed": True}
    ]
    elsewhere = GroupFactory()
    MembershipFactory(group=elsewhere, member=speaker)
    other = post(speaker, elsewhere).message
    with pytest.raises(PermissionDenied):
        services.chat_message_remove(actor=facilitator, message=other, reason="x")


def test_scope_hook_knows_facilitators(group, facilitator, speaker):
    assert moderation_permissions.is_facilitator_of(facilitator, group)
    assert not moderation_permissions.is_facilitator_of(speaker, group)
    Membership.objects.filter(member=facilitator).update(state="left")
    assert not moderation_permissions.is_facilitator_of(facilitator, group)


# --- ignoring ------------------------------------------------------------------------------------


def test_ignored_authors_become_hidden_tombstones_for_the_reader_only(group, speaker, listener):
    post(speaker, group, body="from speaker")
    post(listener, group, body="from listener")
    services.member_ignore(actor=listener, other=speaker)
    services.member_ignore(actor=listener, other=speaker)
    assert MemberIgnore.objects.count() == 1
    seen = selectors.messages_after(listener, group, after_seq=0)
    assert seen[0] == {"id": seen[0]["id"], "seq": 1, "hidden": True}
    assert "from listener" in seen[1]["body_html"]
    assert "from speaker" in selectors.messages_after(speaker, group, after_seq=0)[0]["body_html"]
    services.member_unignore(actor=listener, other=speaker)
    assert "body_html" in selectors.messages_after(listener, group, after_seq=0)[0]


def test_nobody_ignores_themselves(speaker):
    with pytest.raises(GroupActionRefused):
        services.member_ignore(actor=speaker, other=speaker)


# --- reading -------------------------------------------------------------------------------------


def test_history_pages_backwards_and_replay_goes_forwards(group, speaker, clock):
    for number in range(1, 8):
        post(speaker, group, body=f"message {number}")
        clock.advance(2)
    page = selectors.messages_before(speaker, group, limit=3)
    assert [m["seq"] for m in page] == [5, 6, 7]
    earlier = selectors.messages_before(speaker, group, before_seq=5, limit=3)
    assert [m["seq"] for m in earlier] == [2, 3, 4]
    assert [m["seq"] for m in selectors.messages_after(speaker, group, after_seq=5)] == [6, 7]


def test_history_costs_two_queries_whatever_its_length(group, speaker, django_assert_num_queries):
    for _ in range(5):
        post(speaker, group)
    with django_assert_num_queries(2):  # ignore list, messages with authors
        selectors.messages_before(speaker, group)


def test_sessions_list_the_next_three_including_one_in_progress(group):
    from groups.models import GroupSession

    now = timezone.now()
    for hours in (-30, -0.5, 2, 26, 50, 74):
        GroupSession.objects.create(
            group=group, starts_at=now + timedelta(hours=hours), topic=f"in {hours}h"
        )
    topics = [s.topic for s in selectors.upcoming_sessions(group)]
    assert topics == ["in -0.5h", "in 2h", "in 26h"]


# --- seq under concurrency -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_unique_gap_free_seq():
    """Several writers at once (threads, each with its own database connection) never collide:
    run on SQLite and on PostgreSQL by CI."""
    group = GroupFactory()
    writers = [_settled() for _ in range(6)]
    for writer in writers:
        MembershipFactory(group=group, member=writer)
    errors: list[BaseException] = []
    start = threading.Barrier(len(writers))

    def write(member) -> None:
        try:
            start.wait()
            for number in range(5):
                services.chat_message_post(
                    actor=member, group=group, body=f"hello {number}", local_id=f"m{number}"
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    seqs = sorted(ChatMessage.objects.filter(group=group).values_list("seq", flat=True))
    assert seqs == list(range(1, 31))
    assert PeerGroup.objects.get(pk=group.pk).last_seq == 30


def test_unique_seq_is_also_enforced_by_the_database(group, speaker):
    from django.db import IntegrityError, transaction

    post(speaker, group)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatMessage.objects.create(author=speaker, group=group, body="x", body_html="x", seq=1)


def test_sanction_recheck_is_broadcast_after_commit(
    group, speaker, facilitator, django_capture_on_commit_callbacks, monkeypatch
):
    from groups import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "member_restricted", lambda member_id: sent.append(member_id))
    with django_capture_on_commit_callbacks(execute=True):
        services.member_mute_in_group(
            actor=facilitator, group=group, member=speaker, minutes=5, reason="Pause."
        )
    assert sent == [speaker.pk]
    assert Sanction.objects.get().group == group
