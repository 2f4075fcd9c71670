from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = _("Mentors")

    def ready(self):
        from config.access import Desk, register_desk
        from mentors import permissions, views
        from mentors.admin import attach_to_business_admin

        attach_to_business_admin()

        register_desk(
            Desk(namespace="mentors", allows=permissions.may_use_desk, refuse=views.desk_refuse)
        )
