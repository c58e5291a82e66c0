"""Telling open moderation dashboards that the queue changed. Called only after the change is
committed, so nothing is announced that was not stored. Events carry ids only: each socket reads
the item and its counts with its own permissions, so a facilitator learns nothing outside their
groups even if an event reaches them."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

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
    """Moderators hear of every item; facilitators of the items of their own groups."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "queue.changed", "item_id": item_id, "event": event}
    async_to_sync(layer.group_send)(ALL_ITEMS, message)
    if group_id is not None:
        async_to_sync(layer.group_send)(group_items(group_id), message)


def on_commit_queue_item_changed(item, event: str) -> None:
    """Announce a change to `item` once the current transaction commits."""
    from django.db import transaction

    item_id, group_id = item.pk, item.group_id
    transaction.on_commit(
        lambda: queue_item_changed(item_id=item_id, group_id=group_id, event=event)
    )
