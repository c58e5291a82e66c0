"""Queue items learn which member they concern; the first message templates moderators start from. The supportive ones follow safe-messaging
guidance (Samaritans, #chatsafe): warm, direct, no blame, no lecture, help named plainly."""

from django.db import migrations

REMOVAL = [
    (
        "Unkind to another member",
        "We took this down because it could hurt another member. Everyone here is healing, so "
        "we ask that replies stay kind, even when we disagree. You're welcome to share your view "
        "again in a gentler way.",
    ),
    (
        "Details of self-harm or methods",
        "We took this down because it described methods or details of self-harm, which can put "
        "other members at risk. Your feelings matter and you're welcome to talk about them here "
        "without those details. If things are hard right now, the Get help now page lists people "
        "you can reach at any time.",
    ),
    (
        "Personal details",
        "We took this down because it shared personal details that could identify someone. To "
        "keep everyone safe, please leave out names, contact details and places.",
    ),
    (
        "Advertising",
        "We took this down because it looked like advertising. This is a peer-support space, so "
        "we keep out promotions and links to paid services.",
    ),
    (
        "Harmful advice",
        "We took this down because it could lead someone towards harm, even though it may have "
        "been meant kindly. Sharing what helped you is welcome; please avoid telling others what "
        "they must do about their health or safety.",
    ),
]

SUPPORT = [
    (
        "Checking in after an urgent post",
        "Hi, this is the moderation team. We read what you wrote and we're really glad you "
        "shared it. It sounds like things are very hard right now, and you don't have to face "
        "this alone. If you feel you might act on thoughts of ending your life, please call your "
        "local emergency number now, or reach one of the services below; they are free and they "
        "listen. We're here, and this community is here for you.",
    ),
    (
        "Reaching out after a worrying post",
        "Hi, this is the moderation team. We noticed your post and wanted to check in with you. "
        "What you're feeling matters, and saying it out loud takes courage. If things feel heavy, "
        "the services below are there to listen at any time of day. You're welcome here.",
    ),
    (
        "After holding a message",
        "Hi, this is the moderation team. We held your message for a moment so one of us could "
        "read it with care, not because you did anything wrong. If you'd like to talk to someone "
        "now, the services below are free and confidential. We're glad you're here.",
    ),
]


def backfill_members(apps, schema_editor):
    """Queue items from before `member` existed learn whose content (or appeal) they are about."""
    QueueItem = apps.get_model("moderation", "QueueItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for content_type in ContentType.objects.filter(
        pk__in=QueueItem.objects.filter(member__isnull=True).values("content_type")
    ):
        model = apps.get_model(content_type.app_label, content_type.model)
        field = "appellant_id" if content_type.model == "appeal" else "author_id"
        items = QueueItem.objects.filter(member__isnull=True, content_type=content_type)
        owners = dict(
            model.objects.filter(pk__in=items.values("object_id")).values_list("pk", field)
        )
        for item in items:
            if item.object_id in owners:
                item.member_id = owners[item.object_id]
                item.save(update_fields=["member"])


def seed(apps, schema_editor):
    ReplyTemplate = apps.get_model("moderation", "ReplyTemplate")
    for kind, rows in (("removal", REMOVAL), ("support", SUPPORT)):
        for order, (title, body) in enumerate(rows):
            ReplyTemplate.objects.get_or_create(
                kind=kind, title=title, defaults={"body": body, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0008_dashboard")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(backfill_members, migrations.RunPython.noop),
    ]
