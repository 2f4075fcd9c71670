import json

from django.core.management.base import BaseCommand, CommandError

from umkm.models import Owner
from umkm.pdp import subject_access_export
from umkm.validators import clean_nik


class Command(BaseCommand):
    help = (
        "Right of access (UU PDP): everything held about the person with this NIK, with its "
        "processing history, as JSON. Answer the request within 3 x 24 hours."
    )

    def add_arguments(self, parser):
        parser.add_argument("nik")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument("--requested-by", default="manage.py pdp_export")
        parser.add_argument("--purpose", default="Permintaan akses subjek data (UU PDP)")

    def handle(self, *args, nik, output=None, requested_by, purpose, **options):
        try:
            nik = clean_nik(nik)
        except Exception as exc:
            raise CommandError("NIK tidak valid.") from exc
        owner = Owner.objects.with_nik(nik).first()
        if owner is None:
            raise CommandError("Tidak ada pelaku usaha dengan NIK ini.")
        data = subject_access_export(owner, requested_by=requested_by, purpose=purpose)
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
            self.stdout.write(f"Ditulis ke {output}")
        else:
            self.stdout.write(text)
