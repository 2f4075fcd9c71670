from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from umkm.demo import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and print their credentials. Demo only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for DEBUG (development) installs only.")
        accounts = ensure_demo_accounts()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, role in accounts:
            self.stdout.write(f"  {username:<22} {role}")
