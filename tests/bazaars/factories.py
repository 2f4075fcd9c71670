"""Factories for bazaars, built on the register's (tests/factories.py)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from bazaars import services
from bazaars.models import Venue
from config.actors import SYSTEM
from tests.factories import BusinessFactory, EnrolmentFactory, kelurahan


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Taman Kota Intan {n}")
    address = "Jl. Kembangan Raya No. 2"
    kelurahan = factory.LazyFunction(kelurahan)
    latitude = "-6.168300"
    longitude = "106.758900"


def bazaar(
    *,
    title: str = "Bazar UMKM Jakarta Barat",
    booths: int = 3,
    days: list[datetime.date] | None = None,
    publish: bool = True,
    venue: Venue | None = None,
    **kwargs,
):
    days = days or [datetime.date(2023, 9, 25), datetime.date(2023, 9, 26)]
    return services.bazaar_create(
        actor=SYSTEM,
        title=title,
        venue=venue or VenueFactory(),
        organiser="Sudin PPKUKM Jakarta Barat",
        booth_count=booths,
        days=[(d, datetime.time(9), datetime.time(21)) for d in days],
        publish=publish,
        **kwargs,
    )


def eligible_business(**kwargs):
    """An aktif business that passed a training."""
    business = BusinessFactory(**kwargs)
    EnrolmentFactory(business=business, owner=business.owner)
    return business


def public_business(**kwargs):
    import django.utils.timezone

    kwargs.setdefault("public_consent", True)
    kwargs.setdefault("public_consent_at", django.utils.timezone.now())
    return eligible_business(**kwargs)


def accepted(bazaar_obj, business=None, **kwargs):
    business = business or eligible_business(**kwargs)
    return services.participants_accept(actor=SYSTEM, bazaar=bazaar_obj, businesses=[business])[0]
