from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin, with the portal's admin site as `admin.site`, so that every app's
    `admin.site.register` lands on the site that enforces two-factor sign-in."""

    default_site = "config.admin.PortalAdminSite"

    def ready(self):
        super().ready()
        from config import storage_checks  # noqa: F401  (registers the deploy checks)

        _translate_boolean_icons()


def _translate_boolean_icons():
    """Django draws a list's and a read-only field's yes/no icon as <img alt="True">, in
    English whatever the language (admin_list._boolean_icon writes the Python value). Every
    caller looks the function up in that module when it draws, so replacing it there gives
    every icon a translated alt ("Ya", "Tidak", "Tidak diketahui")."""
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    def boolean_icon(field_val):
        icon, text = {
            True: ("yes", gettext("Yes")),
            False: ("no", gettext("No")),
            None: ("unknown", gettext("Unknown")),
        }[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)

    admin_list._boolean_icon = boolean_icon
