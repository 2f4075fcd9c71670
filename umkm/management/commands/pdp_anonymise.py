from django.core.management.base import BaseCommand, CommandError

from umkm.models import Owner
from umkm.pdp import anonymise_owner
from umkm.validators import clean_nik


class Command(BaseCommand):
    help = (
        "Erasure (UU PDP): remove the personal data of the person with this NIK; counts per "
        "kecamatan, sector and year stay right. Irreversible: needs --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("nik")
        parser.add_argument("--yes", action="store_true", help="Confirm: this cannot be undone.")
        parser.add_argument("--requested-by", default="manage.py pdp_anonymise")
        parser.add_argument("--purpose", default="Permintaan penghapusan data pribadi (UU PDP)")

    def handle(self, *args, nik, yes=False, requested_by, purpose, **options):
        try:
            nik = clean_nik(nik)
        except Exception as exc:
            raise CommandError("NIK tidak valid.") from exc
        owner = Owner.objects.with_nik(nik).first()
        if owner is None:
            raise CommandError("Tidak ada pelaku usaha dengan NIK ini.")
        if not yes:
            raise CommandError("Tambahkan --yes untuk mengonfirmasi (tidak dapat dibatalkan).")
        anonymise_owner(owner=owner, requested_by=requested_by, purpose=purpose)
        self.stdout.write(self.style.SUCCESS(f"Pelaku usaha #{owner.pk} telah dianonimkan."))
