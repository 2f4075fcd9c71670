from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def allows(user) -> bool:
    from owners.permissions import is_owner

    return is_owner(user)


def refuse(request):
    """Not signed in as an owner (a visitor, or a staff session): the owners' sign-in page,
    then back here. Any other signed-in user: 403."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    user = request.user
    if not user.is_authenticated or user.is_staff:
        return redirect_to_login(request.get_full_path(), "owners:signin")
    raise PermissionDenied


class OwnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "owners"
    verbose_name = _("Business owners")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from bazaars.models import Participation
        from certifications.models import CaseTransition
        from config.access import Desk, register_desk
        from owners import reminders

        register_desk(Desk(namespace="owners", allows=allows, refuse=refuse))
        pre_save.connect(
            reminders.remember_status, sender=Participation, dispatch_uid="owners-participation-pre"
        )
        post_save.connect(
            reminders.participation_changed,
            sender=Participation,
            dispatch_uid="owners-participation-post",
        )
        post_save.connect(
            reminders.case_changed, sender=CaseTransition, dispatch_uid="owners-case-post"
        )
