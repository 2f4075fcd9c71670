"""Bazaars in Django admin. Thin: every decision goes through bazaars.services, every queryset
through umkm.permissions (an Operator Kecamatan sees and changes only the participations of
businesses of its kecamatan)."""

from bazaars.admin import bazaars, participations  # noqa: F401
