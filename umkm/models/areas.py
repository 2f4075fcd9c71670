"""Areas (Kemendagri codes), sectors and the 7P stages: the register's reference data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    """A kota/kabupaten administrasi, e.g. 31.73 Kota Administrasi Jakarta Barat."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}$"), name="city_code_format"
            ),
        ]

    def __str__(self):
        return self.name


class Kecamatan(models.Model):
    """A district (kecamatan), e.g. 31.73.02 Grogol Petamburan."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="kecamatan", verbose_name=_("city")
    )

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}\.\d{2}$"),
                name="kecamatan_code_format",
            ),
        ]

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    """A village (kelurahan), e.g. 31.73.02.1002, with its postal code."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        related_name="kelurahan",
        verbose_name=_("kecamatan"),
    )
    postal_code = models.CharField(_("postal code"), max_length=5)

    class Meta:
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
                name="kelurahan_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(postal_code__regex=r"^\d{5}$"),
                name="kelurahan_postal_code_format",
            ),
        ]

    def __str__(self):
        return self.name


class Sector(models.Model):
    """Business sector (Kuliner, Fesyen, ...). `is_food` drives the food-certificate rules."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_food = models.BooleanField(_("food sector"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """One of JakPreneur's 7P stages. The order is data: sources disagree on stages 2 and 3."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("7P stage")
        verbose_name_plural = _("7P stages")
        ordering = ["order"]
        constraints = [
            # Deferred so that staff can swap two stages' order in one save.
            models.UniqueConstraint(
                fields=["order"], name="stage_order_unique", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"
