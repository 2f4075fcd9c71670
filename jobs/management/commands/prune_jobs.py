from django.core.management.base import BaseCommand

from config.actors import SYSTEM
from jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Delete background jobs older than --days with their result files (daily timer)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        deleted = jobs_prune(actor=SYSTEM, older_than_days=days)
        self.stdout.write(f"{deleted} old jobs deleted")
