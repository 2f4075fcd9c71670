from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from umkm.demo import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and print their credentials. Demo only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for DEBUG (development) installs only.")
        accounts = ensure_demo_accounts()
        # Roles of the apps above umkm (mentors, ...): each app lists its own demo sign-ins.
        for dotted in settings.DEMO_ACCOUNTS:
            accounts += import_string(dotted)()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, role in accounts:
            self.stdout.write(f"  {username:<22} {role}")
