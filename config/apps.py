from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin, with the portal's admin site as `admin.site`, so that every app's
    `admin.site.register` lands on the site that enforces two-factor sign-in."""

    default_site = "config.admin.PortalAdminSite"

    def ready(self):
        super().ready()
        from config import storage_checks  # noqa: F401  (registers the deploy checks)
