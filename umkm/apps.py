from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using="default", **kwargs):
    from umkm.roles import sync_roles

    sync_roles(using=using)


class UmkmConfig(AppConfig):
    name = "umkm"
    verbose_name = _("UMKM register")

    def ready(self):
        # After every migrate, so that permissions of apps added later join their roles.
        post_migrate.connect(_sync_roles, dispatch_uid="umkm.sync_roles")

        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from umkm import sessions

        user_logged_in.connect(sessions.mark_sign_in, dispatch_uid="umkm.mark_sign_in")
        pre_save.connect(
            sessions.end_sessions_when_deactivated,
            sender=get_user_model(),
            dispatch_uid="umkm.end_sessions_when_deactivated",
        )
