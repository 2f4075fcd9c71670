from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CACHED_MODELS = (
    "bazaars.Venue",
    "bazaars.Bazaar",
    "bazaars.BazaarDay",
    "bazaars.Booth",
    "bazaars.Participation",
    "umkm.Business",
    # The directory's choices and counts (bazaars.selectors.directory._directory_facts), and the
    # sector and area names every public page prints.
    "umkm.Sector",
    "umkm.Kecamatan",
    "umkm.Kelurahan",
)


def invalidate_public_pages(sender, **kwargs):
    """Any save or delete of what a public page shows invalidates every cached public page.

    A module-level function connected with weak=False: a receiver defined inside ready() is
    held only weakly by the signal, and once garbage-collected the cache is never invalidated
    (a withdrawn consent stayed public for the cache's hour)."""
    from bazaars.cache import bump_public_version

    bump_public_version()


class BazaarsConfig(AppConfig):
    name = "bazaars"
    verbose_name = _("Bazaars")

    def ready(self):
        from django.apps import apps
        from django.core import checks
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from bazaars.cache import forget_replays
        from bazaars.share_cards import forget_business_cards
        from config.site import check_site_url
        from umkm.signals import public_listing_withdrawn

        public_listing_withdrawn.connect(
            forget_business_cards, weak=False, dispatch_uid="bazaars-forget-business-cards"
        )

        checks.register(check_site_url, checks.Tags.security, deploy=True)
        setting_changed.connect(forget_replays, weak=False, dispatch_uid="bazaars-replays")

        for label in CACHED_MODELS:
            model = apps.get_model(label)
            for signal, kind in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    invalidate_public_pages,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"bazaars-cache-{kind}-{label}",
                )
