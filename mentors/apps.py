from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = _("Mentors")

    def ready(self):
        from bazaars import flags
        from config.access import Desk, register_desk
        from mentors import permissions, selectors, views
        from mentors.admin import attach_to_business_admin

        attach_to_business_admin()
        # "Wants a bazaar" in a monthly report: shown where staff choose a bazaar's participants.
        flags.register(
            flags.Flag(
                key="mentors.wants_bazaar",
                label=_("Wants a bazaar (mentor's report)"),
                flagged=selectors.wants_bazaar,
                business_ids=selectors.wants_bazaar_business_ids,
            )
        )

        register_desk(
            Desk(namespace="mentors", allows=permissions.may_use_desk, refuse=views.desk_refuse)
        )
