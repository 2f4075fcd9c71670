from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from umkm.models import Business


class Command(BaseCommand):
    help = (
        "Build the Jakarta Barat demo (about 3,000 businesses, trainings, mentoring, targets and "
        "what later apps add), or DKI-scale data for benchmarks with --businesses 370000."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when businesses already exist."
        )
        parser.add_argument("--businesses", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2023, help="Random seed (repeatable).")

    def handle(self, *args, if_empty=False, businesses=3000, seed=2023, **options):
        if if_empty and Business.objects.exists():
            self.stdout.write("Demo data already present: nothing to do.")
            return
        for dotted in settings.DEMO_SEEDERS:
            seeder = import_string(dotted)
            self.stdout.write(f"Seeding {dotted} ...")
            seeder(businesses=businesses, seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
