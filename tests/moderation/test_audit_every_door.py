"""Every moderator action writes exactly one audit row, whichever door it came through: the
dashboard page, the REST API, the chat room socket or the admin (issue 7, "Audit")."""

from __future__ import annotations

import json

import pytest

from moderation.models import ModerationAction, QueueItem
from tests.community.forum_helpers import join
from tests.factories import GroupFactory
from tests.moderation.test_dashboard_views import (
    REASON,
    chat,
    client_for,
    item_url,
    queued,
    settled,
    urgent_item,
)

Verb = ModerationAction.Verb
R = QueueItem.Reason

# (action, form/JSON body, the verb of the one row it writes, does it need a crisis item)
ACTIONS = [
    ("claim/", {}, Verb.QUEUE_CLAIMED, False),
    ("notes/", {"text": "Known to us; gentle tone."}, Verb.NOTE_ADDED, False),
    ("resolve/", {"resolution": "no_action", "note": "Fine."}, Verb.QUEUE_RESOLVED, False),
    ("remove/", {"reason": REASON}, Verb.CONTENT_REMOVED, False),
    ("approve/", {"note": "Fine."}, Verb.CONTENT_APPROVED, False),
    ("sanction/", {"kind": "warn", "reason": "Kindly."}, Verb.MEMBER_SANCTIONED, False),
    ("support/", {"text": "We're here for you."}, Verb.SUPPORT_SENT, False),
    ("support/", {"text": "We're here for you."}, Verb.SUPPORT_SENT, True),
    ("crisis/signpost/", {}, Verb.CRISIS_STEP, True),
    ("crisis/follow-up/", {"note": "Check in tomorrow."}, Verb.CRISIS_STEP, True),
    ("crisis/escalate/", {"note": "Called 999 with what they shared."}, Verb.CRISIS_STEP, True),
]  # fmt: skip


@pytest.fixture
def group(db):
    return GroupFactory(name="Calm Harbour", slug="calm-harbour")


@pytest.fixture
def writer(group):
    person = settled("Wren Writer", country="GB")
    join(group, person)
    return person


def _item(writer, group, crisis: bool) -> QueueItem:
    if crisis:
        return urgent_item(writer, group)
    return queued(chat(writer, group), R.REPORT)


def _rows_after(before: int) -> list[ModerationAction]:
    return list(ModerationAction.objects.filter(pk__gt=before).order_by("pk"))


def _last_pk() -> int:
    return ModerationAction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize(("action", "body", "verb", "crisis"), ACTIONS)
def test_each_dashboard_action_writes_one_audit_row(
    door, action, body, verb, crisis, moderator, writer, group
):
    item = _item(writer, group, crisis)
    client = client_for(moderator)
    before = _last_pk()

    if door == "page":
        response = client.post(item_url(item, action), body)
        assert response.status_code == 302, response.content.decode()[:500]
    else:
        response = client.post(
            f"/api/v1/moderation/queue/{item.pk}/{action}",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code in (200, 201), response.content.decode()[:500]

    rows = _rows_after(before)
    assert [row.verb for row in rows] == [verb]
    assert rows[0].actor == moderator


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_refused_action_writes_no_audit_row(door, moderator, writer, group):
    item = queued(chat(writer, group), R.REPORT)
    client = client_for(moderator)
    before = _last_pk()
    if door == "page":
        client.post(item_url(item, "notes/"), {"text": ""})
    else:
        client.post(
            f"/api/v1/moderation/queue/{item.pk}/notes/",
            json.dumps({"text": ""}),
            content_type="application/json",
        )
    assert _rows_after(before) == []


def test_a_removal_from_the_chat_room_writes_one_audit_row(moderator, writer, group):
    """The room's moderator controls call the groups API (the same service as the dashboard)."""
    message = chat(writer, group, "Something unkind.")
    before = _last_pk()

    response = client_for(moderator).post(
        f"/api/v1/groups/{group.slug}/messages/{message.pk}/remove/",
        json.dumps({"reason": REASON}),
        content_type="application/json",
    )

    assert response.status_code == 200
    rows = _rows_after(before)
    assert [(row.verb, row.actor_id) for row in rows] == [(Verb.CONTENT_REMOVED, moderator.pk)]
