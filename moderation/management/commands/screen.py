"""`python manage.py screen`: try texts against the pipeline's rules.

Reads one text per line on stdin and prints one JSON object per line:
{"risk": "none|concern|urgent", "action": "publish|hold|block", "signpost": bool, "reasons": [...]}
— the decision the pipeline makes for an established member posting in an open space (watched
words included; sanctions, rate limits and new-member rules depend on who posts, so they don't
apply here)."""

import json
import sys

from django.core.management.base import BaseCommand

from moderation.kinds import ContentKind
from moderation.pipeline import screen_text


class Command(BaseCommand):
    help = "Screen texts from stdin, one per line; print one JSON decision per line."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--kind",
            choices=ContentKind.values,
            default=ContentKind.FORUM_POST,
            help="Which kind of content to screen the text as (sets the length limit).",
        )

    def handle(self, *args, kind: str, **options) -> None:
        for line in sys.stdin:
            text = line.rstrip("\r\n")
            decision = screen_text(text, kind=kind)
            self.stdout.write(json.dumps(decision.as_screen_result(), ensure_ascii=False))
