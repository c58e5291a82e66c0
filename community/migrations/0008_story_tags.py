"""The milestone tags stories start with. Moderators can add more in the admin."""

from django.db import migrations

TAGS = [
    ("setting-a-boundary", "Setting a boundary"),
    ("calmer-when-waiting", "Calmer when waiting"),
    ("asked-for-what-i-need", "Asked for what I need"),
    ("first-secure-relationship", "First secure relationship"),
    ("started-therapy", "Started therapy"),
    ("kinder-self-talk", "Kinder self-talk"),
]


def add_tags(apps, schema_editor):
    StoryTag = apps.get_model("community", "StoryTag")
    for order, (slug, name) in enumerate(TAGS, start=1):
        StoryTag.objects.get_or_create(slug=slug, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("community", "0007_stories")]

    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
