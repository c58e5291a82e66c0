"""Demo work for the review dashboard, made through the same services members use: a worrying
chat message (published, flagged and signposted) and a member's report on a forum reply.
Idempotent: the message is found by its local_id and the report by its reporter."""

from __future__ import annotations

from community.models import Post
from groups.models import PeerGroup
from groups.services import chat_message_post
from moderation.models import QueueItem, Report
from moderation.services import content_report, content_type_for

WORRYING_MESSAGE = (
    "Honestly some days I feel like such a burden to everyone, like they'd be better off "
    "without me."
)
REPORT_NOTE = "This reply reads a bit harsh to me. Could someone take a look?"


def seed_moderation(*, members_by_name: dict, group: PeerGroup) -> list[QueueItem]:
    """Open queue items for the demo dashboard; returns the items still open."""
    robin = members_by_name["Robin"]
    chat_message_post(actor=robin, group=group, body=WORRYING_MESSAGE, local_id="demo-moderation-1")
    reporter = members_by_name["Juniper"]
    reply = (
        Post.objects.filter(status="published", thread__category__visibility="public")
        .exclude(author=reporter)
        .order_by("pk")
        .first()
    )
    if (
        reply is not None
        and not Report.objects.filter(
            reporter=reporter, content_type=content_type_for(reply), object_id=reply.pk
        ).exists()
    ):
        content_report(actor=reporter, content=reply, reason=Report.Reason.OTHER, note=REPORT_NOTE)
    return list(QueueItem.objects.exclude(state=QueueItem.State.RESOLVED))
