"""What a business shows of itself beyond its register entry: links to where it sells, and
more photos. Both appear on public pages only while the business consents to a public listing;
the owner edits them through the owners' review queue, staff in admin."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.images import PublicImageField
from umkm.models.register import Business

# Hosts each kind of link may point at (a link to anywhere else is refused): the page renders
# them with rel="nofollow noopener", so they are the business's own shop windows, not adverts.
LINK_HOSTS: dict[str, tuple[str, ...]] = {
    "instagram": ("instagram.com",),
    "facebook": ("facebook.com", "fb.com"),
    "tiktok": ("tiktok.com",),
    "tokopedia": ("tokopedia.com", "tokopedia.link"),
    "shopee": ("shopee.co.id", "shope.ee"),
    "gofood": ("gofood.co.id", "gojek.com", "gofood.link"),
    "grabfood": ("grab.com", "food.grab.com"),
    "website": (),  # any https host
}


class LinkKind(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    TOKOPEDIA = "tokopedia", "Tokopedia"
    SHOPEE = "shopee", "Shopee"
    GOFOOD = "gofood", "GoFood"
    GRABFOOD = "grabfood", "GrabFood"
    WEBSITE = "website", _("Website")


def validate_link(kind: str, url: str) -> None:
    """An https address on a host that belongs to the kind of link (any host for a website)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(_("The link must start with https://."), code="link_scheme")
    if parts.username or parts.password:
        raise ValidationError(_("The link must not contain a user name."), code="link_userinfo")
    hosts = LINK_HOSTS.get(kind, ())
    host = parts.hostname.lower()
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        raise ValidationError(
            _("A %(kind)s link must point at %(hosts)s."),
            code="link_host",
            params={"kind": LinkKind(kind).label, "hosts": ", ".join(hosts)},
        )


class BusinessLink(models.Model):
    """Where to find or buy from a business online: one link per kind."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="links", verbose_name=_("business")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LinkKind.choices)
    url = models.URLField(_("address"), max_length=300)

    class Meta:
        verbose_name = _("business link")
        verbose_name_plural = _("business links")
        ordering = ["business", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["business", "kind"], name="business_link_once"),
            models.CheckConstraint(
                condition=models.Q(url__startswith="https://"), name="business_link_https"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.url}"

    def clean(self):
        if self.url:
            try:
                validate_link(self.kind, self.url)
            except ValidationError as error:
                raise ValidationError({"url": error.messages}) from error


class BusinessPhoto(models.Model):
    """A further photo of a business (the main one is Business.photo), re-encoded on upload."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="photos", verbose_name=_("business")
    )
    image = PublicImageField(_("photo"), upload_to="umkm/%Y/")
    caption = models.CharField(_("caption"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("business photo")
        verbose_name_plural = _("business photos")
        ordering = ["business", "position", "id"]

    def __str__(self):
        return self.caption or f"{self.business} #{self.position}"
