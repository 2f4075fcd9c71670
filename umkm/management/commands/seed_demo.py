from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Build the Jakarta Barat demo (about 3,000 businesses with their dated history, "
        "trainings, mentoring, targets and what later apps add), or DKI-scale data for "
        "benchmarks with --businesses 370000."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Keep each part that is already there and add only the missing ones (completes "
            "a seed that stopped half-way; does nothing on a complete demo).",
        )
        parser.add_argument("--businesses", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2023, help="Random seed (repeatable).")

    def handle(self, *args, if_empty=False, businesses=3000, seed=2023, **options):
        # Each seeder writes its part in transactions of its own and, with if_empty, checks
        # what of its part exists: a run stopped after the register is completed, not skipped.
        for dotted in settings.DEMO_SEEDERS:
            seeder = import_string(dotted)
            self.stdout.write(f"Seeding {dotted} ...")
            seeder(businesses=businesses, seed=seed, stdout=self.stdout, if_empty=if_empty)
        # Statistics for every table the seeders filled, not only the register's: bulk rows
        # stay unknown to the planner until autovacuum gets round to them (the admin's
        # participation list planned 25,000 food certificates as 72 rows: 180 ms a page).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
