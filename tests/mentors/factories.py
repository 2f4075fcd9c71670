"""Mentors for tests: a mentor with their (non-staff) account, assignments through the service."""

import datetime

from django.utils import timezone

from config.actors import SYSTEM
from mentors import services
from mentors.models import Mentor
from tests.client import ProductionClient
from tests.factories import BusinessFactory, kelurahan
from umkm.models import Kecamatan

_count = [0]


def mentor(kecamatan_code: str = "31.73.02", **kwargs) -> Mentor:
    _count[0] += 1
    n = _count[0]
    return services.mentor_create(
        actor=SYSTEM,
        username=kwargs.pop("username", f"pendamping-uji-{n}"),
        full_name=kwargs.pop("full_name", f"Pendamping Uji {n}"),
        phone=kwargs.pop("phone", f"+62813{n:08d}"),
        email=kwargs.pop("email", f"pendamping{n}@example.org"),
        kecamatan=[Kecamatan.objects.get(code=kecamatan_code)],
        password="kata-sandi-uji-123",
        **kwargs,
    )


def assigned_business(m: Mentor, *, start: datetime.date | None = None, **kwargs):
    code = next(iter(m.kecamatan.values_list("code", flat=True)))
    business = BusinessFactory(
        kelurahan=kwargs.pop("kelurahan", kelurahan(f"{code}.1001")), **kwargs
    )
    services.assignment_set(
        actor=SYSTEM,
        business=business,
        mentor=m,
        start=start or timezone.localdate() - datetime.timedelta(days=90),
    )
    return business


def desk_client(m: Mentor) -> ProductionClient:
    """Signed in as the mentor, with the second factor verified (OTP_REQUIRED is on)."""
    client = ProductionClient()
    client.force_login(m.user)
    client._verify_second_factor(m.user)
    return client
