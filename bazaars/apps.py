from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BazaarsConfig(AppConfig):
    name = "bazaars"
    verbose_name = _("Bazaars")
