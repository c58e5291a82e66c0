"""One small community for the API's role matrix and its API-versus-page checks.

`world` holds the five actors every endpoint is tried with, and the things they act on:

- `group`: a private peer group. `member` and `author` are active members, `facilitator`
  facilitates it, `target` is a member a facilitator may mute or remove, `requester` has asked
  to join. `outsider` is signed in and belongs to no group; `moderator` moderates everywhere.
- `open_group`: an open group nobody above belongs to except `elsewhere_author`.
- the group's forum category with `thread` and `reply` by `author` and `own_thread` and
  `own_reply` by `member` (the ones `member` may edit and delete); a public category with
  `public_thread` by `author`.
- `chat`: a published chat message by `author` in the group.
- stories: `story` (published, members only, by `author`), `own_story` (published, by
  `member`) and `submitted_story` (waiting for review, by `author`).
- queue items: `item` (a held chat message in the group), `reported_item` (a published one
  someone reported), `crisis_item` (urgent, in the group),
  `removed_item` (content a moderator took down, in the group), `appeal` and `appeal_item`
  (`author` appealing that removal) and `outside_item` (a held message in `open_group`), plus
  `outside_appeal` about a removal in `open_group`.
- `template`: an active removal template; `log_entry`: a row of the moderation log;
  `support_message`: a message from the moderation team to `member`; `token`/`token_secret`:
  an API token of `member`; `export`: a ready data export of `member`.

Everything is stored directly or through the services, cheaply, in each test's own transaction,
so one test's writes never change another's expectations."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.test import APIClient

from community import export_services, tokens
from community.forum_services import category_for_group
from community.models import Category, DataExport, Story
from groups.models import ChatMessage, PeerGroup
from moderation import dashboard_services, services
from moderation.models import ContentStatus, ModerationAction, QueueItem, ReplyTemplate
from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.community.story_helpers import make_story
from tests.factories import GroupFactory, MemberFactory
from tests.fixtures.once import built_once, fresh_copy

ACTORS = ("visitor", "member", "outsider", "facilitator", "moderator")

PRIVATE_WORD = "heliotrope"  # only in the private group's content
THREAD_WORD = "marigold"


def settled(**extra):
    """A member who joined a month ago, so new-member rules don't hold their posts."""
    extra.setdefault("date_joined", timezone.now() - timedelta(days=30))
    extra.setdefault("country", "GB")
    return MemberFactory(**extra)


def chat_message(group: PeerGroup, author, body: str, *, status=ContentStatus.PUBLISHED):
    """A chat message stored as published (with the group's next seq) or held."""
    seq = None
    if status == ContentStatus.PUBLISHED:
        group.refresh_from_db()
        seq = group.last_seq + 1
        PeerGroup.objects.filter(pk=group.pk).update(last_seq=seq)
    return ChatMessage.objects.create(
        group=group, author=author, body=body, body_html=f"<p>{body}</p>", status=status, seq=seq
    )


def queue_chat(group, author, body: str, *, reason=QueueItem.Reason.REVIEW) -> QueueItem:
    """A held chat message (published, for reports) with its open queue item."""
    status = ContentStatus.PUBLISHED if reason == QueueItem.Reason.REPORT else ContentStatus.HELD
    message = chat_message(group, author, body, status=status)
    return QueueItem.objects.create(
        content_type=services.content_type_for(message),
        object_id=message.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=group,
        member=author,
        snapshot=body,
    )


