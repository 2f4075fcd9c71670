"""The bazaar demo seeder, on whatever businesses the register holds."""

import io

import pytest
from django.conf import settings
from django.utils import timezone

from bazaars import demo
from bazaars.models import Attendance, Bazaar, DailySales, ParticipationStatus
from tests.bazaars.factories import eligible_business

pytestmark = pytest.mark.django_db


def test_demo_seeder_runs_after_the_register_seeder():
    seeders = settings.DEMO_SEEDERS
    assert seeders.index("bazaars.demo.seed") > seeders.index("umkm.demo.seed_register")


def test_demo_builds_the_2023_bazaars_and_an_upcoming_one(client):
    from_register = [eligible_business(name=f"Usaha Register {n}") for n in range(10)]
    out = io.StringIO()
    demo.seed(businesses=3000, seed=2023, stdout=out)
    april = Bazaar.objects.get(slug="bazar-umkm-jakarta-barat-april-2023")
    september = Bazaar.objects.get(slug="bazar-umkm-jakarta-barat-september-2023")
    assert (september.start_date.isoformat(), september.end_date.isoformat()) == (
        "2023-09-25",
        "2023-09-26",
    )
    assert april.start_date.month == 4
    for bazaar in (april, september):
        participations = bazaar.participations.accepted()
        assert participations.count() == 30
        sectors = set(participations.values_list("business__sector__code", flat=True))
        assert {"kuliner", "fesyen", "kerajinan-tangan", "parfum"} <= sectors
        assert Attendance.objects.filter(participation__bazaar=bazaar).count() > 45
        assert DailySales.objects.filter(participation__bazaar=bazaar, omzet__gt=0).count() > 45
    used = set(
        Bazaar.objects.filter(pk__in=[april.pk, september.pk]).values_list(
            "participations__business_id", flat=True
        )
    )
    assert used & {b.pk for b in from_register}  # the register's businesses are used
    upcoming = Bazaar.objects.exclude(pk__in=[april.pk, september.pk]).get()
    assert upcoming.start_date > timezone.localdate()
    assert upcoming.is_open_for_applications
    assert upcoming.participations.filter(status=ParticipationStatus.APPLIED).exists()
    assert client.get(f"/bazar/{september.slug}/").status_code == 200
    demo.seed(businesses=3000, seed=2023, stdout=out)  # a second run adds nothing
    assert Bazaar.objects.count() == 3
