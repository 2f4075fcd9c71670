from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = _("Certificates")

    def ready(self):
        # The admin registry is complete here (django.contrib.admin autodiscovers first): put
        # the certificates at a glance on each business's admin page without umkm importing us.
        from certifications.admin import attach_to_business_admin

        attach_to_business_admin()
