"""`python manage.py purge_removed_content [--days N] [--dry-run]`: the retention purge
(moderation.retention), for cron, e.g. once a night:

    15 3 * * *  cd /srv/community && .venv/bin/python manage.py purge_removed_content
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moderation.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Purge the words of content removed or deleted more than RETENTION_DAYS days ago "
        "(and of its moderation context), expired data exports and expired sessions."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention period in days (default: RETENTION_DAYS, "
            f"now {settings.RETENTION_DAYS}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be purged; change nothing.",
        )

    def handle(self, *args, days: int | None, dry_run: bool, **options) -> None:
        try:
            report = retention_purge(days=days, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(f"{verb} content taken down before {report.cutoff:%Y-%m-%d %H:%M} UTC:")
        for kind, number in sorted(report.purged.items()):
            kept = report.kept_waiting.get(kind, 0)
            line = f"  {kind}: {number}"
            if kept:
                line += f" (kept {kept} still waiting for a moderator)"
            self.stdout.write(line)
        for kind, number in sorted(report.context.items()):
            self.stdout.write(f"  moderation context, {kind}: {number}")
        self.stdout.write(f"  expired data exports: {report.exports}")
        self.stdout.write(f"  expired sessions: {report.sessions}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {report.total} items in all."))
