"""Bring public images stored before config/images.py under its rule.

    manage.py clean_public_images [--dry-run]

For every PublicImageField of every model (found with apps.get_models(), so a later one is
included), each stored file whose name is not one the rule gave, or whose card or share size
is missing, is read, re-encoded (metadata dropped, upright, at most 2,000 px), stored under a
random name with its derived sizes, and the row is pointed at it; the row's history records
that named the old file are pointed at the new one too (an old name may hold a NIK). The old
file is deleted once the row is saved. A second run finds nothing to do. A file that is
missing or that the rule refuses (not an image, too large) is listed and left as it is: the
public pages do not show it (they show only clean files) until staff upload a new one.

The row is updated directly (a queryset update of that one column): this is storage
housekeeping with no rule of the register to apply, and it must not record a change by
anyone in the business's history.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from config.images import VARIANTS, PublicImageField, is_clean_name, variant_name


def public_image_fields():
    """(model, field) for every PublicImageField of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, PublicImageField):
                yield model, field


def needs_cleaning(field, name: str) -> bool:
    if not is_clean_name(name):
        return True
    return not all(field.storage.exists(variant_name(name, v)) for v in VARIANTS)


class Command(BaseCommand):
    help = "Re-encode and rename public images stored before the upload rule (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")

    def handle(self, *args, dry_run=False, **options):
        counts = {"cleaned": 0, "already": 0, "refused": 0, "missing": 0}
        for model, field in public_image_fields():
            rows = (
                model._default_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .order_by("pk")
                .values_list("pk", field.name)
            )
            for pk, name in rows.iterator():
                if not needs_cleaning(field, name):
                    counts["already"] += 1
                    continue
                label = f"{model._meta.label} #{pk}"
                if dry_run:
                    counts["cleaned"] += 1
                    continue
                outcome = self._clean_one(model, field, pk, name)
                counts[outcome] += 1
                if outcome != "cleaned":
                    self.stdout.write(f"{label}: {outcome}")
        self.stdout.write(
            "cleaned {cleaned}, already clean {already}, refused {refused}, "
            "missing {missing}".format(**counts)
            + (" (dry run: nothing changed)" if dry_run else "")
        )

    def _clean_one(self, model, field, pk, old_name: str) -> str:
        storage = field.storage
        try:
            with storage.open(old_name, "rb") as stored:
                data = stored.read()
        except (FileNotFoundError, OSError):
            return "missing"
        instance = model._default_manager.get(pk=pk)
        image = getattr(instance, field.name)
        try:
            image.save("upload", ContentFile(data), save=False)  # the one rule, config/images.py
        except ValidationError:
            return "refused"
        new_name = image.name
        with transaction.atomic():
            updated = model._default_manager.filter(pk=pk, **{field.name: old_name}).update(
                **{field.name: new_name}
            )
            history = getattr(model, "history", None)
            if updated and history is not None:
                history.model._default_manager.filter(**{field.name: old_name}).update(
                    **{field.name: new_name}
                )
        if not updated:  # the row changed meanwhile: keep what it has now
            image.delete(save=False)
            return "already"
        storage.delete(old_name)
        if is_clean_name(old_name):  # a clean name whose sizes were incomplete
            for variant in VARIANTS:
                storage.delete(variant_name(old_name, variant))
        return "cleaned"
