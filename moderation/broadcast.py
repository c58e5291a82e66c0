"""Telling open moderation dashboards that the queue changed. Called only after the change is
committed, so nothing is announced that was not stored. Events carry ids only: each socket reads
the item and its counts with its own permissions, so a facilitator learns nothing outside their
groups even if an event reaches them."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

ALL_ITEMS = "moderation.all"


def group_items(group_id: int) -> str:
    """The channel group of the dashboards that may see one peer group's items."""
    return f"moderation.group.{group_id}"


class QueueEvent:
    NEW = "new"
    CLAIMED = "claimed"
    RELEASED = "released"
    RESOLVED = "resolved"
    UPDATED = "updated"


def queue_item_changed(*, item_id: int, group_id: int | None, event: str) -> None:
    """Moderators hear of every item; facilitators of the items of their own groups.

    Never raises: the change is already stored, and a dashboard that misses an event still
    sees the item on its next read (the channel layer is at-most-once anyway). A failure to
    announce must not turn a committed decision into an error page."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "queue.changed", "item_id": item_id, "event": event}
    names = [ALL_ITEMS] if group_id is None else [ALL_ITEMS, group_items(group_id)]
    try:
        for name in names:
            async_to_sync(layer.group_send)(name, message)
    except Exception:
        logger.warning("Could not announce queue item %s (%s)", item_id, event, exc_info=True)


def on_commit_queue_item_changed(item, event: str) -> None:
    """Announce a change to `item` once the current transaction commits."""
    from django.db import transaction

    item_id, group_id = item.pk, item.group_id
    transaction.on_commit(
        lambda: queue_item_changed(item_id=item_id, group_id=group_id, event=event)
    )