def api_client(user=None, **kwargs) -> APIClient:
    """A client signed in by session (like a browser) when `user` is given."""
    client = APIClient(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def rows(response) -> list:
    """The items of a list answer, whether it is a plain list or a page (`results`)."""
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def assert_error(response, status: int) -> dict:
    """An error answer: the expected status and the shared shape `{code, detail, fields?}`."""
    assert response.status_code == status, (status, response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    if "fields" in body:
        assert isinstance(body["fields"], dict), body
    return body


def build_world() -> SimpleNamespace:
    group = GroupFactory(name="Quiet circle", slug="quiet-circle", visibility="private")
    open_group = GroupFactory(name="Open circle", slug="open-circle")
    moderator = settled(pseudonym="Mo Moderator", is_moderator=True, is_staff=True)
    second_moderator = settled(pseudonym="Sam Second", is_moderator=True)
    member = settled(pseudonym="Mel Member")
    outsider = settled(pseudonym="Otto Outsider")
    facilitator = settled(pseudonym="Fay Facilitator")
    author = settled(pseudonym="Ari Author")
    target = settled(pseudonym="Tess Target")
    requester = settled(pseudonym="Rae Requested")
    elsewhere_author = settled(pseudonym="Eli Elsewhere")
    join(group, member)
    join(group, author)
    join(group, target)
    join(group, facilitator, role="facilitator")
    requested = join(group, requester, state="requested")
    join(open_group, elsewhere_author)

    category = category_for_group(group)
    public_category = make_category(Category.Visibility.PUBLIC)
    open_category = category_for_group(open_group)
    thread = make_thread(
        category, author, title=f"Thread about {THREAD_WORD}", body=f"The {PRIVATE_WORD} helps."
    )
    reply = make_post(thread, author, body=f"Thank you, the {PRIVATE_WORD} tea helped.")
    own_thread = make_thread(category, member, title="My own thread", body="Mine to change.")
    own_reply = make_post(thread, member, body="My own reply, mine to change.")
    public_thread = make_thread(public_category, author, title="Open to all", body="Anyone.")
    open_thread = make_thread(open_category, elsewhere_author, title="Elsewhere", body="Not here.")

    chat = chat_message(group, author, f"Hello from the {PRIVATE_WORD} room.")
    story = make_story(author, audience=Story.Audience.MEMBERS)
    own_story = make_story(member)
    submitted_story = make_story(author, state=Story.State.SUBMITTED)

    item = queue_chat(group, author, "Thinking about texting him again, tell me not to.")
    reported_item = queue_chat(
        group, author, "Published words someone reported.", reason=QueueItem.Reason.REPORT
    )
    crisis_item = queue_chat(
        group, author, "Held words from someone at risk.", reason=QueueItem.Reason.CRISIS_URGENT
    )
    removed_item = queue_chat(group, author, "Words a moderator took down.")
    services.content_remove(
        actor=second_moderator, content=removed_item.content, reason="Please keep it kind."
    )
    appeal = services.appeal_submit(
        actor=author, content=removed_item.content, text="Please have another look."
    )
    outside_item = queue_chat(open_group, elsewhere_author, "Held words in the open circle.")
    outside_removed = queue_chat(open_group, elsewhere_author, "Removed in the open circle.")
    services.content_remove(
        actor=second_moderator, content=outside_removed.content, reason="Please keep it kind."
    )
    outside_appeal = services.appeal_submit(
        actor=elsewhere_author, content=outside_removed.content, text="Please look again."
    )
    about_member = queue_chat(group, member, "Something a moderator wrote to me about.")
    support_message = dashboard_services.support_message_send(
        actor=second_moderator, item=about_member, text="We're thinking of you."
    )
    template = ReplyTemplate.objects.filter(kind="removal", is_active=True).first()
    if template is None:
        template = ReplyTemplate.objects.create(
            kind="removal", title="Kindness", body="Please keep replies kind."
        )
    token, token_secret = tokens.api_token_create(owner=member, name="My phone")
    export = DataExport.objects.create(member=member)
    export_services.data_export_build(export_id=export.pk)

    return SimpleNamespace(
        actors={
            "visitor": AnonymousUser(),
            "member": member,
            "outsider": outsider,
            "facilitator": facilitator,
            "moderator": moderator,
        },
        member=member,
        outsider=outsider,
        facilitator=facilitator,
        moderator=moderator,
        second_moderator=second_moderator,
        author=author,
        target=target,
        requester=requester,
        requested=requested,
        elsewhere_author=elsewhere_author,
        group=group,
        open_group=open_group,
        category=category,
        public_category=public_category,
        open_category=open_category,
        thread=thread,
        reply=reply,
        own_thread=own_thread,
        own_reply=own_reply,
        public_thread=public_thread,
        open_thread=open_thread,
        chat=chat,
        story=story,
        own_story=own_story,
        submitted_story=submitted_story,
        item=item,
        reported_item=reported_item,
        crisis_item=crisis_item,
        removed_item=removed_item,
        appeal=appeal,
        appeal_item=appeal.queue_item,
        outside_item=outside_item,
        outside_appeal=outside_appeal,
        support_message=support_message,
        template=template,
        log_entry=ModerationAction.objects.order_by("pk").first(),
        token=token,
        token_secret=token_secret,
        export=export,
    )


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_world) as built:
        yield built


@pytest.fixture
def world(world_once, db) -> SimpleNamespace:
    return fresh_copy(world_once)
