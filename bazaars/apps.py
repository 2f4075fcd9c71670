from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BazaarsConfig(AppConfig):
    name = "bazaars"
    verbose_name = _("Bazaars")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from bazaars import models
        from bazaars.cache import bump_public_version
        from umkm.models import Business

        def invalidate(sender, **kwargs):
            bump_public_version()

        for model in (
            models.Venue,
            models.Bazaar,
            models.BazaarDay,
            models.Booth,
            models.Participation,
            Business,
        ):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"bazaars-cache-{model}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"bazaars-cache-d-{model}")
