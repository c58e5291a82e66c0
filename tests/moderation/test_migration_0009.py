"""Migration moderation 0009: queue items stored before `QueueItem.member` existed learn whose
content (or appeal) they are about, and the first message templates are seeded once, without
overwriting a template moderators already changed. Runs the real migration backwards to 0008 and
forwards again (0009 changes no schema, so the current models can write the 0008 data)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from groups.models import ChatMessage
from moderation.models import Appeal, QueueItem, ReplyTemplate
from tests.factories import GroupFactory, MemberFactory
from tests.moderation.test_queue_selectors import chat, profile, public_category, reply, thread

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("moderation", "0008_dashboard")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


# Rolling moderation back to 0008 rolls back later migrations of other apps too (they depend on
# it); the rows this test makes are today's models, so their later columns are put back
# meanwhile, and taken away again before migrating forward.
ADDED_COLUMNS: list = []


def _columns(model) -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }


def _later_columns_add() -> None:
    from django.apps import apps

    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        while missing := [
            field
            for field in model._meta.local_concrete_fields
            if field.column not in _columns(model)
        ]:
            # SQLite rebuilds the whole table from today's model when it adds a NOT NULL
            # column, which brings the other missing columns with it: add such a one first.
            field = min(missing, key=lambda field: field.null)
            with connection.schema_editor() as editor:
                editor.add_field(model, field)
            ADDED_COLUMNS.extend((model, each) for each in missing)


def _migrate_forward() -> None:
    while ADDED_COLUMNS:
        model, field = ADDED_COLUMNS.pop()
        if field.column in _columns(model):
            with connection.schema_editor() as editor:
                editor.remove_field(model, field)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def at_0008():
    _migrate(BEFORE)
    _later_columns_add()
    migrated = []
    try:
        yield migrated
    finally:
        if not migrated:
            _migrate_forward()


def _old_item(content, reason=QueueItem.Reason.REPORT) -> QueueItem:
    """A queue item as stored before 0009: no member."""
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(content, for_concrete_model=True),
        object_id=content.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=content.moderation_group(),
        snapshot=content.snapshot_text(),
    )


def test_backfill_names_the_author_or_appellant_of_every_old_item(at_0008):
    group = GroupFactory()
    chatter, poster, appellant, profiled = (MemberFactory() for _ in range(4))
    removed = chat(appellant, group, "Gone", status="removed")
    appeal = Appeal.objects.create(
        appellant=appellant,
        text="Please look again.",
        content_type=ContentType.objects.get_for_model(ChatMessage),
        object_id=removed.pk,
    )
    items = {
        "chat": (_old_item(chat(chatter, group)), chatter),
        "post": (_old_item(reply(poster, thread(poster, public_category()))), poster),
        "profile": (_old_item(profile(profiled), QueueItem.Reason.CRISIS_CONCERN), profiled),
        "appeal": (_old_item_for_appeal(appeal, group), appellant),
    }
    gone = profile(MemberFactory())
    orphan = _old_item(gone)
    gone.delete()
    already = _old_item(chat(chatter, group))
    QueueItem.objects.filter(pk=already.pk).update(member=poster)

    _migrate_forward()
    at_0008.append(True)

    for name, (item, member) in items.items():
        item.refresh_from_db()
        assert item.member_id == member.pk, name
    orphan.refresh_from_db()
    assert orphan.member_id is None, "an item whose content is gone keeps no member"
    already.refresh_from_db()
    assert already.member_id == poster.pk, "a member already recorded is left alone"


def _old_item_for_appeal(appeal: Appeal, group) -> QueueItem:
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(Appeal),
        object_id=appeal.pk,
        reason=QueueItem.Reason.APPEAL,
        priority=QueueItem.PRIORITY[QueueItem.Reason.APPEAL],
        group=group,
        snapshot="Appeal",
    )


@pytest.fixture
def templates_at_0008():
    _migrate(BEFORE)
    try:
        yield
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_templates_are_seeded_once_and_a_changed_one_is_kept(templates_at_0008):
    ReplyTemplate.objects.all().delete()
    ReplyTemplate.objects.create(
        kind="removal", title="Advertising", body="Our own words, changed by a moderator."
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    _migrate(BEFORE)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    titles = list(ReplyTemplate.objects.values_list("kind", "title"))
    assert len(titles) == len(set(titles)) == 8
    assert ReplyTemplate.objects.filter(kind="removal").count() == 5
    assert ReplyTemplate.objects.filter(kind="support").count() == 3
    assert ReplyTemplate.objects.get(title="Advertising").body == (
        "Our own words, changed by a moderator."
    )
    for template in ReplyTemplate.objects.filter(kind="support"):
        assert "moderation team" in template.body
        assert template.is_active
