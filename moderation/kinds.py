"""The kinds of member-written content that pass through the pipeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentKind(models.TextChoices):
    CHAT = "chat", _("chat message")
    FORUM_THREAD = "forum_thread", _("forum thread")
    FORUM_POST = "forum_post", _("forum reply")
    STORY = "story", _("success story")
    PROFILE = "profile", _("profile text")


# Kinds that share one posting-rate budget: a flood is a flood whichever form it takes.
POST_KINDS = frozenset({ContentKind.FORUM_THREAD, ContentKind.FORUM_POST, ContentKind.STORY})
