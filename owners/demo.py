"""Demo data of the owners' desk (make run): generated photos for a share of the listed
businesses, a bazaar open for online applications, owners who can sign in (their codes appear
on the console where the server runs: NOTIFY_SMS_BACKEND=console), a few pending edits."""

import datetime
import io
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bazaars.models import Bazaar, Venue
from config.actors import SYSTEM
from owners.models import NotificationPreference, ProfileEdit, ReviewStatus
from owners.signin import account_for
from umkm.models import Business

OPEN_BAZAAR_SLUG = "bazar-daftar-daring"
PHOTO_SHARE = 0.3  # of the listed businesses shown on the first pages
PHOTOS_AT_MOST = 120
PALETTE = [(14, 93, 80), (170, 64, 44), (46, 82, 150), (128, 84, 20), (96, 46, 120)]


def photo_bytes(rnd: random.Random, name: str) -> bytes:
    """A product-stall picture drawn with Pillow: a coloured ground, an awning, the initials."""
    from PIL import Image, ImageDraw, ImageFont

    colour = rnd.choice(PALETTE)
    image = Image.new("RGB", (1200, 900), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 1200, 120):  # the stall's striped awning
        draw.rectangle([i, 0, i + 60, 160], fill=(250, 245, 235))
    for _ in range(9):  # goods on the table
        x, y, r = rnd.randint(120, 1080), rnd.randint(450, 760), rnd.randint(40, 90)
        shade = tuple(min(255, c + rnd.randint(40, 120)) for c in colour)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=shade)
    draw.rectangle([0, 780, 1200, 900], fill=(60, 40, 25))
    initials = "".join(w[0] for w in name.split()[:2]).upper() or "U"
    draw.text((80, 220), initials, font=ImageFont.load_default(size=180), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def seed(*, businesses: int, seed: int, stdout, if_empty: bool = False) -> None:
    rnd = random.Random(seed)  # noqa: S311  (demo data, repeatable)
    if Bazaar.objects.filter(slug=OPEN_BAZAAR_SLUG).exists():
        stdout.write("  owners' demo already there")
        return
    _photos(rnd, stdout)
    _open_bazaar(stdout)
    _owners(rnd, stdout)


def _photos(rnd, stdout) -> None:
    listed = list(
        Business.objects.listed_publicly().filter(photo="").order_by("id")[: PHOTOS_AT_MOST * 3]
    )
    chosen = [b for b in listed if rnd.random() < PHOTO_SHARE][:PHOTOS_AT_MOST]
    for business in chosen:
        business.photo.save("foto.jpg", ContentFile(photo_bytes(rnd, business.name)), save=False)
        Business.objects.filter(pk=business.pk).update(photo=business.photo.name)
    stdout.write(f"  {len(chosen)} business photos drawn")


def _open_bazaar(stdout) -> None:
    from bazaars import services

    today = timezone.localdate()
    start = today + datetime.timedelta(days=30)
    venue = Venue.objects.order_by("id").first()
    if venue is None:
        return
    services.bazaar_create(
        actor=SYSTEM,
        title="Bazar UMKM Daftar Daring",
        slug=OPEN_BAZAAR_SLUG,
        venue=venue,
        organiser="Sudin PPKUKM Jakarta Barat",
        booth_count=30,
        days=[
            (start + datetime.timedelta(days=i), datetime.time(9), datetime.time(21))
            for i in (0, 1)
        ],
        publish=True,
        applications_open=today - datetime.timedelta(days=1),
        applications_close=today + datetime.timedelta(days=21),
        description="Pendaftaran daring untuk pemilik usaha: masuk di /usaha-saya/ lalu Daftar.",
    )
    stdout.write(f"  bazaar open for online applications: /bazar/{OPEN_BAZAAR_SLUG}/")


def _owners(rnd, stdout) -> None:
    from bazaars.eligibility import eligible_businesses

    shown = list(
        eligible_businesses(Business.objects.listed_publicly())
        .exclude(owner__phone="")
        .select_related("owner")
        .order_by("id")[:5]
    )
    for i, business in enumerate(shown):
        with transaction.atomic():
            account = account_for(business.owner)
            NotificationPreference.objects.get_or_create(account=account, defaults={"sms": True})
            if i < 3:
                ProfileEdit.objects.filter(business=business, status=ReviewStatus.PENDING).delete()
                ProfileEdit.objects.create(
                    business=business,
                    submitted_by=account.user,
                    proposed={
                        "description": f"{business.name}: dibuat sendiri setiap hari.",
                        "products": business.products,
                        "opening_hours": "Senin-Sabtu 08.00-17.00",
                        "links": {"instagram": f"https://www.instagram.com/{business.slug[:28]}"},
                    },
                )
        stdout.write(
            f"  demo owner: sign in at /usaha-saya/masuk/ with {business.owner.phone} "
            f"({business.name}); the code is printed on this console"
        )
