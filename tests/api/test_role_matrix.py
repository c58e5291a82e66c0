"""The role matrix of the REST API: every operation under /api/v1/, tried by a visitor, a
member of the private group, a member of no group (outsider), the group's facilitator and a
moderator, with the answer a person would expect.

Each row names an operation as the OpenAPI schema does (method and path) and what each actor
gets, in actor order (visitor, member, outsider, facilitator, moderator):

- a number: that status; an error status must come in the shared shape `{code, detail}`,
  and a 404 must be the plain `not_found` (never a hint that something is hidden);
- `A`: an account is needed. The API answers a visitor without an Authorization header 403
  (401 with WWW-Authenticate once a client sends a token), code `not_authenticated`.

Rows with a `variant` try the same operation on something outside the facilitator's groups.
`test_every_operation_in_the_schema_is_in_the_table` fails when an endpoint is added without
a row here, so a new endpoint must say who may use it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from community import journal_services, selfcheck, tokens
from community.models import MoodCheckIn, Notification, Post, SelfCheck
from moderation import services
from moderation.models import ContentStatus, QueueItem
from tests.api.conftest import (
    ACTORS,
    PRIVATE_WORD,
    THREAD_WORD,
    api_client,
    assert_error,
    queue_chat,
    rows,
    settled,
)
from tests.community.forum_helpers import join, make_post
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEEDS_ACCOUNT = "A"
REASON = {"reason": "Please keep replies kind."}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # as the schema spells it
    expect: str  # visitor member outsider facilitator moderator
    params: Callable = lambda w: {}
    body: Callable | dict | None = None
    query: str = ""
    variant: str = ""
    # prepare(world, actor) -> extra params, for rows whose target depends on who acts.
    prepare: Callable | None = None
    marks: tuple = field(default=())

    @property
    def key(self) -> str:
        name = f"{self.method.upper()} {self.path}"
        return f"{name} [{self.variant}]" if self.variant else name

    def expected(self, actor: str) -> str:
        codes = self.expect.split()
        assert len(codes) == len(ACTORS), self.key
        return codes[ACTORS.index(actor)]


def _g(w):
    return {"slug": w.group.slug}


def _claim_for(w, actor):
    """Release needs a claimed item: claimed by the actor when they may claim it."""
    who = actor if getattr(actor, "is_authenticated", False) else w.second_moderator
    if not services.permissions.can_work_queue_item(who, w.item):
        who = w.second_moderator
    services.queue_item_claim(actor=who, item=w.item)
    return {}


def _own_removed_reply(w, actor):
    """A reply by the actor that a moderator took down: what they may appeal."""
    author = actor if getattr(actor, "is_authenticated", False) else w.author
    post = make_post(w.public_thread, author, body="Words that were taken down.")
    services.content_remove(actor=w.second_moderator, content=post, reason="Please keep it kind.")
    return {"content_id": post.pk}


def _appeal_body(w, p):
    return {"content_kind": "community.post", "content_id": p["content_id"], "text": "Please?"}


def _members_check_in(w):
    """A mood check-in of `member`, which nobody else may read or delete."""
    return {"checkin_id": MoodCheckIn.objects.create(member=w.member, mood=2, note="Low.").pk}


def _members_entry(w, actor):
    """A journal entry of `member`, whoever acts: only `member` may reach it."""
    entry, _offer = journal_services.journal_entry_create(actor=w.member, body="Mine alone.")
    return {"entry_id": entry.pk}


def _members_milestone(w, actor):
    """A milestone of `member`, whoever acts: only `member` may reach it."""
    milestone, _offer = journal_services.milestone_create(actor=w.member, title="Waited a day")
    return {"milestone_id": milestone.pk}


def _member_self_check(w) -> dict:
    """A self-check result of `member`: only they may read or delete it."""
    check = SelfCheck.objects.create(
        member=w.member, answers=SELF_CHECK_ANSWERS, anxiety="3.00", avoidance="3.00"
    )
    return {"check_id": check.pk}


SELF_CHECK_ANSWERS = dict.fromkeys(selfcheck.ITEM_KEYS, 3)

G = "/api/v1/groups"
M = "/api/v1/me/mood"
F = "/api/v1/forums"
S = "/api/v1/stories"
Q = "/api/v1/moderation/queue"
T = "/api/v1/moderation/templates"

CASES = [
    # --- groups and chat --------------------------------------------------------------------
    Case("get", f"{G}/", "200 200 200 200 200"),
    Case("get", f"{G}/{{slug}}/", "200 200 200 200 200", _g),
    Case("post", f"{G}/{{slug}}/join/", "A 200 200 200 200", _g, {"note": "Hello."}),
    Case(
        "post",
        f"{G}/{{slug}}/members/{{pseudonym}}/remove/",
        "A 403 404 200 200",
        lambda w: {"slug": w.group.slug, "pseudonym": w.target.pseudonym},
        REASON,
    ),
    Case(
        "post",
        f"{G}/{{slug}}/members/{{pseudonym}}/remove/",
        "A 404 404 404 200",
        lambda w: {"slug": w.open_group.slug, "pseudonym": w.elsewhere_author.pseudonym},
        REASON,
        variant="outside",
    ),
    Case("delete", f"{G}/{{slug}}/membership/", "A 204 204 204 204", _g),
    Case("get", f"{G}/{{slug}}/messages/", "A 200 404 200 200", _g),
    Case(
        "get",
        f"{G}/{{slug}}/messages/",
        "A 404 404 404 200",
        lambda w: {"slug": w.open_group.slug},
        variant="outside",
    ),
    Case(
        "post",
        f"{G}/{{slug}}/messages/",
        "A 201 404 201 201",
        _g,
        {"body": "Breathing through the wait today.", "local_id": "matrix-1"},
    ),
    Case(
        "post",
        f"{G}/{{slug}}/messages/{{id}}/remove/",
        "A 403 404 200 200",
        lambda w: {"slug": w.group.slug, "id": w.chat.pk},
        REASON,
    ),
    Case(
        "post",
        f"{G}/{{slug}}/messages/{{id}}/remove/",
        "A 404 404 404 200",
        lambda w: {"slug": w.open_group.slug, "id": w.outside_item.object_id},
        REASON,
        variant="outside",
    ),
    Case(
        "post",
        f"{G}/{{slug}}/mutes/",
        "A 403 404 201 201",
        _g,
        lambda w, p: {"member": w.target.pseudonym, "minutes": 30, **REASON},
    ),
    Case(
        "post",
        f"{G}/{{slug}}/mutes/",
        "A 404 404 404 201",
        lambda w: {"slug": w.open_group.slug},
        lambda w, p: {"member": w.elsewhere_author.pseudonym, "minutes": 30, **REASON},
        variant="outside",
    ),
    Case("get", f"{G}/{{slug}}/requests/", "A 403 404 200 200", _g),
    Case(
        "post",
        f"{G}/{{slug}}/requests/{{id}}/approve/",
        "A 403 404 200 200",
        lambda w: {"slug": w.group.slug, "id": w.requested.pk},
    ),
    Case(
        "post",
        f"{G}/{{slug}}/requests/{{id}}/decline/",
        "A 403 404 200 200",
        lambda w: {"slug": w.group.slug, "id": w.requested.pk},
    ),
    Case("get", "/api/v1/ignores/", "A 200 200 200 200"),
    Case(
        "put",
        "/api/v1/ignores/{pseudonym}/",
        "A 200 200 200 200",
        lambda w: {"pseudonym": w.author.pseudonym},
    ),
    Case(
        "delete",
        "/api/v1/ignores/{pseudonym}/",
        "A 204 204 204 204",
        lambda w: {"pseudonym": w.author.pseudonym},
    ),
    # --- forums -----------------------------------------------------------------------------
    Case("get", f"{F}/categories/", "200 200 200 200 200"),
    Case(
        "get",
        f"{F}/categories/{{slug}}/",
        "404 200 404 200 200",
        lambda w: {"slug": w.category.slug},
    ),
    Case(
        "get",
        f"{F}/categories/{{slug}}/threads/",
        "404 200 404 200 200",
        lambda w: {"slug": w.category.slug},
    ),
    Case(
        "post",
        f"{F}/categories/{{slug}}/threads/",
        "A 201 404 201 201",
        lambda w: {"slug": w.category.slug},
        {"title": "Waiting for a reply", "body": "It's hard today."},
    ),
    Case("get", f"{F}/search/", "200 200 200 200 200", query=f"q={PRIVATE_WORD}"),
    Case("post", f"{F}/search/", "200 200 200 200 200", body={"q": PRIVATE_WORD}),
    Case(
        "get",
        f"{F}/threads/{{thread_id}}/",
        "404 200 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
    ),
    Case(
        "patch",
        f"{F}/threads/{{thread_id}}/",
        "A 200 404 403 403",
        lambda w: {"thread_id": w.own_thread.pk},
        {"title": "My own thread, changed"},
    ),
    Case(
        "delete",
        f"{F}/threads/{{thread_id}}/",
        "A 204 404 403 403",
        lambda w: {"thread_id": w.own_thread.pk},
    ),
    Case(
        "get",
        f"{F}/threads/{{thread_id}}/posts/",
        "404 200 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/posts/",
        "A 201 404 201 201",
        lambda w: {"thread_id": w.thread.pk},
        {"body": "Me too, you're not alone."},
    ),
    Case(
        "put",
        f"{F}/threads/{{thread_id}}/reactions/{{kind}}/",
        "A 200 404 200 200",
        lambda w: {"thread_id": w.thread.pk, "kind": "hug"},
    ),
    Case(
        "delete",
        f"{F}/threads/{{thread_id}}/reactions/{{kind}}/",
        "A 200 404 200 200",
        lambda w: {"thread_id": w.thread.pk, "kind": "hug"},
    ),
    Case(
        "put",
        f"{F}/threads/{{thread_id}}/follow/",
        "A 200 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
    ),
    Case(
        "delete",
        f"{F}/threads/{{thread_id}}/follow/",
        "A 200 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/lock/",
        "A 403 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
        {"locked": True},
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/lock/",
        "A 403 403 403 200",
        lambda w: {"thread_id": w.public_thread.pk},
        {"locked": True},
        variant="public category",
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/lock/",
        "A 404 404 404 200",
        lambda w: {"thread_id": w.open_thread.pk},
        {"locked": True},
        variant="another group",
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/pin/",
        "A 403 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
        {"pinned": True},
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/remove/",
        "A 403 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
        REASON,
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/remove/",
        "A 403 403 403 200",
        lambda w: {"thread_id": w.public_thread.pk},
        REASON,
        variant="public category",
    ),
    Case(
        "post",
        f"{F}/threads/{{thread_id}}/report/",
        "A 201 404 201 201",
        lambda w: {"thread_id": w.thread.pk},
        {"reason": "other", "note": ""},
    ),
    Case(
        "get",
        f"{F}/threads/{{thread_id}}/revisions/",
        "404 404 404 200 200",
        lambda w: {"thread_id": w.thread.pk},
    ),
    Case(
        "get",
        f"{F}/threads/{{thread_id}}/revisions/",
        "404 404 404 404 200",
        lambda w: {"thread_id": w.public_thread.pk},
        variant="public category",
    ),
    Case(
        "get", f"{F}/posts/{{post_id}}/", "404 200 404 200 200", lambda w: {"post_id": w.reply.pk}
    ),
    Case(
        "patch",
        f"{F}/posts/{{post_id}}/",
        "A 200 404 403 403",
        lambda w: {"post_id": w.own_reply.pk},
        {"body": "My own reply, changed."},
    ),
    Case(
        "delete",
        f"{F}/posts/{{post_id}}/",
        "A 204 404 403 403",
        lambda w: {"post_id": w.own_reply.pk},
    ),
    Case(
        "put",
        f"{F}/posts/{{post_id}}/reactions/{{kind}}/",
        "A 200 404 200 200",
        lambda w: {"post_id": w.reply.pk, "kind": "me_too"},
    ),
    Case(
        "delete",
        f"{F}/posts/{{post_id}}/reactions/{{kind}}/",
        "A 200 404 200 200",
        lambda w: {"post_id": w.reply.pk, "kind": "me_too"},
    ),
    Case(
        "post",
        f"{F}/posts/{{post_id}}/remove/",
        "A 403 404 200 200",
        lambda w: {"post_id": w.reply.pk},
        REASON,
    ),
    Case(
        "post",
        f"{F}/posts/{{post_id}}/report/",
        "A 201 404 201 201",
        lambda w: {"post_id": w.reply.pk},
        {"reason": "other", "note": ""},
    ),
    Case(
        "get",
        f"{F}/posts/{{post_id}}/revisions/",
        "404 404 404 200 200",
        lambda w: {"post_id": w.reply.pk},
    ),
    Case("get", "/api/v1/notifications/", "A 200 200 200 200"),
    Case("get", "/api/v1/notifications/unread-count/", "A 200 200 200 200"),
    Case("post", "/api/v1/notifications/read/", "A 200 200 200 200", body={}),
    # --- stories ----------------------------------------------------------------------------
    Case("get", f"{S}/", "200 200 200 200 200"),
    Case(
        "post",
        f"{S}/",
        "A 201 201 201 201",
        body={
            "title": "I went for a walk instead",
            "body": "Last week I noticed the panic, breathed, and went for a walk.",
            "tags": ["calmer-when-waiting"],
        },
    ),
    Case("get", f"{S}/mine/", "A 200 200 200 200"),
    Case("get", f"{S}/tags/", "200 200 200 200 200"),
    Case("get", f"{S}/review/", "A 403 403 403 200"),
    Case("get", f"{S}/{{story_id}}/", "404 200 200 200 200", lambda w: {"story_id": w.story.pk}),
    Case(
        "get",
        f"{S}/{{story_id}}/",
        "404 404 404 404 200",
        lambda w: {"story_id": w.submitted_story.pk},
        variant="waiting for review",
    ),
    Case(
        "patch",
        f"{S}/{{story_id}}/",
        "A 200 403 403 403",
        lambda w: {"story_id": w.own_story.pk},
        {"title": "I went for a walk, changed"},
    ),
    Case(
        "delete", f"{S}/{{story_id}}/", "A 204 403 403 403", lambda w: {"story_id": w.own_story.pk}
    ),
    Case("put", f"{S}/{{story_id}}/hope/", "A 200 200 200 200", lambda w: {"story_id": w.story.pk}),
    Case(
        "delete", f"{S}/{{story_id}}/hope/", "A 200 200 200 200", lambda w: {"story_id": w.story.pk}
    ),
    Case(
        "post",
        f"{S}/{{story_id}}/approve/",
        "A 404 404 404 200",
        lambda w: {"story_id": w.submitted_story.pk},
        {"note": ""},
    ),
    Case(
        "post",
        f"{S}/{{story_id}}/return/",
        "A 404 404 404 200",
        lambda w: {"story_id": w.submitted_story.pk},
        {"note": "Could you leave out his name?"},
    ),
    Case(
        "post",
        f"{S}/{{story_id}}/remove/",
        "A 403 403 403 200",
        lambda w: {"story_id": w.story.pk},
        REASON,
    ),
    Case(
        "post",
        f"{S}/{{story_id}}/feature/",
        "A 403 403 403 200",
        lambda w: {"story_id": w.story.pk},
        {"featured": True},
    ),
    # --- help, me, tokens, my moderation record ---------------------------------------------
    Case("get", "/api/v1/help/", "200 200 200 200 200"),
    Case("get", "/api/v1/me/", "A 200 200 200 200"),
    Case("patch", "/api/v1/me/", "A 200 200 200 200", body={"country": "IE"}),
    Case("get", "/api/v1/me/about/", "A 200 200 200 200"),
    Case("put", "/api/v1/me/about/", "A 200 200 200 200", body={"text": "Learning to wait."}),
    Case("delete", "/api/v1/me/about/", "A 204 204 204 204"),
    Case("get", "/api/v1/me/tokens/", "A 200 200 200 200"),
    Case("post", "/api/v1/me/tokens/", "A 201 201 201 201", body={"name": "Laptop"}),
    Case(
        "delete",
        "/api/v1/me/tokens/{token_id}/",
        "A 204 404 404 404",
        lambda w: {"token_id": w.token.pk},
    ),
    Case("post", "/api/v1/me/logout/", "A 204 204 204 204"),
    Case(
        "post",
        "/api/v1/me/password/",
        "A 204 204 204 204",
        body={"old_password": TEST_PASSWORD, "new_password": "a quiet harbour at dawn"},
    ),
    Case("post", "/api/v1/me/delete/", "A 200 200 200 200", body={"password": TEST_PASSWORD}),
    Case("get", "/api/v1/me/exports/", "A 200 200 200 200"),
    Case("post", "/api/v1/me/exports/", "A 202 202 202 202"),
    Case(
        "get",
        "/api/v1/me/exports/{export_id}/",
        "A 200 404 404 404",
        lambda w: {"export_id": w.export.pk},
    ),
    Case(
        "get",
        "/api/v1/me/exports/{export_id}/download/",
        "A 200 404 404 404",
        lambda w: {"export_id": w.export.pk},
    ),
    Case("get", "/api/v1/me/reports/", "A 200 200 200 200"),
    Case("get", "/api/v1/me/moderation/", "A 200 200 200 200"),
    Case("get", "/api/v1/me/appeals/", "A 200 200 200 200"),
    Case(
        "post",
        "/api/v1/me/appeals/",
        "A 201 201 201 201",
        body=_appeal_body,
        prepare=_own_removed_reply,
    ),
    Case(
        "post",
        "/api/v1/me/appeals/",
        "A 404 404 404 404",
        body=lambda w, p: {
            "content_kind": "groups.chatmessage",
            "content_id": w.removed_item.object_id,
            "text": "Please?",
        },
        variant="someone else's removal",
    ),
    Case("get", "/api/v1/me/support-messages/", "A 200 200 200 200"),
    Case(
        "get",
        "/api/v1/me/support-messages/{message_id}/",
        "A 200 404 404 404",
        lambda w: {"message_id": w.support_message.pk},
    ),
    Case("post", "/api/v1/me/support-messages/read/", "A 200 200 200 200", body={}),
    # --- the private mood check-ins: the member's alone, whoever else asks -----------------
    Case("get", f"{M}/", "A 200 200 200 200"),
    Case("post", f"{M}/", "A 201 201 201 201", body={"mood": 3, "feelings": ["hopeful"]}),
    Case("get", f"{M}/{{checkin_id}}/", "A 200 404 404 404", _members_check_in),
    Case("delete", f"{M}/{{checkin_id}}/", "A 204 404 404 404", _members_check_in),
    Case("get", f"{M}/chart.svg", "A 200 200 200 200"),
    Case("get", f"{M}/series/", "A 200 200 200 200"),
    Case("get", f"{M}/reminder/", "A 200 200 200 200"),
    Case("put", f"{M}/reminder/", "A 200 200 200 200", body={"enabled": True, "hour": 19}),
    # --- the private journal and milestones: the owner's alone ---------------------------
    Case("get", "/api/v1/me/journal/", "A 200 200 200 200"),
    Case("post", "/api/v1/me/journal/", "A 201 201 201 201", body={"body": "I waited."}),
    Case("get", "/api/v1/me/journal/prompts/", "A 200 200 200 200"),
    Case("post", "/api/v1/me/journal/search/", "A 200 200 200 200", body={"q": "waited"}),
    Case("get", "/api/v1/me/journal/{entry_id}/", "A 200 404 404 404", prepare=_members_entry),
    Case(
        "patch",
        "/api/v1/me/journal/{entry_id}/",
        "A 200 404 404 404",
        body={"body": "Changed."},
        prepare=_members_entry,
    ),
    Case("delete", "/api/v1/me/journal/{entry_id}/", "A 204 404 404 404", prepare=_members_entry),
    Case("get", "/api/v1/me/milestones/", "A 200 200 200 200"),
    Case("post", "/api/v1/me/milestones/", "A 201 201 201 201", body={"title": "Set a boundary"}),
    Case(
        "get",
        "/api/v1/me/milestones/{milestone_id}/",
        "A 200 404 404 404",
        prepare=_members_milestone,
    ),
    Case(
        "patch",
        "/api/v1/me/milestones/{milestone_id}/",
        "A 200 404 404 404",
        body={"note": "It was hard."},
        prepare=_members_milestone,
    ),
    Case(
        "delete",
        "/api/v1/me/milestones/{milestone_id}/",
        "A 204 404 404 404",
        prepare=_members_milestone,
    ),
    Case(
        "post",
        "/api/v1/me/milestones/{milestone_id}/achieve/",
        "A 200 404 404 404",
        body={"achieved": True},
        prepare=_members_milestone,
    ),
    Case(
        "post",
        "/api/v1/me/milestones/{milestone_id}/story/",
        "A 201 404 404 404",
        prepare=_members_milestone,
    ),
    Case("get", "/api/v1/me/self-check/items/", "A 200 200 200 200"),
    Case("get", "/api/v1/me/self-check/", "A 200 200 200 200"),
    Case(
        "post",
        "/api/v1/me/self-check/",
        "A 201 201 201 201",
        body={"answers": SELF_CHECK_ANSWERS},
    ),
    Case("get", "/api/v1/me/self-check/{check_id}/", "A 200 404 404 404", _member_self_check),
    Case("delete", "/api/v1/me/self-check/{check_id}/", "A 204 404 404 404", _member_self_check),
    # --- appeals, log and the review dashboard ----------------------------------------------
    Case("get", "/api/v1/moderation/appeals/", "404 404 404 200 200"),
    Case(
        "post",
        "/api/v1/moderation/appeals/{appeal_id}/decide/",
        "404 404 404 200 200",
        lambda w: {"appeal_id": w.appeal.pk},
        {"grant": False, "note": "The decision stands, kindly."},
    ),
    Case(
        "post",
        "/api/v1/moderation/appeals/{appeal_id}/decide/",
        "404 404 404 404 200",
        lambda w: {"appeal_id": w.outside_appeal.pk},
        {"grant": False, "note": "The decision stands, kindly."},
        variant="outside",
    ),
    Case("get", "/api/v1/moderation/log/", "404 404 404 404 200"),
    Case(
        "get",
        "/api/v1/moderation/log/{id}/",
        "404 404 404 404 200",
        lambda w: {"id": w.log_entry.pk},
    ),
    Case("get", "/api/v1/moderation/health/", "404 404 404 200 200"),
    Case("get", f"{Q}/", "404 404 404 200 200"),
    Case(
        "post",
        f"{Q}/bulk/",
        "404 404 404 200 200",
        body=lambda w, p: {"action": "resolve", "items": [w.item.pk], "note": "Checked."},
    ),
    Case("get", f"{Q}/{{item_id}}/", "404 404 404 200 200", lambda w: {"item_id": w.item.pk}),
    Case(
        "get",
        f"{Q}/{{item_id}}/",
        "404 404 404 404 200",
        lambda w: {"item_id": w.outside_item.pk},
        variant="outside",
    ),
    Case(
        "post", f"{Q}/{{item_id}}/claim/", "404 404 404 200 200", lambda w: {"item_id": w.item.pk}
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/claim/",
        "404 404 404 404 200",
        lambda w: {"item_id": w.outside_item.pk},
        variant="outside",
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/release/",
        "404 404 404 200 200",
        lambda w: {"item_id": w.item.pk},
        prepare=_claim_for,
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/resolve/",
        "404 404 404 200 200",
        lambda w: {"item_id": w.reported_item.pk},
        {"resolution": "no_action", "note": "Checked."},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/approve/",
        "404 404 404 200 200",
        lambda w: {"item_id": w.item.pk},
        {"note": ""},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/approve/",
        "404 404 404 404 200",
        lambda w: {"item_id": w.outside_item.pk},
        {"note": ""},
        variant="outside",
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/remove/",
        "404 404 404 200 200",
        lambda w: {"item_id": w.item.pk},
        REASON,
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/remove/",
        "404 404 404 404 200",
        lambda w: {"item_id": w.outside_item.pk},
        REASON,
        variant="outside",
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/restore/",
        "404 404 404 200 200",
        lambda w: {"item_id": w.removed_item.pk},
        {"note": "It was fine."},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/sanction/",
        "404 404 404 201 201",
        lambda w: {"item_id": w.item.pk},
        {"kind": "warn", **REASON},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/sanction/",
        "404 404 404 403 201",
        lambda w: {"item_id": w.item.pk},
        {"kind": "ban", **REASON},
        variant="ban",
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/sanction/",
        "404 404 404 404 201",
        lambda w: {"item_id": w.outside_item.pk},
        {"kind": "warn", **REASON},
        variant="outside",
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/notes/",
        "404 404 404 201 201",
        lambda w: {"item_id": w.item.pk},
        {"text": "Looks fine to me."},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/notes/",
        "404 404 404 404 201",
        lambda w: {"item_id": w.outside_item.pk},
        {"text": "Looks fine to me."},
        variant="outside",
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/support/",
        "404 404 404 201 201",
        lambda w: {"item_id": w.item.pk},
        {"text": "We're thinking of you."},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/crisis/signpost/",
        "404 404 404 201 201",
        lambda w: {"item_id": w.crisis_item.pk},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/crisis/follow-up/",
        "404 404 404 201 201",
        lambda w: {"item_id": w.crisis_item.pk},
        {"note": "Check in after the session."},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/crisis/escalate/",
        "404 404 404 403 201",
        lambda w: {"item_id": w.crisis_item.pk},
        {"note": "Called emergency services."},
    ),
    Case(
        "post",
        f"{Q}/{{item_id}}/appeal/",
        "404 404 404 200 200",
        lambda w: {"item_id": w.appeal_item.pk},
        {"grant": False, "note": "The decision stands, kindly."},
    ),
    Case("get", f"{T}/", "404 404 404 200 200"),
    Case(
        "post",
        f"{T}/",
        "404 404 404 403 201",
        body={"kind": "removal", "title": "Be kind", "body": "Please keep replies kind."},
    ),
    Case(
        "get",
        f"{T}/{{template_id}}/",
        "404 404 404 200 200",
        lambda w: {"template_id": w.template.pk},
    ),
    Case(
        "patch",
        f"{T}/{{template_id}}/",
        "404 404 404 403 200",
        lambda w: {"template_id": w.template.pk},
        {"title": "Changed"},
    ),
    Case(
        "delete",
        f"{T}/{{template_id}}/",
        "404 404 404 403 204",
        lambda w: {"template_id": w.template.pk},
    ),
]


def _cases():
    for case in CASES:
        for actor in ACTORS:
            yield pytest.param(case, actor, id=f"{case.key} as {actor}", marks=case.marks)


def send(client, method: str, url: str, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _request(world, case: Case, user, client):
    params = case.params(world)
    if case.prepare is not None:
        params.update(case.prepare(world, user))
    url = case.path.format(**params)
    if case.query:
        url = f"{url}?{case.query}"
    body = case.body(world, params) if callable(case.body) else case.body
    if body is None and case.method in ("post", "put", "patch"):
        body = {}
    return send(client, case.method, url, body)


def _check(response, expected: str) -> None:
    if expected == NEEDS_ACCOUNT:
        assert response.status_code in (401, 403), response.content[:300]
        error = assert_error(response, response.status_code)
        assert error["code"] == "not_authenticated", error
        if response.status_code == 401:
            assert response.has_header("WWW-Authenticate")
        return
    status = int(expected)
    if status >= 400:
        error = assert_error(response, status)
        if status == 404:
            assert error["code"] == "not_found", error
            assert PRIVATE_WORD not in response.content.decode()
    else:
        assert response.status_code == status, response.content[:500]


@pytest.mark.parametrize(("case", "actor"), list(_cases()))
def test_role_matrix(world, case: Case, actor: str):
    """Signed in by session, as a browser is."""
    user = world.actors[actor]
    client = api_client(user if user.is_authenticated else None)
    _check(_request(world, case, user, client), case.expected(actor))


TOKEN_PATHS = ("/api/v1/me/tokens/", "/api/v1/me/tokens/{token_id}/")
# A token alone may not manage tokens, take a copy of the member's data (it holds the email
# address), change the password or delete the account.
SESSION_ONLY_PATHS = (
    *TOKEN_PATHS,
    "/api/v1/me/exports/",
    "/api/v1/me/exports/{export_id}/",
    "/api/v1/me/exports/{export_id}/download/",
    "/api/v1/me/password/",
    "/api/v1/me/delete/",
)


def _token_cases():
    for case in CASES:
        for actor in ("member", "facilitator"):
            yield pytest.param(case, actor, id=f"{case.key} as {actor}", marks=case.marks)


@pytest.mark.parametrize(("case", "actor"), list(_token_cases()))
def test_role_matrix_with_a_bearer_token(world, case: Case, actor: str):
    """The same answers with an API token, except for the session-only operations."""
    user = world.actors[actor]
    _token, secret = tokens.api_token_create(owner=user, name="Matrix client")
    client = api_client(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = _request(world, case, user, client)
    if case.path in SESSION_ONLY_PATHS:
        assert assert_error(response, 403)["code"] == "permission_denied"
        return
    _check(response, case.expected(actor))


def test_every_operation_in_the_schema_is_in_the_table():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    in_table = {(case.method, case.path) for case in CASES}
    assert in_schema - in_table == set(), "operations with no row in CASES"
    assert in_table - in_schema == set(), "rows in CASES for operations the schema lacks"


def test_the_table_tries_every_operation_with_all_five_actors():
    assert all(len(case.expect.split()) == len(ACTORS) for case in CASES)
    assert len({case.key for case in CASES}) == len(CASES), "a row is repeated"


# --- what the matrix's answers hide ------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_search_finds_private_group_words_only_for_those_who_may_read_them(world, method):
    found = {}
    for actor, user in world.actors.items():
        client = api_client(user if user.is_authenticated else None)
        if method == "get":
            response = client.get(f"{F}/search/?q={PRIVATE_WORD}")
        else:
            response = client.post(f"{F}/search/", {"q": PRIVATE_WORD}, format="json")
            assert PRIVATE_WORD not in (response.json()["next"] or "")
        assert response.status_code == 200
        found[actor] = response.json()["count"] > 0
    assert found == {
        "visitor": False,
        "member": True,
        "outsider": False,
        "facilitator": True,
        "moderator": True,
    }


def test_category_list_shows_the_group_forum_only_to_its_readers(world):
    for actor, user in world.actors.items():
        client = api_client(user if user.is_authenticated else None)
        slugs = {row["slug"] for row in rows(client.get(f"{F}/categories/"))}
        assert (world.category.slug in slugs) == (actor in {"member", "facilitator", "moderator"})


def test_queue_lists_only_the_facilitators_group(world):
    ids = {row["id"] for row in rows(api_client(world.facilitator).get(f"{Q}/"))}
    assert world.item.pk in ids
    assert world.outside_item.pk not in ids
    everything = {row["id"] for row in rows(api_client(world.moderator).get(f"{Q}/"))}
    assert world.outside_item.pk in everything


def test_bulk_decisions_skip_items_outside_the_facilitators_groups(world):
    body = {"action": "resolve", "items": [world.outside_item.pk], "note": "Checked."}
    response = api_client(world.facilitator).post(f"{Q}/bulk/", body, format="json")
    assert response.status_code == 200
    assert response.json()["done"] == []
    assert str(world.outside_item.pk) in response.json()["skipped"]
    assert QueueItem.objects.get(pk=world.outside_item.pk).state == QueueItem.State.OPEN


def test_appeals_list_shows_a_facilitator_only_their_groups_appeals(world):
    listed = rows(api_client(world.facilitator).get("/api/v1/moderation/appeals/"))
    assert [row["id"] for row in listed] == [world.appeal.pk]
    everything = rows(api_client(world.moderator).get("/api/v1/moderation/appeals/"))
    assert {row["id"] for row in everything} == {world.appeal.pk, world.outside_appeal.pk}


def test_asking_to_join_a_private_group_does_not_open_its_room(world):
    client = api_client(world.outsider)
    response = client.post(f"{G}/{world.group.slug}/join/", {"note": ""}, format="json")
    assert response.json()["state"] == "requested"
    assert_error(client.get(f"{G}/{world.group.slug}/messages/"), 404)
    assert_error(client.get(f"{F}/threads/{world.thread.pk}/"), 404)


def test_held_reply_is_404_to_other_members_and_seen_by_its_facilitator(world):
    held = make_post(world.thread, world.author, body="Held words.", status=ContentStatus.HELD)
    url = f"{F}/posts/{held.pk}/"
    assert_error(api_client(world.member).get(url), 404)
    assert api_client(world.facilitator).get(url).status_code == 200
    assert api_client(world.author).get(url).status_code == 200
    assert Post.objects.get(pk=held.pk).status == ContentStatus.HELD


def test_resolved_item_answers_409_conflict(world):
    item = world.reported_item
    services.queue_item_resolve(actor=world.moderator, item=item, resolution="no_action", note="")
    response = api_client(world.facilitator).post(f"{Q}/{item.pk}/claim/", {}, format="json")
    assert assert_error(response, 409)["code"] == "conflict"
    assert QueueItem.objects.get(pk=item.pk).state == QueueItem.State.RESOLVED


# --- CSRF and tokens ---------------------------------------------------------------------------


def _message_url(world) -> str:
    return f"{G}/{world.group.slug}/messages/"


MESSAGE = {"body": "Breathing through the wait.", "local_id": "csrf-1"}


def test_session_post_without_csrf_token_is_refused(world):
    client = api_client(world.member, enforce_csrf_checks=True)
    response = client.post(_message_url(world), MESSAGE, format="json")
    assert assert_error(response, 403)["code"] == "permission_denied"
    assert not world.group.messages.filter(local_id="csrf-1").exists()


def test_session_patch_and_delete_without_csrf_token_are_refused(world):
    client = api_client(world.member, enforce_csrf_checks=True)
    patched = client.patch(f"{F}/threads/{world.own_thread.pk}/", {"title": "X"}, format="json")
    assert_error(patched, 403)
    deleted = client.delete(f"{S}/{world.own_story.pk}/")
    assert_error(deleted, 403)
    world.own_story.refresh_from_db()
    assert world.own_story.status == ContentStatus.PUBLISHED


def test_session_post_with_csrf_token_is_accepted(world):
    client = api_client(world.member, enforce_csrf_checks=True)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(_message_url(world), MESSAGE, format="json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content


def test_session_get_needs_no_csrf_token(world):
    client = api_client(world.member, enforce_csrf_checks=True)
    assert client.get(_message_url(world)).status_code == 200


def test_bearer_token_post_needs_no_csrf_token(world):
    client = api_client(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.token_secret}")
    response = client.post(_message_url(world), MESSAGE, format="json")
    assert response.status_code == 201, response.content
    assert world.group.messages.get(local_id="csrf-1").author == world.member


def test_bad_bearer_token_is_401_with_www_authenticate(world):
    client = api_client(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION="Bearer sg_not-a-real-token")
    response = client.post(_message_url(world), MESSAGE, format="json")
    assert assert_error(response, 401)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_cannot_manage_tokens(world):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.token_secret}")
    assert_error(client.get("/api/v1/me/tokens/"), 403)
    assert_error(client.delete(f"/api/v1/me/tokens/{world.token.pk}/"), 403)


# --- leaks the status codes alone would not show -----------------------------------------------


def test_held_and_removed_chat_messages_stay_out_of_other_members_history(world):
    held = world.item.content.body
    removed = world.removed_item.content.body
    for user in (world.member, world.facilitator):
        text = api_client(user).get(f"{G}/{world.group.slug}/messages/").content.decode()
        assert held not in text
        assert removed not in text
    assert (
        "Hello from the"
        in api_client(world.member).get(f"{G}/{world.group.slug}/messages/").content.decode()
    )


def test_private_group_detail_names_none_of_its_members(world):
    for user in (None, world.outsider):
        text = api_client(user).get(f"{G}/{world.group.slug}/").content.decode()
        for person in (world.member, world.author, world.facilitator, world.requester):
            assert person.pseudonym not in text
            assert person.email not in text


def test_anonymous_thread_hides_its_author_from_other_members(world):
    response = api_client(world.member).post(
        f"{F}/categories/{world.public_category.slug}/threads/",
        {"title": "Anonymous for now", "body": "Hard to say out loud.", "is_anonymous": True},
        format="json",
    )
    assert response.status_code == 201
    url = f"{F}/threads/{response.json()['id']}/"
    for user in (None, world.outsider, world.author):
        text = api_client(user).get(url).content.decode()
        assert world.member.pseudonym not in text
        assert world.member.email not in text
    assert world.member.pseudonym in api_client(world.moderator).get(url).content.decode()


def test_support_messages_never_name_the_sender(world):
    client = api_client(world.member)
    listed = client.get("/api/v1/me/support-messages/")
    one = client.get(f"/api/v1/me/support-messages/{world.support_message.pk}/")
    assert [row["text"] for row in listed.json()["results"]] == ["We're thinking of you."]
    assert one.json()["text"] == "We're thinking of you."
    for response in (listed, one):
        assert world.second_moderator.pseudonym not in response.content.decode()


def test_report_outcome_never_names_the_moderator(world):
    client = api_client(world.member)
    client.post(f"{F}/posts/{world.reply.pk}/report/", {"reason": "other"}, format="json")
    item = QueueItem.objects.get(reason=QueueItem.Reason.REPORT, object_id=world.reply.pk)
    services.queue_item_resolve(actor=world.moderator, item=item, resolution="no_action", note="")
    response = client.get("/api/v1/me/reports/")
    [report] = rows(response)
    assert report["outcome"]
    assert world.moderator.pseudonym not in response.content.decode()


def test_unpublished_and_members_only_stories_stay_out_of_lists(world):
    visitor = api_client().get(f"{S}/").content.decode()
    assert world.story.title not in visitor
    assert world.own_story.title in visitor
    for user in (world.member, world.outsider, world.facilitator):
        text = api_client(user).get(f"{S}/").content.decode()
        assert world.submitted_story.title not in text
        assert world.story.title in text


def test_facilitator_sees_only_their_groups_items_in_queue_health(world):
    mine = api_client(world.facilitator).get("/api/v1/moderation/health/").json()
    everything = api_client(world.moderator).get("/api/v1/moderation/health/").json()
    in_scope = QueueItem.objects.exclude(state=QueueItem.State.RESOLVED)
    assert mine["open_counts"]["total"] == in_scope.filter(group=world.group).count()
    assert everything["open_counts"]["total"] == in_scope.count()
    assert mine["open_counts"]["total"] < everything["open_counts"]["total"]


# --- crossing scopes by id: each lookup is scoped to the place in the URL ---------------------


def test_a_request_in_another_group_cannot_be_approved_through_this_groups_url(world):
    other = join(world.open_group, world.outsider, state="requested")
    url = f"{G}/{world.group.slug}/requests/{other.pk}/approve/"
    assert_error(api_client(world.facilitator).post(url), 404)
    other.refresh_from_db()
    assert other.state == "requested"


def test_a_message_in_another_group_cannot_be_removed_through_this_groups_url(world):
    message = world.outside_item.content
    url = f"{G}/{world.group.slug}/messages/{message.pk}/remove/"
    assert_error(api_client(world.facilitator).post(url, REASON, format="json"), 404)
    message.refresh_from_db()
    assert message.status == ContentStatus.HELD


def test_a_facilitator_cannot_mute_or_warn_site_wide(world):
    url = f"{Q}/{world.item.pk}/sanction/"
    body = {"kind": "mute", "in_group": False, **REASON}
    assert_error(api_client(world.facilitator).post(url, body, format="json"), 403)
    assert not world.author.sanctions.exists()


def test_marking_someone_elses_notifications_read_marks_nothing(world):
    theirs = Notification.objects.filter(recipient=world.member).values_list("pk", flat=True)
    assert theirs
    response = api_client(world.outsider).post(
        "/api/v1/notifications/read/", {"ids": list(theirs)}, format="json"
    )
    assert response.json()["marked"] == 0
    assert Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()


def test_marking_someone_elses_support_message_read_marks_nothing(world):
    response = api_client(world.outsider).post(
        "/api/v1/me/support-messages/read/", {"ids": [world.support_message.pk]}, format="json"
    )
    assert response.json()["marked"] == 0
    world.support_message.refresh_from_db()
    assert world.support_message.read_at is None


def test_a_facilitator_cannot_decide_an_appeal_against_their_own_decision(world):
    removed = queue_chat(world.group, world.author, "Taken down by the facilitator.")
    services.content_remove(actor=world.facilitator, content=removed.content, reason="Unkind.")
    appeal = services.appeal_submit(actor=world.author, content=removed.content, text="Please?")
    url = f"/api/v1/moderation/appeals/{appeal.pk}/decide/"
    body = {"grant": False, "note": "It stands."}
    assert_error(api_client(world.facilitator).post(url, body, format="json"), 403)
    appeal.refresh_from_db()
    assert appeal.state == "open"


# --- nobody learns who reported them, or decides about their own words ----------------------


def _reported_by_someone(world) -> tuple[QueueItem, str]:
    """A reply in the group reported by a member who wrote nothing there."""
    reporter = settled(pseudonym="Rex Reporter")
    join(world.group, reporter)
    body = {"reason": "other", "note": ""}
    response = api_client(reporter).post(f"{F}/posts/{world.reply.pk}/report/", body, format="json")
    assert response.status_code == 201
    item = QueueItem.objects.get(reason=QueueItem.Reason.REPORT, object_id=world.reply.pk)
    return item, reporter.pseudonym


def test_item_page_names_reporters_to_moderators_only(world):
    item, reporter = _reported_by_someone(world)
    for user, shown in ((world.facilitator, False), (world.moderator, True)):
        browser = Client()
        browser.force_login(user)
        text = browser.get(f"/moderation/items/{item.pk}/").content.decode()
        assert (reporter in text) is shown


def test_item_api_names_reporters_to_moderators(world):
    item, reporter = _reported_by_someone(world)
    response = api_client(world.moderator).get(f"{Q}/{item.pk}/")
    assert [row["reporter"] for row in response.json()["reports"]] == [reporter]


def test_item_api_does_not_name_reporters_to_facilitators(world):
    item, reporter = _reported_by_someone(world)
    response = api_client(world.facilitator).get(f"{Q}/{item.pk}/")
    assert response.status_code == 200
    assert reporter not in response.content.decode()


def test_a_facilitator_cannot_approve_their_own_held_message(world):
    own = queue_chat(world.group, world.facilitator, "My own words, held for review.")
    response = api_client(world.facilitator).post(f"{Q}/{own.pk}/approve/", {}, format="json")
    own.content.refresh_from_db()
    assert own.content.status == ContentStatus.HELD
    assert_error(response, 404)


def test_a_facilitator_cannot_dismiss_a_report_about_their_own_post(world):
    own = queue_chat(
        world.group, world.facilitator, "My own words.", reason=QueueItem.Reason.REPORT
    )
    body = {"resolution": "no_action", "note": "Fine."}
    response = api_client(world.facilitator).post(f"{Q}/{own.pk}/resolve/", body, format="json")
    own.refresh_from_db()
    assert own.state != QueueItem.State.RESOLVED
    assert_error(response, 404)


# --- notifications follow what the reader may see now ----------------------------------------


def _notified_of_a_reply(world, body: str, django_capture_on_commit_callbacks) -> None:
    client = api_client(world.member)
    assert client.put(f"{F}/threads/{world.thread.pk}/follow/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.facilitator).post(
            f"{F}/threads/{world.thread.pk}/posts/", {"body": body}, format="json"
        )
    assert response.status_code == 201
    listed = client.get("/api/v1/notifications/")
    assert any(row["kind"] == "reply" for row in rows(listed))
    assert THREAD_WORD in listed.content.decode()


def test_a_member_who_left_no_longer_reads_the_private_thread_in_notifications(
    world, django_capture_on_commit_callbacks
):
    _notified_of_a_reply(world, "Sending you lilac calm.", django_capture_on_commit_callbacks)
    client = api_client(world.member)
    assert client.delete(f"{G}/{world.group.slug}/membership/").status_code == 204
    text = client.get("/api/v1/notifications/").content.decode()
    assert "lilac" not in text
    assert THREAD_WORD not in text


def test_a_facilitator_does_not_read_internal_notes_about_themselves(world):
    own = queue_chat(world.group, world.facilitator, "Words someone flagged.")
    note = {"text": "Keep an eye on how Fay is doing."}
    assert (
        api_client(world.moderator).post(f"{Q}/{own.pk}/notes/", note, format="json").status_code
        == 201
    )
    response = api_client(world.facilitator).get(f"{Q}/{own.pk}/")
    assert_error(response, 404)
    assert "Keep an eye on how Fay is doing." not in response.content.decode()


def test_queue_filter_cannot_reach_another_group(world):
    response = api_client(world.facilitator).get(f"{Q}/?group={world.open_group.slug}")
    if response.status_code == 200:
        assert world.outside_item.pk not in {row["id"] for row in rows(response)}
    else:
        assert_error(response, 400)
