import datetime

from django.core.management.base import BaseCommand

from owners.reminders import send_daily


class Command(BaseCommand):
    help = (
        "Tell owners (on the channels they chose) about tomorrow's bazaar and certificates "
        "expiring within 30 days. Run daily; a second run the same day sends nothing again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", type=datetime.date.fromisoformat, default=None)
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker instead."
        )

    def handle(self, *args, on=None, enqueue=False, **options):
        if enqueue:
            from owners.reminders import send_owner_reminders_task

            send_owner_reminders_task.enqueue()
            self.stdout.write("Queued.")
            return
        sent = send_daily(on=on)
        self.stdout.write(f"{sent} pesan dikirim.")
