"""The six forum categories the community starts with. Moderators can add more in the admin."""

from django.db import migrations

CATEGORIES = [
    (
        "understanding-attachment",
        "Understanding attachment",
        "What anxious attachment is, where it comes from, and how it shows up for you.",
        "public",
    ),
    (
        "texting-and-waiting",
        "Texting and waiting",
        "The unanswered message, the read receipt, the urge to send one more. "
        "What helps while you wait.",
        "public",
    ),
    (
        "dating-and-relationships",
        "Dating and relationships",
        "Early dating, commitment, conflict and break-ups. Members only, so you can speak freely.",
        "members",
    ),
    (
        "friendship-family-work",
        "Friendship, family and work",
        "Attachment does not only show up in romance. Members only.",
        "members",
    ),
    (
        "healing-practices",
        "Healing practices: therapy, mindfulness, journaling",
        "What you are trying, what helps, and what did not.",
        "public",
    ),
    (
        "small-wins",
        "Celebrating small wins",
        "Waited an hour before replying? Said what you needed? Tell us.",
        "public",
    ),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("community", "Category")
    for order, (slug, name, description, visibility) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "visibility": visibility,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0004_forums")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
