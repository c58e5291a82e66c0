"""Build every data export that is waiting: pending ones, and running ones whose process died
(their heartbeat stopped). Safe to run from cron on several hosts at once: each export is
claimed by one builder only."""

from django.core.management.base import BaseCommand

from community.export_services import data_export_build, data_exports_to_build
from community.models import DataExport


class Command(BaseCommand):
    help = "Build members' waiting data exports and resume ones left behind by a crash."

    def handle(self, *args, **options) -> None:
        ids = data_exports_to_build()
        for export_id in ids:
            data_export_build(export_id=export_id)
        states = dict.fromkeys(DataExport.State.values, 0)
        for state in DataExport.objects.filter(pk__in=ids).values_list("state", flat=True):
            states[state] += 1
        self.stdout.write(
            f"{len(ids)} waiting export(s): {states['ready']} ready, {states['failed']} failed, "
            f"{states['running'] + states['pending']} still with another builder."
        )
