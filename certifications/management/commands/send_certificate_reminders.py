import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from certifications.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email staff (Operator Kecamatan of each kecamatan, Admin Sudin) one digest of the "
        "certificates expiring within 30 days and the Kuliner businesses without PIRT or halal. "
        "Run daily (e.g. cron 0 7 * * *)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Pretend today is this date (YYYY-MM-DD).",
        )

    def handle(self, *args, date=None, **options):
        sent = send_reminders(on=date or timezone.localdate())
        self.stdout.write(f"{sent} reminder email(s) sent.")
